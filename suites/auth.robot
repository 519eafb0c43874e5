*** Settings ***
Documentation    Virtual-key scoping: unknown keys are refused, scoped jobs are visible only to their key,
...              public jobs to anyone, and the Bearer / x-api-key / x-goog-api-key formats work like
...              x-bf-vk (upstream auth_test.go; all on the chat-completions endpoint).

Resource         resources/keys.resource

Test Template    A Chat Job Polled By Another Key Should Be

Test Tags        auth    chat-completions


*** Test Cases ***    SUBMITTER    POLLER       KEY_FORMAT        VISIBILITY
Submit With An Unknown Virtual Key Returns 400
    [Documentation]    Runs only with BIFROST_VK set, taken as the sign that the gateway has virtual keys.
    [Tags]    requires-vk    behaviour:VK-17
    [Template]    NONE
    ${job}=    Submit Job    chat-completions    key=unknown
    Response Should Be An Error With Status    ${job}    400
VK-Scoped Job Polled With The Same Key Succeeds
    [Tags]    requires-vk    behaviour:VK-22
                      primary      primary      x-bf-vk           visible
VK-Scoped Job Polled With A Different Key Returns 404
    [Tags]    requires-vk    requires-alt-vk    behaviour:VK-25    behaviour:STAT-09
                      primary      alternate    x-bf-vk           hidden
VK-Scoped Job Polled Without A Key Returns 404
    [Tags]    requires-vk    behaviour:VK-24    behaviour:STAT-09
                      primary      none         x-bf-vk           hidden
Public Job Polled Anonymously Succeeds
    [Tags]    anonymous    behaviour:VK-27
                      none         none         x-bf-vk           visible
Public Job Polled With A Virtual Key Succeeds
    [Tags]    requires-vk    anonymous    behaviour:VK-28
                      none         primary      x-bf-vk           visible
Bearer Virtual Key Job Polled With The Same Key Succeeds
    [Tags]    requires-vk    behaviour:VK-07
                      primary      primary      bearer            visible
X-Api-Key Virtual Key Job Polled With The Same Key Succeeds
    [Tags]    requires-vk    behaviour:VK-08
                      primary      primary      x-api-key         visible
X-Goog-Api-Key Virtual Key Job Polled With The Same Key Succeeds
    [Tags]    requires-vk    behaviour:VK-09
                      primary      primary      x-goog-api-key    visible


*** Keywords ***
A Chat Job Polled By Another Key Should Be
    [Documentation]    A chat job submitted with the ``submitter`` key, polled once with the ``poller``
    ...    key (both in ``key_format``): ``visible`` answers 200/202 with the job, ``hidden`` 404.
    [Arguments]    ${submitter}    ${poller}    ${key_format}    ${visibility}
    IF    $visibility == 'visible'
        The Job Should Be Visible To The Poller    ${submitter}    ${poller}    ${key_format}
    ELSE IF    $visibility == 'hidden'
        The Job Should Be Hidden From The Poller    ${submitter}    ${poller}    ${key_format}
    ELSE
        Fail    VISIBILITY is 'visible' or 'hidden', not '${visibility}'
    END
