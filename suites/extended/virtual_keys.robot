*** Settings ***
Documentation    Virtual keys in every header format (Authorization: Bearer, x-api-key, x-goog-api-key,
...              api-key) scope a job exactly like x-bf-vk; unknown keys see no scoped job, are ignored
...              for public jobs, and are refused at submit on every endpoint.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    auth


*** Test Cases ***
Job Submitted With A Bearer Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    chat-completions    requires-vk
    A Job Submitted With The Key In This Format Should Be Scoped To It    bearer

Job Submitted With An X-Api-Key Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    chat-completions    requires-vk
    A Job Submitted With The Key In This Format Should Be Scoped To It    x-api-key

Job Submitted With An X-Goog-Api-Key Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    chat-completions    requires-vk
    A Job Submitted With The Key In This Format Should Be Scoped To It    x-goog-api-key

Job Submitted With An Api-Key Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    chat-completions    requires-vk
    A Job Submitted With The Key In This Format Should Be Scoped To It    api-key

Job Submitted With A Bearer Key Is Hidden From The Other Key As Bearer
    [Tags]    chat-completions    requires-vk    requires-alt-vk
    A Job Submitted With The Key In This Format Should Be Hidden From The Other Key    bearer

Job Submitted With An X-Api-Key Key Is Hidden From The Other Key As X-Api-Key
    [Tags]    chat-completions    requires-vk    requires-alt-vk
    A Job Submitted With The Key In This Format Should Be Hidden From The Other Key    x-api-key

Job Submitted With An X-Goog-Api-Key Key Is Hidden From The Other Key As X-Goog-Api-Key
    [Tags]    chat-completions    requires-vk    requires-alt-vk
    A Job Submitted With The Key In This Format Should Be Hidden From The Other Key    x-goog-api-key

Job Submitted With An Api-Key Key Is Hidden From The Other Key As Api-Key
    [Tags]    chat-completions    requires-vk    requires-alt-vk
    A Job Submitted With The Key In This Format Should Be Hidden From The Other Key    api-key

Bearer Key With Its Prefix In The Other Letter Case Is Still Read As A Virtual Key
    [Tags]    chat-completions    requires-vk
    A Bearer Key With Its Prefix In The Other Case Should Be Read As A Virtual Key

Key-Scoped Job Polled With An Unknown Key Returns 404
    [Tags]    chat-completions    requires-vk
    A Scoped Job Polled With An Unknown Key Should Return 404

Public Job Polled With An Unknown Key Is Served
    [Tags]    chat-completions
    A Public Job Polled With An Unknown Key Should Be Served

Text Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    text-completions    requires-vk
    Submitting With An Unknown Key Should Be Refused    text-completions

Chat Completions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    chat-completions    requires-vk
    Submitting With An Unknown Key Should Be Refused    chat-completions

Responses Submit With An Unknown Key Is Refused Without A Job
    [Tags]    responses    requires-vk
    Submitting With An Unknown Key Should Be Refused    responses

Embeddings Submit With An Unknown Key Is Refused Without A Job
    [Tags]    embeddings    requires-vk
    Submitting With An Unknown Key Should Be Refused    embeddings

Speech Submit With An Unknown Key Is Refused Without A Job
    [Tags]    speech    requires-vk
    Submitting With An Unknown Key Should Be Refused    speech

Transcriptions Submit With An Unknown Key Is Refused Without A Job
    [Tags]    transcriptions    requires-vk
    Submitting With An Unknown Key Should Be Refused    transcriptions

Image Generations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-generations    requires-vk
    Submitting With An Unknown Key Should Be Refused    image-generations

Image Edits Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-edits    requires-vk
    Submitting With An Unknown Key Should Be Refused    image-edits

Image Variations Submit With An Unknown Key Is Refused Without A Job
    [Tags]    image-variations    requires-vk
    Submitting With An Unknown Key Should Be Refused    image-variations

Rerank Submit With An Unknown Key Is Refused Without A Job
    [Tags]    rerank    requires-vk
    Submitting With An Unknown Key Should Be Refused    rerank

OCR Submit With An Unknown Key Is Refused Without A Job
    [Tags]    ocr    requires-vk
    Submitting With An Unknown Key Should Be Refused    ocr
