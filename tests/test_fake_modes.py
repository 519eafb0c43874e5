"""Gateway modes: `--job-latency` (a provider's base pace) and `--enforce-virtual-keys` (contract §7)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from typing import Any

import pytest
from conftest import ALT_VK, REQUEST_TYPES, ROOT, UNKNOWN_VK, VK, GatewayFactory, RunningGateway, wait_for

from fakegateway.cli import build_parser, main
from fakegateway.gateway import GatewayConfig

PYTHON = sys.executable
OPENAI = "/openai/v1/responses"
ANTHROPIC = "/anthropic/v1/messages"
HI = {"role": "user", "content": "hi"}


def server_seconds(body: dict[str, Any]) -> float:
    """How long the job was in flight by the gateway's own clock."""
    return (
        datetime.fromisoformat(body["completed_at"]) - datetime.fromisoformat(body["created_at"])
    ).total_seconds()


def timed_job(gw: RunningGateway, **kw: Any) -> tuple[float, dict[str, Any]]:
    """Submit a chat job and wait for it; the client-side seconds from submit to terminal, and the body."""
    started = time.monotonic()
    job_id = gw.submit_ok(**kw)
    response = gw.wait_terminal("chat_completion", job_id, kw.get("headers"))
    return time.monotonic() - started, response.json()


# ---------------------------------------------------------------------- --job-latency: parsing
@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1500ms", 1.5), ("300ms", 0.3), ("2s", 2.0), ("1m30s", 90.0), (".5s", 0.5), ("0", 0.0)],
)
def test_job_latency_takes_go_durations(text: str, seconds: float) -> None:
    for command in ("serve", "run"):
        args = build_parser().parse_args([command, "--job-latency", text])
        assert args.job_latency == pytest.approx(seconds)


def test_job_latency_defaults_to_zero() -> None:
    assert build_parser().parse_args(["serve"]).job_latency == 0.0


