*** Settings ***
Documentation    Envelope invariants across polls: identity and times fixed, status never backwards, finished
...              jobs answer the same envelope, every answer is JSON, and x-request-id is echoed.

Resource         resources/jobs.resource

Test Tags        extended    chat-completions


*** Test Cases ***
Job Id And Times Stay The Same Across Polls
    [Tags]    lifecycle    behaviour:ENV-05    behaviour:ENV-07    behaviour:ENV-10    behaviour:ENV-24
    ${watched}=    Watch A Job    chat-completions
    Job Id And Times Should Stay The Same Across Polls    ${watched}

Job Status Never Goes Backwards Across Polls
    [Documentation]    Watched with ASYNC_SLOW_MODEL, so the polls see the job in flight and then finished.
    [Tags]    lifecycle    requires-slow-model    behaviour:ENV-04    behaviour:TTL-02
    ${watched}=    Watch A Job    chat-completions    ${ASYNC_SLOW_MODEL}
    Job Status Should Never Go Backwards    ${watched}

Repeated Polls Of A Finished Job Return The Same Envelope
    [Tags]    lifecycle    behaviour:TTL-02
    ${watched}=    Watch A Job    chat-completions
    Repeated Polls Of The Finished Job Should Be Identical    ${watched}

Every Answer About A Job Is JSON
    [Tags]    lifecycle
    ${watched}=    Watch A Job    chat-completions
    Every Answer About The Job Should Be JSON    ${watched}

Submit Echoes The Sent X-Request-Id As The Request Id
    [Tags]    submit    behaviour:ENV-02
    Submit Should Echo The Request Id

Jobs Submitted Without X-Request-Id Each Get Their Own Request Id
    [Documentation]    Where the gateway returns request_id (newer builds), a job submitted without
    ...    x-request-id gets one of its own; on four endpoints, no two jobs share one.
    [Tags]    submit    text-completions    embeddings    responses    behaviour:ENV-03
    Jobs Submitted Without A Request Id Should Each Get Their Own


*** Keywords ***
Submit Should Echo The Request Id
    [Documentation]    A submit with a fresh x-request-id answers 202 with that request_id.
    ${request_id}=    Unique Request Id
    ${job}=    Submit Job    chat-completions    request_id=${request_id}
    Submit Answer Should Echo The Request Id    ${job}    ${request_id}

Jobs Submitted Without A Request Id Should Each Get Their Own
    [Documentation]    Four submits without x-request-id: each request_id is non-empty and unique.
    ${chat}=    Submit Accepted Job    chat-completions
    ${text}=    Submit Accepted Job    text-completions
    ${embeddings}=    Submit Accepted Job    embeddings
    ${responses}=    Submit Accepted Job    responses
    Request Ids Should Be Distinct    ${chat}    ${text}    ${embeddings}    ${responses}
