*** Settings ***
Documentation    A completed chat, embeddings or rerank job holds a non-empty list (upstream lifecycle_test.go).

Resource         resources/jobs.resource

Test Template    A Completed Job Result Should Hold A Non-Empty List

Test Tags        lifecycle    global    # robocop: off=could-be-test-tags


*** Test Cases ***    ENDPOINT            FIELD
Completed Chat Completions Job Has A Non-Empty Choices List (global)
    [Tags]    chat-completions    behaviour:ENV-16    behaviour:ENV-17
                      chat-completions    choices
Completed Embeddings Job Has A Non-Empty Data List (global)
    [Tags]    embeddings    behaviour:ENV-16    behaviour:ENV-17
                      embeddings          data
Completed Rerank Job Has A Non-Empty Results List (global)
    [Tags]    rerank    behaviour:ENV-16    behaviour:ENV-17
                      rerank              results


*** Keywords ***
A Completed Job Result Should Hold A Non-Empty List
    [Documentation]    A completed job's result.<field> is a non-empty array; a job that does not
    ...    complete skips the test, as upstream does.
    [Arguments]    ${endpoint}    ${field}
    ${job}=    Started Early Or Now    Submit An Accepted Job Of The Endpoint    ${endpoint}    ${field}
    Wait Until Job Is Terminal    ${job}
    Result Should Hold A Non-Empty List    ${job}    ${field}
