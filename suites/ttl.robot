*** Settings ***
Documentation    Result TTL from completion: the default, a custom header, invalid, zero and negative
...              headers, and expiry to 404 (upstream ttl_test.go; chat-completions jobs).

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        ttl    chat-completions


*** Test Cases ***
Job Expires After Its TTL And Then Returns 404 (global)
    [Tags]    global    slow
    A Job Should Expire After Its TTL    global

Job Expires After Its TTL And Then Returns 404 (with VK)
    [Tags]    with-vk    requires-vk    slow
    A Job Should Expire After Its TTL    with-vk

Default TTL Applies When No Header Is Sent (global)
    [Tags]    global
    ${result}=    Run A Chat Job    global
    Job TTL Should Be    ${result}    ${BIFROST_DEFAULT_TTL}    tolerance=60

Custom TTL Header Of 120 Seconds Is Applied (global)
    [Tags]    global
    ${result}=    Run A Chat Job    global    ttl=120
    Job TTL Should Be    ${result}    120    tolerance=30

Non-Numeric TTL Header Falls Back To The Default (global)
    [Tags]    global
    ${result}=    Run A Chat Job    global    ttl=not-a-number
    Job TTL Should Be    ${result}    ${BIFROST_DEFAULT_TTL}    tolerance=60

Zero TTL Header Falls Back To A Default (global)
    [Documentation]    Bifrost turns 0 into a hard-coded 3600; the configured default is accepted too.
    [Tags]    global
    ${result}=    Run A Chat Job    global    ttl=0
    Job TTL Should Be    ${result}    3600    ${BIFROST_DEFAULT_TTL}    tolerance=60

Negative TTL Header Falls Back To The Default (global)
    [Tags]    global
    ${result}=    Run A Chat Job    global    ttl=-1
    Job TTL Should Be    ${result}    ${BIFROST_DEFAULT_TTL}    tolerance=60

Default TTL Applies When No Header Is Sent (with VK)
    [Tags]    with-vk    requires-vk
    ${result}=    Run A Chat Job    with-vk
    Job TTL Should Be    ${result}    ${BIFROST_DEFAULT_TTL}    tolerance=60

Custom TTL Header Of 120 Seconds Is Applied (with VK)
    [Tags]    with-vk    requires-vk
    ${result}=    Run A Chat Job    with-vk    ttl=120
    Job TTL Should Be    ${result}    120    tolerance=30

Non-Numeric TTL Header Falls Back To The Default (with VK)
    [Tags]    with-vk    requires-vk
    ${result}=    Run A Chat Job    with-vk    ttl=not-a-number
    Job TTL Should Be    ${result}    ${BIFROST_DEFAULT_TTL}    tolerance=60

Zero TTL Header Falls Back To A Default (with VK)
    [Documentation]    Bifrost turns 0 into a hard-coded 3600; the configured default is accepted too.
    [Tags]    with-vk    requires-vk
    ${result}=    Run A Chat Job    with-vk    ttl=0
    Job TTL Should Be    ${result}    3600    ${BIFROST_DEFAULT_TTL}    tolerance=60

Negative TTL Header Falls Back To The Default (with VK)
    [Tags]    with-vk    requires-vk
    ${result}=    Run A Chat Job    with-vk    ttl=-1
    Job TTL Should Be    ${result}    ${BIFROST_DEFAULT_TTL}    tolerance=60
