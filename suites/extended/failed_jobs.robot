*** Settings ***
Documentation    Jobs whose provider call fails (ASYNC_FAILING_MODEL; ASYNC_FAILING_STATUS names the
...              provider's status when known): what the poll reports, and what the integration route
...              answers for them.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    requires-failing-model    global


*** Test Cases ***
Failed Chat Completions Job Reports The Provider Error
    [Tags]    lifecycle    chat-completions
    A Failed Chat Job Should Report The Provider Error

Failed Job Retrieved On The Integration Route Answers With Its Error Status
    [Tags]    integration    responses
    A Failed Job Retrieved On The Integration Route Should Answer With Its Error Status
