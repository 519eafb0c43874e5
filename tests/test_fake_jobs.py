"""Contract tests over HTTP: job lifecycle, poll rules, TTL and expiry, virtual keys, restarts."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ALT_VK,
    NIL_UUID,
    REQUEST_TYPES,
    UNKNOWN_VK,
    VK,
    GatewayFactory,
    RunningGateway,
    start_gateway,
    wait_for,
)

from fakegateway.gateway import GatewayConfig
from fakegateway.store import COMPLETED, PENDING, PROCESSING, JobRow, JobStore, now

TERMINAL_ONLY = {"completed_at", "expires_at", "status_code", "result", "error"}


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def assert_error(response: Any, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"] == message


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_every_endpoint_completes_with_a_result(gateway: RunningGateway, request_type: str) -> None:
    job_id = gateway.submit_ok(request_type)
    response = gateway.wait_terminal(request_type, job_id)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == job_id
    assert body["status"] == "completed", body
    assert body["status_code"] == 200
    assert isinstance(body["result"], dict) and body["result"]
    assert "error" not in body
    completed, expires = stamp(body["completed_at"]), stamp(body["expires_at"])
    assert expires - completed == timedelta(seconds=3600)
    assert stamp(body["created_at"]) <= completed


def test_result_shapes_the_upstream_suite_reads(gateway: RunningGateway) -> None:
    results = {}
    for request_type in ("chat_completion", "embedding", "rerank", "speech"):
        job_id = gateway.submit_ok(request_type)
        results[request_type] = gateway.wait_terminal(request_type, job_id).json()["result"]
    assert results["chat_completion"]["choices"]
    assert results["embedding"]["data"][0]["embedding"]
    scores = [r["relevance_score"] for r in results["rerank"]["results"]]
    assert scores and scores == sorted(scores, reverse=True)
    assert results["rerank"]["model"]
    assert base64.b64decode(results["speech"]["audio"])


def test_in_flight_job_polls_202_without_terminal_fields(gateway: RunningGateway) -> None:
    job_id = gateway.submit_ok(model="openai/gpt-4o-mini-delay-400ms")
    seen: list[str] = []

    def poll() -> Any:
        response = gateway.poll("chat_completion", job_id)
        body = response.json()
        seen.append(body["status"])
        if body["status"] in (PENDING, PROCESSING):
            assert response.status_code == 202
            assert not TERMINAL_ONLY & set(body), body
        return response

    wait_for(poll, lambda r: r.json()["status"] == "completed")
    assert PROCESSING in seen
    order = {PENDING: 0, PROCESSING: 1, COMPLETED: 2}
    ranks = [order[s] for s in seen]
    assert ranks == sorted(ranks), seen


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_failing_model_fails_the_job_with_its_status(gateway: RunningGateway, request_type: str) -> None:
    model = {"rerank": "cohere/rerank-fail-503", "ocr": "mistral/ocr-fail-503"}.get(
        request_type, "openai/m-fail-503"
    )
    job_id = gateway.submit_ok(request_type, model=model)
    response = gateway.wait_terminal(request_type, job_id)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed"
    assert body["status_code"] == 503
    assert body["error"]["error"]["message"]
    assert "result" not in body
    assert stamp(body["expires_at"]) - stamp(body["completed_at"]) == timedelta(seconds=3600)


def test_rate_limited_job_keeps_the_provider_error(gateway: RunningGateway) -> None:
    job_id = gateway.submit_ok(model="openai/gpt-4o-mini-fail-429")
    body = gateway.wait_terminal("chat_completion", job_id).json()
    assert body["status_code"] == 429
    assert body["error"]["status_code"] == 429
    assert body["error"]["is_bifrost_error"] is False


def test_unknown_provider_fails_the_job_with_400(gateway: RunningGateway) -> None:
    job_id = gateway.submit_ok(model="nosuchprovider/model")
    body = gateway.wait_terminal("chat_completion", job_id).json()
    assert (body["status"], body["status_code"]) == ("failed", 400)


@pytest.mark.parametrize("job_id", [NIL_UUID, "not-a-uuid", "x" * 300])
def test_unknown_job_is_404(gateway: RunningGateway, job_id: str) -> None:
    assert_error(gateway.poll("chat_completion", job_id), 404, "job not found or expired")


def test_job_polled_on_another_type_is_404(gateway: RunningGateway) -> None:
    job_id = gateway.submit_ok("text_completion")
    assert_error(gateway.poll("chat_completion", job_id), 404, "operation type mismatch")
    assert gateway.wait_terminal("text_completion", job_id).status_code == 200


def test_scoped_job_poll_rules(gateway: RunningGateway) -> None:
    job_id = gateway.submit_ok(headers={"x-bf-vk": VK})
    assert_error(gateway.poll("chat_completion", job_id), 404, "virtual key is required")
    assert_error(
        gateway.poll("chat_completion", job_id, {"x-bf-vk": UNKNOWN_VK}), 404, "virtual key not found"
    )
    assert_error(gateway.poll("chat_completion", job_id, {"x-bf-vk": ALT_VK}), 404, "virtual key mismatch")
    assert gateway.wait_terminal("chat_completion", job_id, {"x-bf-vk": VK}).json()["status"] == "completed"
    # Key checks come before the type check.
    assert_error(gateway.poll("embedding", job_id, {"x-bf-vk": ALT_VK}), 404, "virtual key mismatch")
    assert_error(gateway.poll("embedding", job_id, {"x-bf-vk": VK}), 404, "operation type mismatch")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-bf-vk": VK},
        {"x-bf-vk": ALT_VK},
        {"x-bf-vk": UNKNOWN_VK},
        {"Authorization": "Bearer sk-bf-whatever"},
    ],
    ids=["none", "vk", "alt", "unknown", "bearer"],
)
def test_public_job_can_be_polled_by_anyone(gateway: RunningGateway, headers: dict[str, str]) -> None:
    job_id = gateway.submit_ok()
    assert gateway.poll("chat_completion", job_id, headers).status_code in (200, 202)


@pytest.mark.parametrize(
    "header",
    [
        lambda key: {"Authorization": f"Bearer {key}"},
        lambda key: {"Authorization": f"bearer {key}"},
        lambda key: {"x-api-key": key},
        lambda key: {"x-goog-api-key": key},
        lambda key: {"api-key": key},
        lambda key: {"x-bf-vk": key},
    ],
    ids=["bearer", "bearer-lower", "x-api-key", "x-goog-api-key", "api-key", "x-bf-vk"],
)
@pytest.mark.parametrize("key", [VK, "SK-BF-Upper-Case-0003"])
def test_virtual_key_header_formats(gateway_factory: GatewayFactory, header: Any, key: str) -> None:
    running = gateway_factory(keys=(key, ALT_VK))
    job_id = running.submit_ok(headers=header(key))
    assert_error(running.poll("chat_completion", job_id), 404, "virtual key is required")
    assert running.poll("chat_completion", job_id, header(key)).status_code in (200, 202)
    assert_error(running.poll("chat_completion", job_id, header(ALT_VK)), 404, "virtual key mismatch")


@pytest.mark.parametrize("name", ["Authorization", "x-api-key", "x-goog-api-key", "api-key"])
def test_values_without_the_prefix_are_not_virtual_keys(gateway_factory: GatewayFactory, name: str) -> None:
    key = "plain-key-0004"
    running = gateway_factory(keys=(key,))
    value = f"Bearer {key}" if name == "Authorization" else key
    job_id = running.submit_ok(headers={name: value})
    assert running.poll("chat_completion", job_id).status_code in (200, 202)
    # An unknown value without the prefix is no key either, so the submit is not refused.
    assert running.submit(headers={name: value.replace(key, "other")}).status_code == 202


def ttl_of(running: RunningGateway, header: str | None) -> int:
    headers = {} if header is None else {"x-bf-async-job-result-ttl": header}
    job_id = running.submit_ok(headers=headers)
    body = running.wait_terminal("chat_completion", job_id).json()
    return int((stamp(body["expires_at"]) - stamp(body["completed_at"])).total_seconds())


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, 100),
        ("", 100),
        ("not-a-number", 100),
        ("1.5", 100),
        ("-1", 100),
        ("99999999999999999999", 100),
        ("0", 3600),
        ("-0", 3600),
        ("120", 120),
        ("+7", 7),
        ("007", 7),
    ],
)
def test_ttl_header_rules(gateway_factory: GatewayFactory, header: str | None, expected: int) -> None:
    running = gateway_factory(default_ttl=100)
    assert ttl_of(running, header) == expected


def test_default_ttl_is_3600(gateway: RunningGateway) -> None:
    assert ttl_of(gateway, None) == 3600


def test_expiry_is_enforced_at_read_time(gateway: RunningGateway) -> None:
    job_id = gateway.submit_ok(headers={"x-bf-async-job-result-ttl": "1"})
    body = gateway.wait_terminal("chat_completion", job_id).json()
    expires = stamp(body["expires_at"])
    response = wait_for(lambda: gateway.poll("chat_completion", job_id), lambda r: r.status_code == 404, 5)
    assert datetime.now(UTC) >= expires - timedelta(milliseconds=50)
    assert response.json()["error"]["message"] == "job not found or expired"


def test_expired_scoped_job_is_not_found_before_key_checks(gateway: RunningGateway) -> None:
    job_id = gateway.submit_ok(headers={"x-bf-vk": VK, "x-bf-async-job-result-ttl": "1"})
    gateway.wait_terminal("chat_completion", job_id, {"x-bf-vk": VK})
    wait_for(
        lambda: gateway.poll("chat_completion", job_id, {"x-bf-vk": VK}), lambda r: r.status_code == 404, 5
    )
    assert_error(
        gateway.poll("chat_completion", job_id, {"x-bf-vk": ALT_VK}), 404, "job not found or expired"
    )


@pytest.mark.parametrize(
    "request_type",
    ["chat_completion", "text_completion", "embedding", "responses", "speech", "rerank", "ocr"],
)
def test_late_model_resolution_accepts_a_missing_model(
    gateway_factory: GatewayFactory, request_type: str
) -> None:
    running = gateway_factory(late_model_resolution=True)
    job_id = running.submit_ok(request_type, drop=("model",))
    body = running.wait_terminal(request_type, job_id).json()
    assert (body["status"], body["status_code"]) == ("failed", 400)
    assert body["error"]["error"]["message"]


def test_late_model_resolution_still_requires_multipart_models(gateway_factory: GatewayFactory) -> None:
    running = gateway_factory(late_model_resolution=True)
    for request_type in ("transcription", "image_edit", "image_variation"):
        assert_error(running.submit(request_type, drop=("model",)), 400, "model is required")


def test_late_model_resolution_fails_an_unprefixed_model_later(gateway_factory: GatewayFactory) -> None:
    running = gateway_factory(late_model_resolution=True)
    job_id = running.submit_ok(model="gpt-4o-mini")
    assert running.wait_terminal("chat_completion", job_id).json()["status_code"] == 400


def test_restart_with_db_keeps_finished_and_in_flight_jobs(tmp_path: Path) -> None:
    db = tmp_path / "jobs.db"
    config = GatewayConfig(virtual_keys=(VK, ALT_VK), db_path=db)
    first = start_gateway(config)
    try:
        done = {
            "chat_completion": first.submit_ok(headers={"x-bf-vk": VK}),
            "embedding": first.submit_ok("embedding"),
            "rerank": first.submit_ok("rerank", model="cohere/rerank-fail-429"),
        }
        before = {t: first.wait_terminal(t, j, {"x-bf-vk": VK}).json() for t, j in done.items()}
        slow = first.submit_ok(model="openai/gpt-4o-mini-delay-5000ms")
        wait_for(lambda: first.poll("chat_completion", slow), lambda r: r.json()["status"] == PROCESSING)
    finally:
        first.session.close()
        first.server.stop()
    second = start_gateway(config)
    try:
        for request_type, job_id in done.items():
            response = second.poll(request_type, job_id, {"x-bf-vk": VK})
            assert response.status_code == 200
            assert response.json() == before[request_type]
        assert_error(
            second.poll("chat_completion", done["chat_completion"], {"x-bf-vk": ALT_VK}),
            404,
            "virtual key mismatch",
        )
        stuck = second.poll("chat_completion", slow)
        assert (stuck.status_code, stuck.json()["status"]) == (202, PROCESSING)
    finally:
        second.session.close()
        second.server.stop()


def test_default_database_is_temporary(gateway_factory: GatewayFactory) -> None:
    running = gateway_factory()
    path = running.state.store.path
    assert path.exists()
    running.server.stop()
    assert not path.exists()
    assert not path.parent.exists()


def _row(job_id: str, status: str, *, created: datetime, expires: datetime | None = None) -> JobRow:
    return JobRow(job_id, None, "chat_completion", status, None, 3600, 0, None, None, created, None, expires)


def test_cleaner_drops_expired_and_stale_processing_jobs(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    moment = now()
    store.insert(_row("expired", COMPLETED, created=moment, expires=moment - timedelta(seconds=1)))
    store.insert(_row("alive", COMPLETED, created=moment, expires=moment + timedelta(seconds=60)))
    store.insert(_row("stale", PROCESSING, created=moment - timedelta(hours=25)))
    store.insert(_row("old-pending", PENDING, created=moment - timedelta(hours=25)))
    assert store.clean(at=moment) == 2
    assert store.find("alive", at=moment) is not None
    assert store.find("old-pending", at=moment) is not None
    assert store.find("stale", at=moment, include_expired=True) is None
    store.close()


# ---------------------------------------------------------------------- provider timeout
SHORT_TIMEOUT_S = 0.5
OUTLASTING_MODEL = "openai/gpt-4o-mini-delay-2000ms"


def test_a_provider_call_that_outlasts_the_timeout_fails_the_job_with_504(
    gateway_factory: GatewayFactory,
) -> None:
    running = gateway_factory(provider_timeout=SHORT_TIMEOUT_S)
    started = time.monotonic()
    job_id = running.submit_ok(model=OUTLASTING_MODEL)
    body = running.wait_terminal("chat_completion", job_id, deadline_s=1.8).json()
    assert time.monotonic() - started < 1.8  # failed at the timeout, not after the model's delay
    assert (body["status"], body["status_code"]) == ("failed", 504)
    error = body["error"]
    assert error["is_bifrost_error"] is True and error["status_code"] == 504
    assert error["error"]["type"] == "request_timed_out"
    assert error["error"]["message"].startswith("request timed out (default is 30 seconds)")
    assert error["extra_fields"]["provider"] == "openai"


def test_the_job_latency_counts_against_the_provider_timeout(gateway_factory: GatewayFactory) -> None:
    running = gateway_factory(provider_timeout=SHORT_TIMEOUT_S, job_latency_s=0.4)
    job_id = running.submit_ok(model="openai/gpt-4o-mini-delay-300ms")  # 0.7 s in all
    body = running.wait_terminal("chat_completion", job_id, deadline_s=1.8).json()
    assert (body["status"], body["status_code"]) == ("failed", 504)


def test_a_call_within_the_timeout_completes(gateway_factory: GatewayFactory) -> None:
    running = gateway_factory(provider_timeout=SHORT_TIMEOUT_S)
    job_id = running.submit_ok(model="openai/gpt-4o-mini-delay-100ms")
    assert running.wait_terminal("chat_completion", job_id).json()["status"] == "completed"


def test_the_default_provider_timeout_is_bifrosts_30_seconds() -> None:
    assert GatewayConfig().provider_timeout == 30.0
    with pytest.raises(ValueError, match="provider-timeout"):
        GatewayConfig(provider_timeout=0)


# ---------------------------------------------------------------------- models on every provider
@pytest.mark.parametrize(
    ("request_type", "model"),
    [
        ("chat_completion", "mistral/mistral-small-latest"),
        ("chat_completion", "cohere/command-r-plus"),
        ("embedding", "cohere/embed-english-v3.0"),
        ("embedding", "mistral/mistral-embed"),
        ("responses", "mistral/mistral-small-latest"),
        ("responses", "cohere/command-r-plus"),
        ("transcription", "mistral/voxtral-mini-latest"),
        ("text_completion", "anthropic/claude-2.1"),
    ],
)
def test_jobs_complete_on_every_provider_route(
    gateway: RunningGateway, request_type: str, model: str
) -> None:
    job_id = gateway.submit_ok(request_type, model=model)
    body = gateway.wait_terminal(request_type, job_id).json()
    assert (body["status"], body["status_code"]) == ("completed", 200), body
    assert body["result"]["extra_fields"]["provider"] == model.split("/")[0]


@pytest.mark.parametrize(
    ("request_type", "model"),
    [("embedding", "anthropic/claude-3-5-haiku-latest"), ("ocr", "openai/gpt-4o"), ("rerank", "mistral/m")],
)
def test_combinations_bifrost_does_not_serve_fail_the_job(
    gateway: RunningGateway, request_type: str, model: str
) -> None:
    job_id = gateway.submit_ok(request_type, model=model)
    body = gateway.wait_terminal(request_type, job_id).json()
    assert (body["status"], body["status_code"]) == ("failed", 400)
    assert body["error"]["error"]["code"] == "unsupported_operation"
