*** Settings ***
Documentation    Requests the gateway must refuse before creating a job: streaming, malformed JSON,
...              missing model, missing file or image, and a wrong HTTP method (upstream validation_test.go).

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        validation


*** Test Cases ***
Text Completions Submit With Stream True Returns 400 (global)
    [Tags]    text-completions    global
    Submitting Should Be Rejected With 400    text-completions    global    stream

Chat Completions Submit With Stream True Returns 400 (global)
    [Tags]    chat-completions    global
    Submitting Should Be Rejected With 400    chat-completions    global    stream

Responses Submit With Stream True Returns 400 (global)
    [Tags]    responses    global
    Submitting Should Be Rejected With 400    responses    global    stream

Image Generations Submit With Stream True Returns 400 (global)
    [Tags]    image-generations    global
    Submitting Should Be Rejected With 400    image-generations    global    stream

Speech Submit With SSE Stream Format Returns 400 (global)
    [Tags]    speech    global
    Submitting Should Be Rejected With 400    speech    global    stream

Transcriptions Submit With Stream True Returns 400 (global)
    [Tags]    transcriptions    global
    Submitting Should Be Rejected With 400    transcriptions    global    stream

Image Edits Submit With Stream True Returns 400 (global)
    [Tags]    image-edits    global
    Submitting Should Be Rejected With 400    image-edits    global    stream

Text Completions Submit With Stream True Returns 400 (with VK)
    [Tags]    text-completions    with-vk    requires-vk
    Submitting Should Be Rejected With 400    text-completions    with-vk    stream

