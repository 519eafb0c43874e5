*** Settings ***
Documentation    The check keywords that live in resources/ (moved from the library: field comparisons and
...              one-line checks), judged on made-up answers with no gateway: each passes on a good answer
...              and fails on a bad one with a one-line message naming what was wrong.
...              Run by tests/test_resource_checks.py.

Library          resource_fixtures.py
Resource         resources/jobs.resource
Resource         resources/keys.resource
Resource         resources/integration.resource
Resource         resources/webhooks.resource


*** Variables ***
${CHAT}    /v1/async/chat/completions
${ID}      0b9b3a5e-3f6c-4e0e-9d8a-2f6d1c2b7a10


*** Test Cases ***
Submit Answer Should Have A Job Id
    ${accepted}=    Answer    202    {"id": "${ID}"}    POST    ${CHAT}
    ${refused}=    Answer    400    {"error": {"message": "bad model"}}    POST    ${CHAT}
    Submit Answer Should Have A Job Id    ${{ resource_fixtures.job($accepted, $ID) }}    202
    ${job}=    Job    ${refused}
    Run Keyword And Expect Error    POST ${CHAT} answered 400 without a job id: '{"error": {"message": "bad model"}}'
    ...    Submit Answer Should Have A Job Id    ${job}
    Run Keyword And Expect Error    POST ${CHAT} answered 400, expected 202 or 2xx: *
    ...    Submit Answer Should Have A Job Id    ${job}    202    2xx

Job Should Have Failed With Status Code
    ${failed}=    Job    job_id=job-1    status=failed    status_code=${401}    error=${{ {"message": "no key"} }}
    Job Should Have Failed With Status Code    ${failed}    401
    Run Keyword And Expect Error
    ...    GET ${CHAT}/job-1: job job-1 ended 'failed' (status_code 401), expected failed with status_code 500: *
    ...    Job Should Have Failed With Status Code    ${failed}    500
    ${no_error}=    Job    job_id=job-1    status=failed    status_code=${401}
    Run Keyword And Expect Error    GET ${CHAT}/job-1: job job-1 ended 'failed' (status_code 401) without an error: *
    ...    Job Should Have Failed With Status Code    ${no_error}    401
    ${completed}=    Job    job_id=job-1    status=completed    status_code=${200}
    Run Keyword And Expect Error
    ...    GET ${CHAT}/job-1: job job-1 ended 'completed' (status_code 200), expected failed with status_code 401: *
    ...    Job Should Have Failed With Status Code
    ...    ${completed}
    ...    401

Key Was Accepted At Submit
    ${accepted}=    Key Was Accepted At Submit
    ...    ${{ resource_fixtures.job(resource_fixtures.answer(202, {"id": $ID}, "POST"), $ID) }}
    Should Be True    ${accepted}
    ${refused}=    Key Was Accepted At Submit
    ...    ${{ resource_fixtures.job(resource_fixtures.answer(400, {"error": {"message": "unknown key"}}, "POST")) }}
    Should Not Be True    ${refused}
    ${bare}=    Job    ${{ resource_fixtures.answer(500, {"oops": 1}, "POST") }}
    Run Keyword And Expect Error    *expected Bifrost's error envelope with an error.message*
    ...    Key Was Accepted At Submit    ${bare}

Retrieved Job Should Be A Completed Responses Object
    ${good}=    Answer
    ...    200
    ...    ${{ {"object": "response", "status": "completed", "output": [{"type": "message"}]} }}
    ...    POST
    Retrieved Job Should Be A Completed Responses Object    ${good}
    ${stub}=    Answer
    ...    200
    ...    ${{ {"object": "response", "status": "completed", "output": []} }}
    ...    POST
    ...    /openai/v1/responses
    Run Keyword And Expect Error    POST /openai/v1/responses answered a Responses object without an output
    ...    Retrieved Job Should Be A Completed Responses Object    ${stub}
    ${queued}=    Answer    200    ${{ {"object": "response", "status": "queued", "output": [1]} }}    POST    /r
    Run Keyword And Expect Error    POST /r answered a Responses object whose status is queued, expected completed
    ...    Retrieved Job Should Be A Completed Responses Object    ${queued}
    ${page}=    Answer    200    <!doctype html><html></html>    POST    /r
    Run Keyword And Expect Error    POST /r answered 200 with text/html instead of JSON: *
    ...    Retrieved Job Should Be A Completed Responses Object    ${page}

