*** Settings ***
Documentation    Each endpoint with a stream check refuses a streaming submit with 400 and its own message,
...              word for word.

Resource         resources/validation_messages.resource

Test Template    Submitting With Stream Should Get The Message

Test Tags        extended    validation


*** Test Cases ***    ENDPOINT             MESSAGE
Text Completions Submit With Stream True Gets The Exact Stream Message
    [Tags]    text-completions    behaviour:VAL-22
                      text-completions     stream is not supported for async text completions
Chat Completions Submit With Stream True Gets The Exact Stream Message
    [Tags]    chat-completions    behaviour:VAL-23
                      chat-completions     stream is not supported for async chat completions
Responses Submit With Stream True Gets The Exact Stream Message
    [Tags]    responses    behaviour:VAL-24
                      responses            stream is not supported for async responses
Speech Submit With SSE Stream Format Gets The Exact Stream Message
    [Tags]    speech    behaviour:VAL-25
                      speech               stream is not supported for async speech
Transcriptions Submit With Stream True Gets The Exact Stream Message
    [Tags]    transcriptions    behaviour:VAL-26
                      transcriptions       stream is not supported for async transcriptions
Image Generations Submit With Stream True Gets The Exact Stream Message
    [Tags]    image-generations    behaviour:VAL-27
                      image-generations    stream is not supported for async image generations
Image Edits Submit With Stream True Gets The Exact Stream Message
    [Tags]    image-edits    behaviour:VAL-28
                      image-edits          stream is not supported for async image edits


*** Keywords ***
Submitting With Stream Should Get The Message
    [Documentation]    The endpoint's stream request (``"stream": true``, form ``stream=true``, or speech's
    ...    ``"stream_format": "sse"``) answers 400 with exactly ``message``.
    [Arguments]    ${endpoint}    ${message}
    ${job}=    Submit Job    ${endpoint}    variant=stream
    Refusal Message Should Be    ${job}    ${message}
