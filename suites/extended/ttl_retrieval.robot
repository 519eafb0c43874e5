*** Settings ***
Documentation    The executor's checks in their order, and the causes the refusals name (contract §6): an unknown
...              job is "not found or expired", a job polled on another type's path an "operation type
...              mismatch", the key checks come before the type check, and an unknown virtual key is refused
...              before the webhook reference is looked up.

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Tags        extended

Name             TTL Retrieval


*** Test Cases ***
Polling An Unknown Job Names It Not Found Or Expired
    [Tags]    lifecycle    chat-completions    behaviour:TTL-13
    Polling An Unknown Job Should Name It Not Found

Polling A Job On The Path Of Another Type Names An Operation Type Mismatch
    [Tags]    lifecycle    chat-completions    text-completions    behaviour:TTL-14
    Polling A Job On Another Type Path Should Name A Type Mismatch

Key Checks Come Before The Type Check When Polling
    [Tags]    lifecycle    requires-vk    chat-completions    text-completions    behaviour:TTL-15
    A Scoped Job Polled Without A Key On Another Type Path Should Name The Key

Unknown Key Is Refused Before The Webhook Endpoint Is Looked Up
    [Tags]    auth    requires-vk    chat-completions    behaviour:TTL-02
    A Submit With An Unknown Key And An Unknown Webhook Should Name The Key


*** Keywords ***
Polling An Unknown Job Should Name It Not Found
    [Documentation]    The all-zero UUID answers 404 with the error envelope, its message naming a job not found.
    ${nil}=    Nil Job Id
    ${response}=    Poll Job Id Once    chat-completions    ${nil}
    Response Should Be An Error With Status    ${response}    404
    Error Message Should Name    ${response}    job not found

Polling A Job On Another Type Path Should Name A Type Mismatch
    [Documentation]    A text-completions job polled by its owner on the chat poll path answers 404, its message
    ...    naming the type mismatch.
    ${job}=    Submit Accepted Job    text-completions
    ${response}=    Poll Job Once    ${job}    endpoint=chat-completions
    Response Should Be An Error With Status    ${response}    404
    Error Message Should Name    ${response}    type mismatch

A Scoped Job Polled Without A Key On Another Type Path Should Name The Key
    [Documentation]    A job of the primary key, polled without a key on another type's path, fails two checks:
    ...    the key check runs first, so the 404 names the virtual key, not the type.
    ${job}=    Submit Accepted Job    text-completions    primary
    ${response}=    Poll Job Once    ${job}    key=none    endpoint=chat-completions
    Response Should Be An Error With Status    ${response}    404
    Error Message Should Name    ${response}    virtual key

A Submit With An Unknown Key And An Unknown Webhook Should Name The Key
    [Documentation]    A submit with an unknown virtual key and an unknown x-bf-async-webhook name is refused
    ...    (400, or 500 on some builds) without a job, for the key: SubmitJob looks the key up first. Builds
    ...    without webhooks ignore the header and refuse the key all the same.
    &{headers}=    Create Dictionary    x-bf-async-webhook=acceptance-no-such-endpoint
    ${job}=    Submit Job    chat-completions    key=unknown    headers=${headers}
    Response Should Be Refused Without A Job    ${job}    400    500
    Error Message Should Name    ${job}    virtual key
