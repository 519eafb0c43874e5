*** Settings ***
Documentation    Beyond Bifrost's own async e2e suite: the failure path, jobs in flight, envelope
...              invariants across polls, result shapes of every endpoint, every key format, the whole
...              validation table, odd job ids, concurrency, both integration routes and expiry edges.
...              Opt-in variables (ASYNC_FAILING_MODEL, ASYNC_SLOW_MODEL) gate what a real gateway
...              needs configured; without them those tests skip with the reason.
