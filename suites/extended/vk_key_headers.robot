*** Settings ***
Documentation    What is not a virtual key: a value without the sk-bf- prefix in Authorization: Bearer,
...              x-api-key, x-goog-api-key or api-key is ignored, so the job is public; x-bf-vk is taken
...              as it is, so the same value there is looked up (and, unknown, refused).

Resource         resources/vk_scoping.resource

Test Template    A Job Submitted With A Value That Is Not A Virtual Key Should Be Public

Test Tags        extended    auth    chat-completions


*** Test Cases ***    KEY_FORMAT
Bearer Value Without The Sk-Bf- Prefix Is Not A Virtual Key
    [Tags]    anonymous    behaviour:VK-12
                      bearer
X-Api-Key Value Without The Sk-Bf- Prefix Is Not A Virtual Key
    [Tags]    anonymous    behaviour:VK-13
                      x-api-key
X-Goog-Api-Key Value Without The Sk-Bf- Prefix Is Not A Virtual Key
    [Tags]    anonymous    behaviour:VK-14
                      x-goog-api-key
Api-Key Value Without The Sk-Bf- Prefix Is Not A Virtual Key
    [Tags]    anonymous    behaviour:VK-15
                      api-key
X-Bf-Vk Value Without The Sk-Bf- Prefix Is Still Looked Up As A Virtual Key
    [Tags]    requires-vk    behaviour:VK-06
    [Template]    NONE
    A Value Without The Prefix In X-Bf-Vk Should Be Refused As An Unknown Key


*** Keywords ***
A Job Submitted With A Value That Is Not A Virtual Key Should Be Public
    [Documentation]    A chat submit with a provider-style key (no sk-bf- prefix) in ``key_format`` and
    ...    no virtual key: accepted (202 with a job id), and the job is served to a poll without any key.
    [Arguments]    ${key_format}
    ${headers}=    Headers With A Value That Is Not A Virtual Key    ${key_format}
    ${job}=    Submit Job    chat-completions    key=none    headers=${headers}
    Submit Answer Should Have A Job Id    ${job}    202
    ${response}=    Poll Job Once    ${job}    key=none
    Poll Answer Should Match The Job State    ${response}    ${job}

A Value Without The Prefix In X-Bf-Vk Should Be Refused As An Unknown Key
    [Documentation]    The same provider-style key in x-bf-vk is looked up as a virtual key: the chat
    ...    submit is refused, 400 'virtual key not found', without a job.
    ${headers}=    Headers With A Value That Is Not A Virtual Key    x-bf-vk
    ${job}=    Submit Job    chat-completions    key=none    headers=${headers}
    Response Should Be Refused Without A Job    ${job}    400
    Error Message Should Contain    ${job.response}    virtual key not found    400
