*** Settings ***
Documentation    Routes Bifrost does not have (contract §1): a job is served only on the typed poll route of its
...              request type; there is no generic job route, no job list, and no cancel or DELETE.

Resource         resources/jobs.resource
Resource         resources/routes_http.resource

Test Tags        extended    lifecycle    chat-completions


*** Test Cases ***
A Job Is Not Served On A Generic Jobs Route
    [Tags]    behaviour:ROUTE-12
    A Generic Jobs Route Should Not Serve The Job

Jobs Are Not Listed On A Jobs Route
    [Tags]    behaviour:ROUTE-13
    A Jobs Route Should Not List The Job

DELETE On A Poll Path Leaves The Job In Place
    [Tags]    behaviour:ROUTE-14
    A DELETE On The Poll Path Should Leave The Job In Place

POST On A Cancel Path Leaves The Job In Place
    [Tags]    behaviour:ROUTE-14
    A POST On A Cancel Path Should Leave The Job In Place


*** Keywords ***
A Generic Jobs Route Should Not Serve The Job
    [Documentation]    GET /v1/async/jobs/{id} of a job just submitted, with its key: the job is not served.
    ${job}=    Submit Accepted Job    chat-completions
    ${response}=    Send With The Job Key    GET    /v1/async/jobs/${job.id}    ${job}
    Answer Should Not Carry The Job    ${response}    ${job}

A Jobs Route Should Not List The Job
    [Documentation]    GET /v1/async/jobs right after a submit, with its key: the job is not listed.
    ${job}=    Submit Accepted Job    chat-completions
    ${response}=    Send With The Job Key    GET    /v1/async/jobs    ${job}
    Answer Should Not Carry The Job    ${response}    ${job}

A DELETE On The Poll Path Should Leave The Job In Place
    [Documentation]    DELETE on the job's poll path, with its key, is refused (404 or 405); the job stays.
    ${job}=    Submit Accepted Job    chat-completions
    ${request}=    Poll Request    ${job}
    ${response}=    Send With The Job Key    DELETE    ${request.path}    ${job}
    Response Status Should Be    ${response}    404    405
    Job Should Still Be Served    ${job}

A POST On A Cancel Path Should Leave The Job In Place
    [Documentation]    POST on <poll path>/cancel, with the job's key, is refused (404 or 405); the job stays.
    ${job}=    Submit Accepted Job    chat-completions
    ${request}=    Poll Request    ${job}
    ${response}=    Send With The Job Key    POST    ${request.path}/cancel    ${job}
    Response Status Should Be    ${response}    404    405
    Job Should Still Be Served    ${job}
