*** Settings ***
Documentation    Malformed JSON is refused with 400 and the payload message of the build: "Invalid request
...              payload" (newest) or "invalid request format: " and the decoder's text (older builds).

Resource         resources/validation_messages.resource

Test Template    Submitting Malformed JSON Should Get The Payload Message

Test Tags        extended    validation    # robocop: off=could-be-test-tags


*** Test Cases ***    ENDPOINT
Text Completions Submit With Malformed JSON Gets The Payload Message
    [Tags]    text-completions    behaviour:VAL-04
                      text-completions
Chat Completions Submit With Malformed JSON Gets The Payload Message
    [Tags]    chat-completions    behaviour:VAL-04
                      chat-completions
Responses Submit With Malformed JSON Gets The Payload Message
    [Tags]    responses    behaviour:VAL-04
                      responses
Embeddings Submit With Malformed JSON Gets The Payload Message
    [Tags]    embeddings    behaviour:VAL-04
                      embeddings
Speech Submit With Malformed JSON Gets The Payload Message
    [Tags]    speech    behaviour:VAL-04
                      speech
Image Generations Submit With Malformed JSON Gets The Payload Message
    [Tags]    image-generations    behaviour:VAL-04
                      image-generations
Rerank Submit With Malformed JSON Gets The Payload Message
    [Tags]    rerank    behaviour:VAL-04
                      rerank
OCR Submit With Malformed JSON Gets The Payload Message
    [Tags]    ocr    behaviour:VAL-04
                      ocr


*** Keywords ***
Submitting Malformed JSON Should Get The Payload Message
    [Documentation]    ``{invalid json`` answers 400 with "Invalid request payload" (newest builds) or a
    ...    message starting "invalid request format: " (older builds, the decoder's text after it).
    [Arguments]    ${endpoint}
    ${job}=    Submit Job    ${endpoint}    variant=malformed-json
    ${said}=    Refusal Message Of    ${job}
    ${newest}=    Evaluate    $said == 'Invalid request payload'
    ${older}=    Evaluate    $said.startswith('invalid request format: ')
    Should Be True    ${newest} or ${older}
    ...    msg=expected 'Invalid request payload' or 'invalid request format: ...', got '${said}'
