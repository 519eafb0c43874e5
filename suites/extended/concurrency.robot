*** Settings ***
Documentation    Fifty jobs submitted at the same moment across the endpoints each finish as themselves.

Resource         resources/jobs.resource

Test Tags        extended    lifecycle


*** Test Cases ***
Fifty Jobs Submitted At Once Across The Endpoints Each Finish As Themselves
    [Tags]    behaviour:ROUTE-01
    ...       behaviour:ROUTE-02
    ...       behaviour:ROUTE-03
    ...       behaviour:ROUTE-04
    ...       behaviour:ROUTE-05
    ...       behaviour:ROUTE-06
    ...       behaviour:ROUTE-07
    ...       behaviour:ROUTE-08
    ...       behaviour:ROUTE-09
    ...       behaviour:ROUTE-10
    ...       behaviour:ROUTE-11
    Jobs Submitted At Once Should Each Finish As Themselves    50


*** Keywords ***
Jobs Submitted At Once Should Each Finish As Themselves
    [Documentation]    ``count`` submits at once, every job terminal, and every poll returns its own job.
    [Arguments]    ${count}
    ${jobs}=    Submit Jobs All At Once    ${count}
    Wait Until Every Job Is Terminal    ${jobs}
    Every Poll Should Return Its Own Job    ${jobs}
