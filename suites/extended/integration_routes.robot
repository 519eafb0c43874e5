*** Settings ***
Documentation    The x-bf-async headers beyond upstream: the Anthropic Messages route
...              (BIFROST_ANTHROPIC_PATH), jobs shared between /v1/async/responses and the OpenAI
...              Responses route, routes without async support, wrong-type and expired jobs.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    integration    global


*** Test Cases ***
Expired Job Retrieved On The Integration Route Returns 4xx
    [Tags]    responses    slow
    An Expired Job Retrieved On The Integration Route Should Return 4xx

Anthropic Messages Async Create Returns 200 With A Job Id
    An Anthropic Async Create Should Return 200 With A Job Id

Anthropic Messages Async Retrieve Returns 200
    An Anthropic Async Retrieve Should Return 200

Anthropic Messages Async Retrieve Of An Unknown Job Returns 404
    Retrieving An Unknown Job On The Anthropic Route Should Return 404

Anthropic Messages Async Create With Stream True Is Rejected With 4xx
    An Anthropic Async Create With Stream Should Be Rejected

Job Submitted On The Async Responses Route Is Retrievable On The Integration Route
    [Tags]    responses
    A Job Submitted On The Async Route Should Be Retrievable On The Integration Route

Job Created On The Integration Route Is Pollable On The Async Responses Route
    [Tags]    responses
    A Job Created On The Integration Route Should Be Pollable On The Async Route

Async Create On The OpenAI Chat Completions Route Is Refused
    An Async Create On A Route Without Async Support Should Be Refused

Chat Completions Job Retrieved On The Responses Integration Route Returns 404
    [Tags]    chat-completions
    A Chat Job Retrieved On The Responses Integration Route Should Return 404
