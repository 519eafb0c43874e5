*** Settings ***
Documentation    The status of a submit refused for an unknown virtual key depends on the endpoint: 400 on
...              chat, responses, embeddings, speech, transcriptions and the three image endpoints, 500 on
...              text completions, rerank and OCR (chat's 400 is upstream's check in auth.robot).

Resource         resources/vk_scoping.resource

Test Template    Submitting With An Unknown Key Should Answer

Test Tags        extended    auth    requires-vk


*** Test Cases ***    ENDPOINT             STATUS
Text Completions Submit With An Unknown Key Answers 500
    [Tags]    text-completions    behaviour:VK-18
                      text-completions     500
Responses Submit With An Unknown Key Answers 400
    [Tags]    responses    behaviour:VK-17
                      responses            400
Embeddings Submit With An Unknown Key Answers 400
    [Tags]    embeddings    behaviour:VK-17
                      embeddings           400
Speech Submit With An Unknown Key Answers 400
    [Tags]    speech    behaviour:VK-17
                      speech               400
Transcriptions Submit With An Unknown Key Answers 400
    [Tags]    transcriptions    behaviour:VK-17
                      transcriptions       400
Image Generations Submit With An Unknown Key Answers 400
    [Tags]    image-generations    behaviour:VK-17
                      image-generations    400
Image Edits Submit With An Unknown Key Answers 400
    [Tags]    image-edits    behaviour:VK-17
                      image-edits          400
Image Variations Submit With An Unknown Key Answers 400
    [Tags]    image-variations    behaviour:VK-17
                      image-variations     400
Rerank Submit With An Unknown Key Answers 500
    [Tags]    rerank    behaviour:VK-18
                      rerank               500
OCR Submit With An Unknown Key Answers 500
    [Tags]    ocr    behaviour:VK-18
                      ocr                  500


*** Keywords ***
Submitting With An Unknown Key Should Answer
    [Documentation]    The endpoint's fixture submitted with an unknown key (in x-bf-vk): the error
    ...    envelope with exactly ``status``.
    [Arguments]    ${endpoint}    ${status}
    ${job}=    Submit Job    ${endpoint}    key=unknown
    Response Should Be An Error With Status    ${job}    ${status}
