*** Settings ***
Documentation     Retries and their end (contract §9): a transport error is retried, retries end exhausted
...               after max_retries, and an endpoint disabled or deleted before a retry gets no call.

Resource          resources/webhooks.resource
Resource          resources/webhook_delivery_checks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         extended    webhooks    webhooks-api    slow


*** Test Cases ***
Unreachable Receiver Is Retried Until Retries Are Exhausted
    [Tags]    behaviour:WH-34    behaviour:WH-35
    An Unreachable Receiver Should Be Retried Until Retries Are Exhausted

Receiver Answering 500 Every Time Gets Max Retries Plus One Attempts
    [Tags]    behaviour:WH-35
    A Receiver Answering 500 Every Time Should Get Max Retries Plus One Attempts

Endpoint Disabled Before A Retry Gets No Further Attempt
    [Tags]    behaviour:WH-38
    A Disabled Endpoint Should Get No Further Attempt

Endpoint Deleted Before A Retry Gets No Further Attempt
    [Tags]    behaviour:WH-39
    A Deleted Endpoint Should Get No Further Attempt
