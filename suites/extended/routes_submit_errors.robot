*** Settings ***
Documentation    A submit that the executor refuses (SubmitJob: here an unknown virtual key) answers 400 or 500
...              by endpoint, and the responses route prefixes its message (contract §3).

Resource         resources/jobs.resource

Test Template    A Submit With An Unknown Key Should Be Refused With

Test Tags        extended    submit    requires-vk


*** Test Cases ***    ENDPOINT             STATUS
Text Completions Submit With An Unknown Key Is Refused With 500
    [Tags]    text-completions    behaviour:STAT-02
                      text-completions     500
Chat Completions Submit With An Unknown Key Is Refused With 400
    [Tags]    chat-completions    behaviour:STAT-02
                      chat-completions     400
Responses Submit With An Unknown Key Is Refused With 400
    [Tags]    responses    behaviour:STAT-02
                      responses            400
Embeddings Submit With An Unknown Key Is Refused With 400
    [Tags]    embeddings    behaviour:STAT-02
                      embeddings           400
Speech Submit With An Unknown Key Is Refused With 400
    [Tags]    speech    behaviour:STAT-02
                      speech               400
Transcriptions Submit With An Unknown Key Is Refused With 400
    [Tags]    transcriptions    behaviour:STAT-02
                      transcriptions       400
Image Generations Submit With An Unknown Key Is Refused With 400
    [Tags]    image-generations    behaviour:STAT-02
                      image-generations    400
Image Edits Submit With An Unknown Key Is Refused With 400
    [Tags]    image-edits    behaviour:STAT-02
                      image-edits          400
Image Variations Submit With An Unknown Key Is Refused With 400
    [Tags]    image-variations    behaviour:STAT-02
                      image-variations     400
Rerank Submit With An Unknown Key Is Refused With 500
    [Tags]    rerank    behaviour:STAT-02
                      rerank               500
OCR Submit With An Unknown Key Is Refused With 500
    [Tags]    ocr    behaviour:STAT-02
                      ocr                  500
Responses Submit Error Message Starts With Failed To Create Async Job
    [Tags]    responses    behaviour:STAT-03
    [Template]    NONE
    The Responses Submit Error Message Should Carry The Prefix


*** Keywords ***
A Submit With An Unknown Key Should Be Refused With
    [Documentation]    The endpoint's fixture with an unknown sk-bf- key: ``status`` with the error envelope, no job.
    [Arguments]    ${endpoint}    ${status}
    ${job}=    Submit Job    ${endpoint}    key=unknown
    Response Should Be Refused Without A Job    ${job}    ${status}

The Responses Submit Error Message Should Carry The Prefix
    [Documentation]    A responses submit with an unknown key: 400 whose error.message starts with
    ...    "Failed to create async job: ".
    ${job}=    Submit Job    responses    key=unknown
    Response Should Be Refused Without A Job    ${job}    400
    VAR    ${body}=    ${job.response.json()}
    Should Start With    ${body}[error][message]    Failed to create async job:${SPACE}
