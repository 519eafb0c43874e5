*** Settings ***
Documentation     Delivery headers (contract §9): a job notification carries the endpoint's custom headers,
...               and none of them can override a header Bifrost sets itself.

Resource          resources/webhooks.resource
Resource          resources/webhook_delivery_checks.resource

Suite Setup       Prepare The Webhook Suite
Suite Teardown    Finish The Webhook Suite

Test Tags         extended    webhooks    webhooks-api


*** Test Cases ***
Job Notification Carries The Custom Endpoint Header
    [Tags]    behaviour:WH-16
    A Job Notification Should Carry The Custom Header

Custom Header Cannot Override A Reserved Delivery Header
    [Tags]    behaviour:WH-17
    A Custom Header Should Not Override A Reserved Delivery Header
