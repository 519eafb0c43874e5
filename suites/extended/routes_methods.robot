*** Settings ***
Documentation    Wrong HTTP methods on the async routes (contract §3): the router answers 405 for a method a path
...              has no handler for, while GET on a submit path reaches the UI catch-all (200 text/html).

Resource         resources/http.resource
Resource         resources/jobs.resource

Test Template    This Method On This Path Should Answer 405

Test Tags        extended    validation    chat-completions


*** Test Cases ***    METHOD    PATH
PUT On A Submit Path Answers 405
    [Tags]    behaviour:STAT-13
                      PUT       submit
PATCH On A Submit Path Answers 405
    [Tags]    behaviour:STAT-13
                      PATCH     submit
DELETE On A Submit Path Answers 405
    [Tags]    behaviour:STAT-13
                      DELETE    submit
POST On A Poll Path Answers 405
    [Tags]    behaviour:STAT-14
                      POST      poll
GET On A Submit Path Answers The UI Shell
    [Tags]    behaviour:STAT-12
    [Template]    NONE
    A GET On The Submit Path Should Answer The UI Shell


*** Keywords ***
This Method On This Path Should Answer 405
    [Documentation]    ``method`` on the chat submit path, or on the poll path of the all-zero job id,
    ...    with an empty JSON body: 405 (its body and Allow header are not asserted: UNCONFIRMED).
    [Arguments]    ${method}    ${path}
    ${nil}=    Nil Job Id
    IF    $path == 'submit'
        VAR    ${target}=    /v1/async/chat/completions
    ELSE IF    $path == 'poll'
        VAR    ${target}=    /v1/async/chat/completions/${nil}
    ELSE
        Fail    PATH is 'submit' or 'poll', not '${path}'
    END
    ${response}=    Send    ${method}    ${target}    json=${{ {} }}
    Response Status Should Be    ${response}    405

A GET On The Submit Path Should Answer The UI Shell
    [Documentation]    GET /v1/async/chat/completions: 200 with Content-Type text/html, not 404 or 405.
    ${response}=    Send    GET    /v1/async/chat/completions
    Response Status Should Be    ${response}    200
    Should Start With    ${response.headers}[Content-Type]    text/html
