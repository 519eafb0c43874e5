*** Settings ***
Documentation    Many jobs at the same moment: every one is accepted with its own id, finishes, and is
...              returned to its own poll (no cross-talk between jobs).

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    lifecycle    global


*** Test Cases ***
Fifty Jobs Submitted At Once Across The Endpoints Each Finish As Themselves
    Jobs Submitted At Once Should Each Finish As Themselves    50
