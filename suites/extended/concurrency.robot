*** Settings ***
Documentation    Fifty jobs submitted at the same moment across the endpoints each finish as themselves.

Resource         resources/run.resource
Resource         resources/jobs.resource

Test Tags        extended    lifecycle


*** Test Cases ***
Fifty Jobs Submitted At Once Across The Endpoints Each Finish As Themselves
    Jobs Submitted At Once Should Each Finish As Themselves    50


*** Keywords ***
Jobs Submitted At Once Should Each Finish As Themselves
    [Documentation]    ``count`` submits at once, every job terminal, and every poll returns its own job.
    [Arguments]    ${count}
    ${jobs}=    Submit Jobs All At Once    ${count}
    Wait Until Every Job Is Terminal    ${jobs}
    Every Poll Should Return Its Own Job    ${jobs}
