*** Settings ***
Documentation    A job id the gateway does not have, or a job polled on another endpoint's path, answers 404
...              (upstream lifecycle_test.go).

Resource         resources/jobs.resource

Test Template    Polling It On The Chat Completions Path Should Return 404

Test Tags        lifecycle    chat-completions


*** Test Cases ***    JOB                     MODE
Polling A Non-Existent Job Returns 404 (global)
    [Tags]    global    behaviour:STAT-07    behaviour:ERR-03
                      unknown job             global
Polling A Non-Existent Job Returns 404 (with VK)
    [Tags]    with-vk    requires-vk    behaviour:STAT-07    behaviour:ERR-03
                      unknown job             with-vk
Text Completions Job Polled On The Chat Completions Path Returns 404 (global)
    [Tags]    text-completions    global    behaviour:STAT-10
                      text-completions job    global
Text Completions Job Polled On The Chat Completions Path Returns 404 (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:STAT-10
                      text-completions job    with-vk


*** Keywords ***
Polling It On The Chat Completions Path Should Return 404
    [Documentation]    ``unknown job``: the all-zero UUID; ``text-completions job``: a text-completions job
    ...    polled right away on the chat poll path. Either answers 404 with an error envelope.
    [Arguments]    ${job}    ${mode}
    ${subject}=    Job To Look Up    ${job}    ${mode}
    ${response}=    Poll Job Once    ${subject}    key=${mode}    endpoint=chat-completions
    Response Should Be An Error With Status    ${response}    404

Job To Look Up
    [Documentation]    A handle for the all-zero UUID, or a fresh text-completions job.
    [Arguments]    ${job}    ${mode}
    IF    $job == 'unknown job'
        ${nil}=    Nil Job Id
        ${subject}=    Job With Id    chat-completions    ${nil}
    ELSE
        ${subject}=    Submit Accepted Job    text-completions    ${mode}
    END
    RETURN    ${subject}
