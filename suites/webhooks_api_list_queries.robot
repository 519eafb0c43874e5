*** Settings ***
Documentation     GET /api/webhooks with a query value it cannot use (contract §9: bad query values → 400): a limit
...               or offset that is not a whole number, a disabled filter that is not a boolean, an event that is
...               not an async job event.

Resource          resources/webhooks.resource
Resource          resources/webhook_api_requests.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite
Test Template     List Query Should Be Refused

Test Tags         webhooks    webhooks-api


*** Test Cases ***    QUERY
Endpoint List With A Non-Numeric Limit Is Refused With 400
    [Tags]    behaviour:WH-65
                      limit=abc
Endpoint List With A Non-Numeric Offset Is Refused With 400
    [Tags]    behaviour:WH-65
                      offset=abc
Endpoint List With A Disabled Filter That Is Not A Boolean Is Refused With 400
    [Tags]    behaviour:WH-66
                      disabled=maybe
Endpoint List With An Unknown Event Filter Is Refused With 400
    [Tags]    behaviour:WH-67
                      event=async_job.created
