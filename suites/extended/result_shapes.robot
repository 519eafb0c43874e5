*** Settings ***
Documentation    The result of a completed job on every endpoint has the shape that endpoint returns.

Resource         resources/jobs.resource

Test Template    A Completed Job Result Should Have The Endpoint Shape

Test Tags        extended    lifecycle    # robocop: off=could-be-test-tags


*** Test Cases ***    ENDPOINT
Completed Text Completions Job Result Has Choices With Text
    [Tags]    text-completions    behaviour:ENV-17
                      text-completions
Completed Chat Completions Job Result Has Choices With A Message
    [Tags]    chat-completions    behaviour:ENV-17
                      chat-completions
Completed Responses Job Result Has Output
    [Tags]    responses    behaviour:ENV-17
                      responses
Completed Embeddings Job Result Has Data With Embeddings
    [Tags]    embeddings    behaviour:ENV-17
                      embeddings
Completed Speech Job Result Has Audio
    [Tags]    speech    behaviour:ENV-17
                      speech
Completed Transcriptions Job Result Has Text
    [Tags]    transcriptions    behaviour:ENV-17
                      transcriptions
Completed Image Generations Job Result Has Images
    [Tags]    image-generations    behaviour:ENV-17
                      image-generations
Completed Image Edits Job Result Has Images
    [Tags]    image-edits    behaviour:ENV-17
                      image-edits
Completed Image Variations Job Result Has Images
    [Tags]    image-variations    behaviour:ENV-17
                      image-variations
Completed Rerank Job Result Has Results Sorted By Relevance
    [Tags]    rerank    behaviour:ENV-17
                      rerank
Completed OCR Job Result Has Pages
    [Tags]    ocr    behaviour:ENV-17
                      ocr


*** Keywords ***
A Completed Job Result Should Have The Endpoint Shape
    [Documentation]    The result holds what the endpoint returns; a job that does not complete skips.
    [Arguments]    ${endpoint}
    ${job}=    Started Early Or Now    Submit Accepted Job    ${endpoint}
    Wait Until Job Is Terminal    ${job}
    Completed Job Result Should Have The Endpoint Shape    ${job}
