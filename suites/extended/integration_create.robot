*** Settings ***
Documentation    Creates on both integration routes (OpenAI Responses, Anthropic Messages) beyond the 200 and
...              the job id: what x-bf-async value counts, which refusals come first and what they say, the
...              shape of the in-flight answer, and the result TTL header (contract §8).

Resource         resources/integration_checks.resource

Test Tags        extended    integration    responses


*** Test Cases ***
Async Create On The OpenAI Chat Completions Route Names The Refusal
    [Tags]    chat-completions    behaviour:INT-04
    An Async Create On The Chat Route Should Be Refused As Unsupported

Any Non-Empty Async Header Value Creates A Job On The OpenAI Route
    [Tags]    behaviour:INT-06
    [Template]    An Async Header Of Yes Should Create A Job
    responses

Any Non-Empty Async Header Value Creates A Job On The Anthropic Route
    [Tags]    behaviour:INT-06
    [Template]    An Async Header Of Yes Should Create A Job
    anthropic

Malformed Body With The Async Header On The Chat Route Gets The Body Error
    [Tags]    chat-completions    behaviour:INT-07
    A Malformed Body On The Chat Route Should Get The Body Error

Malformed Body With The Async Header On The OpenAI Route Creates No Job
    [Tags]    behaviour:INT-07
    [Template]    A Malformed Body Should Create No Job
    responses

Malformed Body With The Async Header On The Anthropic Route Creates No Job
    [Tags]    behaviour:INT-07
    [Template]    A Malformed Body Should Create No Job
    anthropic

Streaming Async Create On The OpenAI Route Is Refused With The Async Stream Message
    [Tags]    behaviour:INT-08
    [Template]    A Streaming Async Create Should Be Refused With The Async Stream Message
    responses

Streaming Async Create On The Anthropic Route Is Refused With The Async Stream Message
    [Tags]    behaviour:INT-08
    [Template]    A Streaming Async Create Should Be Refused With The Async Stream Message
    anthropic

Async Create With An Unknown Key Is Refused On The OpenAI Route
    [Tags]    requires-vk    behaviour:INT-09
    [Template]    An Async Create With An Unknown Key Should Be Refused
    responses

Async Create With An Unknown Key Is Refused On The Anthropic Route
    [Tags]    requires-vk    behaviour:INT-09
    [Template]    An Async Create With An Unknown Key Should Be Refused
    anthropic

OpenAI Async Create Answers A Responses Object
    [Tags]    behaviour:INT-13
    The OpenAI Create Answer Should Be A Responses Object

OpenAI Async Create Reports A Bifrost Job Status
    [Tags]    behaviour:INT-14
    The OpenAI Create Answer Should Report A Bifrost Job Status

Anthropic Async Create Answer Is Not OpenAI-Shaped
    [Tags]    behaviour:INT-15
    The Anthropic Create Answer Should Not Be OpenAI-Shaped

Result TTL Header Sets The TTL Of A Job Created On The OpenAI Route
    [Tags]    behaviour:INT-38
    [Template]    A Result TTL Header Should Set The TTL Of The Created Job
    responses

Result TTL Header Sets The TTL Of A Job Created On The Anthropic Route
    [Tags]    behaviour:INT-38
    [Template]    A Result TTL Header Should Set The TTL Of The Created Job
    anthropic


*** Keywords ***
An Async Create On The Chat Route Should Be Refused As Unsupported
    [Documentation]    x-bf-async on the OpenAI chat route: 400 (500 on older builds), "async operation is not
    ...    supported on this route", no job.
    ${job}=    Create Integration Job    route=openai-chat
    Response Should Be Refused Without A Job    ${job}    400    500
    Integration Error Message Should Be    ${job.response}    ${ASYNC_UNSUPPORTED}

An Async Header Of Yes Should Create A Job
    [Documentation]    ``x-bf-async: yes`` (which a boolean parser rejects) creates a job: 200 with a job id,
    ...    not the synchronous answer.
    [Arguments]    ${route}
    VAR    &{headers}=    x-bf-async=yes
    ${job}=    Create Integration Job    route=${route}    headers=${headers}
    Integration Create Should Answer 200 With A Job Id    ${job}

A Malformed Body On The Chat Route Should Get The Body Error
    [Documentation]    A malformed body with x-bf-async on the chat route gets the body error (400, or 500 on
    ...    older builds), not the async refusal the route would give a valid body.
    ${response}=    Send Async Create With A Malformed Body    openai-chat
    Response Should Be Refused Without A Job    ${response}    4xx    500
    VAR    ${body}=    ${response.json()}
    Should Not Be Equal As Strings    ${body}[error][message]    ${ASYNC_UNSUPPORTED}
    ...    msg=the async refusal came before the body was parsed

A Malformed Body Should Create No Job
    [Documentation]    A malformed body with x-bf-async: an error (400, or 500 on older builds) and no job.
    [Arguments]    ${route}
    ${response}=    Send Async Create With A Malformed Body    ${route}
    Response Should Be Refused Without A Job    ${response}    4xx    500

A Streaming Async Create Should Be Refused With The Async Stream Message
    [Documentation]    stream: true with x-bf-async: 400 "streaming is not supported for async requests", no job.
    [Arguments]    ${route}
    ${job}=    Create Integration Job    route=${route}    stream=${True}
    Response Should Be Refused Without A Job    ${job}    400
    Integration Error Message Should Be    ${job.response}    ${ASYNC_STREAM_REFUSAL}

An Async Create With An Unknown Key Should Be Refused
    [Documentation]    An unknown virtual key: 400 (500 on older builds), "failed to create async job", no job.
    [Arguments]    ${route}
    ${job}=    Create Integration Job    key=unknown    route=${route}
    Response Should Be Refused Without A Job    ${job}    400    500
    Integration Error Message Should Be    ${job.response}    ${ASYNC_CREATE_FAILED}

The OpenAI Create Answer Should Be A Responses Object
    [Documentation]    The create answer on the OpenAI route is a Responses object: ``object`` is response.
    ${job}=    Create Accepted Integration Job
    VAR    ${body}=    ${job.response.json()}
    Dictionary Should Contain Item    ${body}    object    response

The OpenAI Create Answer Should Report A Bifrost Job Status
    [Documentation]    The create answer's ``status`` is Bifrost's pending or processing, not OpenAI's queued or
    ...    in_progress.
    ${job}=    Create Accepted Integration Job
    VAR    ${body}=    ${job.response.json()}
    VAR    @{statuses}=    pending    processing
    Should Contain    ${statuses}    ${body}[status]    msg=status is '${body}[status]', not a Bifrost job status

The Anthropic Create Answer Should Not Be OpenAI-Shaped
    [Documentation]    The create answer on the Anthropic route has no ``object`` or ``output`` (OpenAI's shape).
    ${job}=    Create Accepted Integration Job    route=anthropic
    Retrieved Job Should Not Be OpenAI-Shaped    ${job.response}

A Result TTL Header Should Set The TTL Of The Created Job
    [Documentation]    A create with x-bf-async-job-result-ttl: 120 ends with expires_at − completed_at 120 s
    ...    (± 30 s), read on /v1/async/responses.
    [Arguments]    ${route}
    ${job}=    Create Accepted Integration Job    route=${route}    ttl=120
    Wait Until Job Is Terminal    ${job}
    Job TTL Should Be    ${job}    120    tolerance=30
