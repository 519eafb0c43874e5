*** Settings ***
Documentation     Acceptance tests for Bifrost's async inference API (/v1/async/* and the x-bf-async
...               integration headers), covering every check of Bifrost's own async e2e suite.
...
...               The setup checks the configuration first (a bad value stops the run before anything
...               is sent), then the gateway: unreachable or unhealthy skips every test unless
...               BIFROST_REQUIRE_GATEWAY is set (or BIFROST_EXPECT declares gateway). What the gateway
...               lacks skips the tests that need it, unless BIFROST_EXPECT declares that capability: then
...               they fail with the reason. The report's top counts the skips by reason.

Resource          resources/run.resource

Suite Setup       Prepare The Run
Suite Teardown    Finish The Run
Test Setup        Prepare The Test
Test Timeout      ${TEST_TIMEOUT}

Name              Bifrost Async Inference
