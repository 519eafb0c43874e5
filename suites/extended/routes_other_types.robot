*** Settings ***
Documentation    No async routes for other request types (contract §1): batches, files, containers, videos and
...              token counting have no /v1/async submit route, so a POST there is refused without a job.

Resource         resources/http.resource
Resource         resources/jobs.resource

Test Template    A POST On This Path Should Create No Job

Test Tags        extended    validation    behaviour:ROUTE-15


*** Test Cases ***    PATH
POST On The Async Batches Path Creates No Job
                      /v1/async/batches
POST On The Async Files Path Creates No Job
                      /v1/async/files
POST On The Async Containers Path Creates No Job
                      /v1/async/containers
POST On The Async Videos Path Creates No Job
                      /v1/async/videos
POST On The Async Count Tokens Path Creates No Job
                      /v1/async/count_tokens


*** Keywords ***
A POST On This Path Should Create No Job
    [Documentation]    A POST with a chat-like JSON body is refused by the router: 404 Route not found (405
    ...    accepted as well), so no job exists.
    [Arguments]    ${path}
    VAR    &{body}=    model=openai/gpt-4o-mini    input=Say hello in one word.
    ${response}=    Send    POST    ${path}    json=${body}
    Response Status Should Be    ${response}    404    405
