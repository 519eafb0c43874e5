*** Settings ***
Documentation    A submit with a virtual key the gateway does not have is refused on every endpoint, without a job.

Resource         resources/jobs.resource

Test Template    Submitting With An Unknown Key Should Be Refused

Test Tags        extended    auth    requires-vk    behaviour:VK-19


*** Test Cases ***    ENDPOINT
Text Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    text-completions
                      text-completions
Chat Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    chat-completions
                      chat-completions
Responses Submit With An Unknown Key Is Refused Without A Job
    [Tags]    responses
                      responses
Embeddings Submit With An Unknown Key Is Refused Without A Job
    [Tags]    embeddings
                      embeddings
Speech Submit With An Unknown Key Is Refused Without A Job
    [Tags]    speech
                      speech
Transcriptions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    transcriptions
                      transcriptions
Image Generations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-generations
                      image-generations
Image Edits Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-edits
                      image-edits
Image Variations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-variations
                      image-variations
Rerank Submit With An Unknown Key Is Refused Without A Job
    [Tags]    rerank
                      rerank
OCR Submit With An Unknown Key Is Refused Without A Job
    [Tags]    ocr
                      ocr


*** Keywords ***
Submitting With An Unknown Key Should Be Refused
    [Documentation]    400 (or 500 on some builds) with the error envelope and no job.
    [Arguments]    ${endpoint}
    ${job}=    Submit Job    ${endpoint}    key=unknown
    Response Should Be Refused Without A Job    ${job}    400    500
