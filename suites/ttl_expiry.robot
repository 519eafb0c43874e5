*** Settings ***
Documentation    A job expires after its TTL and then answers 404 (upstream ttl_test.go; chat-completions jobs).

Resource         resources/run.resource
Resource         resources/ttl.resource

Test Template    A Job Should Expire After Its TTL

Test Tags        ttl    chat-completions    slow    # robocop: off=could-be-test-tags

Name             TTL Expiry


*** Test Cases ***    MODE
Job Expires After Its TTL And Then Returns 404 (global)
    [Tags]    global    behaviour:TTL-11
                      global
Job Expires After Its TTL And Then Returns 404 (with VK)
    [Tags]    with-vk    requires-vk    behaviour:TTL-11
                      with-vk
