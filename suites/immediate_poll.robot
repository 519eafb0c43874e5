*** Settings ***
Documentation    Right after submit, one poll answers 202 while the job is in flight and 200 once it is done
...              (upstream submit_test.go).

Resource         resources/jobs.resource

Test Template    An Immediate Poll Should Answer According To The Job State

Test Tags        submit    behaviour:STAT-01    behaviour:STAT-04    behaviour:STAT-05


*** Test Cases ***    ENDPOINT             MODE
Text Completions Immediate Poll Answers By Job State (global)
    [Tags]    text-completions    global    behaviour:ROUTE-01
                      text-completions     global
Chat Completions Immediate Poll Answers By Job State (global)
    [Tags]    chat-completions    global    behaviour:ROUTE-02
                      chat-completions     global
Responses Immediate Poll Answers By Job State (global)
    [Tags]    responses    global    behaviour:ROUTE-03
                      responses            global
Embeddings Immediate Poll Answers By Job State (global)
    [Tags]    embeddings    global    behaviour:ROUTE-04
                      embeddings           global
Speech Immediate Poll Answers By Job State (global)
    [Tags]    speech    global    behaviour:ROUTE-05
                      speech               global
Transcriptions Immediate Poll Answers By Job State (global)
    [Tags]    transcriptions    global    behaviour:ROUTE-06
                      transcriptions       global
Image Generations Immediate Poll Answers By Job State (global)
    [Tags]    image-generations    global    behaviour:ROUTE-07
                      image-generations    global
Image Edits Immediate Poll Answers By Job State (global)
    [Tags]    image-edits    global    behaviour:ROUTE-08
                      image-edits          global
Image Variations Immediate Poll Answers By Job State (global)
    [Tags]    image-variations    global    behaviour:ROUTE-09
                      image-variations     global
Rerank Immediate Poll Answers By Job State (global)
    [Tags]    rerank    global    behaviour:ROUTE-10
                      rerank               global
OCR Immediate Poll Answers By Job State (global)
    [Tags]    ocr    global    behaviour:ROUTE-11
                      ocr                  global
Text Completions Immediate Poll Answers By Job State (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:ROUTE-01
                      text-completions     with-vk
Chat Completions Immediate Poll Answers By Job State (with VK)
    [Tags]    chat-completions    with-vk    requires-vk    behaviour:ROUTE-02
                      chat-completions     with-vk
Responses Immediate Poll Answers By Job State (with VK)
    [Tags]    responses    with-vk    requires-vk    behaviour:ROUTE-03
                      responses            with-vk
Embeddings Immediate Poll Answers By Job State (with VK)
    [Tags]    embeddings    with-vk    requires-vk    behaviour:ROUTE-04
                      embeddings           with-vk
Speech Immediate Poll Answers By Job State (with VK)
    [Tags]    speech    with-vk    requires-vk    behaviour:ROUTE-05
                      speech               with-vk
Transcriptions Immediate Poll Answers By Job State (with VK)
    [Tags]    transcriptions    with-vk    requires-vk    behaviour:ROUTE-06
                      transcriptions       with-vk
Image Generations Immediate Poll Answers By Job State (with VK)
    [Tags]    image-generations    with-vk    requires-vk    behaviour:ROUTE-07
                      image-generations    with-vk
Image Edits Immediate Poll Answers By Job State (with VK)
    [Tags]    image-edits    with-vk    requires-vk    behaviour:ROUTE-08
                      image-edits          with-vk
Image Variations Immediate Poll Answers By Job State (with VK)
    [Tags]    image-variations    with-vk    requires-vk    behaviour:ROUTE-09
                      image-variations     with-vk
Rerank Immediate Poll Answers By Job State (with VK)
    [Tags]    rerank    with-vk    requires-vk    behaviour:ROUTE-10
                      rerank               with-vk
OCR Immediate Poll Answers By Job State (with VK)
    [Tags]    ocr    with-vk    requires-vk    behaviour:ROUTE-11
                      ocr                  with-vk


*** Keywords ***
An Immediate Poll Should Answer According To The Job State
    [Documentation]    Right after a 202 submit, one poll answers 202 while the job is pending or
    ...    processing and 200 once it is completed or failed.
    [Arguments]    ${endpoint}    ${mode}
    ${job}=    Submit Job    ${endpoint}    key=${mode}
    Submit Answer Should Have A Job Id    ${job}    202
    ${response}=    Poll Job Once    ${job}
    Poll Answer Should Match The Job State    ${response}    ${job}
