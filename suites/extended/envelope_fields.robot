*** Settings ***
Documentation    The job envelope's fields, one promise per test (contract §2): the id's form, the submit
...              envelope's closed field set, the fields a finished job carries in one outcome and not in the
...              other, and the stored-only fields that never reach a client.

Resource         resources/jobs.resource
Library          Collections

Test Tags        extended    chat-completions


*** Variables ***
${UUID_V4}               ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$
@{SUBMIT_FIELDS}         id    status    created_at    request_id
@{STORED_ONLY_FIELDS}    request_type    response    virtual_key_id    webhook_endpoint_id    result_ttl


*** Test Cases ***
Job Ids Are Version 4 UUIDs
    [Tags]    submit    behaviour:ENV-01
    ${job}=    Submit Accepted Job    chat-completions
    Job Id Should Be A Version 4 UUID    ${job}

Submit Envelope Holds Only Id, Status, Created At And Request Id
    [Tags]    submit    behaviour:ENV-21
    ${job}=    Submit Job    chat-completions
    Submit Envelope Should Hold Only Its Own Fields    ${job}

Submit With A TTL Header Carries No Expires At Yet
    [Documentation]    expires_at is set on completion only, whatever TTL the submit asks for.
    [Tags]    submit    behaviour:ENV-12
    ${job}=    Submit Job    chat-completions    ttl=120
    Submit Answer Should Be 202 With A Pending Envelope    ${job}

Completed Job Has Status Code 200
    [Tags]    lifecycle    behaviour:ENV-14
    ${job}=    Run Job To The End    chat-completions
    Completed Job Should Have Status Code 200    ${job}

Completed Job Carries No Error
    [Tags]    lifecycle    behaviour:ENV-20
    ${job}=    Run Job To The End    chat-completions
    Completed Job Should Carry No Error    ${job}

Failed Job Carries The Status Code Of Its Error
    [Tags]    lifecycle    requires-failing-model    behaviour:ENV-15
    ${job}=    Run Job To The End    chat-completions    model=${ASYNC_FAILING_MODEL}
    Failed Job Should Carry The Status Code Of Its Error    ${job}

Job Envelopes Never Carry The Stored-Only Fields
    [Tags]    lifecycle    behaviour:ENV-23
    ${job}=    Run Job To The End    chat-completions
    Envelope Should Not Carry The Stored-Only Fields    ${job.response.json()}    the submit answer
    Envelope Should Not Carry The Stored-Only Fields    ${job.envelope}    the terminal poll


*** Keywords ***
Job Id Should Be A Version 4 UUID
    [Documentation]    A random UUID (Go's uuid.New()): 8-4-4-4-12 hex digits, version digit 4, variant 8, 9, a or b.
    [Arguments]    ${job}
    Should Match Regexp    ${job.id}    ${UUID_V4}
    ...    msg=job id ${job.id} is not a version 4 UUID    values=False

Submit Envelope Should Hold Only Its Own Fields
    [Documentation]    The 202 submit answer holds id, status, created_at and (newer builds) request_id, nothing else.
    [Arguments]    ${job}
    Response Status Should Be    ${job}    202
    ${others}=    Copy Dictionary    ${job.response.json()}
    Remove From Dictionary    ${others}    @{SUBMIT_FIELDS}
    ${extra}=    Get Dictionary Keys    ${others}
    Should Be Empty    ${extra}
    ...    msg=the submit envelope should hold only ${SUBMIT_FIELDS}; it also holds ${extra}

Skip Unless The Job Completed
    [Documentation]    What a completed job carries can be checked only on one; a job that failed skips, as upstream.
    [Arguments]    ${job}
    ${status}=    Get From Dictionary    ${job.envelope}    status    default=${None}
    Skip If    $status != 'completed'    the ${job.endpoint} job ended ${status}, not completed

Completed Job Should Have Status Code 200
    [Documentation]    A completed job's status_code is 200.
    [Arguments]    ${job}
    Skip Unless The Job Completed    ${job}
    ${code}=    Get From Dictionary    ${job.envelope}    status_code    default=${None}
    Should Be Equal    ${code}    ${200}
    ...    msg=completed job ${job.id} has status_code ${code}, expected 200    values=False

Completed Job Should Carry No Error
    [Documentation]    A completed job has no error (absent, or null).
    [Arguments]    ${job}
    Skip Unless The Job Completed    ${job}
    ${error}=    Get From Dictionary    ${job.envelope}    error    default=${None}
    Should Be Equal    ${error}    ${None}
    ...    msg=completed job ${job.id} carries an error: ${error}    values=False

Failed Job Should Carry The Status Code Of Its Error
    [Documentation]    The failed job's status_code is its BifrostError's status_code; where the error shown
    ...    has none (Bifrost then stores 500, or the poll may leave it out), any 4xx or 5xx.
    [Arguments]    ${job}
    Job Should Have Failed    ${job}
    ${error}=    Get From Dictionary    ${job.envelope}    error    default=${None}
    Should Be True    isinstance($error, dict)
    ...    msg=failed job ${job.id}: error should be a BifrostError object, got ${error}
    ${code}=    Get From Dictionary    ${job.envelope}    status_code    default=${None}
    ${expected}=    Get From Dictionary    ${error}    status_code    default=${None}
    IF    $expected is None
        Should Be True    isinstance($code, int) and 400 <= $code <= 599
        ...    msg=failed job ${job.id} has status_code ${code}, expected a 4xx or 5xx
    ELSE
        Should Be Equal    ${code}    ${expected}
        ...    msg=failed job ${job.id} has status_code ${code}; its error says ${expected}    values=False
    END

Envelope Should Not Carry The Stored-Only Fields
    [Documentation]    None of the columns Bifrost keeps for itself (request_type, response, virtual_key_id,
    ...    webhook_endpoint_id, result_ttl) is in the envelope.
    [Arguments]    ${body}    ${where}
    Should Not Contain Any    ${body}    @{STORED_ONLY_FIELDS}
    ...    msg=${where} carries a stored-only field (one of ${STORED_ONLY_FIELDS})    values=False
