*** Settings ***
Documentation    Both integration routes: expiry on the integration route, the Anthropic Messages route
...              (BIFROST_ANTHROPIC_PATH), and retrieval across the async and integration routes.

Resource         resources/jobs.resource
Resource         resources/integration.resource

Test Tags        extended    integration


*** Test Cases ***
Expired Job Retrieved On The Integration Route Returns 4xx
    [Tags]    responses    slow    behaviour:INT-23
    An Expired Job Retrieved On The Integration Route Should Return 4xx

Anthropic Messages Async Create Returns 200 With A Job Id
    [Tags]    behaviour:INT-02    behaviour:INT-11    behaviour:INT-12
    An Anthropic Async Create Should Return 200 With A Job Id

Anthropic Messages Async Retrieve Returns 200
    An Anthropic Async Retrieve Should Return 200

Anthropic Messages Async Retrieve Of An Unknown Job Returns 404
    [Tags]    behaviour:INT-22
    Retrieving An Unknown Job On The Anthropic Route Should Return 404

Anthropic Messages Async Create With Stream True Is Rejected With 4xx
    [Tags]    behaviour:INT-08
    An Anthropic Async Create With Stream Should Be Rejected

Job Submitted On The Async Responses Route Is Retrievable On The Integration Route
    [Tags]    responses    behaviour:INT-20
    A Job Submitted On The Async Route Should Be Retrievable On The Integration Route

Job Created On The Integration Route Is Pollable On The Async Responses Route
    [Tags]    responses    behaviour:INT-12    behaviour:INT-21
    A Job Created On The Integration Route Should Be Pollable On The Async Route

Async Create On The OpenAI Chat Completions Route Is Refused
    [Tags]    behaviour:INT-04
    An Async Create On A Route Without Async Support Should Be Refused

Chat Completions Job Retrieved On The Responses Integration Route Returns 404
    [Tags]    chat-completions    behaviour:INT-19
    A Chat Job Retrieved On The Responses Integration Route Should Return 404

Completed Job Retrieved On The Integration Route Is A Responses Object
    [Tags]    responses    behaviour:INT-28
    A Completed Job Retrieved On The Integration Route Should Be A Responses Object

Completed Job Retrieved On The Anthropic Route Is A Messages Object
    [Tags]    responses    behaviour:INT-29
    A Completed Job Retrieved On The Anthropic Route Should Be A Messages Object

In-Flight Job Retrieved On The Anthropic Route Is Not OpenAI-Shaped
    [Tags]    responses    requires-slow-model    behaviour:INT-15
    An In-Flight Job Retrieved On The Anthropic Route Should Not Be OpenAI-Shaped

Failed Job Retrieved On The Anthropic Route Is An Anthropic Error
    [Tags]    responses    requires-failing-model    behaviour:INT-31    behaviour:INT-33
    A Failed Job Retrieved On The Anthropic Route Should Be An Anthropic Error


*** Keywords ***
An Expired Job Retrieved On The Integration Route Should Return 4xx
    [Documentation]    With ASYNC_EXPIRY_TTL, the retrieve answers a 4xx within the TTL plus 10 s.
    ${job}=    Started Early Or Now    Create An Integration Job With The Expiry TTL
    Wait Until Integration Job Has Expired    ${job}    ${ASYNC_EXPIRY_TTL}

An Anthropic Async Create Should Return 200 With A Job Id
    [Documentation]    A create with x-bf-async on the Anthropic route answers 200 with a UUID-shaped id.
    Create Accepted Integration Job    route=anthropic

An Anthropic Async Retrieve Should Return 200
    [Documentation]    Retrieving a fresh Anthropic-route job answers 200.
    ${job}=    Create Accepted Integration Job    route=anthropic
    ${retrieved}=    Retrieve Integration Job    ${job}
    Response Status Should Be    ${retrieved}    200

