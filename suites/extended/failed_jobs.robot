*** Settings ***
Documentation    The failure path (ASYNC_FAILING_MODEL): a job the provider rejects ends failed with the
...              provider's status code and error, on the async route and on the integration route.

Resource         resources/jobs.resource
Resource         resources/integration.resource

Test Tags        extended    requires-failing-model


*** Test Cases ***
Failed Chat Completions Job Reports The Provider Error
    [Tags]    lifecycle
    ...       chat-completions
    ...       behaviour:STAT-06
    ...       behaviour:ENV-08
    ...       behaviour:ENV-11
    ...       behaviour:ENV-15
    ...       behaviour:ENV-18
    ...       behaviour:ENV-19
    ...       behaviour:TTL-03
    A Failed Chat Job Should Report The Provider Error

Failed Job Retrieved On The Integration Route Answers With Its Error Status
    [Tags]    integration    responses    behaviour:INT-31
    A Failed Job Retrieved On The Integration Route Should Answer With Its Error Status


*** Keywords ***
A Failed Chat Job Should Report The Provider Error
    [Documentation]    The job ends failed, polled with 200, with the provider's status code and an error.
    ${job}=    Started Early Or Now    Submit A Chat Job Of The Failing Model
    Wait Until Job Is Terminal    ${job}
    Failed Job Should Report The Provider Error    ${job}

A Failed Job Retrieved On The Integration Route Should Answer With Its Error Status
    [Documentation]    A failed Responses job retrieved with x-bf-async-id answers with its status_code.
    ${job}=    Started Early Or Now    Create An Integration Job Of The Failing Model
    Wait Until Job Is Terminal    ${job}
    ${retrieved}=    Retrieve Integration Job    ${job}
    Retrieve Should Answer With The Job Error Status    ${retrieved}    ${job}
