*** Settings ***
Documentation     POST /api/webhooks with an invalid definition (contract §9): each reason the contract lists is
...               refused with 400. Each row changes one field of a definition the suite otherwise creates.

Resource          resources/webhooks.resource
Resource          resources/webhook_api_requests.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite
Test Template     Endpoint Definition Should Be Refused

Test Tags         webhooks    webhooks-api


*** Test Cases ***    FIELD                            VALUE                                            OPT-IN
Endpoint Without A Name Is Refused With 400
    [Tags]    behaviour:WH-54
                      name                             <absent>
Endpoint With A Plain Http Url And No Private Network Opt-In Is Refused With 400
    [Tags]    behaviour:WH-55
                      url                              "http://hooks.example.com/acceptance"            ${False}
Endpoint With An Empty Events List Is Refused With 400
    [Tags]    behaviour:WH-56
                      events                           []
Endpoint With An Unknown Event Is Refused With 400
    [Tags]    behaviour:WH-57
                      events                           ["async_job.created"]
Endpoint With A Custom Webhook-Signature Header Is Refused With 400
    [Tags]    behaviour:WH-58
                      headers                          {"webhook-signature": {"value": "v1,forged"}}
Endpoint With A Negative Max Retries Is Refused With 400
    [Tags]    behaviour:WH-59
                      max_retries                      -1
Endpoint With A Negative Initial Retry Backoff Is Refused With 400
    [Tags]    behaviour:WH-59
                      retry_backoff_initial_seconds    -1
Endpoint With A Negative Maximum Retry Backoff Is Refused With 400
    [Tags]    behaviour:WH-59
                      retry_backoff_max_seconds        -1
Endpoint With A Negative Attempt Timeout Is Refused With 400
    [Tags]    behaviour:WH-59
                      attempt_timeout_seconds          -1
Endpoint With A Negative Response Payload Cap Is Refused With 400
    [Tags]    behaviour:WH-59
                      max_response_payload_kbs         -1
Endpoint With A Negative Concurrent Delivery Limit Is Refused With 400
    [Tags]    behaviour:WH-59
                      max_concurrent_deliveries        -1


*** Keywords ***
Endpoint Definition Should Be Refused
    [Documentation]    POST /api/webhooks of the suite's definition of an endpoint (delivering to the receiver, with
    ...    allow_private_network unless ``private_network`` (the OPT-IN column) is false) with ``field`` set to
    ...    ``value`` (JSON; ``<absent>`` leaves it out) answers 400.
    [Arguments]    ${field}    ${value}    ${private_network}=${True}
    ${endpoint}=    New Webhook Endpoint    events=completed    private_network=${private_network}
    ${body}=    Definition With    ${endpoint.spec}    ${field}    ${value}
    ${response}=    Post Webhook Definition    ${body}
    Response Status Should Be    ${response}    400
