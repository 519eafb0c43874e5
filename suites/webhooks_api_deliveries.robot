*** Settings ***
Documentation     The deliveries side of the /api/webhooks management API (contract §9): the deliveries history and
...               its rows, redeliver, the test fire and its sample, and an endpoint disabled or deleted between two
...               attempts of a notification.

Resource          resources/webhooks.resource
Resource          resources/webhook_api_requests.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         webhooks    webhooks-api


*** Test Cases ***
Deliveries History Rows Carry Every Field
    [Tags]    behaviour:WH-72
    A Deliveries History Row Should Carry Every Field

Deliveries History Reports Its Total Count
    [Tags]    behaviour:WH-73
    The Deliveries History Should Report Its Total Count

Deliveries History Row Names Its Endpoint, Job, Event And Webhook Id
    [Tags]    behaviour:WH-75
    A Deliveries History Row Should Name What Was Delivered

Redelivery Numbers Its Attempts From 1 Again
    [Tags]    behaviour:WH-77
    A Redelivery Should Number Its Attempts From 1

Redelivery To A Disabled Endpoint Is Refused With 400
    [Tags]    behaviour:WH-78
    A Redelivery To A Disabled Endpoint Should Be Refused

Test Notification Carries The Event It Was Asked For
    [Tags]    behaviour:WH-82
    A Test Notification Should Carry The Event Asked For

Test Notification Of An Event The Endpoint Is Not Subscribed To Is Refused With 400
    [Tags]    behaviour:WH-83
    A Test Notification Of An Unsubscribed Event Should Be Refused

Test Notification To A Disabled Endpoint Is Refused With 400
    [Tags]    behaviour:WH-84
    A Test Notification To A Disabled Endpoint Should Be Refused

Test Notification Sample Has A Test- Job Id
    [Tags]    behaviour:WH-89
    A Test Notification Sample Should Have A Test Job Id

Test Notification Sample Is A Chat Job
    [Tags]    behaviour:WH-90
    A Test Notification Sample Should Be A Chat Job

Completed Test Notification Sample Carries Status Code 200
    [Tags]    behaviour:WH-91
    A Test Notification Sample Should Carry The Status Code    async_job.completed    200

Failed Test Notification Sample Carries Status Code 500
    [Tags]    behaviour:WH-91
    A Test Notification Sample Should Carry The Status Code    async_job.failed    500

Endpoint Disabled Before A Retry Gets No Further Call
    [Tags]    slow    behaviour:WH-92
    An Endpoint Disabled Before A Retry Should Get No Further Call

Endpoint Deleted Before A Retry Gets No Further Call
    [Tags]    slow    behaviour:WH-93
    An Endpoint Deleted Before A Retry Should Get No Further Call


*** Keywords ***
A Deliveries History Row Should Carry Every Field
    [Documentation]    The row of a delivered notification has id, webhook_id, endpoint_id, async_job_id,
    ...    request_id, event, attempt_no, outcome, status_code, error, created_at and expires_at.
    ${endpoint}=    Create Webhook Endpoint
    ${_}    ${_}    ${row}=    First History Row Of    ${endpoint}
    FOR    ${field}    IN    @{HISTORY_ROW_FIELDS}
        Dictionary Should Contain Key    ${row}    ${field}    msg=the deliveries history row has no ${field}
    END

The Deliveries History Should Report Its Total Count
    [Documentation]    The history of an endpoint with one delivery answers pagination.total_count 1.
    ${endpoint}=    Create Webhook Endpoint
    First History Row Of    ${endpoint}
    ${response}=    Deliveries History Answer Of    ${endpoint}
    VAR    ${body}=    ${response.json()}
    Dictionary Should Contain Key    ${body}    pagination    msg=the deliveries history answers without pagination
    Dictionary Should Contain Key    ${body}[pagination]    total_count
    ...    msg=the deliveries history's pagination has no total_count
    Should Be Equal As Integers    ${body}[pagination][total_count]    1
    ...    msg=pagination.total_count is ${body}[pagination][total_count] for one delivery

A Deliveries History Row Should Name What Was Delivered
    [Documentation]    The row of a delivered notification names the endpoint's id, the job's id, the notified
    ...    event and the webhook-id the receiver got.
    ${endpoint}=    Create Webhook Endpoint
    ${job}    ${notification}    ${row}=    First History Row Of    ${endpoint}
    Should Be Equal    ${row}[endpoint_id]    ${endpoint.id}    msg=the row's endpoint_id is not ${endpoint}
    Should Be Equal    ${row}[async_job_id]    ${job.id}    msg=the row's async_job_id is not the job's id
    Should Be Equal    ${row}[event]    ${notification.event}    msg=the row's event is not the notified event
    Should Be Equal    ${row}[webhook_id]    ${notification.webhook_id}
    ...    msg=the row's webhook_id ${row}[webhook_id] is not the webhook-id sent (${notification.webhook_id})

