*** Settings ***
Documentation    A slow job (ASYNC_SLOW_MODEL) is seen in flight: 202 without terminal fields until it completes.

Resource         resources/jobs.resource

Test Tags        extended    lifecycle    chat-completions    requires-slow-model


*** Test Cases ***
Slow Job Answers 202 Without Terminal Fields Until It Completes
    [Tags]    behaviour:STAT-04
    ...       behaviour:STAT-05
    ...       behaviour:ENV-04
    ...       behaviour:ENV-09
    ...       behaviour:ENV-12
    ...       behaviour:ENV-13
    ...       behaviour:ENV-18
    A Slow Job Should Be Seen In Flight Until It Completes


*** Keywords ***
A Slow Job Should Be Seen In Flight Until It Completes
    [Documentation]    Every poll before the end answers 202 without terminal fields; then it completes.
    ${watched}=    Watch A Job    chat-completions    ${ASYNC_SLOW_MODEL}
    In-Flight Polls Should Answer 202 Without Terminal Fields    ${watched}
    Observed Job Should Have Completed    ${watched}
