*** Settings ***
Documentation    Every endpoint accepts a job with 202 and a well-formed pending envelope, and an
...              immediate poll answers 202 or 200 by the job's state (upstream submit_test.go).

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        submit


*** Test Cases ***
Text Completions Submit Returns 202 With Pending Envelope (global)
    [Tags]    text-completions    global
    Submitting A Job Should Return 202 With A Pending Envelope    text-completions    global

Chat Completions Submit Returns 202 With Pending Envelope (global)
    [Tags]    chat-completions    global
    Submitting A Job Should Return 202 With A Pending Envelope    chat-completions    global

Responses Submit Returns 202 With Pending Envelope (global)
    [Tags]    responses    global
    Submitting A Job Should Return 202 With A Pending Envelope    responses    global

Embeddings Submit Returns 202 With Pending Envelope (global)
    [Tags]    embeddings    global
    Submitting A Job Should Return 202 With A Pending Envelope    embeddings    global

Speech Submit Returns 202 With Pending Envelope (global)
    [Tags]    speech    global
    Submitting A Job Should Return 202 With A Pending Envelope    speech    global

Transcriptions Submit Returns 202 With Pending Envelope (global)
    [Tags]    transcriptions    global
    Submitting A Job Should Return 202 With A Pending Envelope    transcriptions    global

Image Generations Submit Returns 202 With Pending Envelope (global)
    [Tags]    image-generations    global
    Submitting A Job Should Return 202 With A Pending Envelope    image-generations    global

Image Edits Submit Returns 202 With Pending Envelope (global)
    [Tags]    image-edits    global
    Submitting A Job Should Return 202 With A Pending Envelope    image-edits    global

Image Variations Submit Returns 202 With Pending Envelope (global)
    [Tags]    image-variations    global
    Submitting A Job Should Return 202 With A Pending Envelope    image-variations    global

Rerank Submit Returns 202 With Pending Envelope (global)
    [Tags]    rerank    global
    Submitting A Job Should Return 202 With A Pending Envelope    rerank    global

OCR Submit Returns 202 With Pending Envelope (global)
    [Tags]    ocr    global
    Submitting A Job Should Return 202 With A Pending Envelope    ocr    global

Text Completions Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    text-completions    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    text-completions    with-vk

Chat Completions Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    chat-completions    with-vk

Responses Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    responses    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    responses    with-vk

Embeddings Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    embeddings    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    embeddings    with-vk

Speech Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    speech    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    speech    with-vk

Transcriptions Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    transcriptions    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    transcriptions    with-vk

Image Generations Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    image-generations    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    image-generations    with-vk

Image Edits Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    image-edits    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    image-edits    with-vk

Image Variations Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    image-variations    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    image-variations    with-vk

Rerank Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    rerank    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    rerank    with-vk

OCR Submit Returns 202 With Pending Envelope (with VK)
    [Tags]    ocr    with-vk    requires-vk
    Submitting A Job Should Return 202 With A Pending Envelope    ocr    with-vk

Text Completions Immediate Poll Answers By Job State (global)
    [Tags]    text-completions    global
    An Immediate Poll Should Answer According To The Job State    text-completions    global

Chat Completions Immediate Poll Answers By Job State (global)
    [Tags]    chat-completions    global
    An Immediate Poll Should Answer According To The Job State    chat-completions    global

Responses Immediate Poll Answers By Job State (global)
    [Tags]    responses    global
    An Immediate Poll Should Answer According To The Job State    responses    global

Embeddings Immediate Poll Answers By Job State (global)
    [Tags]    embeddings    global
    An Immediate Poll Should Answer According To The Job State    embeddings    global

Speech Immediate Poll Answers By Job State (global)
    [Tags]    speech    global
    An Immediate Poll Should Answer According To The Job State    speech    global

Transcriptions Immediate Poll Answers By Job State (global)
    [Tags]    transcriptions    global
    An Immediate Poll Should Answer According To The Job State    transcriptions    global

Image Generations Immediate Poll Answers By Job State (global)
    [Tags]    image-generations    global
    An Immediate Poll Should Answer According To The Job State    image-generations    global

Image Edits Immediate Poll Answers By Job State (global)
    [Tags]    image-edits    global
    An Immediate Poll Should Answer According To The Job State    image-edits    global

Image Variations Immediate Poll Answers By Job State (global)
    [Tags]    image-variations    global
    An Immediate Poll Should Answer According To The Job State    image-variations    global

Rerank Immediate Poll Answers By Job State (global)
    [Tags]    rerank    global
    An Immediate Poll Should Answer According To The Job State    rerank    global

OCR Immediate Poll Answers By Job State (global)
    [Tags]    ocr    global
    An Immediate Poll Should Answer According To The Job State    ocr    global

Text Completions Immediate Poll Answers By Job State (with VK)
    [Tags]    text-completions    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    text-completions    with-vk

Chat Completions Immediate Poll Answers By Job State (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    chat-completions    with-vk

Responses Immediate Poll Answers By Job State (with VK)
    [Tags]    responses    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    responses    with-vk

Embeddings Immediate Poll Answers By Job State (with VK)
    [Tags]    embeddings    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    embeddings    with-vk

Speech Immediate Poll Answers By Job State (with VK)
    [Tags]    speech    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    speech    with-vk

Transcriptions Immediate Poll Answers By Job State (with VK)
    [Tags]    transcriptions    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    transcriptions    with-vk

Image Generations Immediate Poll Answers By Job State (with VK)
    [Tags]    image-generations    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    image-generations    with-vk

Image Edits Immediate Poll Answers By Job State (with VK)
    [Tags]    image-edits    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    image-edits    with-vk

Image Variations Immediate Poll Answers By Job State (with VK)
    [Tags]    image-variations    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    image-variations    with-vk

Rerank Immediate Poll Answers By Job State (with VK)
    [Tags]    rerank    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    rerank    with-vk

OCR Immediate Poll Answers By Job State (with VK)
    [Tags]    ocr    with-vk    requires-vk
    An Immediate Poll Should Answer According To The Job State    ocr    with-vk
