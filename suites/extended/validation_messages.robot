*** Settings ***
Documentation    Each refusal of the contract's validation table answers 400 with Bifrost's message word for
...              word (where the contract ends a message in "...", the message starts so).

Resource         resources/validation_messages.resource

Test Template    Submitting This Variant Should Get The Message

Test Tags        extended    validation


*** Test Cases ***    ENDPOINT            VARIANT                  MESSAGE
Text Completions Submit Without Prompt Gets The Exact Message
    [Tags]    text-completions    behaviour:VAL-09
                      text-completions    missing-prompt           prompt is required for text completion
Chat Completions Submit Without Messages Gets The Exact Message
    [Tags]    chat-completions    behaviour:VAL-10
                      chat-completions    missing-messages         messages is required for chat completion
Chat Completions Submit With Empty Messages Gets The Exact Message
    [Tags]    chat-completions    behaviour:VAL-10
    [Template]    NONE
    Submitting With These Fields Should Get The Message
    ...    chat-completions
    ...    messages is required for chat completion
    ...    messages=${{ [] }}
Responses Submit Without Input Gets The Exact Message
    [Tags]    responses    behaviour:VAL-11
                      responses           missing-input            input is required for responses
Embeddings Submit Without Input Gets The Exact Message
    [Tags]    embeddings    behaviour:VAL-12
                      embeddings          missing-input            input is required for embeddings
Speech Submit Without Input Gets The Exact Message
    [Tags]    speech    behaviour:VAL-13
                      speech              missing-input            input is required for speech completion
Speech Submit Without Voice Gets The Exact Message
    [Tags]    speech    behaviour:VAL-14
    [Template]    NONE
    Submitting Speech Without A Voice Should Get The Message    voice is required for speech completion
Transcriptions Submit As JSON Gets The Multipart Parse Message
    [Tags]    transcriptions    behaviour:VAL-15
    [Template]    NONE
    Submitting JSON Should Get A Message Starting With    transcriptions    failed to parse multipart form:${SPACE}
Transcriptions Submit Without File Gets The Exact Message
    [Tags]    transcriptions    behaviour:VAL-16
                      transcriptions      missing-file             file is required
Image Generations Submit With Empty Prompt Gets The Exact Message
    [Tags]    image-generations    behaviour:VAL-17
    [Template]    NONE
    Submitting With These Fields Should Get The Message
    ...    image-generations
    ...    prompt cannot be empty
    ...    prompt=${EMPTY}
Image Edits Submit Without Image Gets The Exact Message
    [Tags]    image-edits    behaviour:VAL-18
                      image-edits         missing-image            at least one image is required
Image Variations Submit Without Image Gets The Exact Message
    [Tags]    image-variations    behaviour:VAL-18
                      image-variations    missing-image            at least one image is required
Image Edits Submit With A Non-Numeric N Gets The Invalid Value Message
    [Tags]    image-edits    behaviour:VAL-19
    [Template]    NONE
    Submitting With These Fields Should Get A Message Starting With    image-edits    invalid n value:${SPACE}    n=two
Rerank Submit Without Query Gets The Exact Message
    [Tags]    rerank    behaviour:VAL-20
                      rerank              missing-query            query is required for rerank
Rerank Submit Without Documents Gets The Exact Message
    [Tags]    rerank    behaviour:VAL-20
                      rerank              missing-documents        documents are required for rerank
Rerank Submit With An Empty Document Text Gets The Exact Message
    [Tags]    rerank    behaviour:VAL-20
    [Template]    NONE
    Submitting With These Fields Should Get The Message
    ...    rerank
    ...    document text is required for rerank at index 1
    ...    documents=${{ [{"text": "Paris is the capital of France."}, {"text": ""}] }}
Rerank Submit With Top N Zero Gets The Exact Message
    [Tags]    rerank    behaviour:VAL-20
    [Template]    NONE
    Submitting With These Fields Should Get The Message    rerank    top_n must be at least 1    top_n=${0}
OCR Submit Without Document Type Gets The Exact Message
    [Tags]    ocr    behaviour:VAL-21
                      ocr                 missing-document-type    document type is required for ocr
OCR Submit Of The Document URL Type Without A URL Gets The Exact Message
    [Tags]    ocr    behaviour:VAL-21
    [Template]    NONE
    Submitting With These Fields Should Get The Message
    ...    ocr
    ...    document_url is required when document type is document_url
    ...    document=${{ {"type": "document_url"} }}
OCR Submit Of The Image URL Type Without A URL Gets The Exact Message
    [Tags]    ocr    behaviour:VAL-21
    [Template]    NONE
    Submitting With These Fields Should Get The Message
    ...    ocr
    ...    image_url is required when document type is image_url
    ...    document=${{ {"type": "image_url"} }}
Transcriptions Submit Without Model Gets The Exact Message
    [Tags]    transcriptions    behaviour:VAL-08
                      transcriptions      missing-model            model is required
Image Edits Submit Without Model Gets The Exact Message
    [Tags]    image-edits    behaviour:VAL-08
                      image-edits         missing-model            model is required
Image Variations Submit Without Model Gets The Exact Message
    [Tags]    image-variations    behaviour:VAL-08
                      image-variations    missing-model            model is required


*** Keywords ***
Submitting This Variant Should Get The Message
    [Documentation]    The endpoint's request ``variant`` answers 400 with exactly ``message``.
    [Arguments]    ${endpoint}    ${variant}    ${message}
    ${job}=    Submit Job    ${endpoint}    variant=${variant}
    Refusal Message Should Be    ${job}    ${message}

Submitting With These Fields Should Get The Message
    [Documentation]    The endpoint's fixture with ``fields`` set answers 400 with exactly ``message``.
    [Arguments]    ${endpoint}    ${message}    &{fields}
    ${job}=    Submit Job With Fields    ${endpoint}    &{fields}
    Refusal Message Should Be    ${job}    ${message}

Submitting With These Fields Should Get A Message Starting With
    [Documentation]    The endpoint's fixture with ``fields`` set answers 400 with a message starting ``prefix``.
    [Arguments]    ${endpoint}    ${prefix}    &{fields}
    ${job}=    Submit Job With Fields    ${endpoint}    &{fields}
    Refusal Message Should Start With    ${job}    ${prefix}

Submitting JSON Should Get A Message Starting With
    [Documentation]    A JSON body to a multipart endpoint answers 400 with a message starting ``prefix``.
    [Arguments]    ${endpoint}    ${prefix}
    ${job}=    Submit JSON To A Multipart Endpoint    ${endpoint}
    Refusal Message Should Start With    ${job}    ${prefix}

Submitting Speech Without A Voice Should Get The Message
    [Documentation]    Speech without a voice answers 400 with exactly ``message`` (an ElevenLabs speech
    ...    model needs no voice: the test skips).
    [Arguments]    ${message}
    Speech Model Should Need A Voice
    ${job}=    Submit Job    speech    variant=missing-voice
    Refusal Message Should Be    ${job}    ${message}
