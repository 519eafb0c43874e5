*** Settings ***
Documentation     Acceptance tests for Bifrost's async inference API (/v1/async/* and the x-bf-async
...               integration headers), covering every check of Bifrost's own async e2e suite.
...
...               The setup checks the configuration first (a bad value stops the run before anything
...               is sent), then the gateway: unreachable or unhealthy skips every test unless
...               BIFROST_REQUIRE_GATEWAY is set (or BIFROST_EXPECT declares gateway). What the gateway
...               lacks skips the tests that need it, unless BIFROST_EXPECT declares that capability: then
...               they fail with the reason. The report's top counts the skips by reason.
...
...               The test setup and timeout below are resolved in each suite's own namespace: every
...               suite imports libraries.GatewayLibrary (Check Test Preconditions) and variables.py
...               (TEST_TIMEOUT), directly or through its resources; the dry run checks that they resolve.

Resource          resources/run.resource

Suite Setup       Prepare The Run
Suite Teardown    Finish The Run
Test Setup        Check Test Preconditions
Test Timeout      ${TEST_TIMEOUT}

Name              Bifrost Async Inference
