*** Settings ***
Documentation    Result TTL from completion: the default, a custom header, invalid, zero and negative headers
...              (upstream ttl_test.go; chat-completions jobs).

Resource         resources/ttl.resource

Test Template    A Chat Job With This TTL Header Should Keep Its Result For

Test Tags        ttl    chat-completions

Name             TTL


*** Test Cases ***    MODE       TTL_HEADER      TOLERANCE    EXPECTED_SECONDS
Default TTL Applies When No Header Is Sent (global)
    [Tags]    global    behaviour:TTL-04    behaviour:TTL-10
                      global     ${None}         60           ${BIFROST_DEFAULT_TTL}
Custom TTL Header Of 120 Seconds Is Applied (global)
    [Tags]    global    behaviour:TTL-08    behaviour:TTL-10
                      global     120             30           120
Non-Numeric TTL Header Falls Back To The Default (global)
    [Tags]    global    behaviour:TTL-05
                      global     not-a-number    60           ${BIFROST_DEFAULT_TTL}
Zero TTL Header Falls Back To A Default (global)
    [Documentation]    Bifrost turns 0 into a hard-coded 3600; the configured default is accepted too.
    [Tags]    global    behaviour:TTL-07
                      global     0               60           3600                      ${BIFROST_DEFAULT_TTL}
Negative TTL Header Falls Back To The Default (global)
    [Tags]    global    behaviour:TTL-06
                      global     -1              60           ${BIFROST_DEFAULT_TTL}
Default TTL Applies When No Header Is Sent (with VK)
    [Tags]    with-vk    requires-vk    behaviour:TTL-04    behaviour:TTL-10
                      with-vk    ${None}         60           ${BIFROST_DEFAULT_TTL}
Custom TTL Header Of 120 Seconds Is Applied (with VK)
    [Tags]    with-vk    requires-vk    behaviour:TTL-08    behaviour:TTL-10
                      with-vk    120             30           120
Non-Numeric TTL Header Falls Back To The Default (with VK)
    [Tags]    with-vk    requires-vk    behaviour:TTL-05
                      with-vk    not-a-number    60           ${BIFROST_DEFAULT_TTL}
Zero TTL Header Falls Back To A Default (with VK)
    [Documentation]    Bifrost turns 0 into a hard-coded 3600; the configured default is accepted too.
    [Tags]    with-vk    requires-vk    behaviour:TTL-07
                      with-vk    0               60           3600                      ${BIFROST_DEFAULT_TTL}
Negative TTL Header Falls Back To The Default (with VK)
    [Tags]    with-vk    requires-vk    behaviour:TTL-06
                      with-vk    -1              60           ${BIFROST_DEFAULT_TTL}
