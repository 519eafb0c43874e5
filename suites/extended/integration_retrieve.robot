*** Settings ***
Documentation    Retrieves on both integration routes (OpenAI Responses, Anthropic Messages) with
...              x-bf-async-id: the body is not read and there is no GET form, jobs are shared with
...              /v1/async/responses, every 404 says "job not found or expired", and the answer's id is the
...              job id while the job is in flight but the provider's once it completed (contract §8).

Resource         resources/http.resource
Resource         resources/integration_checks.resource

Test Tags        extended    integration    responses


*** Test Cases ***
Retrieve With An Empty Body Answers On The OpenAI Route
    [Tags]    behaviour:INT-17
    [Template]    A Retrieve With This Body Should Answer 200
    responses    ${EMPTY}

Retrieve With An Empty Body Answers On The Anthropic Route
    [Tags]    behaviour:INT-17
    [Template]    A Retrieve With This Body Should Answer 200
    anthropic    ${EMPTY}

Retrieve With A Non-JSON Body Answers On The OpenAI Route
    [Tags]    behaviour:INT-17
    [Template]    A Retrieve With This Body Should Answer 200
    responses    ${MALFORMED_JSON}

Retrieve With A Non-JSON Body Answers On The Anthropic Route
    [Tags]    behaviour:INT-17
    [Template]    A Retrieve With This Body Should Answer 200
    anthropic    ${MALFORMED_JSON}

GET With The Async Id Does Not Serve The Job On The OpenAI Route
    [Tags]    behaviour:INT-18
    [Template]    A GET With The Async Id Should Not Serve The Job
    responses

GET With The Async Id Does Not Serve The Job On The Anthropic Route
    [Tags]    behaviour:INT-18
    [Template]    A GET With The Async Id Should Not Serve The Job
    anthropic

Chat Completions Job Retrieved On The Anthropic Route Returns 404
    [Tags]    chat-completions    behaviour:INT-19
    A Chat Job Retrieved On The Anthropic Route Should Return 404

Job Submitted On The Async Responses Route Is Retrievable On The Anthropic Route
    [Tags]    behaviour:INT-20
    A Job Submitted On The Async Route Should Be Retrievable On The Anthropic Route

Job Created On The Anthropic Route Is Pollable On The Async Responses Route
    [Tags]    behaviour:INT-12    behaviour:INT-21
    A Job Created On The Anthropic Route Should Be Pollable On The Async Route

Async Retrieve Of An Unknown Job Returns 404 On The OpenAI Route
    [Tags]    behaviour:INT-22
    Retrieving An Unknown Job On The OpenAI Route Should Return 404

Expired Job Retrieved On The OpenAI Route Returns 404
    [Tags]    slow    behaviour:INT-23
    [Template]    An Expired Job Retrieved On This Route Should Return 404
    responses

Expired Job Retrieved On The Anthropic Route Returns 404
    [Tags]    slow    behaviour:INT-23
    [Template]    An Expired Job Retrieved On This Route Should Return 404
    anthropic

Type Mismatch On The OpenAI Route Is Reported As Job Not Found Or Expired
    [Tags]    chat-completions    behaviour:INT-26
    [Template]    A Type Mismatch Should Be Reported As Job Not Found
    responses

Type Mismatch On The Anthropic Route Is Reported As Job Not Found Or Expired
    [Tags]    chat-completions    behaviour:INT-26
    [Template]    A Type Mismatch Should Be Reported As Job Not Found
    anthropic

Missing Key On The OpenAI Route Is Reported As Job Not Found Or Expired
    [Tags]    requires-vk    behaviour:INT-26
    [Template]    A Missing Key Should Be Reported As Job Not Found
    responses

Missing Key On The Anthropic Route Is Reported As Job Not Found Or Expired
    [Tags]    requires-vk    behaviour:INT-26
    [Template]    A Missing Key Should Be Reported As Job Not Found
    anthropic

In-Flight Job Retrieved On The OpenAI Route Answers Its Stub With The Job Id
    [Tags]    requires-slow-model    behaviour:INT-27
    [Template]    An In-Flight Job Retrieved On This Route Should Carry The Job Id
    responses

In-Flight Job Retrieved On The Anthropic Route Answers Its Stub With The Job Id
    [Tags]    requires-slow-model    behaviour:INT-27
    [Template]    An In-Flight Job Retrieved On This Route Should Carry The Job Id
    anthropic

Completed Job Retrieved On The OpenAI Route Carries The Provider Id
    [Tags]    behaviour:INT-30
    [Template]    A Completed Job Retrieved On This Route Should Carry The Provider Id
    responses

Completed Job Retrieved On The Anthropic Route Carries The Provider Id
    [Tags]    behaviour:INT-30
    [Template]    A Completed Job Retrieved On This Route Should Carry The Provider Id
    anthropic

Failed Job Retrieved On The OpenAI Route Carries The Stored Error
    [Tags]    requires-failing-model    behaviour:INT-32
    A Failed Job Retrieved On The OpenAI Route Should Carry The Stored Error


