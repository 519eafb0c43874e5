*** Settings ***
Documentation    Requests the gateway must refuse before creating a job: streaming, malformed JSON, a missing
...              file or image, and a wrong HTTP method (upstream validation_test.go).

Resource         resources/http.resource
Resource         resources/validation.resource

Test Template    Submitting Should Be Rejected With 400

Test Tags        validation


*** Test Cases ***    ENDPOINT             MODE       VARIANT
Text Completions Submit With Stream True Returns 400 (global)
    [Tags]    text-completions    global    behaviour:VAL-22
                      text-completions     global     stream
Chat Completions Submit With Stream True Returns 400 (global)
    [Tags]    chat-completions    global    behaviour:VAL-23
                      chat-completions     global     stream
Responses Submit With Stream True Returns 400 (global)
    [Tags]    responses    global    behaviour:VAL-24
                      responses            global     stream
Image Generations Submit With Stream True Returns 400 (global)
    [Tags]    image-generations    global    behaviour:VAL-27
                      image-generations    global     stream
Speech Submit With SSE Stream Format Returns 400 (global)
    [Tags]    speech    global    behaviour:VAL-25
                      speech               global     stream
Transcriptions Submit With Stream True Returns 400 (global)
    [Tags]    transcriptions    global    behaviour:VAL-26
                      transcriptions       global     stream
Image Edits Submit With Stream True Returns 400 (global)
    [Tags]    image-edits    global    behaviour:VAL-28
                      image-edits          global     stream
Text Completions Submit With Stream True Returns 400 (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:VAL-22
                      text-completions     with-vk    stream
Chat Completions Submit With Stream True Returns 400 (with VK)
    [Tags]    chat-completions    with-vk    requires-vk    behaviour:VAL-23
                      chat-completions     with-vk    stream
Responses Submit With Stream True Returns 400 (with VK)
    [Tags]    responses    with-vk    requires-vk    behaviour:VAL-24
                      responses            with-vk    stream
Image Generations Submit With Stream True Returns 400 (with VK)
    [Tags]    image-generations    with-vk    requires-vk    behaviour:VAL-27
                      image-generations    with-vk    stream
Speech Submit With SSE Stream Format Returns 400 (with VK)
    [Tags]    speech    with-vk    requires-vk    behaviour:VAL-25
                      speech               with-vk    stream
Transcriptions Submit With Stream True Returns 400 (with VK)
    [Tags]    transcriptions    with-vk    requires-vk    behaviour:VAL-26
                      transcriptions       with-vk    stream
Image Edits Submit With Stream True Returns 400 (with VK)
    [Tags]    image-edits    with-vk    requires-vk    behaviour:VAL-28
                      image-edits          with-vk    stream
Text Completions Submit With Malformed JSON Returns 400 (global)
    [Tags]    text-completions    global    behaviour:VAL-04
                      text-completions     global     malformed-json
Chat Completions Submit With Malformed JSON Returns 400 (global)
    [Tags]    chat-completions    global    behaviour:VAL-04
                      chat-completions     global     malformed-json
Responses Submit With Malformed JSON Returns 400 (global)
    [Tags]    responses    global    behaviour:VAL-04
                      responses            global     malformed-json
Embeddings Submit With Malformed JSON Returns 400 (global)
    [Tags]    embeddings    global    behaviour:VAL-04
                      embeddings           global     malformed-json
Speech Submit With Malformed JSON Returns 400 (global)
    [Tags]    speech    global    behaviour:VAL-04
                      speech               global     malformed-json
Image Generations Submit With Malformed JSON Returns 400 (global)
    [Tags]    image-generations    global    behaviour:VAL-04
                      image-generations    global     malformed-json
Rerank Submit With Malformed JSON Returns 400 (global)
    [Tags]    rerank    global    behaviour:VAL-04
                      rerank               global     malformed-json
OCR Submit With Malformed JSON Returns 400 (global)
    [Tags]    ocr    global    behaviour:VAL-04
                      ocr                  global     malformed-json
Text Completions Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    text-completions    with-vk    requires-vk    behaviour:VAL-04
                      text-completions     with-vk    malformed-json
Chat Completions Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    chat-completions    with-vk    requires-vk    behaviour:VAL-04
                      chat-completions     with-vk    malformed-json
Responses Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    responses    with-vk    requires-vk    behaviour:VAL-04
                      responses            with-vk    malformed-json
Embeddings Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    embeddings    with-vk    requires-vk    behaviour:VAL-04
                      embeddings           with-vk    malformed-json
Speech Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    speech    with-vk    requires-vk    behaviour:VAL-04
                      speech               with-vk    malformed-json
Image Generations Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    image-generations    with-vk    requires-vk    behaviour:VAL-04
                      image-generations    with-vk    malformed-json
Rerank Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    rerank    with-vk    requires-vk    behaviour:VAL-04
                      rerank               with-vk    malformed-json
OCR Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    ocr    with-vk    requires-vk    behaviour:VAL-04
                      ocr                  with-vk    malformed-json
Transcriptions Submit Without File Returns 400 (global)
    [Tags]    transcriptions    global    behaviour:VAL-16
                      transcriptions       global     missing-file
Image Edits Submit Without Image Returns 400 (global)
    [Tags]    image-edits    global    behaviour:VAL-18
                      image-edits          global     missing-file
Image Variations Submit Without Image Returns 400 (global)
    [Tags]    image-variations    global    behaviour:VAL-18
                      image-variations     global     missing-file
Transcriptions Submit Without File Returns 400 (with VK)
    [Tags]    transcriptions    with-vk    requires-vk    behaviour:VAL-16
                      transcriptions       with-vk    missing-file
Image Edits Submit Without Image Returns 400 (with VK)
    [Tags]    image-edits    with-vk    requires-vk    behaviour:VAL-18
                      image-edits          with-vk    missing-file
Image Variations Submit Without Image Returns 400 (with VK)
    [Tags]    image-variations    with-vk    requires-vk    behaviour:VAL-18
                      image-variations     with-vk    missing-file
POST On A Poll Path Is Rejected With 404 Or 405
    [Tags]    chat-completions
    [Template]    NONE
    A POST On A Poll Path Should Be Rejected


*** Keywords ***
A POST On A Poll Path Should Be Rejected
    [Documentation]    POST on a chat poll path answers 404 or 405 (body and Allow not asserted).
    ${nil}=    Nil Job Id
    ${response}=    Send    POST    /v1/async/chat/completions/${nil}
    Response Status Should Be    ${response}    404    405
