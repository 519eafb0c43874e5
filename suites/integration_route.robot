*** Settings ***
Documentation    The x-bf-async / x-bf-async-id headers on the integration route (BIFROST_INTEGRATION_PATH,
...              /openai/v1/responses by default): create, retrieve, unknown id, stream, cross-key
...              (upstream integration_route_test.go).

Resource         resources/integration.resource

Test Tags        integration


*** Test Cases ***
Async Create Returns 200 With A Job Id (global)
    [Tags]    global    behaviour:INT-11    behaviour:INT-12
    An Async Create Should Return 200 With A Job Id    global

Async Retrieve Returns 200 (global)
    [Tags]    global
    An Async Retrieve Should Return 200    global

Async Retrieve Of A Non-Existent Job Returns 4xx (global)
    [Tags]    global    behaviour:INT-22
    Retrieving A Job That Does Not Exist Should Return 4xx    global

Async Create With Stream True Is Rejected With 4xx (global)
    [Tags]    global    behaviour:INT-08
    An Async Create With Stream Should Be Rejected With 4xx    global

Async Create Returns 200 With A Job Id (with VK)
    [Tags]    with-vk    requires-vk    behaviour:INT-11    behaviour:INT-12
    An Async Create Should Return 200 With A Job Id    with-vk

Async Retrieve Returns 200 (with VK)
    [Tags]    with-vk    requires-vk    behaviour:INT-34
    An Async Retrieve Should Return 200    with-vk

Async Retrieve Of A Non-Existent Job Returns 4xx (with VK)
    [Tags]    with-vk    requires-vk    behaviour:INT-22
    Retrieving A Job That Does Not Exist Should Return 4xx    with-vk

Async Create With Stream True Is Rejected With 4xx (with VK)
    [Tags]    with-vk    requires-vk    behaviour:INT-08
    An Async Create With Stream Should Be Rejected With 4xx    with-vk

Async Job Retrieved With A Different Key Returns 4xx
    [Tags]    requires-vk    requires-alt-vk    behaviour:INT-25
    A Job Retrieved With Another Key Should Return 4xx


*** Keywords ***
An Async Create Should Return 200 With A Job Id
    [Documentation]    A create with x-bf-async answers 200 (not 202) with a UUID-shaped top-level id.
    [Arguments]    ${mode}
    Create Accepted Integration Job    key=${mode}

An Async Retrieve Should Return 200
    [Documentation]    Retrieving a fresh job with x-bf-async-id answers 200, whatever its state.
    [Arguments]    ${mode}
    ${job}=    Create Accepted Integration Job    key=${mode}
    ${retrieved}=    Retrieve Integration Job    ${job}
    Response Status Should Be    ${retrieved}    200

Retrieving A Job That Does Not Exist Should Return 4xx
    [Documentation]    x-bf-async-id with the all-zero UUID answers a 4xx.
    [Arguments]    ${mode}
    ${nil}=    Nil Job Id
    ${response}=    Retrieve Integration Job Id    ${nil}    key=${mode}
    Response Status Should Be    ${response}    4xx

An Async Create With Stream Should Be Rejected With 4xx
    [Documentation]    stream: true with x-bf-async answers a 4xx.
    [Arguments]    ${mode}
    ${job}=    Create Integration Job    key=${mode}    stream=${True}
    Response Status Should Be    ${job}    4xx

A Job Retrieved With Another Key Should Return 4xx
    [Documentation]    A job created with the primary key, retrieved with the alternate key, answers a 4xx.
    ${job}=    Create Accepted Integration Job    key=primary
    ${retrieved}=    Retrieve Integration Job    ${job}    key=alternate
    Response Status Should Be    ${retrieved}    4xx
