*** Settings ***
Documentation    Validation and the stream check run before SubmitJob: a bad body, or a streaming one, with
...              an unknown virtual key or an unknown webhook name gets the validation or stream 400, not
...              the key's or the webhook's refusal (for text completions a 500).

Resource         resources/validation_messages.resource

Test Tags        extended    validation    # robocop: off=could-be-test-tags


*** Variables ***
${NO_SUCH_WEBHOOK}    acceptance-suite-validation-no-such-endpoint


*** Test Cases ***
Invalid Text Completions Submit With An Unknown Key Gets The Validation Message
    [Tags]    text-completions    requires-vk    behaviour:VAL-02
    ${job}=    Submit Job    text-completions    key=unknown    variant=missing-prompt
    Refusal Message Should Be    ${job}    prompt is required for text completion

Streaming Text Completions Submit With An Unknown Key Gets The Stream Message
    [Tags]    text-completions    requires-vk    behaviour:VAL-02
    ${job}=    Submit Job    text-completions    key=unknown    variant=stream
    Refusal Message Should Be    ${job}    stream is not supported for async text completions

Invalid Chat Completions Submit Naming An Unknown Webhook Gets The Validation Message
    [Tags]    chat-completions    behaviour:VAL-02
    ${headers}=    Webhook Headers    ${NO_SUCH_WEBHOOK}
    ${job}=    Submit Job    chat-completions    variant=missing-messages    headers=${headers}
    Refusal Message Should Be    ${job}    messages is required for chat completion
