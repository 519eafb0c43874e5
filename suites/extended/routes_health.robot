*** Settings ***
Documentation    GET /health on a healthy gateway (contract §10). An unhealthy gateway (503) stops the run in
...              the suite setup instead: skipped, or failed with BIFROST_REQUIRE_GATEWAY.

Resource         resources/http.resource
Variables        variables.py

Test Tags        extended    health


*** Test Cases ***
Health Check Answers 200 With Status Ok
    [Tags]    behaviour:HEALTH-01
    The Health Check Should Answer 200 With Status Ok


*** Keywords ***
The Health Check Should Answer 200 With Status Ok
    [Documentation]    200, status "ok", and components.db_pings "ok" (or "disabled" when the gateway's
    ...    client.disable_db_pings_in_health is set).
    ${response}=    Send    GET    /health
    Response Status Should Be    ${response}    200
    VAR    ${body}=    ${response.json()}
    Should Be Equal    ${body}[status]    ok    msg=/health says status ${body}[status], expected ok
    Should Contain    ${{ ("ok", "disabled") }}    ${body}[components][db_pings]
    ...    msg=/health says components.db_pings ${body}[components][db_pings], expected ok or disabled
