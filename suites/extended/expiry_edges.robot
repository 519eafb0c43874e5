*** Settings ***
Documentation    Expiry on the suite's own clock: a job is served right after it ends and gone once its TTL has
...              passed (ASYNC_EXPIRY_TTL), public or key-scoped.

Resource         resources/jobs.resource
Resource         resources/ttl.resource

Test Template    A Job Should Be Served Inside Its TTL And Gone After It

Test Tags        extended    ttl    chat-completions    slow    behaviour:STAT-08    behaviour:TTL-11


*** Test Cases ***    KEY
Public Job Is Served Inside Its TTL And Gone After It
    [Tags]    global
                      none
Key-Scoped Job Is Served Inside Its TTL And Gone After It
    [Tags]    requires-vk
                      primary


*** Keywords ***
A Job Should Be Served Inside Its TTL And Gone After It
    [Documentation]    The poll that saw the job ended (right after its end) answers 200 with the job;
    ...    from TTL seconds after it ended (monotonic clock), polls answer 404.
    [Arguments]    ${key}
    ${job}=    Started Early Or Now    Submit A Chat Job With The Expiry TTL    ${key}
    Wait Until Job Is Terminal    ${job}
    Response Status Should Be    ${job.terminal}    200
    Poll Answer Should Match The Job State    ${job.terminal}    ${job}
    Job Should Be Gone Once Its TTL Has Passed    ${job}    ${ASYNC_EXPIRY_TTL}
