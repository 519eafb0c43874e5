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
from conftest import ROOT, GatewayFactory, RunningGateway

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
    response = gw.wait_terminal("chat_completion", job_id)
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
