*** Settings ***
Documentation     Opting in per request (contract §9): x-bf-async-webhook is read on submit only, and an
...               unknown name is refused on the endpoints whose submit errors map to 500 as well.

Resource          resources/webhooks.resource
Resource          resources/webhook_delivery_checks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         extended    webhooks


*** Test Cases ***
Webhook Header On A Poll Is Ignored
    [Tags]    behaviour:WH-02
    A Poll Naming A Webhook Endpoint Should Be Answered As Without It

Unknown Webhook Name On Text Completions Is Refused Without A Job
    [Tags]    text-completions    behaviour:WH-06
    [Template]    An Unknown Webhook Name Should Be Refused With 400 Or 500
    text-completions

Unknown Webhook Name On Rerank Is Refused Without A Job
    [Tags]    rerank    behaviour:WH-06
    [Template]    An Unknown Webhook Name Should Be Refused With 400 Or 500
    rerank

Unknown Webhook Name On OCR Is Refused Without A Job
    [Tags]    ocr    behaviour:WH-06
    [Template]    An Unknown Webhook Name Should Be Refused With 400 Or 500
    ocr
