*** Settings ***
Documentation    The x-bf-async / x-bf-async-id headers on the integration route (BIFROST_INTEGRATION_PATH,
...              /openai/v1/responses by default): create, retrieve, unknown id, stream, cross-key
...              (upstream integration_route_test.go).

Resource         resources/run.resource
Resource         resources/integration.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        integration


*** Test Cases ***
Async Create Returns 200 With A Job Id (global)
    [Tags]    global
    An Async Create Should Return 200 With A Job Id    global

Async Retrieve Returns 200 (global)
    [Tags]    global
    An Async Retrieve Should Return 200    global

Async Retrieve Of A Non-Existent Job Returns 4xx (global)
    [Tags]    global
    Retrieving A Job That Does Not Exist Should Return 4xx    global

Async Create With Stream True Is Rejected With 4xx (global)
    [Tags]    global
    An Async Create With Stream Should Be Rejected With 4xx    global

Async Create Returns 200 With A Job Id (with VK)
    [Tags]    with-vk    requires-vk
    An Async Create Should Return 200 With A Job Id    with-vk

Async Retrieve Returns 200 (with VK)
    [Tags]    with-vk    requires-vk
    An Async Retrieve Should Return 200    with-vk

Async Retrieve Of A Non-Existent Job Returns 4xx (with VK)
    [Tags]    with-vk    requires-vk
    Retrieving A Job That Does Not Exist Should Return 4xx    with-vk

Async Create With Stream True Is Rejected With 4xx (with VK)
    [Tags]    with-vk    requires-vk
    An Async Create With Stream Should Be Rejected With 4xx    with-vk

Async Job Retrieved With A Different Key Returns 4xx
    [Tags]    requires-vk    requires-alt-vk
    A Job Retrieved With Another Key Should Return 4xx
