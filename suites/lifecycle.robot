*** Settings ***
Documentation    Jobs reach a terminal state with a consistent envelope (upstream lifecycle_test.go).

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Template    The Job Should Reach A Consistent Terminal State

Test Tags        lifecycle    # robocop: off=could-be-test-tags


*** Test Cases ***    ENDPOINT             MODE
Text Completions Job Reaches A Terminal State (global)
    [Tags]    text-completions    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      text-completions     global
Chat Completions Job Reaches A Terminal State (global)
    [Tags]    chat-completions    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      chat-completions     global
Responses Job Reaches A Terminal State (global)
    [Tags]    responses    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      responses            global
Embeddings Job Reaches A Terminal State (global)
    [Tags]    embeddings    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      embeddings           global
Speech Job Reaches A Terminal State (global)
    [Tags]    speech    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      speech               global
Transcriptions Job Reaches A Terminal State (global)
    [Tags]    transcriptions    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      transcriptions       global
Image Generations Job Reaches A Terminal State (global)
    [Tags]    image-generations    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      image-generations    global
Image Edits Job Reaches A Terminal State (global)
    [Tags]    image-edits    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      image-edits          global
Image Variations Job Reaches A Terminal State (global)
    [Tags]    image-variations    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      image-variations     global
Rerank Job Reaches A Terminal State (global)
    [Tags]    rerank    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      rerank               global
OCR Job Reaches A Terminal State (global)
    [Tags]    ocr    global    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      ocr                  global
Text Completions Job Reaches A Terminal State (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      text-completions     with-vk
Chat Completions Job Reaches A Terminal State (with VK)
    [Tags]    chat-completions    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      chat-completions     with-vk
Responses Job Reaches A Terminal State (with VK)
    [Tags]    responses    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      responses            with-vk
Embeddings Job Reaches A Terminal State (with VK)
    [Tags]    embeddings    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      embeddings           with-vk
Speech Job Reaches A Terminal State (with VK)
    [Tags]    speech    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      speech               with-vk
Transcriptions Job Reaches A Terminal State (with VK)
    [Tags]    transcriptions    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      transcriptions       with-vk
Image Generations Job Reaches A Terminal State (with VK)
    [Tags]    image-generations    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      image-generations    with-vk
Image Edits Job Reaches A Terminal State (with VK)
    [Tags]    image-edits    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      image-edits          with-vk
Image Variations Job Reaches A Terminal State (with VK)
    [Tags]    image-variations    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      image-variations     with-vk
Rerank Job Reaches A Terminal State (with VK)
    [Tags]    rerank    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      rerank               with-vk
OCR Job Reaches A Terminal State (with VK)
    [Tags]    ocr    with-vk    requires-vk    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16
                      ocr                  with-vk


*** Keywords ***
The Job Should Reach A Consistent Terminal State
    [Documentation]    The job ends completed (with a result) or failed (with an error and a
    ...    status_code); the terminal poll answers 200 with the same id and expires_at after
    ...    completed_at.
    [Arguments]    ${endpoint}    ${mode}
    ${job}=    Run Job To The End    ${endpoint}    ${mode}
    Terminal Envelope Should Be Consistent    ${job}
