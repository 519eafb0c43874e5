*** Settings ***
Documentation    Requests the gateway must refuse before creating a job: streaming, malformed JSON, a missing
...              file or image, and a wrong HTTP method (upstream validation_test.go).

Resource         resources/run.resource
Resource         resources/validation.resource

Test Template    Submitting Should Be Rejected With 400

Test Tags        validation


*** Test Cases ***    ENDPOINT             MODE       VARIANT
Text Completions Submit With Stream True Returns 400 (global)
    [Tags]    text-completions    global
                      text-completions     global     stream
Chat Completions Submit With Stream True Returns 400 (global)
    [Tags]    chat-completions    global
                      chat-completions     global     stream
Responses Submit With Stream True Returns 400 (global)
    [Tags]    responses    global
                      responses            global     stream
Image Generations Submit With Stream True Returns 400 (global)
    [Tags]    image-generations    global
                      image-generations    global     stream
Speech Submit With SSE Stream Format Returns 400 (global)
    [Tags]    speech    global
                      speech               global     stream
Transcriptions Submit With Stream True Returns 400 (global)
    [Tags]    transcriptions    global
                      transcriptions       global     stream
Image Edits Submit With Stream True Returns 400 (global)
    [Tags]    image-edits    global
                      image-edits          global     stream
Text Completions Submit With Stream True Returns 400 (with VK)
    [Tags]    text-completions    with-vk    requires-vk
                      text-completions     with-vk    stream
Chat Completions Submit With Stream True Returns 400 (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
                      chat-completions     with-vk    stream
Responses Submit With Stream True Returns 400 (with VK)
    [Tags]    responses    with-vk    requires-vk
                      responses            with-vk    stream
Image Generations Submit With Stream True Returns 400 (with VK)
    [Tags]    image-generations    with-vk    requires-vk
                      image-generations    with-vk    stream
Speech Submit With SSE Stream Format Returns 400 (with VK)
    [Tags]    speech    with-vk    requires-vk
                      speech               with-vk    stream
Transcriptions Submit With Stream True Returns 400 (with VK)
    [Tags]    transcriptions    with-vk    requires-vk
                      transcriptions       with-vk    stream
Image Edits Submit With Stream True Returns 400 (with VK)
    [Tags]    image-edits    with-vk    requires-vk
                      image-edits          with-vk    stream
Text Completions Submit With Malformed JSON Returns 400 (global)
    [Tags]    text-completions    global
                      text-completions     global     malformed-json
Chat Completions Submit With Malformed JSON Returns 400 (global)
    [Tags]    chat-completions    global
                      chat-completions     global     malformed-json
Responses Submit With Malformed JSON Returns 400 (global)
    [Tags]    responses    global
                      responses            global     malformed-json
Embeddings Submit With Malformed JSON Returns 400 (global)
    [Tags]    embeddings    global
                      embeddings           global     malformed-json
Speech Submit With Malformed JSON Returns 400 (global)
    [Tags]    speech    global
                      speech               global     malformed-json
Image Generations Submit With Malformed JSON Returns 400 (global)
    [Tags]    image-generations    global
                      image-generations    global     malformed-json
Rerank Submit With Malformed JSON Returns 400 (global)
    [Tags]    rerank    global
                      rerank               global     malformed-json
OCR Submit With Malformed JSON Returns 400 (global)
    [Tags]    ocr    global
                      ocr                  global     malformed-json
Text Completions Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    text-completions    with-vk    requires-vk
                      text-completions     with-vk    malformed-json
Chat Completions Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
                      chat-completions     with-vk    malformed-json
Responses Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    responses    with-vk    requires-vk
                      responses            with-vk    malformed-json
Embeddings Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    embeddings    with-vk    requires-vk
                      embeddings           with-vk    malformed-json
Speech Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    speech    with-vk    requires-vk
                      speech               with-vk    malformed-json
Image Generations Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    image-generations    with-vk    requires-vk
                      image-generations    with-vk    malformed-json
Rerank Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    rerank    with-vk    requires-vk
                      rerank               with-vk    malformed-json
OCR Submit With Malformed JSON Returns 400 (with VK)
    [Tags]    ocr    with-vk    requires-vk
                      ocr                  with-vk    malformed-json
Transcriptions Submit Without File Returns 400 (global)
    [Tags]    transcriptions    global
                      transcriptions       global     missing-file
Image Edits Submit Without Image Returns 400 (global)
    [Tags]    image-edits    global
                      image-edits          global     missing-file
Image Variations Submit Without Image Returns 400 (global)
    [Tags]    image-variations    global
                      image-variations     global     missing-file
Transcriptions Submit Without File Returns 400 (with VK)
    [Tags]    transcriptions    with-vk    requires-vk
                      transcriptions       with-vk    missing-file
Image Edits Submit Without Image Returns 400 (with VK)
    [Tags]    image-edits    with-vk    requires-vk
                      image-edits          with-vk    missing-file
Image Variations Submit Without Image Returns 400 (with VK)
    [Tags]    image-variations    with-vk    requires-vk
                      image-variations     with-vk    missing-file
POST On A Poll Path Is Rejected With 404 Or 405
    [Tags]    chat-completions
    [Template]    NONE
    A POST On A Poll Path Should Be Rejected


*** Keywords ***
A POST On A Poll Path Should Be Rejected
    [Documentation]    POST on a chat poll path answers 404 or 405 (body and Allow not asserted).
    ${nil}=    Nil Job Id
    ${response}=    POST On Session    bifrost    /v1/async/chat/completions/${nil}    expected_status=anything
    Response Status Should Be    ${response}    404    405
