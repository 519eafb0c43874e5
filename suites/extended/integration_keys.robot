*** Settings ***
Documentation    Virtual keys on both integration routes (OpenAI Responses, Anthropic Messages) work as on
...              /v1/async: a key-scoped job answers 404 without its key, to another key or an unknown one, and
...              200 to its own; a public job is anyone's; a key sent as Bearer or x-api-key scopes the job
...              (contract §7, §8).

Resource         resources/integration_checks.resource

Test Tags        extended    integration    responses    requires-vk


*** Test Cases ***
Key-Scoped Job Retrieved Without A Key Returns 404 On The OpenAI Route
    [Tags]    behaviour:INT-24
    [Template]    A Key-Scoped Job Retrieved With This Key Should Return 404
    responses    none

Key-Scoped Job Retrieved Without A Key Returns 404 On The Anthropic Route
    [Tags]    behaviour:INT-24
    [Template]    A Key-Scoped Job Retrieved With This Key Should Return 404
    anthropic    none

Key-Scoped Job Retrieved With A Different Key Returns 404 On The Anthropic Route
    [Tags]    requires-alt-vk    behaviour:INT-25
    [Template]    A Key-Scoped Job Retrieved With This Key Should Return 404
    anthropic    alternate

Key-Scoped Job Retrieved With An Unknown Key Returns 404 On The OpenAI Route
    [Tags]    behaviour:INT-35
    [Template]    A Key-Scoped Job Retrieved With This Key Should Return 404
    responses    unknown

Key-Scoped Job Retrieved With An Unknown Key Returns 404 On The Anthropic Route
    [Tags]    behaviour:INT-35
    [Template]    A Key-Scoped Job Retrieved With This Key Should Return 404
    anthropic    unknown

Key-Scoped Job Is Retrieved With Its Own Key On The Anthropic Route
    [Tags]    behaviour:INT-34
    A Key-Scoped Job Should Be Retrieved With Its Own Key On The Anthropic Route

Public Job Is Retrieved With A Virtual Key On The OpenAI Route
    [Tags]    anonymous    behaviour:INT-36
    [Template]    A Public Job Should Be Retrieved With A Virtual Key
    responses

Public Job Is Retrieved With A Virtual Key On The Anthropic Route
    [Tags]    anonymous    behaviour:INT-36
    [Template]    A Public Job Should Be Retrieved With A Virtual Key
    anthropic

Bearer Virtual Key Scopes A Job Created On The OpenAI Route
    [Tags]    behaviour:INT-37
    [Template]    A Key Sent In This Format Should Scope The Created Job
    responses    bearer

X-Api-Key Virtual Key Scopes A Job Created On The Anthropic Route
    [Tags]    behaviour:INT-37
    [Template]    A Key Sent In This Format Should Scope The Created Job
    anthropic    x-api-key


*** Keywords ***
A Key-Scoped Job Retrieved With This Key Should Return 404
    [Documentation]    A job created with the primary key, retrieved with ``key`` (a role), answers 404.
    [Arguments]    ${route}    ${key}
    ${job}=    Create Accepted Integration Job    key=primary    route=${route}
    ${response}=    Retrieve Integration Job    ${job}    key=${key}
    Response Should Be An Error With Status    ${response}    404

A Key-Scoped Job Should Be Retrieved With Its Own Key On The Anthropic Route
    [Documentation]    A job created with the primary key on the Anthropic route answers 200 to that key.
    ${job}=    Create Accepted Integration Job    key=primary    route=anthropic
    ${response}=    Retrieve Integration Job    ${job}
    Response Status Should Be    ${response}    200

A Public Job Should Be Retrieved With A Virtual Key
    [Documentation]    A job created without a key answers 200 to a retrieve with the primary key.
    [Arguments]    ${route}
    ${job}=    Create Accepted Integration Job    key=none    route=${route}
    ${response}=    Retrieve Integration Job    ${job}    key=primary
    Response Status Should Be    ${response}    200

A Key Sent In This Format Should Scope The Created Job
    [Documentation]    A create whose primary key is sent in ``key_format`` (bearer, x-api-key) makes a job that
    ...    answers 404 without a key and 200 to that key (in x-bf-vk).
    [Arguments]    ${route}    ${key_format}
    ${keyed}=    Submit Request    responses    key=primary    key_format=${key_format}
    ${job}=    Create Integration Job    key=none    route=${route}    headers=${keyed.arguments}[headers]
    Integration Create Should Answer 200 With A Job Id    ${job}
    ${anonymous}=    Retrieve Integration Job    ${job}    key=none
    Response Should Be An Error With Status    ${anonymous}    404
    ${own}=    Retrieve Integration Job    ${job}    key=primary
    Response Status Should Be    ${own}    200
