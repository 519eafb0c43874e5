*** Settings ***
Documentation    Jobs reach a terminal state with a consistent envelope (upstream lifecycle_test.go).

Resource         resources/jobs.resource

Test Template    The Job Should Reach A Consistent Terminal State

Test Tags        lifecycle    behaviour:STAT-05    behaviour:ENV-08    behaviour:ENV-11    behaviour:ENV-16


*** Test Cases ***    ENDPOINT             MODE
Text Completions Job Reaches A Terminal State (global)
    [Tags]    text-completions    global    behaviour:ROUTE-01
                      text-completions     global
Chat Completions Job Reaches A Terminal State (global)
    [Tags]    chat-completions    global    behaviour:ROUTE-02
                      chat-completions     global
Responses Job Reaches A Terminal State (global)
    [Tags]    responses    global    behaviour:ROUTE-03
                      responses            global
Embeddings Job Reaches A Terminal State (global)
    [Tags]    embeddings    global    behaviour:ROUTE-04
                      embeddings           global
Speech Job Reaches A Terminal State (global)
    [Tags]    speech    global    behaviour:ROUTE-05
                      speech               global
Transcriptions Job Reaches A Terminal State (global)
    [Tags]    transcriptions    global    behaviour:ROUTE-06
                      transcriptions       global
Image Generations Job Reaches A Terminal State (global)
    [Tags]    image-generations    global    behaviour:ROUTE-07
                      image-generations    global
Image Edits Job Reaches A Terminal State (global)
    [Tags]    image-edits    global    behaviour:ROUTE-08
                      image-edits          global
Image Variations Job Reaches A Terminal State (global)
    [Tags]    image-variations    global    behaviour:ROUTE-09
                      image-variations     global
Rerank Job Reaches A Terminal State (global)
    [Tags]    rerank    global    behaviour:ROUTE-10
                      rerank               global
OCR Job Reaches A Terminal State (global)
    [Tags]    ocr    global    behaviour:ROUTE-11
                      ocr                  global
Text Completions Job Reaches A Terminal State (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:ROUTE-01
                      text-completions     with-vk
Chat Completions Job Reaches A Terminal State (with VK)
    [Tags]    chat-completions    with-vk    requires-vk    behaviour:ROUTE-02
                      chat-completions     with-vk
Responses Job Reaches A Terminal State (with VK)
    [Tags]    responses    with-vk    requires-vk    behaviour:ROUTE-03
                      responses            with-vk
Embeddings Job Reaches A Terminal State (with VK)
    [Tags]    embeddings    with-vk    requires-vk    behaviour:ROUTE-04
                      embeddings           with-vk
Speech Job Reaches A Terminal State (with VK)
    [Tags]    speech    with-vk    requires-vk    behaviour:ROUTE-05
                      speech               with-vk
Transcriptions Job Reaches A Terminal State (with VK)
    [Tags]    transcriptions    with-vk    requires-vk    behaviour:ROUTE-06
                      transcriptions       with-vk
Image Generations Job Reaches A Terminal State (with VK)
    [Tags]    image-generations    with-vk    requires-vk    behaviour:ROUTE-07
                      image-generations    with-vk
Image Edits Job Reaches A Terminal State (with VK)
    [Tags]    image-edits    with-vk    requires-vk    behaviour:ROUTE-08
                      image-edits          with-vk
Image Variations Job Reaches A Terminal State (with VK)
    [Tags]    image-variations    with-vk    requires-vk    behaviour:ROUTE-09
                      image-variations     with-vk
Rerank Job Reaches A Terminal State (with VK)
    [Tags]    rerank    with-vk    requires-vk    behaviour:ROUTE-10
                      rerank               with-vk
OCR Job Reaches A Terminal State (with VK)
    [Tags]    ocr    with-vk    requires-vk    behaviour:ROUTE-11
                      ocr                  with-vk


*** Keywords ***
The Job Should Reach A Consistent Terminal State
    [Documentation]    The job ends completed (with a result) or failed (with an error and a
    ...    status_code); the terminal poll answers 200 with the same id and expires_at after
    ...    completed_at.
    [Arguments]    ${endpoint}    ${mode}
    ${job}=    Started Early Or Now    Submit Accepted Job    ${endpoint}    ${mode}
    Wait Until Job Is Terminal    ${job}
    Terminal Envelope Should Be Consistent    ${job}
