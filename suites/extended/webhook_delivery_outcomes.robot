*** Settings ***
Documentation     How each receiver answer is classified (contract §9): any 2xx is delivered, 408 and 429
...               are retried, a 3xx is a permanent failure after one attempt (redirects are not followed).
...               The receiver answers the status once, then 204; the history lists every attempt.

Resource          resources/webhooks.resource
Resource          resources/webhook_delivery_checks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite
Test Template     A Receiver Answering This Status First Should Get These Attempts

Test Tags         extended    webhooks    webhooks-api


*** Test Cases ***    STATUS    ATTEMPTS
Receiver Answering 202 Gets One Attempt Recorded As Delivered
    [Tags]    behaviour:WH-31
                      202       delivered:202
Receiver Answering 302 Gets One Attempt Recorded As A Permanent Failure
    [Tags]    behaviour:WH-36
                      302       permanent_failure:302
Receiver Answering 408 Is Retried Until It Answers 2xx
    [Tags]    slow    behaviour:WH-33
                      408       retryable_failure:408    delivered:204
Receiver Answering 429 Is Retried Until It Answers 2xx
    [Tags]    slow    behaviour:WH-33
                      429       retryable_failure:429    delivered:204
