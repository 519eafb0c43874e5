*** Settings ***
Documentation     Async webhooks (newest Bifrost builds): a submit names an endpoint in x-bf-async-webhook
...               and, when the job ends, the gateway POSTs a signed (Standard Webhooks) notification to
...               the suite's receiver, retrying failures. Contract §9; Bifrost's own e2e suite has none.
...
...               The suite creates its own endpoints through /api/webhooks, or uses one declared with
...               BIFROST_WEBHOOK_NAME + BIFROST_WEBHOOK_SECRET; without either (older builds answer 404
...               there) every test skips with the reason, or fails with it if BIFROST_EXPECT has webhooks.

Resource          resources/webhooks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         webhooks


*** Test Cases ***
Completed Job Sends One Signed Notification With A Thin Payload
    [Tags]    behaviour:WH-01
    ...       behaviour:WH-08
    ...       behaviour:WH-09
    ...       behaviour:WH-10
    ...       behaviour:WH-13
    ...       behaviour:WH-14
    ...       behaviour:WH-15
    ...       behaviour:WH-18
    ...       behaviour:WH-19
    ...       behaviour:WH-20
    ...       behaviour:WH-21
    ...       behaviour:WH-22
    ...       behaviour:WH-24
    ...       behaviour:WH-26
    ...       behaviour:WH-40
    A Completed Job Should Send One Signed Thin Notification

Failed Job Sends A Failed-Job Notification With Its Status Code
    [Tags]    requires-failing-model
    ...       behaviour:WH-01
    ...       behaviour:WH-09
    ...       behaviour:WH-10
    ...       behaviour:WH-13
    ...       behaviour:WH-14
    ...       behaviour:WH-15
    ...       behaviour:WH-18
    ...       behaviour:WH-19
    ...       behaviour:WH-20
    ...       behaviour:WH-21
    ...       behaviour:WH-22
    ...       behaviour:WH-23
    ...       behaviour:WH-24
    ...       behaviour:WH-26
    ...       behaviour:WH-40
    A Failed Job Should Send A Failed-Job Notification

Include Response Inlines The Job Result
    [Tags]    webhooks-api
    ...       behaviour:WH-01
    ...       behaviour:WH-09
    ...       behaviour:WH-10
    ...       behaviour:WH-15
    ...       behaviour:WH-20
    ...       behaviour:WH-21
    ...       behaviour:WH-22
    ...       behaviour:WH-24
    ...       behaviour:WH-27
    Include Response Should Inline The Result

Receiver Answering 500 Is Retried With The Same Webhook Id Until It Answers 2xx
    [Tags]    webhooks-api
    ...       slow
    ...       behaviour:WH-11
    ...       behaviour:WH-14
    ...       behaviour:WH-18
    ...       behaviour:WH-19
    ...       behaviour:WH-31
    ...       behaviour:WH-32
    ...       behaviour:WH-74
    A Failing Receiver Should Be Retried With The Same Webhook Id

Receiver Answering 404 Gets Exactly One Attempt
    [Tags]    webhooks-api    behaviour:WH-37
    A Receiver Answering 404 Should Get Exactly One Attempt

Tampered Body Or Wrong Secret Fails Signature Verification
    [Tags]    behaviour:WH-01    behaviour:WH-13    behaviour:WH-14    behaviour:WH-18    behaviour:WH-19
    Tampering Should Break The Signature

Rotated Secret Signs The Next Notification
    [Tags]    webhooks-api    behaviour:WH-79    behaviour:WH-80
    A Rotated Secret Should Sign The Next Notification

Unsubscribed Event Sends No Notification
    [Tags]    webhooks-api    behaviour:WH-41    behaviour:WH-42
    An Unsubscribed Event Should Send Nothing

Unknown Webhook Name Is Refused At Submit
    [Tags]    behaviour:WH-04
    An Unknown Webhook Name Should Be Refused At Submit

Unknown Webhook Name Is Refused On The Integration Route
    [Tags]    responses    behaviour:INT-10
    An Unknown Webhook Name Should Be Refused On The Integration Route

Disabled Webhook Endpoint Is Refused At Submit
    [Tags]    webhooks-api    behaviour:WH-05
    A Disabled Webhook Endpoint Should Be Refused At Submit

Job Without The Webhook Header Sends No Notification
    [Tags]    behaviour:WH-03
    A Job Without The Webhook Header Should Send Nothing

Deliveries History Lists Each Attempt With Its Outcome
    [Tags]    webhooks-api    slow    behaviour:WH-31    behaviour:WH-32    behaviour:WH-74
    The Deliveries History Should List Each Attempt

Concurrent Jobs Each Get Exactly One Notification
    [Tags]    behaviour:WH-01
    ...       behaviour:WH-08
    ...       behaviour:WH-12
    ...       behaviour:WH-14
    ...       behaviour:WH-18
    ...       behaviour:WH-19
    ...       behaviour:WH-40
    Concurrent Jobs Should Each Get Their Own Notification

Job Created On The Integration Route Sends One Signed Notification
    [Tags]    responses
    ...       behaviour:WH-01
    ...       behaviour:WH-08
    ...       behaviour:WH-14
    ...       behaviour:WH-18
    ...       behaviour:WH-19
    ...       behaviour:WH-40
    A Job Created On The Integration Route Should Send One Signed Notification

New Endpoint Shows Its Secret Once And Redacts Header Values
    [Tags]    webhooks-api
    ...       behaviour:WH-50
    ...       behaviour:WH-51
    ...       behaviour:WH-52
    ...       behaviour:WH-53
    ...       behaviour:WH-55
    A New Endpoint Should Show Its Secret Once

Full Replace Keeps Redacted Header Values
    [Tags]    webhooks-api    behaviour:WH-70    behaviour:WH-81
    A Full Replace Should Keep Redacted Header Values

Test Notification Is Signed And Reaches The Receiver
    [Tags]    webhooks-api    behaviour:WH-81
    A Test Notification Should Be Signed

Redelivery Reuses The Webhook Id
    [Tags]    webhooks-api    behaviour:WH-76
    A Redelivery Should Reuse The Webhook Id
