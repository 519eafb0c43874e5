*** Settings ***
Documentation    Every integration route with an async converter accepts x-bf-async: the OpenAI Responses
...              routes (three paths), the Anthropic Messages route and its sub-paths, and both again under the
...              /litellm, /langchain and /pydanticai prefixes (contract §8). Each create must answer 200 with a
...              UUID job id, not the provider's synchronous answer or a refusal.

Resource         resources/integration_checks.resource

Test Template    An Async Create On This Path Should Answer 200 With A Job Id

Test Tags        extended    integration    responses


*** Test Cases ***    ROUTE        PATH
Async Create Is Accepted On /openai/v1/responses
    [Tags]    behaviour:INT-01
                      responses    /openai/v1/responses
Async Create Is Accepted On /openai/responses
    [Tags]    behaviour:INT-01
                      responses    /openai/responses
Async Create Is Accepted On /openai/openai/responses
    [Tags]    behaviour:INT-01
                      responses    /openai/openai/responses
Async Create Is Accepted On An /anthropic/v1/messages Sub-Path
    [Tags]    behaviour:INT-02
                      anthropic    /anthropic/v1/messages/acceptance-suite
Async Create Is Accepted On /litellm/v1/responses
    [Tags]    behaviour:INT-03
                      responses    /litellm/v1/responses
Async Create Is Accepted On /langchain/v1/responses
    [Tags]    behaviour:INT-03
                      responses    /langchain/v1/responses
Async Create Is Accepted On /pydanticai/v1/responses
    [Tags]    behaviour:INT-03
                      responses    /pydanticai/v1/responses
Async Create Is Accepted On /litellm/v1/messages
    [Tags]    behaviour:INT-03
                      anthropic    /litellm/v1/messages
Async Create Is Accepted On /langchain/v1/messages
    [Tags]    behaviour:INT-03
                      anthropic    /langchain/v1/messages
Async Create Is Accepted On /pydanticai/v1/messages
    [Tags]    behaviour:INT-03
                      anthropic    /pydanticai/v1/messages


*** Keywords ***
An Async Create On This Path Should Answer 200 With A Job Id
    [Documentation]    The ``route``'s request with x-bf-async, POSTed to ``path``: 200 with a UUID-shaped job id.
    [Arguments]    ${route}    ${path}
    ${job}=    Create Integration Job On Path    ${route}    ${path}
    Integration Create Should Answer 200 With A Job Id    ${job}
