*** Settings ***
Documentation    A job is found only on the poll path of its own type, and job ids the gateway never
...              issued (not a UUID, overlong, URL-encoded) answer 404, never a 5xx.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    lifecycle    global


*** Test Cases ***
Each Job Is Found Only On The Poll Path Of Its Own Type
    Jobs Should Be Served Only On The Poll Path Of Their Type

Polling A Job Id That Is Not A UUID Returns 404
    [Tags]    chat-completions
    Polling An Odd Job Id Should Return 404    not-a-uuid

Polling An Overlong Job Id Returns 404
    [Tags]    chat-completions
    Polling An Odd Job Id Should Return 404    overlong

Polling A URL-Encoded Job Id Returns 404
    [Tags]    chat-completions
    Polling An Odd Job Id Should Return 404    url-encoded
