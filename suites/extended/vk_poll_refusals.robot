*** Settings ***
Documentation    A poll refused for its key names the reason (virtual key is required / not found /
...              mismatch), and the poll's checks run in Bifrost's order: the job is looked up first,
...              then the caller's key, then the job's request type.

Resource         resources/vk_scoping.resource

Test Template    A Scoped Job Polled With This Key Should Be Refused With The Message

Test Tags        extended    auth    chat-completions


*** Test Cases ***    POLLER       MESSAGE
Scoped Job Polled Without A Key Is Refused As Virtual Key Is Required
    [Tags]    requires-vk    behaviour:VK-01
                      none         virtual key is required
Scoped Job Polled With An Unknown Key Is Refused As Virtual Key Not Found
    [Tags]    requires-vk    behaviour:VK-02
                      unknown      virtual key not found
Scoped Job Polled With Another Key Is Refused As Virtual Key Mismatch
    [Tags]    requires-vk    requires-alt-vk    behaviour:VK-03
                      alternate    virtual key mismatch
Unknown Job Polled With An Unknown Key Is Refused As Not Found Before Any Key Check
    [Tags]    behaviour:VK-04
    [Template]    NONE
    An Unknown Job Polled With An Unknown Key Should Be Refused As Not Found
Scoped Job Polled On Another Endpoint Without A Key Is Refused For The Key Before The Type
    [Tags]    requires-vk    embeddings    behaviour:VK-05
    [Template]    NONE
    A Scoped Job Polled On Another Endpoint Without A Key Should Be Refused For The Key


*** Keywords ***
A Scoped Job Polled With This Key Should Be Refused With The Message
    [Documentation]    A chat job scoped to the primary key, polled once with ``poller`` (in x-bf-vk):
    ...    404 whose error.message contains ``message``.
    [Arguments]    ${poller}    ${message}
    ${job}=    Submit Accepted Job    chat-completions    primary
    ${response}=    Poll Job Once    ${job}    key=${poller}
    Error Message Should Contain    ${response}    ${message}    404

An Unknown Job Polled With An Unknown Key Should Be Refused As Not Found
    [Documentation]    The nil job id polled with an unknown key: 404 'job not found or expired', since
    ...    the job lookup comes before the key checks (not 'virtual key not found').
    ${nil}=    Nil Job Id
    ${response}=    Poll Job Id Once    chat-completions    ${nil}    key=unknown
    Error Message Should Contain    ${response}    job not found or expired    404

A Scoped Job Polled On Another Endpoint Without A Key Should Be Refused For The Key
    [Documentation]    A chat job scoped to the primary key, polled without a key on the embeddings
    ...    poll path: 404 'virtual key is required' (the key checks come before the type check).
    ${job}=    Submit Accepted Job    chat-completions    primary
    ${response}=    Poll Job Once    ${job}    key=none    endpoint=embeddings
    Error Message Should Contain    ${response}    virtual key is required    404
