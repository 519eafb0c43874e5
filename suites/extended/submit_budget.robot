*** Settings ***
Documentation    The async promise: a submit answers at once, whatever the provider's speed. Submits for a
...              model whose jobs stay in flight (ASYNC_SLOW_MODEL) answer 202 within BIFROST_SUBMIT_BUDGET
...              (default 1 s), judged on the median of three so one slow packet does not fail it. The only
...              timing assertion of the suite.

Resource         resources/jobs.resource

Test Tags        extended    submit    chat-completions    requires-slow-model


*** Test Cases ***
Submits For A Slow Model Answer Within The Submit Budget
    Submits For A Slow Model Should Answer Within The Submit Budget


*** Keywords ***
Submits For A Slow Model Should Answer Within The Submit Budget
    [Documentation]    Three submits with ASYNC_SLOW_MODEL: 202 each, median answer time within the budget.
    ${first}=    Submit Accepted Job    chat-completions    model=${ASYNC_SLOW_MODEL}
    ${second}=    Submit Accepted Job    chat-completions    model=${ASYNC_SLOW_MODEL}
    ${third}=    Submit Accepted Job    chat-completions    model=${ASYNC_SLOW_MODEL}
    Median Submit Time Should Be Within The Submit Budget    ${first}    ${second}    ${third}
