*** Settings ***
Documentation     The /api/webhooks management API (contract §9): a new endpoint is answered with its definition,
...               GET shows every setting as stored, PUT is a full replace, DELETE removes the endpoint, and the
...               read-only delivery counters follow the deliveries. Newest Bifrost builds only: older builds (404
...               on /api/webhooks) and a declared endpoint (BIFROST_WEBHOOK_NAME) skip with the reason.

Resource          resources/webhooks.resource
Resource          resources/webhook_api_requests.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         webhooks    webhooks-api


*** Test Cases ***
New Endpoint Is Answered With Its Definition And A Signing Secret
    [Tags]    behaviour:WH-50
    A New Endpoint Should Be Answered With Its Definition

Endpoint Shows Every Setting It Was Created With
    [Tags]    behaviour:WH-68
    An Endpoint Should Show Every Setting It Was Created With

Full Replace Resets The Settings It Leaves Out
    [Tags]    behaviour:WH-69
    A Full Replace Should Reset The Settings It Leaves Out

Deleted Endpoint Answers 200 And Is No Longer Listed
    [Tags]    behaviour:WH-71
    A Deleted Endpoint Should Be Gone

Endpoint Shows Its Delivery Counters
    [Tags]    behaviour:WH-85
    An Endpoint Should Show Its Delivery Counters

Delivery Counters Cannot Be Set By The Client
    [Tags]    behaviour:WH-86
    Delivery Counters Given At Create Should Not Be Taken

Endpoint Records Its Last Success After A Delivery
    [Tags]    behaviour:WH-87
    A Delivery Should Show In The Endpoint Counters

Endpoint Counts A Failed Delivery Attempt
    [Tags]    behaviour:WH-88
    A Failed Attempt Should Show In The Endpoint Counters


*** Keywords ***
A New Endpoint Should Be Answered With Its Definition
    [Documentation]    The create answers 201 with a whsec_ secret and the endpoint: its id, name, url, events,
    ...    custom header names and settings as sent.
    ${endpoint}=    Create Webhook Endpoint With    custom_header=${True}
    ${shown}=    Endpoint In Answer    ${endpoint.response}
    Shown Endpoint Should Match The Definition    ${shown}    ${endpoint}

An Endpoint Should Show Every Setting It Was Created With
    [Documentation]    GET /api/webhooks/{id} answers 200 with the endpoint, each knob as it was created (none of
    ...    them at its default).
    ${endpoint}=    Create Webhook Endpoint With    custom_header=${True}    include_response=${True}
    ...    max_response_payload_kbs=${64}    max_concurrent_deliveries=${3}
    ${shown}=    Shown Webhook Endpoint    ${endpoint}
    Shown Endpoint Should Match The Definition    ${shown}    ${endpoint}

A Full Replace Should Reset The Settings It Leaves Out
    [Documentation]    PUT replaces the whole definition: include_response, left out of the body, goes back to false.
    ${endpoint}=    Create Webhook Endpoint With    include_response=${True}
    ${response}=    Replace Webhook Endpoint    ${endpoint}    leave_out=include_response
    Response Status Should Be    ${response}    200
    ${shown}=    Shown Webhook Endpoint    ${endpoint}
    Should Be Equal    ${shown}[include_response]    ${False}
    ...    msg=include_response is ${shown}[include_response] after a PUT that left it out (a full replace)

A Deleted Endpoint Should Be Gone
    [Documentation]    DELETE answers 200, and a search for the endpoint's name lists nothing any more.
    ${endpoint}=    Create Webhook Endpoint
    ${response}=    Delete Webhook Endpoint    ${endpoint}
    Response Status Should Be    ${response}    200
    Listing Should Show Only    search=${endpoint.name}

An Endpoint Should Show Its Delivery Counters
    [Documentation]    GET shows consecutive_failures, last_failure_at and last_success_at.
    ${endpoint}=    Create Webhook Endpoint
    ${shown}=    Shown Webhook Endpoint    ${endpoint}
    FOR    ${counter}    IN    @{COUNTERS}
        Dictionary Should Contain Key    ${shown}    ${counter}    msg=the endpoint is shown without ${counter}
    END

Delivery Counters Given At Create Should Not Be Taken
    [Documentation]    A create body that sets consecutive_failures is refused (400) or created with the counter
    ...    untouched (0): the counters are read-only.
    ${endpoint}=    New Webhook Endpoint
    Set To Dictionary    ${endpoint.spec}    consecutive_failures=${7}
    ${response}=    Post Webhook Endpoint    ${endpoint}
    Response Status Should Be    ${response}    201    400
    IF    $response.status_code == 201
        Webhook Endpoint Should Be Created    ${endpoint}    ${response}
        ${shown}=    Shown Webhook Endpoint    ${endpoint}
        Should Be Equal As Integers    ${shown}[consecutive_failures]    0
        ...    msg=consecutive_failures is ${shown}[consecutive_failures]: the create body set a read-only counter
    END

A Delivery Should Show In The Endpoint Counters
    [Documentation]    Once a notification is delivered and in the history, the endpoint shows last_success_at
    ...    and no consecutive failure.
    ${endpoint}=    Create Webhook Endpoint
    First History Row Of    ${endpoint}
    Wait Until Keyword Succeeds    ${BIFROST_POLL_TIMEOUT}    0.2    Counters Should Show A Success    ${endpoint}

A Failed Attempt Should Show In The Endpoint Counters
    [Documentation]    A receiver answering 404 (one attempt, a permanent failure): once it is in the history, the
    ...    endpoint shows last_failure_at and at least one consecutive failure.
    ${endpoint}=    Create Webhook Endpoint
    Receiver Should Always Answer    ${endpoint}    404
    ${job}=    Submit Accepted Chat Job    webhook=${endpoint}
    Wait For Notification Attempts    ${job}    1
    Wait For The Deliveries History Of    ${endpoint}    ${job}    1
    Wait Until Keyword Succeeds    ${BIFROST_POLL_TIMEOUT}    0.2    Counters Should Show A Failure    ${endpoint}
