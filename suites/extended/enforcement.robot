*** Settings ***
Documentation    On a gateway that enforces virtual keys (client.enforce_auth_on_inference), no anonymous
...              job runs: on every endpoint and integration route it ends failed with status_code 401 (a
...              401 at submit is accepted too: the contract has not confirmed where the refusal comes),
...              and a job with a valid key still completes. On a gateway without enforcement these tests
...              skip with that reason (they run, and fail, with BIFROST_EXPECT=enforcement).

Resource         resources/integration.resource

Test Template    An Anonymous Job Should Be Refused For Lack Of A Key

Test Tags        extended    auth    requires-enforcement


*** Test Cases ***    ENDPOINT
Anonymous Text Completions Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    text-completions    behaviour:VK-30
                      text-completions
Anonymous Chat Completions Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    chat-completions    behaviour:VK-30
                      chat-completions
Anonymous Responses Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    responses    behaviour:VK-30
                      responses
Anonymous Embeddings Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    embeddings    behaviour:VK-30
                      embeddings
Anonymous Speech Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    speech    behaviour:VK-30
                      speech
Anonymous Transcriptions Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    transcriptions    behaviour:VK-30
                      transcriptions
Anonymous Image Generations Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    image-generations    behaviour:VK-30
                      image-generations
Anonymous Image Edits Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    image-edits    behaviour:VK-30
                      image-edits
Anonymous Image Variations Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    image-variations    behaviour:VK-30
                      image-variations
Anonymous Rerank Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    rerank    behaviour:VK-30
                      rerank
Anonymous OCR Job Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    ocr    behaviour:VK-30
                      ocr
Anonymous Job Created On The Integration Route Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    responses    behaviour:VK-30
    [Template]    An Anonymous Integration Job Should Be Refused For Lack Of A Key
                      responses
Anonymous Job Created On The Anthropic Route Is Refused By A Gateway That Enforces Virtual Keys
    [Tags]    responses    behaviour:VK-30
    [Template]    An Anonymous Integration Job Should Be Refused For Lack Of A Key
                      anthropic
Job With A Valid Virtual Key Completes On A Gateway That Enforces Virtual Keys
    [Tags]    chat-completions    requires-vk    behaviour:VK-32
    [Template]    NONE
    ${job}=    Run Job To The End    chat-completions    primary
    Job Should Have Completed    ${job}


*** Keywords ***
An Anonymous Job Should Be Refused For Lack Of A Key
    [Documentation]    An anonymous submit: 401 at once, or 202 and a job that ends failed with 401.
    [Arguments]    ${endpoint}
    ${job}=    Submit Job    ${endpoint}    key=none
    Job Should Be Refused For Lack Of A Key    ${job}

An Anonymous Integration Job Should Be Refused For Lack Of A Key
    [Documentation]    An anonymous create with x-bf-async: 401 at once, or a job that ends failed with 401.
    [Arguments]    ${route}
    ${job}=    Create Integration Job    key=none    route=${route}
    Job Should Be Refused For Lack Of A Key    ${job}

Job Should Be Refused For Lack Of A Key
    [Documentation]    401 with the error envelope at submit, or a job id and a job that ends failed, 401.
    [Arguments]    ${job}
    IF    ${job.response.status_code} == 401
        Response Should Be An Error With Status    ${job}    401
    ELSE
        Submit Answer Should Have A Job Id    ${job}    2xx
        Wait Until Job Is Terminal    ${job}
        Job Should Have Failed With Status Code    ${job}    401
    END
