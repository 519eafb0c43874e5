*** Settings ***
Documentation     The notification payload (contract §9): its top-level fields, a result_url that is the
...               job's relative poll path on its own route, the job's error inlined with include_response,
...               a response over the inline cap left out, and the degraded body once the job has expired.

Resource          resources/webhooks.resource
Resource          resources/webhook_delivery_checks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         extended    webhooks


*** Test Cases ***
Notification Body Has An Event, An RFC 3339 Created At And Data
    [Tags]    behaviour:WH-20
    A Notification Body Should Have An Event, An RFC 3339 Created At And Data

Result Url Of A Chat Completions Job Is Its Relative Poll Path
    [Tags]    behaviour:WH-25
    [Template]    The Result Url Should Be The Relative Poll Path Of The Job
    chat-completions

Result Url Of An Embeddings Job Is Its Relative Poll Path
    [Tags]    embeddings    behaviour:WH-25
    [Template]    The Result Url Should Be The Relative Poll Path Of The Job
    embeddings

Include Response Inlines The Error Of A Failed Job
    [Tags]    webhooks-api    requires-failing-model    behaviour:WH-28
    Include Response Should Inline The Error Of A Failed Job

Response Over The Inline Cap Is Left Out And Flagged
    [Tags]    webhooks-api    embeddings    behaviour:WH-29
    A Response Over The Inline Cap Should Be Left Out And Flagged

Attempt After The Job Expired Carries The Degraded Body
    [Tags]    webhooks-api    slow    behaviour:WH-30
    An Attempt After The Job Expired Should Carry The Degraded Body
