*** Settings ***
Documentation    A job seen while its provider call is still running (ASYNC_SLOW_MODEL): polls answer 202
...              with an in-flight envelope until the job completes. Faults that show only in flight are
...              caught here, never by racing a fast job.

Resource         resources/run.resource
Resource         resources/extended.resource

Test Setup       Prepare The Test
Test Teardown    Finish The Test

Test Tags        extended    lifecycle    chat-completions    global    requires-slow-model


*** Test Cases ***
Slow Job Answers 202 Without Terminal Fields Until It Completes
    A Slow Job Should Be Seen In Flight Until It Completes
