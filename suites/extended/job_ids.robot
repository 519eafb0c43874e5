*** Settings ***
Documentation    Job ids: each job is found only on its own type's poll path, and odd ids answer 404.

Resource         resources/jobs.resource
Library          String

Test Template    Polling An Odd Job Id Should Return 404

Test Tags        extended    lifecycle


*** Test Cases ***    KIND
Each Job Is Found Only On The Poll Path Of Its Own Type
    [Tags]    behaviour:ROUTE-01
    ...       behaviour:ROUTE-02
    ...       behaviour:ROUTE-03
    ...       behaviour:ROUTE-04
    ...       behaviour:ROUTE-05
    ...       behaviour:ROUTE-06
    ...       behaviour:ROUTE-07
    ...       behaviour:ROUTE-08
    ...       behaviour:ROUTE-09
    ...       behaviour:ROUTE-10
    ...       behaviour:ROUTE-11
    ...       behaviour:STAT-10
    [Template]    NONE
    Jobs Should Be Served Only On The Poll Path Of Their Type
Polling A Job Id That Is Not A UUID Returns 404
    [Tags]    chat-completions    behaviour:STAT-16
                      not-a-uuid
Polling An Overlong Job Id Returns 404
    [Tags]    chat-completions    behaviour:STAT-16
                      overlong
Polling A URL-Encoded Job Id Returns 404
    [Tags]    chat-completions    behaviour:STAT-16
                      url-encoded


*** Keywords ***
Polling An Odd Job Id Should Return 404
    [Documentation]    An odd job id (not a UUID, overlong, URL-encoded) on the chat poll path answers 404.
    [Arguments]    ${kind}
    ${job_id}=    Odd Job Id    ${kind}
    ${response}=    Poll Job Id Once    chat-completions    ${job_id}
    Response Should Be An Error With Status    ${response}    404

Jobs Should Be Served Only On The Poll Path Of Their Type
    [Documentation]    One job per endpoint under test, each polled on every poll path: 404 with the
    ...    error envelope on the others, 200/202 with the job on its own.
    @{endpoints}=    Split String    ${ASYNC_ENDPOINTS}    ,
    FOR    ${owner}    IN    @{endpoints}
        ${job}=    Submit Accepted Job    ${owner}
        FOR    ${path}    IN    @{endpoints}
            ${response}=    Poll Job Once    ${job}    endpoint=${path}
            IF    $path == $owner
                Poll Answer Should Match The Job State    ${response}    ${job}
            ELSE
                Response Should Be An Error With Status    ${response}    404
            END
        END
    END
