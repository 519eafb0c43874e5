*** Settings ***
Documentation    The whole validation table of the contract: each endpoint's required fields are refused
...              with a 400 naming the field; a stream field is ignored where the gateway has no stream
...              check; validation runs before the stream check; every 4xx carries the error envelope.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    validation    global


*** Test Cases ***
Text Completions Submit Without Prompt Returns 400 Naming The Prompt
    [Tags]    text-completions
    Submitting Without A Required Field Should Name It    text-completions    missing-prompt    prompt

Chat Completions Submit Without Messages Returns 400 Naming The Messages
    [Tags]    chat-completions
    Submitting Without A Required Field Should Name It    chat-completions    missing-messages    messages

Responses Submit Without Input Returns 400 Naming The Input
    [Tags]    responses
    Submitting Without A Required Field Should Name It    responses    missing-input    input

Embeddings Submit Without Input Returns 400 Naming The Input
    [Tags]    embeddings
    Submitting Without A Required Field Should Name It    embeddings    missing-input    input

Speech Submit Without Input Returns 400 Naming The Input
    [Tags]    speech
    Submitting Without A Required Field Should Name It    speech    missing-input    input

Speech Submit Without Voice Returns 400 Naming The Voice
    [Tags]    speech
    Speech Model Should Need A Voice
    Submitting Without A Required Field Should Name It    speech    missing-voice    voice

Image Generations Submit Without Prompt Returns 400 Naming The Prompt
    [Tags]    image-generations
    Submitting Without A Required Field Should Name It    image-generations    missing-prompt    prompt

Rerank Submit Without Query Returns 400 Naming The Query
    [Tags]    rerank
    Submitting Without A Required Field Should Name It    rerank    missing-query    query

Rerank Submit Without Documents Returns 400 Naming The Documents
    [Tags]    rerank
    Submitting Without A Required Field Should Name It    rerank    missing-documents    documents

OCR Submit Without Document Type Returns 400 Naming The Document Type
    [Tags]    ocr
    Submitting Without A Required Field Should Name It    ocr    missing-document-type    document type

Transcriptions Submit Without File Returns 400 Naming The File
    [Tags]    transcriptions
    Submitting Without A Required Field Should Name It    transcriptions    missing-file    file

Image Edits Submit Without Image Returns 400 Naming The Image
    [Tags]    image-edits
    Submitting Without A Required Field Should Name It    image-edits    missing-image    image

Image Variations Submit Without Image Returns 400 Naming The Image
    [Tags]    image-variations
    Submitting Without A Required Field Should Name It    image-variations    missing-image    image

Transcriptions Submit Without Model Returns 400 Naming The Model
    [Tags]    transcriptions
    Submitting Without A Required Field Should Name It    transcriptions    missing-model    model

Image Edits Submit Without Model Returns 400 Naming The Model
    [Tags]    image-edits
    Submitting Without A Required Field Should Name It    image-edits    missing-model    model

Image Variations Submit Without Model Returns 400 Naming The Model
    [Tags]    image-variations
    Submitting Without A Required Field Should Name It    image-variations    missing-model    model

Embeddings Submit With Stream True Is Accepted
    [Tags]    embeddings
    Submitting With Stream Should Be Accepted    embeddings

Image Variations Submit With Stream True Is Accepted
    [Tags]    image-variations
    Submitting With Stream Should Be Accepted    image-variations

Rerank Submit With Stream True Is Accepted
    [Tags]    rerank
    Submitting With Stream Should Be Accepted    rerank

OCR Submit With Stream True Is Accepted
    [Tags]    ocr
    Submitting With Stream Should Be Accepted    ocr

Text Completions Submit Without Prompt And With Stream Gets The Validation Message
    [Tags]    text-completions
    Submitting Without A Required Field Should Name It    text-completions    missing-prompt+stream    prompt

Chat Completions Submit Without Messages And With Stream Gets The Validation Message
    [Tags]    chat-completions
    Submitting Without A Required Field Should Name It    chat-completions    missing-messages+stream    messages

Responses Submit Without Input And With Stream Gets The Validation Message
    [Tags]    responses
    Submitting Without A Required Field Should Name It    responses    missing-input+stream    input

Speech Submit Without Voice And With SSE Stream Format Gets The Validation Message
    [Tags]    speech
    Speech Model Should Need A Voice
    Submitting Without A Required Field Should Name It    speech    missing-voice+stream    voice

Transcriptions Submit Without File And With Stream Gets The Validation Message
    [Tags]    transcriptions
    Submitting Without A Required Field Should Name It    transcriptions    missing-file+stream    file

Image Generations Submit Without Prompt And With Stream Gets The Validation Message
    [Tags]    image-generations
    Submitting Without A Required Field Should Name It    image-generations    missing-prompt+stream    prompt

Image Edits Submit Without Image And With Stream Gets The Validation Message
    [Tags]    image-edits
    Submitting Without A Required Field Should Name It    image-edits    missing-image+stream    image

Every 4xx On The Async Routes Carries The Error Envelope
    [Tags]    chat-completions    text-completions    transcriptions
    Every 4xx On The Async Routes Should Carry The Error Envelope
