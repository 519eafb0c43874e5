*** Settings ***
Documentation    Expiry on the suite's own clock: a job is served right after it ends and gone once its TTL has
...              passed (ASYNC_EXPIRY_TTL), public or key-scoped.

Resource         resources/jobs.resource

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
    [Documentation]    A poll right after the job ended answers 200 with the job; from TTL seconds
    ...    after it ended (monotonic clock), polls answer 404.
    [Arguments]    ${key}
    ${job}    ${response}=    Started Early Or Now    Run A Job With The Expiry TTL And Poll It At Its End    ${key}
    Answer Should Come Well Inside The TTL    ${response}    ${job}    ${ASYNC_EXPIRY_TTL}
    Response Status Should Be    ${response}    200
    Poll Answer Should Match The Job State    ${response}    ${job}
    Job Should Be Gone Once Its TTL Has Passed    ${job}    ${ASYNC_EXPIRY_TTL}
