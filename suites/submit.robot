*** Settings ***
Documentation    Every endpoint accepts a job with 202 and a well-formed pending envelope (upstream submit_test.go).

Resource         resources/jobs.resource

Test Template    Submitting A Job Should Return 202 With A Pending Envelope

Test Tags    submit
...          behaviour:STAT-01
...          behaviour:ENV-01
...          behaviour:ENV-05
...          behaviour:ENV-06
...          behaviour:ENV-09
...          behaviour:ENV-12
...          behaviour:ENV-22


*** Test Cases ***    ENDPOINT             MODE
Text Completions Submit Returns 202 With Pending Envelope (global)
    [Tags]    text-completions    global    behaviour:ROUTE-01
                      text-completions     global
Chat Completions Submit Returns 202 With Pending Envelope (global)
    [Tags]    chat-completions    global    behaviour:ROUTE-02
                      chat-completions     global
Responses Submit Returns 202 With Pending Envelope (global)
    [Tags]    responses    global    behaviour:ROUTE-03
                      responses            global
Embeddings Submit Returns 202 With Pending Envelope (global)
    [Tags]    embeddings    global    behaviour:ROUTE-04
                      embeddings           global
Speech Submit Returns 202 With Pending Envelope (global)
    [Tags]    speech    global    behaviour:ROUTE-05
                      speech               global
Transcriptions Submit Returns 202 With Pending Envelope (global)
    [Tags]    transcriptions    global    behaviour:ROUTE-06
                      transcriptions       global
Image Generations Submit Returns 202 With Pending Envelope (global)
    [Tags]    image-generations    global    behaviour:ROUTE-07
                      image-generations    global
Image Edits Submit Returns 202 With Pending Envelope (global)
    [Tags]    image-edits    global    behaviour:ROUTE-08
                      image-edits          global
Image Variations Submit Returns 202 With Pending Envelope (global)
    [Tags]    image-variations    global    behaviour:ROUTE-09
                      image-variations     global
Rerank Submit Returns 202 With Pending Envelope (global)
    [Tags]    rerank    global    behaviour:ROUTE-10
                      rerank               global
OCR Submit Returns 202 With Pending Envelope (global)
    [Tags]    ocr    global    behaviour:ROUTE-11
                      ocr                  global
Text Completions Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:ROUTE-01
                      text-completions     with-vk
Chat Completions Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    chat-completions    with-vk    requires-vk    behaviour:ROUTE-02
                      chat-completions     with-vk
Responses Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    responses    with-vk    requires-vk    behaviour:ROUTE-03
                      responses            with-vk
Embeddings Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    embeddings    with-vk    requires-vk    behaviour:ROUTE-04
                      embeddings           with-vk
Speech Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    speech    with-vk    requires-vk    behaviour:ROUTE-05
                      speech               with-vk
Transcriptions Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    transcriptions    with-vk    requires-vk    behaviour:ROUTE-06
                      transcriptions       with-vk
Image Generations Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    image-generations    with-vk    requires-vk    behaviour:ROUTE-07
                      image-generations    with-vk
Image Edits Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    image-edits    with-vk    requires-vk    behaviour:ROUTE-08
                      image-edits          with-vk
Image Variations Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    image-variations    with-vk    requires-vk    behaviour:ROUTE-09
                      image-variations     with-vk
Rerank Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    rerank    with-vk    requires-vk    behaviour:ROUTE-10
                      rerank               with-vk
OCR Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    ocr    with-vk    requires-vk    behaviour:ROUTE-11
                      ocr                  with-vk


*** Keywords ***
Submitting A Job Should Return 202 With A Pending Envelope
    [Documentation]    202, a UUID-shaped id, status pending, created_at within 30 s of the client
    ...    clock, and no completed_at or expires_at yet.
    [Arguments]    ${endpoint}    ${mode}
    ${job}=    Submit Job    ${endpoint}    key=${mode}
    Submit Answer Should Be 202 With A Pending Envelope    ${job}
