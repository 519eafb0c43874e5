*** Settings ***
Documentation    The result of a completed job on every endpoint has the shape that endpoint returns.

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Template    A Completed Job Result Should Have The Endpoint Shape

Test Tags        extended    lifecycle


*** Test Cases ***    ENDPOINT
Completed Text Completions Job Result Has Choices With Text
    [Tags]    text-completions
                      text-completions
Completed Chat Completions Job Result Has Choices With A Message
    [Tags]    chat-completions
                      chat-completions
Completed Responses Job Result Has Output
    [Tags]    responses
                      responses
Completed Embeddings Job Result Has Data With Embeddings
    [Tags]    embeddings
                      embeddings
Completed Speech Job Result Has Audio
    [Tags]    speech
                      speech
Completed Transcriptions Job Result Has Text
    [Tags]    transcriptions
                      transcriptions
Completed Image Generations Job Result Has Images
    [Tags]    image-generations
                      image-generations
Completed Image Edits Job Result Has Images
    [Tags]    image-edits
                      image-edits
Completed Image Variations Job Result Has Images
    [Tags]    image-variations
                      image-variations
Completed Rerank Job Result Has Results Sorted By Relevance
    [Tags]    rerank
                      rerank
Completed OCR Job Result Has Pages
    [Tags]    ocr
                      ocr


*** Keywords ***
A Completed Job Result Should Have The Endpoint Shape
    [Documentation]    The result holds what the endpoint returns; a job that does not complete skips.
    [Arguments]    ${endpoint}
    ${job}=    Started Early Or Now    Submit Accepted Job    ${endpoint}
    Wait Until Job Is Terminal    ${job}
    Completed Job Result Should Have The Endpoint Shape    ${job}
