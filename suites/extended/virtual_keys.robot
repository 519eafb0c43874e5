*** Settings ***
Documentation    Virtual keys in every header format (Authorization: Bearer, x-api-key, x-goog-api-key, api-key)
...              scope a job exactly like x-bf-vk; unknown keys see no scoped job and are ignored for public jobs.

Resource         resources/keys.resource

Test Template    A Job Submitted With The Key In This Format Should Be

Test Tags        extended    auth    chat-completions


*** Test Cases ***    KEY_FORMAT        SCOPE
Job Submitted With A Bearer Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    requires-vk    behaviour:VK-07    behaviour:VK-23
                      bearer            scoped to it
Job Submitted With An X-Api-Key Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    requires-vk    behaviour:VK-08    behaviour:VK-23
                      x-api-key         scoped to it
Job Submitted With An X-Goog-Api-Key Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    requires-vk    behaviour:VK-09    behaviour:VK-23
                      x-goog-api-key    scoped to it
Job Submitted With An Api-Key Key Is Hidden Anonymously And Visible As X-Bf-Vk
    [Tags]    requires-vk    behaviour:VK-10    behaviour:VK-23
                      api-key           scoped to it
Job Submitted With A Bearer Key Is Hidden From The Other Key As Bearer
    [Tags]    requires-vk    requires-alt-vk    behaviour:VK-07    behaviour:VK-25
                      bearer            hidden from the other key
Job Submitted With An X-Api-Key Key Is Hidden From The Other Key As X-Api-Key
    [Tags]    requires-vk    requires-alt-vk    behaviour:VK-08    behaviour:VK-25
                      x-api-key         hidden from the other key
Job Submitted With An X-Goog-Api-Key Key Is Hidden From The Other Key As X-Goog-Api-Key
    [Tags]    requires-vk    requires-alt-vk    behaviour:VK-09    behaviour:VK-25
                      x-goog-api-key    hidden from the other key
Job Submitted With An Api-Key Key Is Hidden From The Other Key As Api-Key
    [Tags]    requires-vk    requires-alt-vk    behaviour:VK-10    behaviour:VK-25
                      api-key           hidden from the other key
Bearer Key With Its Prefix In The Other Letter Case Is Still Read As A Virtual Key
    [Tags]    requires-vk    behaviour:VK-11
    [Template]    NONE
    A Bearer Key With Its Prefix In The Other Case Should Be Read As A Virtual Key
Key-Scoped Job Polled With An Unknown Key Returns 404
    [Tags]    requires-vk    behaviour:VK-26    behaviour:STAT-09
    [Template]    NONE
    A Scoped Job Polled With An Unknown Key Should Return 404
Public Job Polled With An Unknown Key Is Served
    [Tags]    anonymous    behaviour:VK-29
    [Template]    NONE
    A Public Job Polled With An Unknown Key Should Be Served


*** Keywords ***
A Job Submitted With The Key In This Format Should Be
    [Documentation]    ``scoped to it``: hidden anonymously (404), visible with the same key as x-bf-vk;
    ...    ``hidden from the other key``: the alternate key in the same format gets 404.
    [Arguments]    ${key_format}    ${scope}
    IF    $scope == 'scoped to it'
        ${job}=    Submit Accepted Job    chat-completions    primary    ${key_format}
        ${anonymous}=    Poll Job Once    ${job}    key=none
        Response Should Be An Error With Status    ${anonymous}    404
        ${same_key}=    Poll Job Once    ${job}    key=primary    key_format=x-bf-vk
        Poll Answer Should Match The Job State    ${same_key}    ${job}
    ELSE IF    $scope == 'hidden from the other key'
        The Job Should Be Hidden From The Poller    primary    alternate    ${key_format}
    ELSE
        Fail    SCOPE is 'scoped to it' or 'hidden from the other key', not '${scope}'
    END

A Bearer Key With Its Prefix In The Other Case Should Be Read As A Virtual Key
    [Documentation]    Refused as unknown (400/500), or accepted and scoped (an anonymous poll gets 404).
    ${job}=    Submit Job    chat-completions    key=primary-recased-prefix    key_format=bearer
    ${accepted}=    Key Was Accepted At Submit    ${job}
    IF    ${accepted}
        ${anonymous}=    Poll Job Once    ${job}    key=none
        Response Should Be An Error With Status    ${anonymous}    404
    END

A Scoped Job Polled With An Unknown Key Should Return 404
    [Documentation]    A job scoped to the primary key, polled with an unknown key, answers 404.
    The Job Should Be Hidden From The Poller    primary    unknown

A Public Job Polled With An Unknown Key Should Be Served
    [Documentation]    A public job polled with an unknown key is served by its state.
    The Job Should Be Visible To The Poller    none    unknown
