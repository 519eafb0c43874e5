*** Settings ***
Documentation    The model rules of a JSON submit: without a model, or without its provider prefix, older
...              builds refuse it with "model should be in provider/model format"; the newest accepts it
...              (a job without a model then ends failed).

Resource         resources/validation_messages.resource

Test Template    Submitting Without A Model Should Get The Format Message Or A Failed Job

Test Tags        extended    validation


*** Test Cases ***    ENDPOINT
Chat Completions Submit Without Model Gets The Format Message Or A Failed Job
    [Tags]    chat-completions    behaviour:VAL-05    behaviour:VAL-06
                      chat-completions
Text Completions Submit Without Model Gets The Format Message Or A Failed Job
    [Tags]    text-completions    behaviour:VAL-05    behaviour:VAL-06
                      text-completions
Embeddings Submit Without Model Gets The Format Message Or A Failed Job
    [Tags]    embeddings    behaviour:VAL-05    behaviour:VAL-06
                      embeddings
Responses Submit Without Model Gets The Format Message Or A Failed Job
    [Tags]    responses    behaviour:VAL-05    behaviour:VAL-06
                      responses
Speech Submit Without Model Gets The Format Message Or A Failed Job
    [Tags]    speech    behaviour:VAL-05    behaviour:VAL-06
                      speech
Rerank Submit Without Model Gets The Format Message Or A Failed Job
    [Tags]    rerank    behaviour:VAL-05    behaviour:VAL-06
                      rerank
OCR Submit Without Model Gets The Format Message Or A Failed Job
    [Tags]    ocr    behaviour:VAL-05    behaviour:VAL-06
                      ocr
Chat Completions Submit With A Model Without Its Provider Gets The Format Message Or A Job
    [Tags]    chat-completions    behaviour:VAL-07
    [Template]    NONE
    A Model Without Its Provider Should Get The Format Message Or A Job


*** Keywords ***
Submitting Without A Model Should Get The Format Message Or A Failed Job
    [Documentation]    400 with exactly "model should be in provider/model format" (older builds), or 202
    ...    with a job id and a job that ends failed (the newest build).
    [Arguments]    ${endpoint}
    ${job}=    Submit Job    ${endpoint}    variant=missing-model
    IF    ${job.response.status_code} == 202
        Submit Answer Should Have A Job Id    ${job}
        Wait Until Job Is Terminal    ${job}
        Job Should Have Failed    ${job}
    ELSE
        Refusal Message Should Be    ${job}    model should be in provider/model format
    END

A Model Without Its Provider Should Get The Format Message Or A Job
    [Documentation]    The chat fixture with ASYNC_CHAT_COMPLETION_MODEL's name alone (no ``provider/``): 400
    ...    with exactly "model should be in provider/model format" (older builds), or 202 with a job id
    ...    (the newest build resolves the provider later).
    ${model}=    Evaluate    $ASYNC_CHAT_COMPLETION_MODEL.rpartition('/')[2]
    ${job}=    Submit Job    chat-completions    model=${model}
    IF    ${job.response.status_code} == 202
        Submit Answer Should Have A Job Id    ${job}
    ELSE
        Refusal Message Should Be    ${job}    model should be in provider/model format
    END
