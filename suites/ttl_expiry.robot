*** Settings ***
Documentation    A job expires after its TTL and then answers 404 (upstream ttl_test.go; chat-completions jobs).

Resource         resources/ttl.resource

Test Template    A Job Should Expire After Its TTL

Test Tags        ttl    chat-completions    slow    behaviour:STAT-08    behaviour:TTL-11

Name             TTL Expiry


*** Test Cases ***    MODE
Job Expires After Its TTL And Then Returns 404 (global)
    [Tags]    global
                      global
Job Expires After Its TTL And Then Returns 404 (with VK)
    [Tags]    with-vk    requires-vk
                      with-vk
