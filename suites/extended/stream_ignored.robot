*** Settings ***
Documentation    Where the gateway has no stream check (embeddings, image variations, rerank, OCR), a stream
...              field is ignored: the submit is accepted.

Resource         resources/jobs.resource

Test Template    Submitting With Stream Should Be Accepted

Test Tags        extended    validation    # robocop: off=could-be-test-tags


*** Test Cases ***    ENDPOINT
Embeddings Submit With Stream True Is Accepted
    [Tags]    embeddings    behaviour:VAL-29
                      embeddings
Image Variations Submit With Stream True Is Accepted
    [Tags]    image-variations    behaviour:VAL-29
                      image-variations
Rerank Submit With Stream True Is Accepted
    [Tags]    rerank    behaviour:VAL-29
                      rerank
OCR Submit With Stream True Is Accepted
    [Tags]    ocr    behaviour:VAL-29
                      ocr


*** Keywords ***
Submitting With Stream Should Be Accepted
    [Documentation]    The fixture with stream true answers 202 with a job id.
    [Arguments]    ${endpoint}
    ${job}=    Submit Job    ${endpoint}    variant=stream-ignored
    Submit Answer Should Have A Job Id    ${job}    202
