*** Settings ***
Documentation    A completed job's result has the shape of its endpoint's response, for all 11 endpoints
...              (Bifrost's own suite checks three). A job that does not complete skips its test.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    lifecycle    global


*** Test Cases ***
Completed Text Completions Job Result Has Choices With Text
    [Tags]    text-completions
    A Completed Job Result Should Have The Endpoint Shape    text-completions

Completed Chat Completions Job Result Has Choices With A Message
    [Tags]    chat-completions
    A Completed Job Result Should Have The Endpoint Shape    chat-completions

Completed Responses Job Result Has Output
    [Tags]    responses
    A Completed Job Result Should Have The Endpoint Shape    responses

Completed Embeddings Job Result Has Data With Embeddings
    [Tags]    embeddings
    A Completed Job Result Should Have The Endpoint Shape    embeddings

Completed Speech Job Result Has Audio
    [Tags]    speech
    A Completed Job Result Should Have The Endpoint Shape    speech

Completed Transcriptions Job Result Has Text
    [Tags]    transcriptions
    A Completed Job Result Should Have The Endpoint Shape    transcriptions

Completed Image Generations Job Result Has Images
    [Tags]    image-generations
    A Completed Job Result Should Have The Endpoint Shape    image-generations

Completed Image Edits Job Result Has Images
    [Tags]    image-edits
    A Completed Job Result Should Have The Endpoint Shape    image-edits

Completed Image Variations Job Result Has Images
    [Tags]    image-variations
    A Completed Job Result Should Have The Endpoint Shape    image-variations

Completed Rerank Job Result Has Results Sorted By Relevance
    [Tags]    rerank
    A Completed Job Result Should Have The Endpoint Shape    rerank

Completed OCR Job Result Has Pages
    [Tags]    ocr
    A Completed Job Result Should Have The Endpoint Shape    ocr
