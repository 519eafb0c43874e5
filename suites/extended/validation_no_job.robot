*** Settings ***
Documentation     Validation runs before any job is created: a refused submit names no job, and no job of it
...               ever runs (the webhook endpoint it names is never notified). Needs the webhook API (newest
...               builds); without it the test skips with the reason.

Resource          resources/http.resource
Resource          resources/webhooks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         extended    validation


*** Test Cases ***
Refused Chat Completions Submit Creates No Job
    [Tags]    chat-completions    webhooks-api    behaviour:VAL-03
    A Refused Submit Should Create No Job


*** Keywords ***
A Refused Submit Should Create No Job
    [Documentation]    A chat submit without messages naming a new endpoint answers 400 without a job id;
    ...    then a valid job naming the same endpoint is notified, and the endpoint's deliveries history
    ...    by then lists that job only (a job of the refused submit, submitted first, would be in it).
    ${endpoint}=    Create Webhook Endpoint
    ${headers}=    Webhook Headers    ${endpoint}
    ${refused}=    Submit Job    chat-completions    variant=missing-messages    headers=${headers}
    Response Should Be Refused Without A Job    ${refused}    400
    ${job}    ${_}=    Notify And Wait For The Notification    ${endpoint}
    Wait For The Deliveries History Of    ${endpoint}    ${job}    1
    Deliveries History Should Name Only    ${endpoint}    ${job}

Deliveries History Should Name Only
    [Documentation]    GET /api/webhooks/{id}/deliveries names no job but ``job``.
    [Arguments]    ${endpoint}    ${job}
    ${request}=    Webhook Api Request    GET    /${endpoint.id}/deliveries
    ${response}=    Send Request    ${request}
    Response Status Should Be    ${response}    200
    ${named}=    Evaluate    sorted({str(row.get('async_job_id')) for row in $response.json().get('deliveries') or []})
    Should Be Equal    ${named}    ${{ [$job.id] }}    msg=the endpoint's deliveries name other jobs: ${named}
    ...    values=False