A Redelivery Should Number Its Attempts From 1
    [Documentation]    Redeliver of a delivered notification answers 202; the history then lists two attempts of
    ...    the job, both attempt_no 1.
    ${endpoint}=    Create Webhook Endpoint
    ${job}    ${_}    ${row}=    First History Row Of    ${endpoint}
    ${response}=    Redeliver    ${row}
    Response Status Should Be    ${response}    202
    ${rows}=    Wait For The Deliveries History Of    ${endpoint}    ${job}    2
    Row Values Should Be    ${rows}    attempt_no    ${1}    ${1}

A Redelivery To A Disabled Endpoint Should Be Refused
    [Documentation]    Once the endpoint is disabled, redeliver of its recorded attempt answers 400.
    ${endpoint}=    Create Webhook Endpoint
    ${_}    ${_}    ${row}=    First History Row Of    ${endpoint}
    Disable Webhook Endpoint    ${endpoint}
    ${response}=    Redeliver    ${row}
    Response Status Should Be    ${response}    400

A Test Notification Should Carry The Event Asked For
    [Documentation]    A test fire of async_job.failed sends a sample whose event and X-Bifrost-Event say so.
    ${endpoint}=    Create Webhook Endpoint
    ${sample}=    Send A Test Notification    ${endpoint}    async_job.failed
    Should Be Equal    ${sample.event}    async_job.failed    msg=the test sample's event is ${sample.event}
    Should Be Equal    ${sample.headers}[x-bifrost-event]    async_job.failed
    ...    msg=the test sample's X-Bifrost-Event is ${sample.headers}[x-bifrost-event]

A Test Notification Of An Unsubscribed Event Should Be Refused
    [Documentation]    An endpoint subscribed to async_job.failed only: a test fire of async_job.completed is 400.
    ${endpoint}=    Create Webhook Endpoint    events=failed
    ${response}=    Fire A Test Event    ${endpoint}    async_job.completed
    Response Status Should Be    ${response}    400

A Test Notification To A Disabled Endpoint Should Be Refused
    [Documentation]    A disabled endpoint subscribed to both events: a test fire of async_job.completed is 400.
    ${endpoint}=    Create Webhook Endpoint    disabled=${True}
    ${response}=    Fire A Test Event    ${endpoint}    async_job.completed
    Response Status Should Be    ${response}    400

A Test Notification Sample Should Have A Test Job Id
    [Documentation]    The test sample's data.job_id is "test-" followed by a UUID.
    ${endpoint}=    Create Webhook Endpoint
    ${sample}=    Send A Test Notification    ${endpoint}    async_job.completed
    Should Match Regexp    ${sample.data}[job_id]    ^test-${UUID_PATTERN}$
    ...    msg=the test sample's job_id ${sample.data}[job_id] is not test-<uuid>

A Test Notification Sample Should Be A Chat Job
    [Documentation]    The test sample's data.request_type is a chat request type.
    ${endpoint}=    Create Webhook Endpoint
    ${sample}=    Send A Test Notification    ${endpoint}    async_job.completed
    Should Contain    ${sample.data}[request_type]    chat
    ...    msg=the test sample's request_type ${sample.data}[request_type] is not chat

A Test Notification Sample Should Carry The Status Code
    [Documentation]    The test sample of ``event`` carries data.status_code ``status_code``.
    [Arguments]    ${event}    ${status_code}
    ${endpoint}=    Create Webhook Endpoint
    ${sample}=    Send A Test Notification    ${endpoint}    ${event}
    Should Be Equal As Integers    ${sample.data}[status_code]    ${status_code}
    ...    msg=the ${event} test sample carries status_code ${sample.data}[status_code]

Endpoint Failing Once With A Long Backoff
    [Documentation]    A new endpoint whose retry comes 5 s (±20 %) after a failed first attempt, the receiver
    ...    answering its first notification 500; a job naming it, once that first attempt arrived. Returns both.
    ${endpoint}=    Create Webhook Endpoint With
    ...    retry_backoff_initial_seconds=${5}
    ...    retry_backoff_max_seconds=${10}
    Receiver Should Answer    ${endpoint}    500
    ${job}=    Submit Accepted Chat Job    webhook=${endpoint}
    Wait For Notification Attempts    ${job}    1
    RETURN    ${endpoint}    ${job}

An Endpoint Disabled Before A Retry Should Get No Further Call
    [Documentation]    Disabled after a failed first attempt: the second attempt is recorded as permanent_failure and
    ...    the receiver gets no second call.
    ${endpoint}    ${job}=    Endpoint Failing Once With A Long Backoff
    Disable Webhook Endpoint    ${endpoint}
    ${rows}=    Wait For The Deliveries History Of    ${endpoint}    ${job}    2
    Row Values Should Be    ${rows}    outcome    retryable_failure    permanent_failure
    No Further Attempt Should Arrive For    ${job}    1

An Endpoint Deleted Before A Retry Should Get No Further Call
    [Documentation]    Deleted after a failed first attempt: the receiver gets no second call within the quiet window
    ...    (BIFROST_WEBHOOK_QUIET; against a real gateway, set it above the 6 s backoff plus Bifrost's 5 s
    ...    queue scan).
    ${endpoint}    ${job}=    Endpoint Failing Once With A Long Backoff
    ${response}=    Delete Webhook Endpoint    ${endpoint}
    Response Status Should Be    ${response}    200
    No Further Attempt Should Arrive For    ${job}    1
