*** Settings ***
Documentation    The whole validation table of the contract: each endpoint's required fields are refused with a
...              400 naming the field; validation runs before the stream check; every 4xx carries the error envelope.

Resource         resources/http.resource
Resource         resources/validation.resource

Test Template    Submitting Without This Field Should Be Refused Naming It

Test Tags        extended    validation


*** Test Cases ***    ENDPOINT             VARIANT                    FIELD
Text Completions Submit Without Prompt Returns 400 Naming The Prompt
    [Tags]    text-completions    behaviour:VAL-09
                      text-completions     missing-prompt             prompt
Chat Completions Submit Without Messages Returns 400 Naming The Messages
    [Tags]    chat-completions    behaviour:VAL-10
                      chat-completions     missing-messages           messages
Responses Submit Without Input Returns 400 Naming The Input
    [Tags]    responses    behaviour:VAL-11
                      responses            missing-input              input
Embeddings Submit Without Input Returns 400 Naming The Input
    [Tags]    embeddings    behaviour:VAL-12
                      embeddings           missing-input              input
Speech Submit Without Input Returns 400 Naming The Input
    [Tags]    speech    behaviour:VAL-13
                      speech               missing-input              input
Speech Submit Without Voice Returns 400 Naming The Voice
    [Tags]    speech    behaviour:VAL-14
                      speech               missing-voice              voice
Image Generations Submit Without Prompt Returns 400 Naming The Prompt
    [Tags]    image-generations    behaviour:VAL-17
                      image-generations    missing-prompt             prompt
Rerank Submit Without Query Returns 400 Naming The Query
    [Tags]    rerank    behaviour:VAL-20
                      rerank               missing-query              query
Rerank Submit Without Documents Returns 400 Naming The Documents
    [Tags]    rerank    behaviour:VAL-20
                      rerank               missing-documents          documents
OCR Submit Without Document Type Returns 400 Naming The Document Type
    [Tags]    ocr    behaviour:VAL-21
                      ocr                  missing-document-type      document type
Transcriptions Submit Without File Returns 400 Naming The File
    [Tags]    transcriptions    behaviour:VAL-16
                      transcriptions       missing-file               file
Image Edits Submit Without Image Returns 400 Naming The Image
    [Tags]    image-edits    behaviour:VAL-18
                      image-edits          missing-image              image
Image Variations Submit Without Image Returns 400 Naming The Image
    [Tags]    image-variations    behaviour:VAL-18
                      image-variations     missing-image              image
Transcriptions Submit Without Model Returns 400 Naming The Model
    [Tags]    transcriptions    behaviour:VAL-08
                      transcriptions       missing-model              model
Image Edits Submit Without Model Returns 400 Naming The Model
    [Tags]    image-edits    behaviour:VAL-08
                      image-edits          missing-model              model
Image Variations Submit Without Model Returns 400 Naming The Model
    [Tags]    image-variations    behaviour:VAL-08
                      image-variations     missing-model              model
Text Completions Submit Without Prompt And With Stream Gets The Validation Message
    [Tags]    text-completions    behaviour:VAL-01
                      text-completions     missing-prompt+stream      prompt
Chat Completions Submit Without Messages And With Stream Gets The Validation Message
    [Tags]    chat-completions    behaviour:VAL-01
                      chat-completions     missing-messages+stream    messages
Responses Submit Without Input And With Stream Gets The Validation Message
    [Tags]    responses    behaviour:VAL-01
                      responses            missing-input+stream       input
Speech Submit Without Voice And With SSE Stream Format Gets The Validation Message
    [Tags]    speech    behaviour:VAL-01
                      speech               missing-voice+stream       voice
Transcriptions Submit Without File And With Stream Gets The Validation Message
    [Tags]    transcriptions    behaviour:VAL-01
                      transcriptions       missing-file+stream        file
Image Generations Submit Without Prompt And With Stream Gets The Validation Message
    [Tags]    image-generations    behaviour:VAL-01
                      image-generations    missing-prompt+stream      prompt
Image Edits Submit Without Image And With Stream Gets The Validation Message
    [Tags]    image-edits    behaviour:VAL-01
                      image-edits          missing-image+stream       image
Every 4xx On The Async Routes Carries The Error Envelope
    [Tags]    chat-completions    text-completions    transcriptions    behaviour:ERR-03
    [Template]    NONE
    Every 4xx On The Async Routes Should Carry The Error Envelope


*** Keywords ***
Submitting Without This Field Should Be Refused Naming It
    [Documentation]    400 naming the field (an ElevenLabs speech model needs no voice: that row skips).
    [Arguments]    ${endpoint}    ${variant}    ${field}
    IF    $endpoint == 'speech' and $field == 'voice'
        Speech Model Should Need A Voice
    END
    Submitting Without A Required Field Should Name It    ${endpoint}    ${variant}    ${field}

Every 4xx On The Async Routes Should Carry The Error Envelope
    [Documentation]    Each 4xx the async routes give (validation, unknown and wrong-type jobs, an odd id,
    ...    an unknown route; with a key also a scoped job polled without one and an unknown key) is a
    ...    4xx with Bifrost's error envelope and a message: one step per request.
    Validation Errors Should Carry The Error Envelope
    Lookup Errors Should Carry The Error Envelope
    IF    ${BIFROST_VK_SET}    Key Errors Should Carry The Error Envelope

Validation Errors Should Carry The Error Envelope
    [Documentation]    Malformed JSON, stream true, no messages, no file, an unknown route: a 4xx with the
    ...    error envelope.
    ${malformed}=    Submit Job    chat-completions    variant=malformed-json
    Response Should Be An Error With Status    ${malformed}    4xx
    ${stream}=    Submit Job    chat-completions    variant=stream
    Response Should Be An Error With Status    ${stream}    4xx
    ${no_messages}=    Submit Job    chat-completions    variant=missing-messages
    Response Should Be An Error With Status    ${no_messages}    4xx
    ${no_file}=    Submit Job    transcriptions    variant=missing-file
    Response Should Be An Error With Status    ${no_file}    4xx
    ${unknown_route}=    Send    POST    /v1/async/no-such-route    json=${{ {"model": "x"} }}
    Response Should Be An Error With Status    ${unknown_route}    4xx

Lookup Errors Should Carry The Error Envelope
    [Documentation]    An unknown job, an odd id and a job of another type: a 4xx with the error envelope.
    ${nil}=    Nil Job Id
    ${unknown_job}=    Poll Job Id Once    chat-completions    ${nil}
    Response Should Be An Error With Status    ${unknown_job}    4xx
    ${odd}=    Odd Job Id    not-a-uuid
    ${odd_job}=    Poll Job Id Once    chat-completions    ${odd}
    Response Should Be An Error With Status    ${odd_job}    4xx
    ${text_job}=    Submit Accepted Job    text-completions
    ${wrong_type}=    Poll Job Once    ${text_job}    endpoint=chat-completions
    Response Should Be An Error With Status    ${wrong_type}    4xx

Key Errors Should Carry The Error Envelope
    [Documentation]    A scoped job polled without a key, and a submit with an unknown key: a 4xx
    ...    with the error envelope.
    ${scoped}=    Submit Accepted Job    chat-completions    primary
    ${anonymous}=    Poll Job Once    ${scoped}    key=none
    Response Should Be An Error With Status    ${anonymous}    4xx
    ${unknown_key}=    Submit Job    chat-completions    key=unknown
    Response Should Be An Error With Status    ${unknown_key}    4xx
