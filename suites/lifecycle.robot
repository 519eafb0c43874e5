*** Settings ***
Documentation    Jobs reach a terminal state with a consistent envelope; unknown and wrong-type jobs
...              answer 404; completed results have the expected shape (upstream lifecycle_test.go).

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        lifecycle


*** Test Cases ***
Text Completions Job Reaches A Terminal State (global)
    [Tags]    text-completions    global
    The Job Should Reach A Consistent Terminal State    text-completions    global

Chat Completions Job Reaches A Terminal State (global)
    [Tags]    chat-completions    global
    The Job Should Reach A Consistent Terminal State    chat-completions    global

Responses Job Reaches A Terminal State (global)
    [Tags]    responses    global
    The Job Should Reach A Consistent Terminal State    responses    global

Embeddings Job Reaches A Terminal State (global)
    [Tags]    embeddings    global
    The Job Should Reach A Consistent Terminal State    embeddings    global

Speech Job Reaches A Terminal State (global)
    [Tags]    speech    global
    The Job Should Reach A Consistent Terminal State    speech    global

Transcriptions Job Reaches A Terminal State (global)
    [Tags]    transcriptions    global
    The Job Should Reach A Consistent Terminal State    transcriptions    global

Image Generations Job Reaches A Terminal State (global)
    [Tags]    image-generations    global
    The Job Should Reach A Consistent Terminal State    image-generations    global

Image Edits Job Reaches A Terminal State (global)
    [Tags]    image-edits    global
    The Job Should Reach A Consistent Terminal State    image-edits    global

Image Variations Job Reaches A Terminal State (global)
    [Tags]    image-variations    global
    The Job Should Reach A Consistent Terminal State    image-variations    global

Rerank Job Reaches A Terminal State (global)
    [Tags]    rerank    global
    The Job Should Reach A Consistent Terminal State    rerank    global

OCR Job Reaches A Terminal State (global)
    [Tags]    ocr    global
    The Job Should Reach A Consistent Terminal State    ocr    global

Text Completions Job Reaches A Terminal State (with VK)
    [Tags]    text-completions    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    text-completions    with-vk

Chat Completions Job Reaches A Terminal State (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    chat-completions    with-vk

Responses Job Reaches A Terminal State (with VK)
    [Tags]    responses    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    responses    with-vk

Embeddings Job Reaches A Terminal State (with VK)
    [Tags]    embeddings    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    embeddings    with-vk

Speech Job Reaches A Terminal State (with VK)
    [Tags]    speech    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    speech    with-vk

Transcriptions Job Reaches A Terminal State (with VK)
    [Tags]    transcriptions    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    transcriptions    with-vk

Image Generations Job Reaches A Terminal State (with VK)
    [Tags]    image-generations    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    image-generations    with-vk

Image Edits Job Reaches A Terminal State (with VK)
    [Tags]    image-edits    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    image-edits    with-vk

Image Variations Job Reaches A Terminal State (with VK)
    [Tags]    image-variations    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    image-variations    with-vk

Rerank Job Reaches A Terminal State (with VK)
    [Tags]    rerank    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    rerank    with-vk

OCR Job Reaches A Terminal State (with VK)
    [Tags]    ocr    with-vk    requires-vk
    The Job Should Reach A Consistent Terminal State    ocr    with-vk

Polling A Non-Existent Job Returns 404 (global)
    [Tags]    chat-completions    global
    Polling A Job That Does Not Exist Should Return 404    global

Polling A Non-Existent Job Returns 404 (with VK)
    [Tags]    chat-completions    with-vk    requires-vk
    Polling A Job That Does Not Exist Should Return 404    with-vk

Completed Chat Completions Job Has A Non-Empty Choices List (global)
    [Tags]    chat-completions    global
    A Completed Job Result Should Hold A Non-Empty List    chat-completions    choices

Completed Embeddings Job Has A Non-Empty Data List (global)
    [Tags]    embeddings    global
    A Completed Job Result Should Hold A Non-Empty List    embeddings    data

Completed Rerank Job Has A Non-Empty Results List (global)
    [Tags]    rerank    global
    A Completed Job Result Should Hold A Non-Empty List    rerank    results

Text Completions Job Polled On The Chat Completions Path Returns 404 (global)
    [Tags]    text-completions    chat-completions    global
    A Job Polled On Another Endpoint Should Return 404    global

Text Completions Job Polled On The Chat Completions Path Returns 404 (with VK)
    [Tags]    text-completions    chat-completions    with-vk    requires-vk
    A Job Polled On Another Endpoint Should Return 404    with-vk
