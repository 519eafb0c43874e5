"""The fake gateway's async webhooks (contract §9): the management API, the submit header, delivery.

A receiver (the suite's own, from libraries/webhook_receiver.py) runs on a free loopback port; the
gateways here shrink retry backoff 100-fold, so a 1 s knob waits about 10 ms.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count, pairwise
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import VK, GatewayFactory, RunningGateway

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakegateway.faults import FAULTS  # noqa: E402
from fakegateway.webhooks import SpecError, parse_declaration  # noqa: E402
from libraries.webhook_receiver import Delivery, Receiver, SignatureError, verify  # noqa: E402

API = "/api/webhooks"
HEADER = "x-bf-async-webhook"
SCALE = 0.01
WAIT_S = 3.0
QUIET_S = 0.3  # retries here come within ~25 ms; a wrong notification comes at once
FAILING_MODEL = "openai/gpt-4o-mini-fail-429"
_names = count(1)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def gw(gateway_factory: GatewayFactory) -> RunningGateway:
    return gateway_factory(webhook_backoff_scale=SCALE)


class Hook:
    """An endpoint created on a gateway, with its receiver path and secret."""

    def __init__(self, gw: RunningGateway, receiver: Receiver, **fields: Any) -> None:
        self.gw = gw
        self.receiver = receiver
        self.name = fields.pop("name", f"hook-{next(_names)}")
        self.path = f"/hooks/{self.name}"
        body = {
            "name": self.name,
            "url": receiver.url + self.path,
            "events": ["async_job.completed", "async_job.failed"],
            "allow_private_network": True,
            "retry_backoff_initial_seconds": 1,
            "max_retries": 3,
            **fields,
        }
        response = gw.post(API, json=body)
        assert response.status_code == 201, response.text
        self.created = response.json()
        self.id: str = self.created["endpoint"]["id"]
        self.secret: str = self.created["secret"]

    def submit(self, **kw: Any) -> str:
        return self.gw.submit_ok("chat_completion", {HEADER: self.name}, **kw)

    def deliveries(self, job_id: str | None = None) -> list[Delivery]:
        return self.receiver.deliveries(lambda d: d.path == self.path and job_id in (None, d.job_id))

    def wait(self, n: int = 1, job_id: str | None = None, quiet: float = QUIET_S) -> list[Delivery]:
        """`n` deliveries (of `job_id`), then a quiet spell in which no more may arrive."""

        def ours(d: Delivery) -> bool:
            return d.path == self.path and job_id in (None, d.job_id)

        got, reached = self.receiver.wait_for(ours, n, WAIT_S)
        assert reached, f"{len(got)} of {n} deliveries arrived"
        more = self.receiver.watch_quietly(ours, n, time.monotonic() + quiet)
        assert len(more) == n, f"{len(more)} deliveries arrived, expected {n}"
        return more

    def history(self) -> list[dict[str, Any]]:
        response = self.gw.get(f"{API}/{self.id}/deliveries")
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["deliveries"]
        return sorted(rows, key=lambda row: (row["created_at"], row["attempt_no"]))


def hook_factory(gw: RunningGateway, receiver: Receiver) -> Callable[..., Hook]:
    def make(**fields: Any) -> Hook:
        return Hook(gw, receiver, **fields)

    return make


# ---------------------------------------------------------------------- management API
def test_create_shows_the_secret_once_and_redacts_header_values(
    gw: RunningGateway, receiver: Receiver
) -> None:
    hook = Hook(gw, receiver, headers={"X-Receiver-Token": "t0ken", "X-Other": {"value": "v"}})
    assert hook.secret.startswith("whsec_")
    assert len(base64.b64decode(hook.secret[len("whsec_") :])) == 32
    endpoint = hook.created["endpoint"]
    assert endpoint["headers"] == {
        "X-Receiver-Token": {"value": "<REDACTED>"},
        "X-Other": {"value": "<REDACTED>"},
    }
    assert "secret" not in endpoint
    for shown in (gw.get(f"{API}/{hook.id}").text, gw.get(API).text):
        assert hook.secret not in shown and "t0ken" not in shown
    assert gw.get(f"{API}/{hook.id}").json()["endpoint"]["name"] == hook.name


def test_a_given_secret_is_kept(gw: RunningGateway, receiver: Receiver) -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    hook = Hook(gw, receiver, secret=secret)
    assert hook.secret == secret
    hook.submit()
    (delivery,) = hook.wait()
    verify(secret, delivery.headers, delivery.body)


def test_duplicate_name_is_409(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    body = {"name": hook.name, "url": "https://example.invalid/x", "events": ["async_job.completed"]}
    response = gw.post(API, json=body)
    assert response.status_code == 409
    assert hook.name in response.json()["error"]["message"]


VALID = {"name": "n", "url": "https://hooks.example.invalid/in", "events": ["async_job.completed"]}
INVALID: list[tuple[Any, str]] = [
    ({**VALID, "name": ""}, "name"),
    ({k: v for k, v in VALID.items() if k != "name"}, "name"),
    ({k: v for k, v in VALID.items() if k != "url"}, "url"),
    ({**VALID, "url": "ftp://x.example/in"}, "url"),
    ({**VALID, "url": "http://hooks.example.invalid/in"}, "https"),
    ({**VALID, "url": "https://127.0.0.1/in"}, "allow_private_network"),
    ({**VALID, "url": "https://user:pw@hooks.example.invalid/in"}, "credentials"),
    ({**VALID, "url": "https://hooks.example.invalid/in#frag"}, "fragment"),
    ({**VALID, "url": "http://169.254.169.254/latest", "allow_private_network": True}, "blocked"),
    ({**VALID, "events": []}, "events"),
    ({**VALID, "events": ["async_job.created"]}, "async_job.created"),
    ({**VALID, "headers": {"webhook-signature": "x"}}, "reserved"),
    ({**VALID, "headers": {"X-A": "<REDACTED>"}}, "REDACTED"),
    ({**VALID, "headers": {"X-A": 5}}, "X-A"),
    ({**VALID, "max_retries": -1}, "max_retries"),
    ({**VALID, "retry_backoff_initial_seconds": 1.5}, "retry_backoff_initial_seconds"),
    ({**VALID, "include_response": "yes"}, "include_response"),
    ({**VALID, "secret": "not-a-secret"}, "whsec_"),
    ([VALID], "object"),
]


@pytest.mark.parametrize(("body", "named"), INVALID)
def test_invalid_endpoint_is_400_naming_the_problem(gw: RunningGateway, body: Any, named: str) -> None:
    response = gw.post(API, json=body)
    assert response.status_code == 400, response.text
    assert named in response.json()["error"]["message"]


def test_malformed_json_is_400(gw: RunningGateway) -> None:
    response = gw.post(API, data=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_list_filters_and_pages(gw: RunningGateway, receiver: Receiver) -> None:
    Hook(gw, receiver, name="alpha-one", events=["async_job.completed"])
    Hook(gw, receiver, name="alpha-two", events=["async_job.failed"], disabled=True)
    Hook(gw, receiver, name="beta")

    def names(query: str) -> list[str]:
        response = gw.get(f"{API}?{query}")
        assert response.status_code == 200, response.text
        return [e["name"] for e in response.json()["endpoints"]]

    assert names("") == ["alpha-one", "alpha-two", "beta"]
    assert names("search=ALPHA") == ["alpha-one", "alpha-two"]
    assert names("event=async_job.failed") == ["alpha-two", "beta"]
    assert names("disabled=true") == ["alpha-two"]
    assert names("disabled=false&search=alpha") == ["alpha-one"]
    page = gw.get(f"{API}?limit=1&offset=1").json()
    assert (page["count"], page["total_count"], page["limit"]) == (1, 3, 1)
    assert [e["name"] for e in page["endpoints"]] == ["alpha-two"]
    for bad in ("limit=0", "limit=x", "offset=-1", "event=async_job.created", "disabled=maybe"):
        assert gw.get(f"{API}?{bad}").status_code == 400, bad


def test_unknown_endpoint_is_404(gw: RunningGateway) -> None:
    for method, path in [
        ("GET", f"{API}/nope"),
        ("PUT", f"{API}/nope"),
        ("DELETE", f"{API}/nope"),
        ("GET", f"{API}/nope/deliveries"),
        ("POST", f"{API}/nope/rotate-secret"),
        ("POST", f"{API}/nope/test"),
        ("POST", f"{API}/deliveries/nope/redeliver"),
    ]:
        response = gw.request(method, path, json={})
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["message"]


def test_put_is_a_full_replace_keeping_redacted_header_values(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, headers={"X-Receiver-Token": "t0ken"}, include_response=True)
    shown = gw.get(f"{API}/{hook.id}").json()["endpoint"]
    replaced = {k: shown[k] for k in ("name", "url", "events", "headers", "allow_private_network")}
    response = gw.request("PUT", f"{API}/{hook.id}", json=replaced)
    assert response.status_code == 200, response.text
    assert response.json()["endpoint"]["include_response"] is False  # not given, so back to the default
    assert response.json()["endpoint"]["max_retries"] == 4
    hook.submit()
    (delivery,) = hook.wait()
    assert delivery.headers["x-receiver-token"] == "t0ken"
    verify(hook.secret, delivery.headers, delivery.body)  # PUT never changes the secret


def test_put_refuses_a_redacted_value_without_a_stored_header_and_a_taken_name(
    gw: RunningGateway, receiver: Receiver
) -> None:
    hook, other = Hook(gw, receiver), Hook(gw, receiver)
    body = {"name": hook.name, "url": receiver.url + hook.path, "events": ["async_job.completed"]}
    body["allow_private_network"] = True
    assert (
        gw.request("PUT", f"{API}/{hook.id}", json={**body, "headers": {"X-New": "<REDACTED>"}}).status_code
        == 400
    )
    assert gw.request("PUT", f"{API}/{hook.id}", json={**body, "name": other.name}).status_code == 409
    assert gw.request("PUT", f"{API}/{hook.id}", json={**body, "events": []}).status_code == 400


def test_delete_removes_the_endpoint(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    assert gw.request("DELETE", f"{API}/{hook.id}").status_code == 200
    assert gw.get(f"{API}/{hook.id}").status_code == 404
    response = gw.submit("chat_completion", {HEADER: hook.name})
    assert response.status_code == 400


# ---------------------------------------------------------------------- submit header
def test_unknown_and_disabled_names_are_refused_at_submit(gw: RunningGateway, receiver: Receiver) -> None:
    disabled = Hook(gw, receiver, disabled=True)
    unknown = gw.submit("chat_completion", {HEADER: "no-such-endpoint"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == (
        "failed to resolve webhook endpoint: invalid webhook reference: "
        'unknown webhook endpoint with name "no-such-endpoint"'
    )
    refused = gw.submit("chat_completion", {HEADER: disabled.name})
    assert refused.status_code == 400
    assert f'webhook endpoint "{disabled.name}" is disabled' in refused.json()["error"]["message"]
    # Endpoints whose SubmitJob errors map to 500 (or carry a prefix) keep doing so.
    completions = gw.submit("text_completion", {HEADER: "no-such-endpoint"})
    assert completions.status_code == 500
    assert completions.json()["error"]["message"].startswith("failed to resolve webhook endpoint")
    responses = gw.submit("responses", {HEADER: "no-such-endpoint"})
    assert responses.status_code == 400
    assert responses.json()["error"]["message"].startswith("Failed to create async job: failed to resolve")


def test_an_empty_header_is_no_webhook(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    job_id = gw.submit_ok("chat_completion", {HEADER: ""})
    gw.wait_terminal("chat_completion", job_id)
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []
    assert hook.history() == []


# ---------------------------------------------------------------------- delivery
def test_completed_job_gets_one_signed_thin_notification(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, headers={"X-Receiver-Token": "t0ken"})
    job_id = gw.submit_ok("chat_completion", {HEADER: hook.name, "x-bf-vk": VK})
    (delivery,) = hook.wait(job_id=job_id)
    verify(hook.secret, delivery.headers, delivery.body)
    assert abs(int(delivery.headers["webhook-timestamp"]) - time.time()) < 5
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["user-agent"] == "Bifrost-Webhooks/1.0"
    assert delivery.headers["x-bifrost-event"] == "async_job.completed"
    assert delivery.headers["x-receiver-token"] == "t0ken"
    body = delivery.json
    assert body["event"] == "async_job.completed"
    datetime.fromisoformat(body["created_at"])
    data = body["data"]
    assert set(data) == {
        "job_id", "request_type", "status", "status_code", "created_at", "completed_at",
        "result_url", "result_expires_at",
    }  # fmt: skip
    assert (data["job_id"], data["request_type"], data["status"], data["status_code"]) == (
        job_id, "chat_completion", "completed", 200,
    )  # fmt: skip
    assert data["result_url"] == f"/v1/async/chat/completions/{job_id}"
    served = gw.get(data["result_url"], {"x-bf-vk": VK})
    assert served.status_code == 200
    job = served.json()
    assert (job["id"], job["completed_at"], job["expires_at"]) == (
        job_id, data["completed_at"], data["result_expires_at"],
    )  # fmt: skip
    (row,) = hook.history()
    assert (row["async_job_id"], row["attempt_no"], row["outcome"], row["status_code"]) == (
        job_id, 1, "delivered", 204,
    )  # fmt: skip
    assert row["webhook_id"] == delivery.webhook_id
    assert row["event"] == "async_job.completed"


def test_failed_job_gets_async_job_failed_with_its_status_code(
    gw: RunningGateway, receiver: Receiver
) -> None:
    hook = Hook(gw, receiver)
    job_id = hook.submit(model=FAILING_MODEL)
    (delivery,) = hook.wait(job_id=job_id)
    assert delivery.event == "async_job.failed"
    assert delivery.headers["x-bifrost-event"] == "async_job.failed"
    assert (delivery.data["status"], delivery.data["status_code"]) == ("failed", 429)
    assert "error" not in delivery.data and "response" not in delivery.data


def test_include_response_inlines_the_result_and_the_error(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, include_response=True)
    done = hook.submit()
    failed = hook.submit(model=FAILING_MODEL)
    (completed_note,) = hook.wait(job_id=done)
    (failed_note,) = hook.wait(job_id=failed)
    job = gw.wait_terminal("chat_completion", done).json()
    assert completed_note.data["response"] == job["result"]
    assert failed_note.data["error"] == gw.wait_terminal("chat_completion", failed).json()["error"]


def test_a_result_over_the_inline_cap_is_omitted(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, include_response=True, max_response_payload_kbs=1)
    job_id = gw.submit_ok("embedding", {HEADER: hook.name})  # 1536 floats: well over 1 KiB
    (delivery,) = hook.wait(job_id=job_id)
    assert delivery.data.get("response_omitted") is True
    assert "response" not in delivery.data


def test_an_unsubscribed_event_sends_nothing(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, events=["async_job.failed"])
    job_id = hook.submit()
    assert gw.wait_terminal("chat_completion", job_id).json()["status"] == "completed"
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []
    assert hook.history() == []


def test_no_header_sends_nothing(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    gw.wait_terminal("chat_completion", gw.submit_ok())
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []
    assert hook.history() == []


def test_5xx_is_retried_with_the_same_webhook_id_until_2xx(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, max_retries=4)
    receiver.answer(hook.path, 500, 503, 429, 408)
    job_id = hook.submit()
    notes = hook.wait(5, job_id=job_id)
    assert [d.answered for d in notes] == [500, 503, 429, 408, 204]
    assert len({d.webhook_id for d in notes}) == 1
    for note in notes:
        verify(hook.secret, note.headers, note.body)
    gaps = [b.received_at - a.received_at for a, b in pairwise(notes)]
    assert gaps[-1] > gaps[0]  # doubling: 10, 20, 40, 80 ms here (±20 %)
    rows = hook.history()
    assert [(r["attempt_no"], r["outcome"], r["status_code"]) for r in rows] == [
        (1, "retryable_failure", 500),
        (2, "retryable_failure", 503),
        (3, "retryable_failure", 429),
        (4, "retryable_failure", 408),
        (5, "delivered", 204),
    ]
    endpoint = gw.get(f"{API}/{hook.id}").json()["endpoint"]
    assert (
        endpoint["consecutive_failures"] == 0 and endpoint["last_success_at"] and endpoint["last_failure_at"]
    )


def test_retries_end_exhausted_after_max_retries(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, max_retries=2)
    receiver.answer(hook.path, default=500)
    hook.wait(3, job_id=hook.submit())
    assert [r["outcome"] for r in hook.history()] == ["retryable_failure", "retryable_failure", "exhausted"]
    assert gw.get(f"{API}/{hook.id}").json()["endpoint"]["consecutive_failures"] == 3


@pytest.mark.parametrize("status", [404, 400, 301, 410])
def test_other_statuses_get_one_attempt(gw: RunningGateway, receiver: Receiver, status: int) -> None:
    hook = Hook(gw, receiver)
    receiver.answer(hook.path, status)
    hook.wait(1, job_id=hook.submit())
    assert [(r["outcome"], r["status_code"]) for r in hook.history()] == [("permanent_failure", status)]


def test_an_unreachable_receiver_is_a_retryable_transport_error(
    gw: RunningGateway, receiver: Receiver
) -> None:
    hook = Hook(gw, receiver, max_retries=1)
    receiver.stop()
    job_id = hook.submit()

    def rows() -> list[dict[str, Any]]:
        return hook.history()

    deadline = time.monotonic() + WAIT_S
    while len(rows()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [(r["outcome"], r["status_code"]) for r in rows()] == [("retryable_failure", 0), ("exhausted", 0)]
    assert all(r["error"] and r["async_job_id"] == job_id for r in rows())


def test_delivery_never_leaves_loopback(gw: RunningGateway) -> None:
    response = gw.post(API, json={**VALID, "name": "remote", "max_retries": 1})
    assert response.status_code == 201
    endpoint_id = response.json()["endpoint"]["id"]
    gw.submit_ok("chat_completion", {HEADER: "remote"})
    deadline = time.monotonic() + WAIT_S
    rows: list[dict[str, Any]] = []
    while len(rows) < 2 and time.monotonic() < deadline:
        rows = gw.get(f"{API}/{endpoint_id}/deliveries").json()["deliveries"]
        time.sleep(0.01)
    assert len(rows) == 2
    assert all("loopback" in row["error"] for row in rows)


def test_an_endpoint_disabled_before_a_retry_gets_no_call(
    gateway_factory: GatewayFactory, receiver: Receiver
) -> None:
    gw = gateway_factory(webhook_backoff_scale=0.3)  # the retry comes ~0.3 s after the first attempt
    hook = Hook(gw, receiver)
    receiver.answer(hook.path, 500)
    hook.wait(1, job_id=hook.submit(), quiet=0)
    # PUT replaces the whole spec: the backoff knobs go again, or the retry would wait Bifrost's 30 s
    # default whenever the PUT lands before the dispatcher reads the spec after the first attempt.
    body = {
        "name": hook.name,
        "url": receiver.url + hook.path,
        "events": ["async_job.completed"],
        "retry_backoff_initial_seconds": 1,
        "max_retries": 3,
    }
    response = gw.request(
        "PUT", f"{API}/{hook.id}", json={**body, "allow_private_network": True, "disabled": True}
    )
    assert response.status_code == 200
    deadline = time.monotonic() + WAIT_S
    while len(hook.history()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    rows = hook.history()
    assert [(r["outcome"], r["status_code"]) for r in rows] == [
        ("retryable_failure", 500),
        ("permanent_failure", 0),
    ]
    assert "disabled" in rows[1]["error"]
    assert len(hook.deliveries()) == 1


def test_rotated_secret_signs_the_next_delivery(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    response = gw.post(f"{API}/{hook.id}/rotate-secret")
    assert response.status_code == 200
    new = response.json()["secret"]
    assert new.startswith("whsec_") and new != hook.secret
    (delivery,) = hook.wait(job_id=hook.submit())
    verify(new, delivery.headers, delivery.body)
    with pytest.raises(SignatureError):
        verify(hook.secret, delivery.headers, delivery.body)


def test_redeliver_reuses_the_webhook_id_and_restarts_attempts(
    gw: RunningGateway, receiver: Receiver
) -> None:
    hook = Hook(gw, receiver)
    receiver.answer(hook.path, 404)
    job_id = hook.submit()
    (first,) = hook.wait(job_id=job_id)
    (row,) = hook.history()
    response = gw.post(f"{API}/deliveries/{row['id']}/redeliver")
    assert response.status_code == 202
    assert response.json() == {"webhook_id": first.webhook_id}
    notes = hook.wait(2, job_id=job_id)
    assert notes[1].webhook_id == first.webhook_id
    assert [(r["attempt_no"], r["outcome"]) for r in hook.history()] == [
        (1, "permanent_failure"),
        (1, "delivered"),
    ]


def test_redeliver_to_a_disabled_endpoint_is_400(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    hook.wait(job_id=hook.submit())
    (row,) = hook.history()
    body = {"name": hook.name, "url": receiver.url + hook.path, "events": ["async_job.completed"]}
    gw.request("PUT", f"{API}/{hook.id}", json={**body, "allow_private_network": True, "disabled": True})
    assert gw.post(f"{API}/deliveries/{row['id']}/redeliver").status_code == 400


def test_test_fire_sends_a_signed_sample(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, events=["async_job.failed"])
    response = gw.post(f"{API}/{hook.id}/test", json={"event": "async_job.failed"})
    assert response.status_code == 200, response.text
    assert response.json() == {"delivered": True, "receiver_status_code": 204}
    (delivery,) = hook.wait()
    verify(hook.secret, delivery.headers, delivery.body)
    assert delivery.event == "async_job.failed"
    assert str(delivery.job_id).startswith("test-")
    assert (delivery.data["request_type"], delivery.data["status_code"]) == ("chat_completion", 500)
    assert gw.post(f"{API}/{hook.id}/test", json={"event": "async_job.completed"}).status_code == 400
    assert gw.post(f"{API}/{hook.id}/test", json={"event": "nope"}).status_code == 400
    receiver.answer(hook.path, 500)
    failed = gw.post(f"{API}/{hook.id}/test", json={"event": "async_job.failed"}).json()
    assert failed["delivered"] is False and failed["receiver_status_code"] == 500
    assert hook.history() == []  # test fires are not part of the history


def test_concurrent_jobs_each_get_exactly_one_notification(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, max_concurrent_deliveries=2)
    jobs = {hook.submit() for _ in range(30)}
    notes = hook.wait(30)
    assert sorted(str(d.job_id) for d in notes) == sorted(jobs)
    assert len({d.webhook_id for d in notes}) == 30


def test_an_expired_job_gets_the_degraded_body(gateway_factory: GatewayFactory, receiver: Receiver) -> None:
    gw = gateway_factory(webhook_backoff_scale=1.5)  # the retry comes after the job's 1 s TTL
    hook = Hook(gw, receiver)
    receiver.answer(hook.path, 500)
    job_id = gw.submit_ok("chat_completion", {HEADER: hook.name, "x-bf-async-job-result-ttl": "1"})
    got, reached = receiver.wait_for(lambda d: d.job_id == job_id, 2, WAIT_S)
    assert reached, got
    assert got[1].data == {"job_id": job_id, "status": "completed", "result_expired": True}


# ---------------------------------------------------------------------- integration routes
OPENAI_ROUTE = "/openai/v1/responses"
ANTHROPIC_ROUTE = "/anthropic/v1/messages"
INTEGRATION_BODIES: dict[str, dict[str, Any]] = {
    OPENAI_ROUTE: {"model": "openai/gpt-4o-mini", "input": "Say hello."},
    ANTHROPIC_ROUTE: {
        "model": "anthropic/claude-3-5-haiku-latest",
        "max_tokens": 16,
        "messages": [{"role": "user", "content": "Say hello."}],
    },
}


def _integration_create(
    gw: RunningGateway, route: str, headers: dict[str, str], model: str | None = None
) -> requests.Response:
    body = {**INTEGRATION_BODIES[route], **({"model": model} if model else {})}
    return gw.post(route, {"x-bf-async": "true", **headers}, json=body)


@pytest.mark.parametrize("route", [OPENAI_ROUTE, ANTHROPIC_ROUTE])
def test_integration_create_notifies_with_the_responses_poll_path(
    gw: RunningGateway, receiver: Receiver, route: str
) -> None:
    hook = Hook(gw, receiver)
    created = _integration_create(gw, route, {HEADER: hook.name, "x-bf-vk": VK})
    assert created.status_code == 200, created.text
    job_id = created.json()["id"]
    (delivery,) = hook.wait(job_id=job_id)
    verify(hook.secret, delivery.headers, delivery.body)
    assert delivery.event == "async_job.completed"
    data = delivery.data
    assert (data["request_type"], data["status"], data["status_code"]) == ("responses", "completed", 200)
    assert data["result_url"] == f"/v1/async/responses/{job_id}"
    served = gw.get(data["result_url"], {"x-bf-vk": VK})
    assert served.status_code == 200 and served.json()["id"] == job_id
    (row,) = hook.history()
    assert (row["async_job_id"], row["outcome"]) == (job_id, "delivered")


def test_integration_failed_job_notifies_async_job_failed(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    created = _integration_create(gw, ANTHROPIC_ROUTE, {HEADER: hook.name}, "anthropic/claude-fail-529")
    (delivery,) = hook.wait(job_id=created.json()["id"])
    assert delivery.event == "async_job.failed"
    assert (delivery.data["status"], delivery.data["status_code"]) == ("failed", 529)


@pytest.mark.parametrize("route", [OPENAI_ROUTE, ANTHROPIC_ROUTE])
def test_integration_create_refuses_unknown_and_disabled_names(
    gw: RunningGateway, receiver: Receiver, route: str
) -> None:
    disabled = Hook(gw, receiver, disabled=True)
    for name in ("no-such-endpoint", disabled.name):
        response = _integration_create(gw, route, {HEADER: name})
        assert response.status_code == 400, (name, response.text)
        body = response.json()
        if route == ANTHROPIC_ROUTE:
            assert body["type"] == "error"
            assert body["error"] == {"type": "invalid_request_error", "message": "failed to create async job"}
        else:
            assert body["error"]["message"] == "failed to create async job"
    assert gw.state.store.count() == 0  # no job was created
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []


def test_integration_header_is_ignored_without_x_bf_async(gw: RunningGateway, receiver: Receiver) -> None:
    """A synchronous call creates no job, so the header names nothing to notify (nor refuses)."""
    hook = Hook(gw, receiver)
    for name in (hook.name, "no-such-endpoint"):
        response = gw.post(OPENAI_ROUTE, {HEADER: name}, json=INTEGRATION_BODIES[OPENAI_ROUTE])
        assert response.status_code == 200 and response.json()["status"] == "completed"
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []


# ---------------------------------------------------------------------- command line
def test_declaration_parsing() -> None:
    declared = parse_declaration(
        "suite=http://127.0.0.1:9/hook,events=async_job.failed,include_response=true,max_retries=2"
    )
    spec = declared.spec
    assert (spec.name, spec.url, spec.events) == ("suite", "http://127.0.0.1:9/hook", ("async_job.failed",))
    assert spec.include_response and spec.allow_private_network and spec.max_retries == 2
    assert declared.secret.startswith("whsec_")
    secret = "whsec_" + base64.b64encode(b"s" * 24).decode()
    assert parse_declaration(f"a=http://127.0.0.1:9/,secret={secret}").secret == secret
    for bad in ("nourl", "=http://x", "a=http://127.0.0.1:9/,colour=red", "a=http://127.0.0.1:9/,secret=x",
                "a=http://127.0.0.1:9/,max_retries=two", "a=http://127.0.0.1:9/,events=nope",
                "a=http://127.0.0.1:9/,allow_private_network=false"):  # fmt: skip
        with pytest.raises(SpecError):
            parse_declaration(bad)


def test_declared_endpoints_deliver(gateway_factory: GatewayFactory, receiver: Receiver) -> None:
    declared = parse_declaration(f"cli={receiver.url}/hooks/cli")
    gw = gateway_factory(webhooks=(declared,), webhook_backoff_scale=SCALE)
    job_id = gw.submit_ok("chat_completion", {HEADER: "cli"})
    got, reached = receiver.wait_for(lambda d: d.job_id == job_id, 1, WAIT_S)
    assert reached
    verify(declared.secret, got[0].headers, got[0].body)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fakegateway", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_bad_webhook_options_are_one_line_and_exit_2() -> None:
    for args in (
        ["serve", "--webhook", "nourl"],
        ["serve", "--webhook", "a=http://127.0.0.1:9/", "--webhook", "a=http://127.0.0.1:8/"],
        ["serve", "--webhook-backoff-scale", "0"],
    ):
        done = _cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_run_exports_a_declared_endpoint_for_the_suite() -> None:
    dump = "import json, os; print(json.dumps({k: v for k, v in os.environ.items() if 'WEBHOOK' in k}))"
    done = _cli("run", "--webhook", "suite=http://127.0.0.1:8765/hook", "--", sys.executable, "-c", dump)
    assert done.returncode == 0, done.stderr
    env = json.loads(done.stdout)
    assert env["BIFROST_WEBHOOK_NAME"] == "suite"
    assert env["BIFROST_WEBHOOK_SECRET"].startswith("whsec_")
    assert env["BIFROST_WEBHOOK_LISTEN"] == "127.0.0.1:8765"
    assert env["BIFROST_WEBHOOK_QUIET"] == "1s"
    assert env["BIFROST_WEBHOOK_SECRET"] not in done.stderr  # printed masked
    assert "whsec_…" in done.stderr


def test_run_without_webhooks_sets_only_the_quiet_window() -> None:
    dump = "import json, os; print(json.dumps({k: v for k, v in os.environ.items() if 'WEBHOOK' in k}))"
    done = _cli("run", "--", sys.executable, "-c", dump)
    assert json.loads(done.stdout) == {"BIFROST_WEBHOOK_QUIET": "1s"}


# ---------------------------------------------------------------------- faults
Check = Callable[[RunningGateway, Receiver], None]
CHECKS: dict[str, Check] = {}
CAUGHT = (AssertionError, SignatureError, requests.RequestException, ValueError, KeyError)


def check(*names: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        for name in names:
            CHECKS[name] = function
        return function

    return register


COMPLETED_FAULTS = (
    "webhook-missing",
    "webhook-duplicate",
    "webhook-unsigned",
    "webhook-bad-signature",
    "webhook-timestamp-ms",
    "webhook-fat-payload",
    "webhook-result-url-wrong",
)


@check(*COMPLETED_FAULTS)
def _completed(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    job_id = hook.submit()
    (delivery,) = hook.wait(job_id=job_id)
    verify(hook.secret, delivery.headers, delivery.body, tolerance=60)
    assert "response" not in delivery.data
    assert gw.get(delivery.data["result_url"]).json()["id"] == job_id


@check("webhook-early")
def _after_the_terminal_write(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    job_id = hook.submit()
    got, reached = receiver.wait_for(lambda d: d.path == hook.path and d.job_id == job_id, 1, WAIT_S)
    assert reached, "no notification"
    # At once: the terminal state must already be visible behind result_url.
    response = gw.get(got[0].data["result_url"])
    assert (response.status_code, response.json()["status"]) == (200, "completed")


@check("webhook-wrong-event")
def _failed(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    (delivery,) = hook.wait(job_id=hook.submit(model=FAILING_MODEL))
    assert delivery.event == "async_job.failed"


@check("webhook-include-response-ignored")
def _inline(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, include_response=True)
    (delivery,) = hook.wait(job_id=hook.submit())
    assert delivery.data["response"]["choices"]


@check("webhook-not-retried", "webhook-id-changes", "webhook-history-incomplete")
def _retried(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    receiver.answer(hook.path, 500, 500)
    notes = hook.wait(3, job_id=hook.submit())
    assert len({d.webhook_id for d in notes}) == 1
    assert [r["attempt_no"] for r in hook.history()] == [1, 2, 3]


@check("webhook-retry-on-404")
def _not_retried(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    receiver.answer(hook.path, 404)
    hook.wait(1, job_id=hook.submit())


@check("webhook-rotation-ignored")
def _rotated(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    new = gw.post(f"{API}/{hook.id}/rotate-secret").json()["secret"]
    (delivery,) = hook.wait(job_id=hook.submit())
    verify(new, delivery.headers, delivery.body)


@check("webhook-unsubscribed-sent")
def _unsubscribed(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, events=["async_job.failed"])
    gw.wait_terminal("chat_completion", hook.submit())
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []


@check("webhook-broadcast")
def _no_header(gw: RunningGateway, receiver: Receiver) -> None:
    Hook(gw, receiver)
    gw.wait_terminal("chat_completion", gw.submit_ok())
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []


@check("webhook-unknown-name-accepted")
def _unknown_name(gw: RunningGateway, receiver: Receiver) -> None:
    assert gw.submit("chat_completion", {HEADER: "no-such-endpoint"}).status_code == 400


@check("webhook-disabled-accepted")
def _disabled_name(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, disabled=True)
    assert gw.submit("chat_completion", {HEADER: hook.name}).status_code == 400


# --- issue 19: opt-in, delivery headers, signing, payload and retries (WH-01..WH-49) ---------
@check("webhook-poll-header-read")
def _poll_header_ignored(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    job_id = gw.submit_ok()
    gw.wait_terminal("chat_completion", job_id)
    for name in ("no-such-endpoint", hook.name):
        assert gw.get(f"/v1/async/chat/completions/{job_id}", {HEADER: name}).status_code == 200
    assert receiver.watch_quietly(lambda d: True, 0, time.monotonic() + QUIET_S) == []


@check(
    "webhook-content-type-text",
    "webhook-user-agent-default",
    "webhook-event-header-missing",
    "webhook-custom-headers-dropped",
)
def _delivery_headers(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, headers={"X-Receiver-Token": "t0ken"})
    (delivery,) = hook.wait(job_id=hook.submit())
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["user-agent"] == "Bifrost-Webhooks/1.0"
    assert delivery.headers["x-bifrost-event"] == "async_job.completed"
    assert delivery.headers["x-receiver-token"] == "t0ken"


@check("webhook-id-shared")
def _distinct_webhook_ids(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    hook.submit()
    hook.submit()
    assert len({d.webhook_id for d in hook.wait(2)}) == 2


@check("webhook-reserved-header-override")
def _reserved_header(gw: RunningGateway, receiver: Receiver) -> None:
    for name in ("User-Agent", "X-Bifrost-Event", "Content-Type"):
        body = {**VALID, "name": f"reserved-{name}", "headers": {name: "mine"}}
        assert gw.post(API, json=body).status_code == 400, name


@check(
    "webhook-signs-body-only",
    "webhook-created-at-unix",
    "webhook-status-stale",
    "webhook-expires-at-wrong",
    "webhook-result-url-absolute",
)
def _completed_body(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    job_id = hook.submit()
    (delivery,) = hook.wait(job_id=job_id)
    verify(hook.secret, delivery.headers, delivery.body, tolerance=60)
    created_at = delivery.json["created_at"]
    assert isinstance(created_at, str)
    datetime.fromisoformat(created_at)
    job = gw.wait_terminal("chat_completion", job_id).json()
    assert delivery.data["status"] == "completed"
    assert delivery.data["result_expires_at"] == job["expires_at"]
    assert delivery.data["result_url"] == f"/v1/async/chat/completions/{job_id}"


@check("webhook-status-code-missing")
def _failed_status_code(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    (delivery,) = hook.wait(job_id=hook.submit(model=FAILING_MODEL))
    assert delivery.data["status_code"] == 429


@check("webhook-error-not-inlined")
def _error_inlined(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, include_response=True)
    job_id = hook.submit(model=FAILING_MODEL)
    (delivery,) = hook.wait(job_id=job_id)
    assert delivery.data["error"] == gw.wait_terminal("chat_completion", job_id).json()["error"]


@check("webhook-payload-cap-ignored")
def _payload_cap(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, include_response=True, max_response_payload_kbs=1)
    (delivery,) = hook.wait(job_id=gw.submit_ok("embedding", {HEADER: hook.name}))
    assert delivery.data.get("response_omitted") is True and "response" not in delivery.data


@check("webhook-expired-body-full")
def _expired_body(gw: RunningGateway, receiver: Receiver) -> None:
    # 150 s of backoff is 1.5 s here: the retry comes after the job's 1 s TTL.
    hook = Hook(gw, receiver, retry_backoff_initial_seconds=150, retry_backoff_max_seconds=150)
    receiver.answer(hook.path, 500)
    job_id = gw.submit_ok("chat_completion", {HEADER: hook.name, "x-bf-async-job-result-ttl": "1"})
    got, reached = receiver.wait_for(lambda d: d.job_id == job_id, 2, WAIT_S)
    assert reached, got
    assert got[1].data.get("result_expired") is True and "result_url" not in got[1].data


@check("webhook-2xx-not-delivered", "webhook-retry-on-3xx")
def _one_attempt(gw: RunningGateway, receiver: Receiver) -> None:
    for status in (202, 302):
        hook = Hook(gw, receiver)
        receiver.answer(hook.path, status)
        hook.wait(1, job_id=hook.submit())


@check("webhook-408-429-final")
def _retried_408_429(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    receiver.answer(hook.path, 408, 429)
    hook.wait(3, job_id=hook.submit())


@check("webhook-transport-error-final", "webhook-retries-past-max")
def _transport_error_retried(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, url="http://127.0.0.1:1/unreachable", max_retries=1)
    hook.submit()
    deadline = time.monotonic() + WAIT_S
    while len(hook.history()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(QUIET_S)
    assert [(r["outcome"], r["status_code"]) for r in hook.history()] == [
        ("retryable_failure", 0),
        ("exhausted", 0),
    ]


@check("webhook-endpoint-state-ignored")
def _deleted_before_retry(gw: RunningGateway, receiver: Receiver) -> None:
    # 30 s of backoff is 0.3 s here: time enough to delete the endpoint before the retry.
    hook = Hook(gw, receiver, retry_backoff_initial_seconds=30, retry_backoff_max_seconds=30)
    receiver.answer(hook.path, 500)
    hook.wait(1, job_id=hook.submit(), quiet=0)
    assert gw.request("DELETE", f"{API}/{hook.id}").status_code == 200
    assert len(receiver.watch_quietly(lambda d: d.path == hook.path, 1, time.monotonic() + 0.6)) == 1


@check("webhook-unsubscribed-refused")
def _unsubscribed_accepted(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, events=["async_job.failed"])
    assert gw.submit("chat_completion", {HEADER: hook.name}).status_code == 202


@check("webhook-redacted-header-stored")
def _redacted(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, headers={"X-Receiver-Token": "t0ken"})
    shown = gw.get(f"{API}/{hook.id}").json()["endpoint"]
    gw.request("PUT", f"{API}/{hook.id}", json=shown)
    (delivery,) = hook.wait(job_id=hook.submit())
    assert delivery.headers["x-receiver-token"] == "t0ken"


@check("webhook-redeliver-new-id")
def _redeliver(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    (first,) = hook.wait(job_id=hook.submit())
    (row,) = hook.history()
    assert gw.post(f"{API}/deliveries/{row['id']}/redeliver").json()["webhook_id"] == first.webhook_id


@check("webhook-secret-exposed")
def _secret_hidden(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    assert hook.secret not in gw.get(f"{API}/{hook.id}").text + gw.get(API).text


# ---------------------------------------------------------------------- faults of the management API
def _spec(receiver: Receiver, **fields: Any) -> dict[str, Any]:
    name = f"hook-{next(_names)}"
    body = {
        "name": name,
        "url": f"{receiver.url}/hooks/{name}",
        "events": ["async_job.completed", "async_job.failed"],
        "allow_private_network": True,
        **fields,
    }
    return {key: value for key, value in body.items() if value is not None}


def _shown(gw: RunningGateway, hook: Hook) -> dict[str, Any]:
    response = gw.get(f"{API}/{hook.id}")
    assert response.status_code == 200, response.text
    shown: dict[str, Any] = response.json()["endpoint"]
    return shown


def _listed(gw: RunningGateway, query: str) -> list[str]:
    response = gw.get(f"{API}?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["endpoints"]) and body["total_count"] >= body["count"], body
    return [e["id"] for e in body["endpoints"]]


def _disable(gw: RunningGateway, hook: Hook) -> None:
    body = {"name": hook.name, "url": hook.receiver.url + hook.path, "events": ["async_job.completed"]}
    body.update(allow_private_network=True, disabled=True)
    assert gw.request("PUT", f"{API}/{hook.id}", json=body).status_code == 200


# Each body must be refused with 400; the fault named beside it lets it through.
REFUSALS: dict[str, dict[str, Any]] = {
    "webhook-nameless-accepted": {"name": None},
    "webhook-http-url-accepted": {"url": "http://hooks.example.com/in", "allow_private_network": None},
    "webhook-empty-events-accepted": {"events": []},
    "webhook-unknown-event-accepted": {"events": ["async_job.created"]},
    "webhook-reserved-header-accepted": {"headers": {"webhook-signature": {"value": "v1,forged"}}},
    "webhook-negative-knob-accepted": {"attempt_timeout_seconds": -1},
}


@check("webhook-create-200", "webhook-duplicate-name-accepted", "webhook-header-values-shown")
def _created(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, headers={"X-Receiver-Token": {"value": "t0ken"}})  # asserts 201
    redacted = {"X-Receiver-Token": {"value": "<REDACTED>"}}
    assert hook.created["endpoint"]["headers"] == redacted
    assert _shown(gw, hook)["headers"] == redacted
    assert [e["headers"] for e in gw.get(f"{API}?search={hook.name}").json()["endpoints"]] == [redacted]
    assert gw.post(API, json=_spec(receiver, name=hook.name)).status_code == 409


@check(*REFUSALS)
def _refused(gw: RunningGateway, receiver: Receiver) -> None:
    for fault, fields in REFUSALS.items():
        response = gw.post(API, json=_spec(receiver, **fields))
        assert response.status_code == 400, (fault, response.text)


@check(
    "webhook-list-totals-missing",
    "webhook-list-search-ignored",
    "webhook-list-event-filter-ignored",
    "webhook-list-disabled-filter-ignored",
    "webhook-list-paging-ignored",
)
def _list_queries(gw: RunningGateway, receiver: Receiver) -> None:
    failed_only = Hook(gw, receiver, events=["async_job.failed"])
    disabled = Hook(gw, receiver, disabled=True)
    assert _listed(gw, f"search={failed_only.name}") == [failed_only.id]
    assert _listed(gw, f"search={failed_only.name}&event=async_job.completed") == []
    assert _listed(gw, f"search={disabled.name}&disabled=false") == []
    first, second = _listed(gw, "limit=1"), _listed(gw, "limit=1&offset=1")
    assert len(first) == len(second) == 1 and first != second


@check(
    "webhook-list-bad-paging-accepted",
    "webhook-list-bad-disabled-accepted",
    "webhook-list-bad-event-accepted",
)
def _bad_list_queries(gw: RunningGateway, receiver: Receiver) -> None:
    for bad in ("limit=abc", "offset=abc", "disabled=maybe", "event=async_job.created"):
        assert gw.get(f"{API}?{bad}").status_code == 400, bad


@check("webhook-knobs-shown-default", "webhook-put-merges", "webhook-delete-ignored")
def _get_put_delete(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver, include_response=True, max_concurrent_deliveries=3)
    shown = _shown(gw, hook)
    assert (shown["max_retries"], shown["max_concurrent_deliveries"]) == (3, 3)
    body = {key: shown[key] for key in ("name", "url", "events", "allow_private_network")}
    replaced = gw.request("PUT", f"{API}/{hook.id}", json=body)
    assert replaced.status_code == 200 and _shown(gw, hook)["include_response"] is False
    assert gw.request("DELETE", f"{API}/{hook.id}").status_code == 200
    assert gw.get(f"{API}?search={hook.name}").json()["endpoints"] == []


@check("webhook-history-fields-missing", "webhook-history-total-missing", "webhook-history-webhook-id-wrong")
def _history_rows(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    job_id = hook.submit()
    (delivery,) = hook.wait(job_id=job_id)
    body = gw.get(f"{API}/{hook.id}/deliveries").json()
    (row,) = body["deliveries"]
    fields = "id webhook_id endpoint_id async_job_id request_id event attempt_no outcome status_code error"
    assert set(fields.split()) | {"created_at", "expires_at"} <= set(row), row
    assert body["pagination"]["total_count"] == 1
    ids = (row["webhook_id"], row["endpoint_id"], row["async_job_id"])
    assert ids == (delivery.webhook_id, hook.id, job_id)


@check("webhook-redeliver-attempts-continue", "webhook-redeliver-disabled-accepted")
def _redelivery(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    job_id = hook.submit()
    hook.wait(job_id=job_id)
    (row,) = hook.history()
    assert gw.post(f"{API}/deliveries/{row['id']}/redeliver").status_code == 202
    hook.wait(2, job_id=job_id)
    assert [r["attempt_no"] for r in hook.history()] == [1, 1]
    _disable(gw, hook)
    assert gw.post(f"{API}/deliveries/{row['id']}/redeliver").status_code == 400


@check("webhook-rotate-same-secret")
def _rotation(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    new = gw.post(f"{API}/{hook.id}/rotate-secret").json()["secret"]
    assert new.startswith("whsec_") and new != hook.secret


@check(
    "webhook-test-fire-not-sent",
    "webhook-test-fire-wrong-event",
    "webhook-test-fire-real-id",
    "webhook-test-fire-request-type",
    "webhook-test-fire-status-code-wrong",
)
def _test_fire_sample(gw: RunningGateway, receiver: Receiver) -> None:
    hook = Hook(gw, receiver)
    asked = [("async_job.failed", 500), ("async_job.completed", 200)]
    for event, _ in asked:
        answer = gw.post(f"{API}/{hook.id}/test", json={"event": event}).json()
        assert answer == {"delivered": True, "receiver_status_code": 204}, answer
    for delivery, (event, status_code) in zip(hook.wait(2), asked, strict=True):
        assert (delivery.event, delivery.headers["x-bifrost-event"]) == (event, event)
        assert re.fullmatch(r"test-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", str(delivery.job_id))
        assert "chat" in delivery.data["request_type"]
        assert delivery.data["status_code"] == status_code


@check("webhook-test-fire-unsubscribed-sent", "webhook-test-fire-disabled-sent")
def _test_fire_refused(gw: RunningGateway, receiver: Receiver) -> None:
    failed_only = Hook(gw, receiver, events=["async_job.failed"])
    disabled = Hook(gw, receiver, disabled=True)
    event = {"event": "async_job.completed"}
    assert gw.post(f"{API}/{failed_only.id}/test", json=event).status_code == 400
    assert gw.post(f"{API}/{disabled.id}/test", json=event).status_code == 400


@check("webhook-counters-missing", "webhook-counters-writable", "webhook-counters-frozen")
def _counters(gw: RunningGateway, receiver: Receiver) -> None:
    good = Hook(gw, receiver, consecutive_failures=7)
    assert _shown(gw, good)["consecutive_failures"] == 0
    good.wait(job_id=good.submit())
    shown = _shown(gw, good)
    assert shown["last_success_at"] and shown["consecutive_failures"] == 0
    bad = Hook(gw, receiver)
    receiver.answer(bad.path, default=404)
    bad.wait(job_id=bad.submit())
    shown = _shown(gw, bad)
    assert shown["last_failure_at"] and shown["consecutive_failures"] == 1


@check("webhook-disabled-endpoint-called", "webhook-deleted-endpoint-called")
def _gone_before_the_retry(gw: RunningGateway, receiver: Receiver) -> None:
    for gone in ("disabled", "deleted"):
        # 30 s of backoff is ~0.3 s here: time to disable or delete the endpoint before the retry.
        hook = Hook(gw, receiver, retry_backoff_initial_seconds=30, retry_backoff_max_seconds=60)
        receiver.answer(hook.path, 500)
        hook.wait(1, job_id=hook.submit(), quiet=0)
        if gone == "disabled":
            _disable(gw, hook)
        else:
            assert gw.request("DELETE", f"{API}/{hook.id}").status_code == 200
        hook.wait(1, quiet=0.6)


@pytest.mark.parametrize("fault", ["", "webhook-deleted-endpoint-called"])
def test_an_endpoint_deleted_while_its_attempt_is_answered_gets_no_retry_unless_the_fault(
    gateway_factory: GatewayFactory, fault: str
) -> None:
    """The receiver deletes the endpoint before it answers 500, so the delete always lands before the
    gateway decides on a retry: the clean gateway makes none, the fault retries the deleted endpoint.
    (With the delete after the answer, the fault's retry depended on which came first: a flake.)"""
    gw = gateway_factory(*filter(None, [fault]), webhook_backoff_scale=SCALE)
    calls: list[str] = []
    endpoint: dict[str, str] = {}

    class DeletingReceiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            calls.append(self.path)
            gw.request("DELETE", f"{API}/{endpoint['id']}")
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), DeletingReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        body = {
            "name": "deleted-on-arrival", "url": f"http://127.0.0.1:{server.server_port}/in",
            "events": ["async_job.completed"], "allow_private_network": True,
            "retry_backoff_initial_seconds": 30, "max_retries": 3,
        }  # fmt: skip
        created = gw.post(API, json=body)
        assert created.status_code == 201, created.text
        endpoint["id"] = created.json()["endpoint"]["id"]
        gw.submit_ok("chat_completion", {HEADER: "deleted-on-arrival"})
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and len(calls) < 2:
            time.sleep(0.05)
    finally:
        server.shutdown()
    assert len(calls) == (2 if fault else 1), calls


WEBHOOK_FAULTS = sorted(name for name in FAULTS if name.startswith("webhook-"))


def test_every_webhook_fault_has_a_check() -> None:
    assert sorted(CHECKS) == WEBHOOK_FAULTS


@pytest.mark.slow  # the webhook faults one by one, each waiting out deliveries: ~25 s in all
@pytest.mark.parametrize("name", WEBHOOK_FAULTS)
def test_webhook_fault_is_caught_by_its_check(
    name: str, gateway_factory: GatewayFactory, receiver: Receiver
) -> None:
    CHECKS[name](gateway_factory(webhook_backoff_scale=SCALE), receiver)
    faulty = gateway_factory(name, webhook_backoff_scale=SCALE)
    with pytest.raises(CAUGHT):
        CHECKS[name](faulty, receiver)
