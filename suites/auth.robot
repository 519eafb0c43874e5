*** Settings ***
Documentation    Virtual-key scoping: unknown keys are refused, scoped jobs are visible only to their key,
...              public jobs to anyone, and the Bearer / x-api-key / x-goog-api-key formats work like
...              x-bf-vk (upstream auth_test.go; all on the chat-completions endpoint).

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        auth    chat-completions


*** Test Cases ***
Submit With An Unknown Virtual Key Returns 400
    [Documentation]    Runs only with BIFROST_VK set, taken as the sign that the gateway has virtual keys.
    [Tags]    requires-vk
    Submitting With An Unknown Key Should Return 400

VK-Scoped Job Polled With The Same Key Succeeds
    [Tags]    requires-vk
    The Job Should Be Visible To The Poller    primary    primary

VK-Scoped Job Polled With A Different Key Returns 404
    [Tags]    requires-vk    requires-alt-vk
    The Job Should Be Hidden From The Poller    primary    alternate

VK-Scoped Job Polled Without A Key Returns 404
    [Tags]    requires-vk
    The Job Should Be Hidden From The Poller    primary    none

Public Job Polled Anonymously Succeeds
    The Job Should Be Visible To The Poller    none    none

Public Job Polled With A Virtual Key Succeeds
    [Tags]    requires-vk
    The Job Should Be Visible To The Poller    none    primary

Bearer Virtual Key Job Polled With The Same Key Succeeds
    [Tags]    requires-vk
    The Job Should Be Visible To The Poller    primary    primary    key_format=bearer

X-Api-Key Virtual Key Job Polled With The Same Key Succeeds
    [Tags]    requires-vk
    The Job Should Be Visible To The Poller    primary    primary    key_format=x-api-key

X-Goog-Api-Key Virtual Key Job Polled With The Same Key Succeeds
    [Tags]    requires-vk
    The Job Should Be Visible To The Poller    primary    primary    key_format=x-goog-api-key