Retrieving An Unknown Job On The Anthropic Route Should Return 404
    [Documentation]    x-bf-async-id with the all-zero UUID on the Anthropic route answers 404.
    ${nil}=    Nil Job Id
    ${response}=    Retrieve Integration Job Id    ${nil}    route=anthropic
    Response Status Should Be    ${response}    404

An Anthropic Async Create With Stream Should Be Rejected
    [Documentation]    stream: true with x-bf-async on the Anthropic route answers a 4xx.
    ${job}=    Create Integration Job    route=anthropic    stream=${True}
    Response Status Should Be    ${job}    4xx

A Job Submitted On The Async Route Should Be Retrievable On The Integration Route
    [Documentation]    A /v1/async/responses job answers 200 on the integration route.
    ${job}=    Submit Accepted Job    responses
    ${response}=    Retrieve Integration Job    ${job}    route=responses
    Response Status Should Be    ${response}    200

A Job Created On The Integration Route Should Be Pollable On The Async Route
    [Documentation]    An integration-created job answers on /v1/async/responses by its state.
    ${job}=    Create Accepted Integration Job
    ${response}=    Poll Job Once    ${job}
    Poll Answer Should Match The Job State    ${response}    ${job}

An Async Create On A Route Without Async Support Should Be Refused
    [Documentation]    x-bf-async on the OpenAI chat route is refused: a 4xx (or 500 on older builds).
    ${job}=    Create Integration Job    route=openai-chat
    Response Status Should Be    ${job}    4xx    500

A Chat Job Retrieved On The Responses Integration Route Should Return 404
    [Documentation]    A chat-completions job is not served on the Responses integration route.
    ${job}=    Submit Accepted Job    chat-completions
    ${response}=    Retrieve Integration Job    ${job}    route=responses
    Response Status Should Be    ${response}    404

A Completed Job Retrieved On The Integration Route Should Be A Responses Object
    [Documentation]    Once the job is completed, x-bf-async-id answers 200 with a Responses object
    ...    (object response, status completed, a non-empty output), never the in-flight stub.
    ${job}=    Started Early Or Now    Create Accepted Integration Job
    Wait Until Job Is Terminal    ${job}
    Job Should Have Completed    ${job}
    ${response}=    Retrieve Integration Job    ${job}
    Retrieved Job Should Be A Completed Responses Object    ${response}

A Completed Job Retrieved On The Anthropic Route Should Be A Messages Object
    [Documentation]    Once the job is completed, x-bf-async-id on the Anthropic route answers 200 with a
    ...    Messages object (type message, role assistant, non-empty content), not OpenAI-shaped.
    ${job}=    Started Early Or Now    Create An Anthropic Route Job
    Wait Until Job Is Terminal    ${job}
    Job Should Have Completed    ${job}
    ${response}=    Retrieve Integration Job    ${job}
    Retrieved Job Should Be A Completed Messages Object    ${response}

An In-Flight Job Retrieved On The Anthropic Route Should Not Be OpenAI-Shaped
    [Documentation]    A slow job created and retrieved at once on the Anthropic route: 200 with its stub,
    ...    which is not the OpenAI Responses shape (no object, no output); other fields are unconfirmed.
    ${job}=    Create Accepted Integration Job    route=anthropic    model=${ASYNC_SLOW_MODEL}
    ${response}=    Retrieve Integration Job    ${job}
    Response Status Should Be    ${response}    200
    Retrieved Job Should Not Be OpenAI-Shaped    ${response}

A Failed Job Retrieved On The Anthropic Route Should Be An Anthropic Error
    [Documentation]    A failed job retrieved on the Anthropic route answers its status code with an
    ...    Anthropic error (type error, error.message), not OpenAI-shaped.
    ${job}=    Started Early Or Now    Create An Anthropic Route Job Of The Failing Model
    Wait Until Job Is Terminal    ${job}
    ${response}=    Retrieve Integration Job    ${job}
    Retrieve Should Answer With The Job Error Status    ${response}    ${job}
    Retrieved Job Should Be An Anthropic Error    ${response}
