*** Settings ***
Documentation    A submit with a virtual key the gateway does not have is refused on every endpoint, without a job.

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Template    Submitting With An Unknown Key Should Be Refused

Test Tags        extended    auth    requires-vk


*** Test Cases ***    ENDPOINT
Text Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    text-completions    behaviour:VK-19
                      text-completions
Chat Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    chat-completions    behaviour:VK-19
                      chat-completions
Responses Submit With An Unknown Key Is Refused Without A Job
    [Tags]    responses    behaviour:VK-19
                      responses
Embeddings Submit With An Unknown Key Is Refused Without A Job
    [Tags]    embeddings    behaviour:VK-19
                      embeddings
Speech Submit With An Unknown Key Is Refused Without A Job
    [Tags]    speech    behaviour:VK-19
                      speech
Transcriptions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    transcriptions    behaviour:VK-19
                      transcriptions
Image Generations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-generations    behaviour:VK-19
                      image-generations
Image Edits Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-edits    behaviour:VK-19
                      image-edits
Image Variations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-variations    behaviour:VK-19
                      image-variations
Rerank Submit With An Unknown Key Is Refused Without A Job
    [Tags]    rerank    behaviour:VK-19
                      rerank
OCR Submit With An Unknown Key Is Refused Without A Job
    [Tags]    ocr    behaviour:VK-19
                      ocr


*** Keywords ***
Submitting With An Unknown Key Should Be Refused
    [Documentation]    400 (or 500 on some builds) with the error envelope and no job.
    [Arguments]    ${endpoint}
    ${job}=    Submit Job    ${endpoint}    key=unknown
    Response Should Be Refused Without A Job    ${job}    400    500