@pytest.mark.parametrize("text", ["1500", "-1s", "ms", "1.5 s", "soon", "", "11m"])
def test_bad_job_latency_is_one_line_and_exit_2(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--job-latency", text])
    assert exit_info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "--job-latency" in lines[0]


# ---------------------------------------------------------------------- --job-latency: behaviour
def test_job_latency_keeps_every_job_in_flight_at_least_that_long(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(job_latency_s=0.3)
    elapsed, body = timed_job(gw)
    assert body["status"] == "completed"
    assert elapsed >= 0.3 and server_seconds(body) >= 0.3
    for request_type in ("embedding", "rerank"):
        started = time.monotonic()
        job_id = gw.submit_ok(request_type)
        assert gw.wait_terminal(request_type, job_id).json()["status"] == "completed"
        assert time.monotonic() - started >= 0.3


def test_a_delay_token_adds_to_the_job_latency(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(job_latency_s=0.3)
    elapsed, body = timed_job(gw, model="openai/gpt-4o-mini-delay-200ms")
    assert body["status"] == "completed"
    assert elapsed >= 0.5 and server_seconds(body) >= 0.5


def test_a_job_is_in_flight_during_the_latency(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(job_latency_s=1.0)
    job_id = gw.submit_ok()
    response = gw.poll("chat_completion", job_id)
    assert response.status_code == 202 and response.json()["status"] in ("pending", "processing")


def test_failing_jobs_also_take_the_latency(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(job_latency_s=0.3)
    elapsed, body = timed_job(gw, model="openai/gpt-4o-mini-fail-429")
    assert (body["status"], body["status_code"]) == ("failed", 429)
    assert elapsed >= 0.3


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (OPENAI, {"model": "openai/gpt-4o-mini", "input": "hi"}),
        (ANTHROPIC, {"model": "claude-3-5-haiku-latest", "max_tokens": 16, "messages": [HI]}),
    ],
)
def test_synchronous_integration_calls_take_the_latency(
    gateway_factory: GatewayFactory, path: str, body: dict[str, Any]
) -> None:
    gw = gateway_factory(job_latency_s=0.3)
    started = time.monotonic()
    response = gw.post(path, json=body)
    assert response.status_code == 200, response.text
    assert time.monotonic() - started >= 0.3


def test_job_latency_is_checked_by_the_config() -> None:
    assert GatewayConfig().job_latency_s == 0.0
    for bad in (-0.1, 601.0):
        with pytest.raises(ValueError, match="--job-latency"):
            GatewayConfig(job_latency_s=bad)


# ---------------------------------------------------------------------- `run` passes the modes through
def run_fake(*args: str, script: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BIFROST_", "ASYNC_"))}
    return subprocess.run(
        [PYTHON, "-m", "fakegateway", "run", *args, "--", PYTHON, "-c", script],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


# Submits one chat job (with the key in $USE_VK, if set) and prints its terminal envelope.
ONE_JOB = textwrap.dedent(
    """
    import json, os, time, urllib.request
    base = os.environ["BIFROST_BASE_URL"] + "/v1/async/chat/completions"
    headers = {"Content-Type": "application/json"}
    if os.environ.get("USE_VK"):
        headers["x-bf-vk"] = os.environ[os.environ["USE_VK"]]
    body = json.dumps({"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
    request = urllib.request.Request(base, data=body.encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        job = json.load(answer)
    deadline = time.monotonic() + 10
    while job["status"] not in ("completed", "failed") and time.monotonic() < deadline:
        time.sleep(0.02)
        poll = urllib.request.Request(base + "/" + job["id"], headers=headers)
        with urllib.request.urlopen(poll, timeout=5) as answer:
            job = json.load(answer)
    print(json.dumps(job))
    """
)


def test_run_passes_the_job_latency_through() -> None:
    done = run_fake("--job-latency", "300ms", script=ONE_JOB)
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    assert job["status"] == "completed" and server_seconds(job) >= 0.3
    assert "job latency 300ms" in done.stderr


def test_session_requests_are_not_slowed_by_the_latency(gateway_factory: GatewayFactory) -> None:
    # The latency is the provider's pace: submits, polls and /health answer at once.
    gw = gateway_factory(job_latency_s=5.0)
    started = time.monotonic()
    job_id = gw.submit_ok()
    assert gw.poll("chat_completion", job_id).status_code == 202
    assert gw.get("/health").status_code == 200
    assert time.monotonic() - started < 3.0


# ---------------------------------------------------------------------- --enforce-virtual-keys
VK_REQUIRED = "virtual key is required. Provide a virtual key via the x-bf-vk header."
RESPONSES_BODY = {"model": "openai/gpt-4o-mini", "input": "hi"}
MESSAGES_BODY = {"model": "anthropic/claude-3-5-haiku-latest", "max_tokens": 16, "messages": [HI]}
BODIES = {OPENAI: RESPONSES_BODY, ANTHROPIC: MESSAGES_BODY}


@pytest.fixture
def enforcing(gateway_factory: GatewayFactory) -> RunningGateway:
    return gateway_factory(enforce_virtual_keys=True)


def assert_refused_job(body: dict[str, Any], request_type: str) -> None:
    """A job governance refused: failed, 401, the stored `virtual_key_required` BifrostError."""
    assert (body["status"], body["status_code"]) == ("failed", 401), body
    error = body["error"]
    assert error["type"] == "virtual_key_required"
    assert error["status_code"] == 401 and error["is_bifrost_error"] is False
    assert error["error"]["message"] == VK_REQUIRED
    assert error["extra_fields"]["request_type"] == request_type
    assert "result" not in body and "completed_at" in body and "expires_at" in body


def test_enforce_virtual_keys_is_an_option_of_serve_and_run() -> None:
    for command in ("serve", "run"):
        assert build_parser().parse_args([command, "--enforce-virtual-keys"]).enforce_virtual_keys is True
        assert build_parser().parse_args([command]).enforce_virtual_keys is False


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_an_anonymous_submit_is_accepted_and_the_job_fails_401(
    enforcing: RunningGateway, request_type: str
) -> None:
    submitted = enforcing.submit(request_type)
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["status"] == "pending"
    response = enforcing.wait_terminal(request_type, submitted.json()["id"])
    assert response.status_code == 200
    assert_refused_job(response.json(), request_type)


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_a_job_with_a_valid_key_runs_as_usual(enforcing: RunningGateway, request_type: str) -> None:
    job_id = enforcing.submit_ok(request_type, {"x-bf-vk": VK})
    body = enforcing.wait_terminal(request_type, job_id, {"x-bf-vk": VK}).json()
    assert (body["status"], body["status_code"]) == ("completed", 200)


def test_every_key_header_counts_and_a_bearer_that_is_no_virtual_key_does_not(
    enforcing: RunningGateway,
) -> None:
    for header in ({"Authorization": f"Bearer {ALT_VK}"}, {"x-api-key": VK}, {"api-key": VK}):
        _, body = timed_job(enforcing, headers=header)
        assert body["status"] == "completed", header
    # Not an sk-bf- value, so not a virtual key: the call is anonymous (contract §7).
    job_id = enforcing.submit_ok(headers={"Authorization": "Bearer sk-provider-key"})
    assert_refused_job(enforcing.wait_terminal("chat_completion", job_id).json(), "chat_completion")


def test_an_unknown_key_is_still_refused_at_submit(enforcing: RunningGateway) -> None:
    response = enforcing.submit(headers={"x-bf-vk": UNKNOWN_VK})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "virtual key not found"
    assert enforcing.submit("rerank", {"x-bf-vk": UNKNOWN_VK}).status_code == 500


def test_a_refused_job_is_public_like_any_anonymous_job(
    enforcing: RunningGateway,
) -> None:
    job_id = enforcing.submit_ok()
    enforcing.wait_terminal("chat_completion", job_id)
    for headers in ({}, {"x-bf-vk": VK}, {"x-bf-vk": UNKNOWN_VK}):
        assert enforcing.poll("chat_completion", job_id, headers).status_code == 200


def test_a_refused_job_never_reaches_the_provider(gateway_factory: GatewayFactory) -> None:
    # Governance refuses before the provider call, so neither the latency nor a delay token applies.
    gw = gateway_factory(enforce_virtual_keys=True, job_latency_s=3.0)
    job_id = gw.submit_ok(model="openai/gpt-4o-mini-delay-3000ms")
    body = gw.wait_terminal("chat_completion", job_id).json()
    assert_refused_job(body, "chat_completion")
    assert server_seconds(body) < 2.0


def test_health_is_unchanged_by_enforcement(enforcing: RunningGateway) -> None:
    response = enforcing.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "components": {"db_pings": "ok"}}


def test_without_enforcement_an_anonymous_job_completes(gateway_factory: GatewayFactory) -> None:
    _, body = timed_job(gateway_factory())
    assert body["status"] == "completed"


# integration routes
def create(gw: RunningGateway, path: str, headers: dict[str, str] | None = None) -> str:
    response = gw.post(path, {"x-bf-async": "true", **(headers or {})}, json=BODIES[path])
    assert response.status_code == 200, response.text
    job_id = response.json()["id"]
    assert isinstance(job_id, str)
    return job_id


def retrieve_settled(
    gw: RunningGateway, path: str, job_id: str, headers: dict[str, str] | None = None
) -> Any:
    """Retrieve until the answer is no longer the in-flight stub (whose id is the job id)."""
    return wait_for(
        lambda: gw.post(path, {"x-bf-async-id": job_id, **(headers or {})}, json={}),
        lambda r: r.status_code != 200 or r.json().get("id") != job_id,
    )


def test_integration_async_create_is_accepted_and_retrieve_answers_the_401(enforcing: RunningGateway) -> None:
    job_id = create(enforcing, OPENAI)
    response = retrieve_settled(enforcing, OPENAI, job_id)
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "virtual_key_required" and body["error"]["message"] == VK_REQUIRED
    # The same job on /v1/async/responses shows the stored failure.
    assert_refused_job(enforcing.poll("responses", job_id).json(), "responses")


def test_anthropic_async_create_is_accepted_and_retrieve_answers_the_401(enforcing: RunningGateway) -> None:
    job_id = create(enforcing, ANTHROPIC)
    response = retrieve_settled(enforcing, ANTHROPIC, job_id)
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "error" and body["error"]["message"] == VK_REQUIRED


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
def test_integration_async_jobs_with_a_valid_key_complete(enforcing: RunningGateway, path: str) -> None:
    job_id = create(enforcing, path, {"x-bf-vk": VK})
    response = retrieve_settled(enforcing, path, job_id, {"x-bf-vk": VK})
    assert response.status_code == 200 and response.json()["id"] != job_id


def test_an_anonymous_synchronous_call_answers_401(enforcing: RunningGateway) -> None:
    response = enforcing.post(OPENAI, json=RESPONSES_BODY)
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "virtual_key_required" and body["status_code"] == 401
    assert body["error"]["message"] == VK_REQUIRED
    anthropic = enforcing.post(ANTHROPIC, json=MESSAGES_BODY)
    assert anthropic.status_code == 401
    assert anthropic.json()["type"] == "error" and anthropic.json()["error"]["message"] == VK_REQUIRED
    chat = {"model": "openai/gpt-4o-mini", "messages": [HI]}
    assert enforcing.post("/openai/v1/chat/completions", json=chat).status_code == 401


def test_a_synchronous_call_with_a_valid_key_answers_200(enforcing: RunningGateway) -> None:
    for path, body in BODIES.items():
        assert enforcing.post(path, {"x-bf-vk": VK}, json=body).status_code == 200, path
    unknown = enforcing.post(OPENAI, {"x-bf-vk": UNKNOWN_VK}, json=RESPONSES_BODY)
    assert unknown.status_code == 401
    assert unknown.json()["error"]["message"].startswith("virtual key not found.")


def test_run_passes_enforcement_through() -> None:
    anonymous = run_fake("--enforce-virtual-keys", script=ONE_JOB)
    assert anonymous.returncode == 0, anonymous.stderr
    assert_refused_job(json.loads(anonymous.stdout), "chat_completion")
    assert "enforcing virtual keys" in anonymous.stderr
    keyed = run_fake(
        "--enforce-virtual-keys", script=f"import os; os.environ['USE_VK'] = 'BIFROST_VK'\n{ONE_JOB}"
    )
    assert keyed.returncode == 0, keyed.stderr
    assert json.loads(keyed.stdout)["status"] == "completed"


# ---------------------------------------------------------------------- the two enforcement faults
ANONYMOUS_TYPES = ("chat_completion", "responses", "embedding", "text_completion")


def anonymous_status_codes(gw: RunningGateway) -> dict[str, int]:
    codes = {}
    for request_type in ANONYMOUS_TYPES:
        job_id = gw.submit_ok(request_type)
        codes[request_type] = gw.wait_terminal(request_type, job_id).json()["status_code"]
    return codes


def test_enforcement_refuses_anonymous_jobs_on_every_route_alike(enforcing: RunningGateway) -> None:
    assert set(anonymous_status_codes(enforcing).values()) == {401}


@pytest.mark.parametrize("fault", ["enforce-gap", "enforce-refuses-valid-keys"])
def test_an_enforcement_fault_switches_enforcement_on_by_itself(
    gateway_factory: GatewayFactory, fault: str
) -> None:
    gw = gateway_factory(fault)
    assert gw.state.governance.enforcing
    _, body = timed_job(gw)
    assert_refused_job(body, "chat_completion")
    assert (
        gw.post(
            "/openai/v1/chat/completions", json={"model": "openai/gpt-4o-mini", "messages": [HI]}
        ).status_code
        == 401
    )


def test_enforce_gap_leaves_every_route_but_chat_completions_open(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory("enforce-gap")
    codes = anonymous_status_codes(gw)
    assert codes.pop("chat_completion") == 401
    assert set(codes.values()) == {200}
    assert gw.post(OPENAI, json=RESPONSES_BODY).status_code == 200
    job_id = create(gw, ANTHROPIC)
    assert retrieve_settled(gw, ANTHROPIC, job_id).status_code == 200
    # Keyed jobs are untouched.
    _, body = timed_job(gw, headers={"x-bf-vk": VK})
    assert body["status"] == "completed"


def test_enforce_refuses_valid_keys_fails_keyed_jobs_and_calls_with_401(
    gateway_factory: GatewayFactory,
) -> None:
    gw = gateway_factory("enforce-refuses-valid-keys")
    keyed = {"x-bf-vk": VK}
    _, body = timed_job(gw, headers=keyed)
    assert_refused_job(body, "chat_completion")
    assert gw.post(OPENAI, keyed, json=RESPONSES_BODY).status_code == 401
    job_id = create(gw, OPENAI, keyed)
    assert retrieve_settled(gw, OPENAI, job_id, keyed).status_code == 401
    # An unknown key is still refused at submit, before any job exists.
    assert gw.submit(headers={"x-bf-vk": UNKNOWN_VK}).status_code == 400
