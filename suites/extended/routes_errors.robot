*** Settings ***
Documentation    Bifrost's error envelope on the async routes (contract §4): what SendError sends for a refused
...              submit (400, malformed JSON) and for a poll of an unknown job (404).

Resource         resources/jobs.resource

Test Tags        extended    validation    chat-completions


*** Test Cases ***
Async Route Errors Say Is Bifrost Error False
    [Tags]    behaviour:ERR-01
    Each Async Route Error Should Say Is Bifrost Error False

Error Envelope Status Code Equals The HTTP Status
    [Tags]    behaviour:ERR-02
    Each Async Route Error Should Carry Its HTTP Status As Status Code

Error Envelope Extra Fields Is An Object When Present
    [Tags]    behaviour:ERR-04
    Each Async Route Error Should Have Extra Fields As An Object When Present

Error Envelopes Are Served As JSON
    [Tags]    behaviour:ERR-05
    Each Async Route Error Should Be Served As JSON


*** Keywords ***
Async Route Errors
    [Documentation]    A chat submit with malformed JSON (400) and a poll of the all-zero job id (404), each
    ...    checked to be Bifrost's error envelope with a message.
    ${malformed}=    Submit Job    chat-completions    variant=malformed-json
    Response Should Be An Error With Status    ${malformed}    400
    ${nil}=    Nil Job Id
    ${unknown}=    Poll Job Id Once    chat-completions    ${nil}
    Response Should Be An Error With Status    ${unknown}    404
    RETURN    ${malformed.response}    ${unknown}

Each Async Route Error Should Say Is Bifrost Error False
    [Documentation]    is_bifrost_error is the JSON boolean false.
    @{errors}=    Async Route Errors
    FOR    ${response}    IN    @{errors}
        VAR    ${body}=    ${response.json()}
        Should Be Equal    ${body}[is_bifrost_error]    ${False}
        ...    msg=${response.status_code} answer: is_bifrost_error is ${body}[is_bifrost_error], expected false
    END

Each Async Route Error Should Carry Its HTTP Status As Status Code
    [Documentation]    status_code is the JSON number of the answer's HTTP status.
    @{errors}=    Async Route Errors
    FOR    ${response}    IN    @{errors}
        VAR    ${body}=    ${response.json()}
        Should Be Equal    ${body}[status_code]    ${response.status_code}
        ...    msg=${response.status_code} answer: status_code is ${body}[status_code], expected the HTTP status
    END

Each Async Route Error Should Have Extra Fields As An Object When Present
    [Documentation]    UNCONFIRMED sub-fields, so only this: extra_fields, when present, is a JSON object.
    @{errors}=    Async Route Errors
    FOR    ${response}    IN    @{errors}
        VAR    ${body}=    ${response.json()}
        ${extra}=    Evaluate    $body.get('extra_fields', {})
        Should Be True    isinstance($extra, dict)
        ...    msg=${response.status_code} answer: extra_fields is not a JSON object
    END

Each Async Route Error Should Be Served As JSON
    [Documentation]    Content-Type application/json.
    @{errors}=    Async Route Errors
    FOR    ${response}    IN    @{errors}
        Should Start With    ${response.headers}[Content-Type]    application/json
        ...    msg=${response.status_code} answer served as ${response.headers}[Content-Type], not application/json
    END
