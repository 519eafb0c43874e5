*** Settings ***
Documentation    The result TTL beyond upstream's five headers (contract §6): an empty or decimal header falls
...              back to the default, the TTL counts from completion (seen on a slow job), and a failed job's
...              result lives its TTL from completion too.

Resource         resources/ttl.resource

Test Template    A Chat Job With This TTL Header Should Keep Its Result For

Test Tags        extended    ttl    chat-completions

Name             TTL Headers


*** Test Cases ***    MODE       TTL_HEADER    TOLERANCE    EXPECTED_SECONDS
Empty TTL Header Falls Back To The Default
    [Tags]    behaviour:TTL-04
                      default    ${EMPTY}      60           ${BIFROST_DEFAULT_TTL}
Decimal TTL Header Falls Back To The Default
    [Documentation]    "1.5" is not an integer, so Bifrost's header parsing falls back to the default.
    [Tags]    behaviour:TTL-05
                      default    1.5           60           ${BIFROST_DEFAULT_TTL}
Expires At Counts The TTL From Completion, Not From Submit
    [Tags]    requires-slow-model    behaviour:TTL-10
    [Template]    NONE
    A Slow Job Should Count Its TTL From Completion
Failed Job Keeps Its Error For Its TTL From Completion
    [Tags]    requires-failing-model    behaviour:TTL-03
    [Template]    NONE
    A Failed Job Should Count Its TTL From Completion


*** Keywords ***
A Slow Job Should Count Its TTL From Completion
    [Documentation]    A job that stays in flight a while (ASYNC_SLOW_MODEL), submitted with a TTL of 120 s, ends
    ...    with expires_at − completed_at = 120 s ± 1 s; counted from submit it would fall short by the time
    ...    the job took (a slow model that is not slower than 1 s cannot tell the two apart).
    ${job}=    Run Job To The End    chat-completions    ttl=120    model=${ASYNC_SLOW_MODEL}
    Job TTL Should Be    ${job}    120    tolerance=1

A Failed Job Should Count Its TTL From Completion
    [Documentation]    A job that fails (ASYNC_FAILING_MODEL), submitted with a TTL of 120 s, gets completed_at and
    ...    expires_at = completed_at + 120 s ± 1 s, as a completed job does.
    ${job}=    Run Job To The End    chat-completions    ttl=120    model=${ASYNC_FAILING_MODEL}
    Job Should Have Failed    ${job}
    Job TTL Should Be    ${job}    120    tolerance=1
