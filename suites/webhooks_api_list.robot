*** Settings ***
Documentation     GET /api/webhooks (contract §9): a page of endpoints with count, total_count and limit, filtered
...               by search, event and disabled, paged by limit and offset. Each test creates its own endpoints
...               and narrows the list to them, so other endpoints on the gateway do not matter.

Resource          resources/webhooks.resource
Resource          resources/webhook_api_requests.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         webhooks    webhooks-api


*** Test Cases ***
Endpoint List Answers With Count, Total Count And Limit
    [Tags]    behaviour:WH-60
    The Endpoint List Should Answer With Its Counts

Endpoint List Search Lists Only The Endpoint Named
    [Tags]    behaviour:WH-61
    A Search Should List Only The Endpoint Named

Endpoint List Event Filter Leaves Out Endpoints Not Subscribed To The Event
    [Tags]    behaviour:WH-62
    The Event Filter Should Leave Out Endpoints Not Subscribed To It

Endpoint List Disabled Filter Tells Disabled Endpoints From Enabled Ones
    [Tags]    behaviour:WH-63
    The Disabled Filter Should Tell Disabled Endpoints From Enabled Ones

Endpoint List Pages With Limit And Offset
    [Tags]    behaviour:WH-64
    The Endpoint List Should Page With Limit And Offset


*** Keywords ***
The Endpoint List Should Answer With Its Counts
    [Documentation]    A search for one endpoint's name answers 200 {endpoints, count, total_count, limit}: that
    ...    endpoint, count 1, total_count 1, a positive limit.
    ${endpoint}=    Create Webhook Endpoint
    ${response}=    List Webhook Endpoints    search=${endpoint.name}
    ${ids}=    Listing Should Be A Page With Counts    ${response}
    Should Be Equal    ${ids}    ${{ [$endpoint.id] }}    msg=the search for ${endpoint.name} lists ${ids}
    Should Be Equal As Integers    ${response.json()}[count]    1
    Should Be Equal As Integers    ${response.json()}[total_count]    1
    Should Be True    ${response.json()}[limit] >= 1    msg=limit is ${response.json()}[limit]

A Search Should List Only The Endpoint Named
    [Documentation]    Of two endpoints, ?search=<the first one's name> lists the first one only.
    ${named}=    Create Webhook Endpoint
    Create Webhook Endpoint
    Listing Should Show Only    search=${named.name}    ${named}

The Event Filter Should Leave Out Endpoints Not Subscribed To It
    [Documentation]    An endpoint subscribed to async_job.failed only is listed with ?event=async_job.failed and
    ...    left out with ?event=async_job.completed.
    ${endpoint}=    Create Webhook Endpoint    events=failed
    Listing Should Show Only    search=${endpoint.name}&event=async_job.failed    ${endpoint}
    Listing Should Show Only    search=${endpoint.name}&event=async_job.completed

The Disabled Filter Should Tell Disabled Endpoints From Enabled Ones
    [Documentation]    A disabled endpoint is listed with ?disabled=true and left out with ?disabled=false.
    ${endpoint}=    Create Webhook Endpoint    disabled=${True}
    Listing Should Show Only    search=${endpoint.name}&disabled=true    ${endpoint}
    Listing Should Show Only    search=${endpoint.name}&disabled=false

The Endpoint List Should Page With Limit And Offset
    [Documentation]    With two endpoints of this run or more, ?limit=1 lists one (count 1, limit 1, total_count at
    ...    least 2) and ?limit=1&offset=1 lists another one.
    Create Webhook Endpoint
    Create Webhook Endpoint
    ${first}=    One Page Of The Endpoints Of This Run    limit=1
    ${second}=    One Page Of The Endpoints Of This Run    limit=1&offset=1
    Should Not Be Equal    ${first}    ${second}    msg=offset=1 lists the same endpoint as offset 0

One Page Of The Endpoints Of This Run
    [Documentation]    GET /api/webhooks?search=<this run's prefix>&<query> with limit 1 lists one endpoint, says
    ...    count 1 and limit 1, and a total_count of at least 2; returns the ids listed.
    [Arguments]    ${query}
    ${response}=    List Webhook Endpoints Of This Run    ${query}
    ${ids}=    Listing Should Be A Page With Counts    ${response}
    Length Should Be    ${ids}    1
    Should Be Equal As Integers    ${response.json()}[limit]    1
    Should Be True    ${response.json()}[total_count] >= 2
    ...    msg=total_count is ${response.json()}[total_count] with two endpoints of this run
    RETURN    ${ids}
