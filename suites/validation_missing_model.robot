*** Settings ***
Documentation    A submit without a model is refused: 400 at submit (older builds), or 202 and a job that ends
...              failed (the newest build) (upstream validation_test.go).

Resource         resources/validation.resource

Test Template    Submitting Without A Model Should Be Rejected

Test Tags        validation    # robocop: off=could-be-test-tags


*** Test Cases ***    ENDPOINT            MODE
Chat Completions Submit Without Model Is Rejected (global)
    [Tags]    chat-completions    global    behaviour:VAL-05    behaviour:VAL-06
                      chat-completions    global
Text Completions Submit Without Model Is Rejected (global)
    [Tags]    text-completions    global    behaviour:VAL-05    behaviour:VAL-06
                      text-completions    global
Embeddings Submit Without Model Is Rejected (global)
    [Tags]    embeddings    global    behaviour:VAL-05    behaviour:VAL-06
                      embeddings          global
Responses Submit Without Model Is Rejected (global)
    [Tags]    responses    global    behaviour:VAL-05    behaviour:VAL-06
                      responses           global
Speech Submit Without Model Is Rejected (global)
    [Tags]    speech    global    behaviour:VAL-05    behaviour:VAL-06
                      speech              global
Rerank Submit Without Model Is Rejected (global)
    [Tags]    rerank    global    behaviour:VAL-05    behaviour:VAL-06
                      rerank              global
OCR Submit Without Model Is Rejected (global)
    [Tags]    ocr    global    behaviour:VAL-05    behaviour:VAL-06
                      ocr                 global
Chat Completions Submit Without Model Is Rejected (with VK)
    [Tags]    chat-completions    with-vk    requires-vk    behaviour:VAL-05    behaviour:VAL-06
                      chat-completions    with-vk
Text Completions Submit Without Model Is Rejected (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:VAL-05    behaviour:VAL-06
                      text-completions    with-vk
Embeddings Submit Without Model Is Rejected (with VK)
    [Tags]    embeddings    with-vk    requires-vk    behaviour:VAL-05    behaviour:VAL-06
                      embeddings          with-vk
Responses Submit Without Model Is Rejected (with VK)
    [Tags]    responses    with-vk    requires-vk    behaviour:VAL-05    behaviour:VAL-06
                      responses           with-vk
Speech Submit Without Model Is Rejected (with VK)
    [Tags]    speech    with-vk    requires-vk    behaviour:VAL-05    behaviour:VAL-06
                      speech              with-vk
Rerank Submit Without Model Is Rejected (with VK)
    [Tags]    rerank    with-vk    requires-vk    behaviour:VAL-05    behaviour:VAL-06
                      rerank              with-vk
OCR Submit Without Model Is Rejected (with VK)
    [Tags]    ocr    with-vk    requires-vk    behaviour:VAL-05    behaviour:VAL-06
                      ocr                 with-vk


*** Keywords ***
Submitting Without A Model Should Be Rejected
    [Documentation]    400 with the error envelope, or 202 with a job id and a job that ends failed.
    [Arguments]    ${endpoint}    ${mode}
    ${job}=    Submit Job    ${endpoint}    key=${mode}    variant=missing-model
    IF    ${job.response.status_code} == 202
        Submit Answer Should Have A Job Id    ${job}
        Wait Until Job Is Terminal    ${job}
        Job Should Have Failed    ${job}
    ELSE
        Response Should Be An Error With Status    ${job}    400
    END
