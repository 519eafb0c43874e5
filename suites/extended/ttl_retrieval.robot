*** Settings ***
Documentation    The causes the executor's refusals name, and the order of its submit checks (contract §6): an
...              unknown job is "not found or expired", a job polled on another type's path an "operation type
...              mismatch", and an unknown virtual key is refused before the webhook reference is looked up.
...              (The order of the poll's key and type checks is §7's: suites/extended/vk_*.robot.)

Resource         resources/jobs.resource

Test Tags        extended    chat-completions

Name             TTL Retrieval


*** Test Cases ***
Polling An Unknown Job Names It Not Found Or Expired
    [Tags]    lifecycle    behaviour:TTL-12
    Polling An Unknown Job Should Name It Not Found

Polling A Job On The Path Of Another Type Names An Operation Type Mismatch
    [Tags]    lifecycle    text-completions    behaviour:TTL-13
    Polling A Job On Another Type Path Should Name A Type Mismatch

Unknown Key Is Refused Before The Webhook Endpoint Is Looked Up
    [Tags]    auth    requires-vk    behaviour:TTL-01
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

A Submit With An Unknown Key And An Unknown Webhook Should Name The Key
    [Documentation]    A submit with an unknown virtual key and an unknown x-bf-async-webhook name is refused
    ...    (400, or 500 on some builds) without a job, for the key: SubmitJob looks the key up first. Builds
    ...    without webhooks ignore the header and refuse the key all the same.
    VAR    &{headers}=    x-bf-async-webhook=acceptance-no-such-endpoint
    ${job}=    Submit Job    chat-completions    key=unknown    headers=${headers}
    Response Should Be Refused Without A Job    ${job}    400    500
    Error Message Should Name    ${job}    virtual key