*** Keywords ***
A Retrieve With This Body Should Answer 200
    [Documentation]    x-bf-async-id is read before the body: a retrieve with ``body`` (empty, or not JSON)
    ...    answers 200 like one with ``{}``.
    [Arguments]    ${route}    ${body}
    ${job}=    Create Accepted Integration Job    route=${route}
    ${response}=    Retrieve Integration Job With Body    ${job}    ${body}
    Response Status Should Be    ${response}    200

A GET With The Async Id Should Not Serve The Job
    [Documentation]    GET on the route with x-bf-async-id is not a retrieve: no 2xx JSON answer.
    [Arguments]    ${route}
    ${job}=    Create Accepted Integration Job    route=${route}
    ${request}=    Integration Retrieve Request    ${job}
    ${response}=    Send    GET    ${request.path}    headers=${request.arguments}[headers]
    Answer Should Not Be A JSON Success    ${response}

A Chat Job Retrieved On The Anthropic Route Should Return 404
    [Documentation]    A chat-completions job is not served on the Anthropic Messages route.
    ${job}=    Submit Accepted Job    chat-completions
    ${response}=    Retrieve Integration Job    ${job}    route=anthropic
    Response Should Be An Error With Status    ${response}    404

A Job Submitted On The Async Route Should Be Retrievable On The Anthropic Route
    [Documentation]    A /v1/async/responses job answers 200 on the Anthropic route.
    ${job}=    Submit Accepted Job    responses
    ${response}=    Retrieve Integration Job    ${job}    route=anthropic
    Response Status Should Be    ${response}    200

A Job Created On The Anthropic Route Should Be Pollable On The Async Route
    [Documentation]    The id an Anthropic-route create answers is the job's: /v1/async/responses serves it.
    ${job}=    Create Accepted Integration Job    route=anthropic
    ${response}=    Poll Job Once    ${job}
    Poll Answer Should Match The Job State    ${response}    ${job}

Retrieving An Unknown Job On The OpenAI Route Should Return 404
    [Documentation]    x-bf-async-id with the all-zero UUID answers 404 (not any other 4xx).
    ${nil}=    Nil Job Id
    ${response}=    Retrieve Integration Job Id    ${nil}
    Response Should Be An Error With Status    ${response}    404

An Expired Job Retrieved On This Route Should Return 404
    [Documentation]    With ASYNC_EXPIRY_TTL as the TTL, the retrieve stops serving the job within the TTL plus
    ...    10 s, and then answers 404.
    [Arguments]    ${route}
    ${job}=    Started Early Or Now    Create A Route Job With The Expiry TTL    ${route}
    Wait Until Integration Job Has Expired    ${job}    ${ASYNC_EXPIRY_TTL}
    ${response}=    Retrieve Integration Job    ${job}
    Response Should Be An Error With Status    ${response}    404

A Type Mismatch Should Be Reported As Job Not Found
    [Documentation]    A chat job retrieved on the route: 404 "job not found or expired", not the cause.
    [Arguments]    ${route}
    ${job}=    Submit Accepted Job    chat-completions
    ${response}=    Retrieve Integration Job    ${job}    route=${route}
    Retrieve Should Answer Job Not Found    ${response}

A Missing Key Should Be Reported As Job Not Found
    [Documentation]    A key-scoped job retrieved without a key: 404 "job not found or expired", not the cause.
    [Arguments]    ${route}
    ${job}=    Create Accepted Integration Job    key=primary    route=${route}
    ${response}=    Retrieve Integration Job    ${job}    key=none
    Retrieve Should Answer Job Not Found    ${response}

An In-Flight Job Retrieved On This Route Should Carry The Job Id
    [Documentation]    A slow job retrieved at once: 200 with the stub whose id is the job id (skips if the job
    ...    had ended by then).
    [Arguments]    ${route}
    ${job}=    Create Accepted Integration Job    route=${route}    model=${ASYNC_SLOW_MODEL}
    ${response}=    Retrieve Integration Job    ${job}
    Job Should Still Be In Flight    ${job}
    Response Status Should Be    ${response}    200
    Answer Id Should Be    ${response}    ${job.id}

A Completed Job Retrieved On This Route Should Carry The Provider Id
    [Documentation]    Once the job completed, the retrieved answer's id is the provider's response id, not the
    ...    job id (a provider that sends no id leaves it empty, which is fine).
    [Arguments]    ${route}
    ${job}=    Create Accepted Integration Job    route=${route}
    Wait Until Job Is Terminal    ${job}
    Job Should Have Completed    ${job}
    ${response}=    Retrieve Integration Job    ${job}
    Response Status Should Be    ${response}    200
    VAR    ${body}=    ${response.json()}
    Should Not Be Equal As Strings    ${body.get('id')}    ${job.id}    msg=the completed answer carries the job id

A Failed Job Retrieved On The OpenAI Route Should Carry The Stored Error
    [Documentation]    A failed job retrieved on the OpenAI route is the stored BifrostError: its error.message
    ...    is the job's (skips if the job did not fail).
    ${job}=    Create Accepted Integration Job    model=${ASYNC_FAILING_MODEL}
    ${envelope}=    Wait Until Job Is Terminal    ${job}
    Skip If    $envelope['status'] != 'failed'    the job with ASYNC_FAILING_MODEL ended ${envelope}[status]
    ${response}=    Retrieve Integration Job    ${job}
    Integration Error Message Should Be    ${response}    ${envelope}[error][error][message]
