*** Settings ***
Documentation    Expiry without trusting clocks: measured on the suite's monotonic clock from the moment
...              it sees the job end, a job with ASYNC_EXPIRY_TTL is served well inside the TTL and gone
...              (404) once the TTL has passed, for a public and for a key-scoped job.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    ttl    chat-completions    slow


*** Test Cases ***
Public Job Is Served Inside Its TTL And Gone After It
    [Tags]    global
    A Job Should Be Served Inside Its TTL And Gone After It    none

Key-Scoped Job Is Served Inside Its TTL And Gone After It
    [Tags]    requires-vk
    A Job Should Be Served Inside Its TTL And Gone After It    primary
