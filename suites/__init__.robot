*** Settings ***
Documentation     Acceptance tests for Bifrost's async inference API (/v1/async/* and the x-bf-async
...               integration headers), covering every check of Bifrost's own async e2e suite.
...
...               The setup checks the configuration first (a bad value stops the run before anything
...               is sent), then the gateway: unreachable or unhealthy skips every test unless
...               BIFROST_REQUIRE_GATEWAY is set.

Resource          resources/run.resource

Suite Setup       Prepare The Run
Suite Teardown    Finish The Run
Test Setup        Prepare The Test
Test Timeout      ${TEST_TIMEOUT}

Name              Bifrost Async Inference
