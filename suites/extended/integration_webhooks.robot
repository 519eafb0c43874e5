*** Settings ***
Documentation     The x-bf-async-webhook header on the Anthropic Messages integration route (newest Bifrost
...               builds): SubmitJob resolves the endpoint name there too, so an unknown name is refused before a
...               job exists (contract §8, §9). Skips like the webhook suite when the build has no webhook API.

Resource          resources/webhooks.resource
Resource          resources/integration_checks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         extended    webhooks    responses


*** Test Cases ***
Unknown Webhook Name Is Refused On The Anthropic Route
    [Tags]    behaviour:INT-10
    An Unknown Webhook Name Should Be Refused On The Anthropic Route


*** Keywords ***
An Unknown Webhook Name Should Be Refused On The Anthropic Route
    [Documentation]    An async create on the Anthropic route naming no endpoint: 400 "failed to create async
    ...    job", and no job is created.
    ${headers}=    Webhook Headers    ${UNKNOWN_WEBHOOK}
    ${job}=    Create Integration Job    route=anthropic    headers=${headers}
    Response Should Be Refused Without A Job    ${job}    400
    Integration Error Message Should Be    ${job.response}    ${ASYNC_CREATE_FAILED}
