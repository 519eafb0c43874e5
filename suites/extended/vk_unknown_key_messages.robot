*** Settings ***
Documentation    A submit refused for an unknown virtual key says why: 'virtual key not found' on every
...              endpoint, with responses' prefix 'Failed to create async job: '.

Resource         resources/vk_scoping.resource

Test Template    Submitting With An Unknown Key Should Be Refused With The Message

Test Tags        extended    auth    requires-vk


*** Test Cases ***    ENDPOINT             MESSAGE
Text Completions Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    text-completions    behaviour:VK-20
                      text-completions     virtual key not found
Chat Completions Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    chat-completions    behaviour:VK-20
                      chat-completions     virtual key not found
Embeddings Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    embeddings    behaviour:VK-20
                      embeddings           virtual key not found
Speech Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    speech    behaviour:VK-20
                      speech               virtual key not found
Transcriptions Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    transcriptions    behaviour:VK-20
                      transcriptions       virtual key not found
Image Generations Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    image-generations    behaviour:VK-20
                      image-generations    virtual key not found
Image Edits Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    image-edits    behaviour:VK-20
                      image-edits          virtual key not found
Image Variations Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    image-variations    behaviour:VK-20
                      image-variations     virtual key not found
Rerank Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    rerank    behaviour:VK-20
                      rerank               virtual key not found
OCR Unknown Key Refusal Says Virtual Key Not Found
    [Tags]    ocr    behaviour:VK-20
                      ocr                  virtual key not found
Responses Unknown Key Refusal Says Failed To Create Async Job
    [Tags]    responses    behaviour:VK-21
                      responses            Failed to create async job: virtual key not found


*** Keywords ***
Submitting With An Unknown Key Should Be Refused With The Message
    [Documentation]    The endpoint's fixture submitted with an unknown key (in x-bf-vk): a 400 or 500
    ...    error envelope whose error.message contains ``message``.
    [Arguments]    ${endpoint}    ${message}
    ${job}=    Submit Job    ${endpoint}    key=unknown
    Error Message Should Contain    ${job.response}    ${message}    400    500