Chat Completions Submit With Stream True Returns 400 (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
    Submitting Should Be Rejected With 400    chat-completions    with-vk    stream

Responses Submit With Stream True Returns 400 (with VK)
    [Tags]    responses    with-vk    requires-vk
    Submitting Should Be Rejected With 400    responses    with-vk    stream

Image Generations Submit With Stream True Returns 400 (with VK)
    [Tags]    image-generations    with-vk    requires-vk
    Submitting Should Be Rejected With 400    image-generations    with-vk    stream

Speech Submit With SSE Stream Format Returns 400 (with VK)
    [Tags]    speech    with-vk    requires-vk
    Submitting Should Be Rejected With 400    speech    with-vk    stream

Transcriptions Submit With Stream True Returns 400 (with VK)
    [Tags]    transcriptions    with-vk    requires-vk
    Submitting Should Be Rejected With 400    transcriptions    with-vk    stream

Image Edits Submit With Stream True Returns 400 (with VK)
    [Tags]    image-edits    with-vk    requires-vk
    Submitting Should Be Rejected With 400    image-edits    with-vk    stream

Text Completions Submit With Malformed JSON Returns 400 (global)
    [Tags]    text-completions    global
    Submitting Should Be Rejected With 400    text-completions    global    malformed-json

Chat Completions Submit With Malformed JSON Returns 400 (global)
    [Tags]    chat-completions    global
    Submitting Should Be Rejected With 400    chat-completions    global    malformed-json

Responses Submit With Malformed JSON Returns 400 (global)
    [Tags]    responses    global
    Submitting Should Be Rejected With 400    responses    global    malformed-json

Embeddings Submit With Malformed JSON Returns 400 (global)
    [Tags]    embeddings    global
    Submitting Should Be Rejected With 400    embeddings    global    malformed-json

Speech Submit With Malformed JSON Returns 400 (global)
    [Tags]    speech    global
    Submitting Should Be Rejected With 400    speech    global    malformed-json

Image Generations Submit With Malformed JSON Returns 400 (global)
    [Tags]    image-generations    global
    Submitting Should Be Rejected With 400    image-generations    global    malformed-json

Rerank Submit With Malformed JSON Returns 400 (global)
    [Tags]    rerank    global
    Submitting Should Be Rejected With 400    rerank    global    malformed-json

OCR Submit With Malformed JSON Returns 400 (global)
    [Tags]    ocr    global
    Submitting Should Be Rejected With 400    ocr    global    malformed-json

Text Completions Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    text-completions    with-vk    requires-vk
    Submitting Should Be Rejected With 400    text-completions    with-vk    malformed-json

Chat Completions Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
    Submitting Should Be Rejected With 400    chat-completions    with-vk    malformed-json

Responses Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    responses    with-vk    requires-vk
    Submitting Should Be Rejected With 400    responses    with-vk    malformed-json

Embeddings Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    embeddings    with-vk    requires-vk
    Submitting Should Be Rejected With 400    embeddings    with-vk    malformed-json

Speech Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    speech    with-vk    requires-vk
    Submitting Should Be Rejected With 400    speech    with-vk    malformed-json

Image Generations Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    image-generations    with-vk    requires-vk
    Submitting Should Be Rejected With 400    image-generations    with-vk    malformed-json

Rerank Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    rerank    with-vk    requires-vk
    Submitting Should Be Rejected With 400    rerank    with-vk    malformed-json

OCR Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    ocr    with-vk    requires-vk
    Submitting Should Be Rejected With 400    ocr    with-vk    malformed-json

Chat Completions Submit Without Model Is Rejected (global)
    [Tags]    chat-completions    global
    Submitting Without A Model Should Be Rejected    chat-completions    global

Text Completions Submit Without Model Is Rejected (global)
    [Tags]    text-completions    global
    Submitting Without A Model Should Be Rejected    text-completions    global

Embeddings Submit Without Model Is Rejected (global)
    [Tags]    embeddings    global
    Submitting Without A Model Should Be Rejected    embeddings    global

Responses Submit Without Model Is Rejected (global)
    [Tags]    responses    global
    Submitting Without A Model Should Be Rejected    responses    global

Speech Submit Without Model Is Rejected (global)
    [Tags]    speech    global
    Submitting Without A Model Should Be Rejected    speech    global

Rerank Submit Without Model Is Rejected (global)
    [Tags]    rerank    global
    Submitting Without A Model Should Be Rejected    rerank    global

OCR Submit Without Model Is Rejected (global)
    [Tags]    ocr    global
    Submitting Without A Model Should Be Rejected    ocr    global

Chat Completions Submit Without Model Is Rejected (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
    Submitting Without A Model Should Be Rejected    chat-completions    with-vk

Text Completions Submit Without Model Is Rejected (with VK)
    [Tags]    text-completions    with-vk    requires-vk
    Submitting Without A Model Should Be Rejected    text-completions    with-vk

Embeddings Submit Without Model Is Rejected (with VK)
    [Tags]    embeddings    with-vk    requires-vk
    Submitting Without A Model Should Be Rejected    embeddings    with-vk

Responses Submit Without Model Is Rejected (with VK)
    [Tags]    responses    with-vk    requires-vk
    Submitting Without A Model Should Be Rejected    responses    with-vk

Speech Submit Without Model Is Rejected (with VK)
    [Tags]    speech    with-vk    requires-vk
    Submitting Without A Model Should Be Rejected    speech    with-vk

Rerank Submit Without Model Is Rejected (with VK)
    [Tags]    rerank    with-vk    requires-vk
    Submitting Without A Model Should Be Rejected    rerank    with-vk

OCR Submit Without Model Is Rejected (with VK)
    [Tags]    ocr    with-vk    requires-vk
    Submitting Without A Model Should Be Rejected    ocr    with-vk

Transcriptions Submit Without File Returns 400 (global)
    [Tags]    transcriptions    global
    Submitting Should Be Rejected With 400    transcriptions    global    missing-file

Image Edits Submit Without Image Returns 400 (global)
    [Tags]    image-edits    global
    Submitting Should Be Rejected With 400    image-edits    global    missing-file

Image Variations Submit Without Image Returns 400 (global)
    [Tags]    image-variations    global
    Submitting Should Be Rejected With 400    image-variations    global    missing-file

Transcriptions Submit Without File Returns 400 (with VK)
    [Tags]    transcriptions    with-vk    requires-vk
    Submitting Should Be Rejected With 400    transcriptions    with-vk    missing-file

Image Edits Submit Without Image Returns 400 (with VK)
    [Tags]    image-edits    with-vk    requires-vk
    Submitting Should Be Rejected With 400    image-edits    with-vk    missing-file

Image Variations Submit Without Image Returns 400 (with VK)
    [Tags]    image-variations    with-vk    requires-vk
    Submitting Should Be Rejected With 400    image-variations    with-vk    missing-file

POST On A Poll Path Is Rejected With 404 Or 405
    [Tags]    chat-completions
    A POST On A Poll Path Should Be Rejected
