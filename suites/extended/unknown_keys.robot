*** Settings ***
Documentation    A submit with a virtual key the gateway does not have is refused on every endpoint, without a job.

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Template    Submitting With An Unknown Key Should Be Refused

Test Tags        extended    auth    requires-vk


*** Test Cases ***    ENDPOINT
Text Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    text-completions    behaviour:TTL-01
                      text-completions
Chat Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    chat-completions    behaviour:TTL-01
                      chat-completions
Responses Submit With An Unknown Key Is Refused Without A Job
    [Tags]    responses    behaviour:TTL-01
                      responses
Embeddings Submit With An Unknown Key Is Refused Without A Job
    [Tags]    embeddings    behaviour:TTL-01
                      embeddings
Speech Submit With An Unknown Key Is Refused Without A Job
    [Tags]    speech    behaviour:TTL-01
                      speech
Transcriptions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    transcriptions    behaviour:TTL-01
                      transcriptions
Image Generations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-generations    behaviour:TTL-01
                      image-generations
Image Edits Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-edits    behaviour:TTL-01
                      image-edits
Image Variations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-variations    behaviour:TTL-01
                      image-variations
Rerank Submit With An Unknown Key Is Refused Without A Job
    [Tags]    rerank    behaviour:TTL-01
                      rerank
OCR Submit With An Unknown Key Is Refused Without A Job
    [Tags]    ocr    behaviour:TTL-01
                      ocr


*** Keywords ***
Submitting With An Unknown Key Should Be Refused
    [Documentation]    400 (or 500 on some builds) with the error envelope and no job.
    [Arguments]    ${endpoint}
    ${job}=    Submit Job    ${endpoint}    key=unknown
    Response Should Be Refused Without A Job    ${job}    400    500
