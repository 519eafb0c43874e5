*** Settings ***
Documentation    What stays true of a job's envelope across every poll (id, created_at, status order,
...              identical answers once finished, JSON content type), and the request id echo.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    chat-completions    global


*** Test Cases ***
Job Id And Times Stay The Same Across Polls
    [Tags]    lifecycle
    ${watched}=    Watch A Job    chat-completions
    Job Id And Times Should Stay The Same Across Polls    ${watched}

Job Status Never Goes Backwards Across Polls
    [Documentation]    Watched with ASYNC_SLOW_MODEL, so the polls see the job in flight and then finished.
    [Tags]    lifecycle    requires-slow-model
    ${watched}=    Watch A Job    chat-completions    ${ASYNC_SLOW_MODEL}
    Job Status Should Never Go Backwards    ${watched}

Repeated Polls Of A Finished Job Return The Same Envelope
    [Tags]    lifecycle
    ${watched}=    Watch A Job    chat-completions
    Repeated Polls Of The Finished Job Should Be Identical    ${watched}

Every Answer About A Job Is JSON
    [Tags]    lifecycle
    ${watched}=    Watch A Job    chat-completions
    Every Answer About The Job Should Be JSON    ${watched}

Submit Echoes The Sent X-Request-Id As The Request Id
    [Tags]    submit
    Submit Should Echo The Request Id