Retrieved Job Should Be A Completed Messages Object
    VAR    &{message}=    type=message    role=assistant    content=${{ [{"type": "text", "text": "hi"}] }}
    ${good}=    Answer    200    ${message}    POST    /anthropic/v1/messages
    Retrieved Job Should Be A Completed Messages Object    ${good}
    ${empty}=    Answer    200    ${{ {**$message, "content": []} }}    POST    /m
    Run Keyword And Expect Error
    ...    POST /m answered an Anthropic Message whose content is [], expected a non-empty list
    ...    Retrieved Job Should Be A Completed Messages Object
    ...    ${empty}
    ${user}=    Answer    200    ${{ {**$message, "role": "user"} }}    POST    /m
    Run Keyword And Expect Error    POST /m answered an Anthropic Message whose role is user, expected assistant
    ...    Retrieved Job Should Be A Completed Messages Object    ${user}
    ${openai}=    Answer    200    ${{ {**$message, "object": "response"} }}    POST    /m
    Run Keyword And Expect Error    POST /m answered 200 with object response: the OpenAI Responses shape
    ...    Retrieved Job Should Be A Completed Messages Object    ${openai}

Retrieved Job Should Be An Anthropic Error
    ${good}=    Answer
    ...    429
    ...    ${{ {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}} }}
    ...    POST
    ...    /m
    Retrieved Job Should Be An Anthropic Error    ${good}
    ${bifrost}=    Answer    429    ${{ {"error": {"message": "slow"}} }}    POST    /m
    Run Keyword And Expect Error    POST /m answered 429 with type None, expected error (an Anthropic error)
    ...    Retrieved Job Should Be An Anthropic Error    ${bifrost}
    ${silent}=    Answer    429    ${{ {"type": "error", "error": {"type": "x"}} }}    POST    /m
    Run Keyword And Expect Error    POST /m answered 429 without an error.message (an Anthropic error): *
    ...    Retrieved Job Should Be An Anthropic Error    ${silent}
    ${output}=    Answer    429    ${{ {"type": "error", "output": [1]} }}    POST    /m
    Run Keyword And Expect Error    POST /m answered 429 with an output: the OpenAI Responses shape
    ...    Retrieved Job Should Be An Anthropic Error    ${output}

Result Url Should Serve The Job
    ${note}=    Notification    job-1    completed
    ${served}=    Answer    200    ${{ {"id": "job-1", "status": "completed"} }}
    Result Url Should Serve The Job    ${served}    ${note}
    ${gone}=    Answer    404    ${{ {"error": {"message": "job not found"}} }}
    Run Keyword And Expect Error    GET /v1/async/jobs/job-1 answered 404 right after delivery #1 *: *served (200): *
    ...    Result Url Should Serve The Job    ${gone}    ${note}
    ${pending}=    Answer    200    ${{ {"id": "job-1", "status": "pending"} }}
    Run Keyword And Expect Error
    ...    GET * served job job-1 (pending) right after *: *once the job is completed or failed
    ...    Result Url Should Serve The Job
    ...    ${pending}
    ...    ${{ resource_fixtures.notification(status="pending") }}

Result Url Should Serve The Notified Job In The Notified Status
    ${note}=    Notification    job-1    completed
    ${other}=    Answer    200    ${{ {"id": "job-2", "status": "completed"} }}
    Run Keyword And Expect Error    GET * served job job-2 (completed), not the notified job job-1 (completed)
    ...    Result Url Should Serve The Job    ${other}    ${note}
    ${failed}=    Answer    200    ${{ {"id": "job-1", "status": "failed"} }}
    Run Keyword And Expect Error    GET * served job job-1 (failed), not the notified job job-1 (completed)
    ...    Result Url Should Serve The Job    ${failed}    ${note}

Attempts Should Share One Webhook Id
    ${endpoint}=    Endpoint
    ${first}=    Notification    webhook_id=msg_1
    ${again}=    Notification    webhook_id=msg_1
    ${other}=    Notification    webhook_id=msg_2
    Attempts Should Share One Webhook Id    ${{ [$first, $again] }}    ${endpoint}
    Run Keyword And Expect Error    the attempts carry webhook ids *'msg_1', 'msg_2'*, expected one and the same
    ...    Attempts Should Share One Webhook Id    ${{ [$first, $other] }}    ${endpoint}
    ${unsigned}=    Notification    webhook_id=msg_1    webhook_signature=v1,AAAA
    Run Keyword And Expect Error    delivery #1 *: webhook-signature does not match *
    ...    Attempts Should Share One Webhook Id    ${{ [$first, $unsigned] }}    ${endpoint}

Notification Should Carry The Custom Header
    ${endpoint}=    Endpoint    X_Acceptance_Token=token-1
    Notification Should Carry The Custom Header
    ...    ${{ resource_fixtures.notification(x_acceptance_token="token-1") }}
    ...    ${endpoint}
    Run Keyword And Expect Error    delivery #1 *: header X-Acceptance-Token is None, expected the stored token-1
    ...    Notification Should Carry The Custom Header    ${{ resource_fixtures.notification() }}    ${endpoint}
    Notification Should Carry The Custom Header
    ...    ${{ resource_fixtures.notification() }}
    ...    ${{ resource_fixtures.endpoint() }}
