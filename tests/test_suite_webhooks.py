"""The webhook suite: its Python helpers on their own, then real Robot runs against the fake gateway.

Robot runs read `output.xml` back with robot.api.ExecutionResult. The runs use plain `robot`
(one process, one receiver); the pabot run of the whole suite is in test_suite_runs.py.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from robot.api import ExecutionResult
from suite_inventory import SuiteTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakegateway.app import build_app  # noqa: E402
from fakegateway.envelope import error_response  # noqa: E402
from fakegateway.gateway import GatewayConfig  # noqa: E402
from fakegateway.server import BackgroundServer  # noqa: E402
from libraries import webhook_checks as wh  # noqa: E402
from libraries.masking import Masker  # noqa: E402
from libraries.webhook_checks import (  # noqa: E402
    check_fresh_timestamp,
    check_headers,
    check_history,
    check_payload,
    check_redacted,
    header_values,
    unwrap_endpoint,
)
from libraries.webhook_receiver import (  # noqa: E402
    Delivery,
    Receiver,
    SecretMasker,
    SignatureError,
    mask_secret,
    sign,
    verify,
)
from variables import load_webhook_config, secret_key  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
FULL_SECRET = re.compile(rb"whsec_[A-Za-z0-9+/]{20,}")


# ---------------------------------------------------------------------- signatures
def test_sign_matches_the_standard_webhooks_example() -> None:
    # The worked example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    verify(secret, headers, body, now=1614265330)


def signed(body: bytes = b'{"event":"async_job.completed"}', secret: str = SECRET) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": timestamp,
        "Webhook-Signature": sign(secret, "msg_1", timestamp, body),
    }


def test_verify_accepts_a_genuine_notification_with_any_header_case() -> None:
    verify(SECRET, signed(), b'{"event":"async_job.completed"}')


def test_verify_accepts_one_matching_signature_among_several() -> None:
    headers = signed()
    headers["Webhook-Signature"] = "v1a,other v1,AAAA " + headers["Webhook-Signature"]
    verify(SECRET, headers, b'{"event":"async_job.completed"}')


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h, b: (h, b + b" "), "does not match"),
        (lambda h, b: (h, b.replace(b"completed", b"failed")), "does not match"),
        (lambda h, b: ({**h, "Webhook-Id": "msg_2"}, b), "does not match"),
        (
            lambda h, b: ({**h, "Webhook-Timestamp": str(int(h["Webhook-Timestamp"]) - 1)}, b),
            "does not match",
        ),
        (lambda h, b: ({**h, "Webhook-Timestamp": str(int(time.time()) - 3600)}, b), "receiver's clock"),
        (lambda h, b: ({**h, "Webhook-Timestamp": str(int(time.time() * 1000))}, b), "receiver's clock"),
        (lambda h, b: ({**h, "Webhook-Timestamp": "soon"}, b), "whole number"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "Webhook-Signature"}, b), "lacks"),
        (lambda h, b: ({**h, "Webhook-Signature": h["Webhook-Signature"].replace("v1,", "v2,")}, b), "no v1"),
    ],
)
def test_verify_refuses_tampering(change: Any, reason: str) -> None:
    headers, body = change(signed(), b'{"event":"async_job.completed"}')
    with pytest.raises(SignatureError, match=reason):
        verify(SECRET, headers, body)


def test_verify_refuses_a_wrong_secret_without_showing_either() -> None:
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(SignatureError) as caught:
        verify(other, signed(), b'{"event":"async_job.completed"}')
    assert SECRET not in str(caught.value) and other not in str(caught.value)


@pytest.mark.parametrize("secret", ["", "sk-bf-abc", "whsec_", "whsec_not base64!"])
def test_unusable_secrets(secret: str) -> None:
    with pytest.raises(ValueError):
        secret_key(secret)


# ---------------------------------------------------------------------- configuration and masking
def test_webhook_config_defaults() -> None:
    cfg = load_webhook_config({})
    assert (cfg.listen_host, cfg.listen_port, cfg.public_url, cfg.endpoint_name) == ("127.0.0.1", 0, "", "")
    assert (cfg.secret_set, cfg.admin_token_set, cfg.quiet, cfg.errors) == (False, False, 8.0, ())
    assert not cfg.predeclared


def test_webhook_config_reads_every_variable() -> None:
    cfg = load_webhook_config(
        {
            "BIFROST_WEBHOOK_LISTEN": "0.0.0.0:8765",
            "BIFROST_WEBHOOK_URL": "http://runner.internal:8765/",
            "BIFROST_WEBHOOK_NAME": "suite",
            "BIFROST_WEBHOOK_SECRET": SECRET,
            "BIFROST_ADMIN_TOKEN": "admin",
            "BIFROST_WEBHOOK_QUIET": "1500ms",
        }
    )
    assert cfg.errors == ()
    assert (cfg.listen_host, cfg.listen_port, cfg.public_url) == (
        "0.0.0.0",
        8765,
        "http://runner.internal:8765",
    )
    assert cfg.predeclared and cfg.secret_set and cfg.admin_token_set and cfg.quiet == 1.5


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BIFROST_WEBHOOK_LISTEN": "nonsense"}, "BIFROST_WEBHOOK_LISTEN='nonsense'"),
        ({"BIFROST_WEBHOOK_LISTEN": "127.0.0.1:70000"}, "BIFROST_WEBHOOK_LISTEN"),
        ({"BIFROST_WEBHOOK_URL": "ftp://x", "BIFROST_WEBHOOK_LISTEN": "127.0.0.1:1"}, "BIFROST_WEBHOOK_URL"),
        ({"BIFROST_WEBHOOK_URL": "http://runner:1"}, "no fixed port"),
        (
            {"BIFROST_WEBHOOK_NAME": "x", "BIFROST_WEBHOOK_LISTEN": "127.0.0.1:1"},
            "BIFROST_WEBHOOK_SECRET is not",
        ),
        ({"BIFROST_WEBHOOK_SECRET": SECRET}, "BIFROST_WEBHOOK_NAME is not"),
        ({"BIFROST_WEBHOOK_NAME": "x", "BIFROST_WEBHOOK_SECRET": SECRET}, "no fixed port"),
        (
            {
                "BIFROST_WEBHOOK_NAME": "x",
                "BIFROST_WEBHOOK_SECRET": "whsec_!!",
                "BIFROST_WEBHOOK_LISTEN": ":1",
            },
            "LISTEN",
        ),
        ({"BIFROST_WEBHOOK_QUIET": "soon"}, "BIFROST_WEBHOOK_QUIET='soon'"),
        ({"BIFROST_WEBHOOK_QUIET": "0s"}, "BIFROST_WEBHOOK_QUIET"),
    ],
)
def test_bad_webhook_configuration_is_named(env: dict[str, str], named: str) -> None:
    errors = load_webhook_config(env).errors
    assert errors and any(named in error for error in errors), errors
    assert not any(SECRET in error or "whsec_!!" in error for error in errors)


def test_masking_hides_every_webhook_secret() -> None:
    masker = SecretMasker(Masker(["sk-bf-0123456789abcdef"]), ["admin-token-0123456789"])
    other = "whsec_" + base64.b64encode(b"y" * 32).decode()
    masker.add(other)
    text = masker(f"a {SECRET} b {other} c sk-bf-0123456789abcdef d admin-token-0123456789 e")
    assert SECRET not in text and other not in text
    assert "sk-bf-0123456789abcdef" not in text and "admin-token-0123456789" not in text
    assert mask_secret(SECRET) in text and "whsec_…" in text and "sk-bf-…cdef" in text
    assert mask_secret(SECRET) == f"whsec_…{SECRET[-4:]}"


def test_a_known_secret_is_masked_url_encoded_too() -> None:
    secret = "whsec_" + base64.b64encode(b"\xfb\xff" * 16).decode()  # has + and /
    masker = SecretMasker(Masker([]))
    masker.add(secret)
    text = masker(f"?secret={quote(secret, safe='')} and {secret}")
    assert quote(secret, safe="") not in text and secret not in text and secret[-4:] in text


def test_the_library_listener_masks_a_secret_the_gateway_created() -> None:
    # RequestsLibrary logs a create answer before any keyword sees the secret: the pattern catches it.
    from libraries.GatewayLibrary import GatewayLibrary

    library = GatewayLibrary()
    created = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    message = SimpleNamespace(message=f'body={{"secret":"{created}"}}')
    library.log_message(message)
    assert created not in message.message and mask_secret(created) in message.message


# ---------------------------------------------------------------------- checks
def delivery(body: dict[str, Any], headers: dict[str, str] | None = None, answered: int = 204) -> Delivery:
    raw = json.dumps(body).encode()
    base = {
        "content-type": "application/json",
        "user-agent": "Bifrost-Webhooks/1.0",
        "x-bifrost-event": body.get("event", ""),
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(time.time())),
    }
    return Delivery(1, "/hooks/x", {**base, **(headers or {})}, raw, answered, time.monotonic(), time.time())


JOB = {
    "id": "job-1",
    "status": "completed",
    "status_code": 200,
    "created_at": "2026-01-01T00:00:00Z",
    "completed_at": "2026-01-01T00:00:01Z",
    "expires_at": "2026-01-01T01:00:01Z",
    "result": {"choices": []},
}
THIN = {
    "event": "async_job.completed",
    "created_at": "2026-01-01T00:00:02Z",
    "data": {
        "job_id": "job-1",
        "request_type": "chat_completion",
        "status": "completed",
        "status_code": 200,
        "created_at": "2026-01-01T00:00:00.000000Z",
        "completed_at": "2026-01-01T00:00:01+00:00",
        "result_url": "/v1/async/chat/completions/job-1",
        "result_expires_at": "2026-01-01T01:00:01Z",
    },
}


def test_a_thin_payload_passes_whatever_the_time_notation() -> None:
    note = delivery(THIN)
    check_headers(note, "async_job.completed")
    check_payload(note, JOB, "async_job.completed")
    check_fresh_timestamp(note)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"event": "async_job.failed"}, "event"),
        ({"data": {**THIN["data"], "job_id": "job-2"}}, "job_id"),
        ({"data": {**THIN["data"], "status": "failed"}}, "status"),
        ({"data": {**THIN["data"], "completed_at": "2026-01-01T00:00:09Z"}}, "completed_at"),
        ({"data": {k: v for k, v in THIN["data"].items() if k != "result_url"}}, "result_url"),
        ({"data": {**THIN["data"], "response": {"choices": []}}}, "thin"),
        ({"data": {}}, "data"),
    ],
)
def test_payload_problems_are_named(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        check_payload(delivery({**THIN, **change}), JOB, "async_job.completed")


def test_optional_fields_may_be_absent_but_a_failed_job_needs_its_status_code() -> None:
    data = {k: v for k, v in THIN["data"].items() if k in ("job_id", "status", "result_url")}
    check_payload(delivery({**THIN, "data": data}), JOB, "async_job.completed")
    failed = {**JOB, "status": "failed", "status_code": 429}
    body = {"event": "async_job.failed", "created_at": "x", "data": {**data, "status": "failed"}}
    with pytest.raises(AssertionError, match="status_code"):
        check_payload(delivery(body), failed, "async_job.failed")


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"content-type": "text/plain"}, "Content-Type"),
        ({"user-agent": "Go-http-client/1.1"}, "User-Agent"),
        ({"x-bifrost-event": "async_job.failed"}, "X-Bifrost-Event"),
    ],
)
def test_header_problems_are_named(headers: dict[str, str], problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        check_headers(delivery(THIN, headers), "async_job.completed")


def test_timestamps_in_milliseconds_are_not_fresh() -> None:
    with pytest.raises(AssertionError, match="Unix seconds"):
        check_fresh_timestamp(delivery(THIN, {"webhook-timestamp": str(int(time.time() * 1000))}))


def row(n: int, outcome: str, status: int, job: str = "job-1", webhook_id: str = "w1") -> dict[str, Any]:
    return {
        "async_job_id": job,
        "attempt_no": n,
        "outcome": outcome,
        "status_code": status,
        "webhook_id": webhook_id,
        "created_at": f"2026-01-01T00:00:0{n}Z",
    }


def test_history_check() -> None:
    rows = [row(2, "delivered", 204), row(1, "retryable_failure", 500), row(1, "delivered", 204, job="job-2")]
    check_history(rows, "job-1", [("retryable_failure", 500), ("delivered", 204)])
    with pytest.raises(AssertionError, match="expected"):
        check_history(rows[:1], "job-1", [("retryable_failure", 500), ("delivered", 204)])
    with pytest.raises(AssertionError, match="webhook ids"):
        check_history(
            [row(1, "retryable_failure", 500), row(2, "delivered", 204, webhook_id="w2")],
            "job-1",
            [("retryable_failure", 500), ("delivered", 204)],
        )


def test_redaction_check_and_endpoint_shapes() -> None:
    shown = {"id": "e1", "headers": {"X-A": {"value": "<REDACTED>"}, "X-B": "<REDACTED>"}}
    assert header_values(shown) == {"X-A": "<REDACTED>", "X-B": "<REDACTED>"}
    check_redacted(shown, SECRET, "GET")
    with pytest.raises(AssertionError, match="X-A"):
        check_redacted({"headers": {"X-A": "clear"}}, SECRET, "GET")
    with pytest.raises(AssertionError, match="secret") as caught:
        check_redacted({"secret": SECRET}, SECRET, "GET")
    assert SECRET not in str(caught.value)
    assert unwrap_endpoint({"endpoint": shown}) == shown == unwrap_endpoint(shown)
    with pytest.raises(AssertionError):
        unwrap_endpoint({"endpoints": []})


def test_endpoint_spec_and_handle() -> None:
    spec = wh.endpoint_spec("n", "http://r/hooks/n", "failed", custom_header=True)
    assert spec["events"] == ["async_job.failed"] and spec["allow_private_network"] is True
    assert spec["headers"]["X-Acceptance-Token"].startswith("token-") and spec["max_retries"] == 3
    assert "allow_private_network" not in wh.endpoint_spec("n", "u", "all", private_network=False)
    with pytest.raises(ValueError, match="unknown events"):
        wh.endpoint_spec("n", "u", "sometimes")
    assert SECRET not in repr(wh.Webhook("n", "/hooks/n", spec, "e1", SECRET))


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (404, None, "no webhook support: GET /api/webhooks answered 404"),
        (401, None, "set BIFROST_ADMIN_TOKEN"),
        (200, None, "not the webhook API"),
        (200, {"endpoints": []}, None),
    ],
)
def test_api_availability(status: int, body: Any, reason: str | None) -> None:
    found = wh.api_unavailable(status, body, "text/html", admin_token_set=False)
    assert found == reason or (reason is not None and found is not None and reason in found)


def test_api_refusing_the_admin_token_fails() -> None:
    with pytest.raises(AssertionError, match="although BIFROST_ADMIN_TOKEN is set"):
        wh.api_unavailable(403, None, "", admin_token_set=True)


def test_secrets_and_shown_endpoints() -> None:
    assert wh.new_secret({"secret": SECRET}, "POST") == SECRET
    with pytest.raises(AssertionError, match="without a whsec_ secret"):
        wh.new_secret({"secret": "plain"}, "POST")
    with pytest.raises(AssertionError, match="same secret"):
        wh.new_secret({"secret": SECRET}, "rotate", SECRET)
    listed = {"endpoints": [{"id": "a", "name": "run-1"}, {"id": "b", "name": "other"}]}
    assert wh.shown_endpoint(listed, "a", "GET") == {"id": "a", "name": "run-1"}
    assert wh.shown_endpoint({"endpoint": {"id": "a"}}, "a", "GET") == {"id": "a"}
    with pytest.raises(AssertionError, match="does not list"):
        wh.shown_endpoint(listed, "c", "GET")
    assert wh.ids_named(listed, "run-") == ["a"] and wh.ids_named(None, "run-") == []


def test_tampering_is_refused_five_ways() -> None:
    body = json.dumps(THIN).encode()
    headers = {name.lower(): value for name, value in signed(body).items()}
    note = Delivery(1, "/hooks/x", headers, body, 204, 0.0, time.time())
    assert len(wh.tampering_refusals(note, SECRET)) == 5
    wh.check_signed(note, SECRET)
    with pytest.raises(AssertionError, match="still signed"):
        wh.check_not_signed_with(note, [SECRET])
    wh.check_not_signed_with(note, ["whsec_" + base64.b64encode(b"z" * 32).decode()])


def test_notification_checks_name_the_problem() -> None:
    note = delivery(THIN)
    assert wh.result_path(note, "http://gw") == "/v1/async/chat/completions/job-1"
    on_base = delivery({**THIN, "data": {**THIN["data"], "result_url": "http://gw/v1/async/x/job-1?a=1"}})
    assert wh.result_path(on_base, "http://gw", fetch=True) == "/v1/async/x/job-1?a=1"  # the query is sent
    elsewhere = delivery({**THIN, "data": {**THIN["data"], "result_url": "https://public.example/v1/x"}})
    with pytest.raises(AssertionError, match="is neither relative nor on http://gw"):
        wh.result_path(elsewhere, "http://gw", fetch=True)
    with pytest.raises(AssertionError, match=r"data\.response"):
        wh.check_inlined(delivery({**THIN, "data": {**THIN["data"], "response": {}}}), JOB)
    failed = {"event": "async_job.failed", "created_at": "x", "data": {**THIN["data"], "status": "failed"}}
    assert wh.check_failed(delivery(failed), {**JOB, "status": "failed"}, 200) == 200
    with pytest.raises(AssertionError, match="expected 429"):
        wh.check_failed(delivery(failed), {**JOB, "status": "failed"}, 429)


@pytest.mark.parametrize(
    "url",
    [
        "/v1/async/responses/job-1",
        "http://gw/v1/async/responses/job-1",
        "http://gw/v1/async/responses/job-1?x=1",
        "https://public.example/v1/async/responses/job-1",
    ],
)
def test_a_result_url_is_compared_by_its_path(url: str) -> None:
    note = delivery({**THIN, "data": {**THIN["data"], "result_url": url}})
    assert wh.result_path(note, "http://gw") == "/v1/async/responses/job-1"


def test_a_result_url_on_a_base_url_with_a_prefix_is_compared_after_it() -> None:
    url = "http://gw/bifrost/v1/async/responses/job-1"
    note = delivery({**THIN, "data": {**THIN["data"], "result_url": url}})
    assert wh.result_path(note, "http://gw/bifrost") == "/v1/async/responses/job-1"


@pytest.mark.parametrize(
    "url", ["/v1/async/chat/completions/job-1", "/v1/async/responses/job-2", "http://gw/v1/async/jobs/job-1"]
)
def test_a_result_url_that_is_not_the_poll_path_is_told_apart(url: str) -> None:
    note = delivery({**THIN, "data": {**THIN["data"], "result_url": url}})
    assert wh.result_path(note, "http://gw") != "/v1/async/responses/job-1"


@pytest.mark.parametrize("url", ["", None])
def test_a_missing_result_url_fails(url: str | None) -> None:
    note = delivery({**THIN, "data": {**THIN["data"], "result_url": url}})
    with pytest.raises(AssertionError, match="result_url is missing"):
        wh.result_path(note, "http://gw")


def test_attempt_and_job_counts() -> None:
    one, two = delivery(THIN), delivery(THIN, {"webhook-id": "msg_2"})
    with pytest.raises(AssertionError, match="more than one"):
        wh.check_one_each([one, two], {"job-1"})
    with pytest.raises(AssertionError, match="got no notification"):
        wh.check_one_each([one], {"job-1", "job-2"})
    rows = [row(2, "delivered", 204), row(1, "retryable_failure", 500), row(1, "delivered", 204, job="job-2")]
    assert [r["attempt_no"] for r in wh.history_rows({"deliveries": rows}, "job-1")] == [1, 2]


# ---------------------------------------------------------------------- the receiver
def test_the_receiver_records_answers_by_script_and_waits() -> None:
    import requests

    receiver = Receiver()
    receiver.start()
    try:
        receiver.answer("/hooks/a", 500, 404)
        statuses = [
            requests.post(receiver.url + path, json={"data": {"job_id": "j"}}, timeout=5).status_code
            for path in ("/hooks/a", "/hooks/a", "/hooks/a", "/hooks/b?x=1")
        ]
        assert statuses == [500, 404, 204, 204]
        got, reached = receiver.wait_for(lambda d: d.job_id == "j", 4, 1.0)
        assert reached and [d.answered for d in got] == statuses
        assert got[3].path == "/hooks/b?x=1" and got[0].headers["content-type"] == "application/json"
        started = time.monotonic()
        assert len(receiver.watch_quietly(lambda d: True, 4, time.monotonic() + 0.2)) == 4
        assert time.monotonic() - started >= 0.2
        _, reached = receiver.wait_for(lambda d: d.job_id == "other", 1, 0.1)
        assert not reached
        assert requests.get(receiver.url, timeout=5).status_code == 405
    finally:
        receiver.stop()
    assert not receiver.running


# ---------------------------------------------------------------------- Robot runs
def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIFROST_", "ASYNC_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def robot_command(outdir: Path, *options: str) -> list[str]:
    return [
        sys.executable, "-m", "robot", "--argumentfile", "robot.args", "--outputdir", str(outdir),
        "--console", "dotted", "--include", "webhooks", *options, "suites",
    ]  # fmt: skip


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def statuses(outdir: Path) -> dict[str, tuple[str, str]]:
    result = ExecutionResult(str(outdir / "output.xml"))
    return {t.name: (t.status, t.message) for t in result.suite.all_tests}


def no_secret_in(outdir: Path, console: str) -> None:
    leaks = [p.name for p in outdir.rglob("*") if p.is_file() and FULL_SECRET.search(p.read_bytes())]
    assert not leaks, f"webhook secrets in clear in {leaks}"
    assert not FULL_SECRET.search(console.encode())


def webhook_tests(suite_tests: list[SuiteTest]) -> set[str]:
    """The names of the tests tagged webhooks (the dry run's view of the suite)."""
    return {t.name for t in suite_tests if "webhooks" in t.tags}


def api_tests(suite_tests: list[SuiteTest]) -> set[str]:
    """The webhook tests tagged webhooks-api: they need endpoints of their own."""
    return {t.name for t in suite_tests if {"webhooks", "webhooks-api"} <= t.tags}


def test_the_webhook_suite_passes_against_the_fake(tmp_path: Path, suite_tests: list[SuiteTest]) -> None:
    fake = [sys.executable, "-m", "fakegateway", "run", "--"]
    done = run([*fake, *robot_command(tmp_path)], clean_env())
    tests = statuses(tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert set(tests) == webhook_tests(suite_tests)
    assert {status for status, _ in tests.values()} == {"PASS"}, tests
    output = (tmp_path / "output.xml").read_text(encoding="utf-8")
    assert "whsec_…" in output, "secrets should show masked"
    no_secret_in(tmp_path, done.stdout + done.stderr)


def test_with_a_declared_endpoint_the_api_tests_skip(tmp_path: Path, suite_tests: list[SuiteTest]) -> None:
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    port = free_port()
    fake = [
        sys.executable,
        "-m",
        "fakegateway",
        "run",
        "--webhook",
        f"suite=http://127.0.0.1:{port}/in,secret={secret}",
    ]
    done = run([*fake, "--", *robot_command(tmp_path)], clean_env())
    tests = statuses(tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    skipped = {name for name, (status, _) in tests.items() if status == "SKIP"}
    passed = {name for name, (status, _) in tests.items() if status == "PASS"}
    assert skipped == api_tests(suite_tests), tests
    assert passed == webhook_tests(suite_tests) - api_tests(suite_tests), tests
    assert all("BIFROST_WEBHOOK_NAME is set" in tests[name][1] for name in skipped)
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or secret.encode() not in path.read_bytes(), path
    assert secret not in done.stdout + done.stderr


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gateway_without_webhooks() -> Iterator[str]:
    """A fake gateway whose /api/webhooks answers 404 Route not found, like an older Bifrost."""
    app = build_app(GatewayConfig())

    @web.middleware
    async def older_build(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/api/webhooks"):
            from fakegateway.faults import Faults

            return error_response(404, f"Route not found: {request.path}", Faults())
        return await handler(request)  # type: ignore[no-any-return]

    app.middlewares.append(older_build)
    server = BackgroundServer(app)
    url = server.start()
    yield url
    server.stop()


def test_without_webhook_support_every_webhook_test_skips(
    tmp_path: Path, gateway_without_webhooks: str, suite_tests: list[SuiteTest]
) -> None:
    done = run(robot_command(tmp_path), clean_env(BIFROST_BASE_URL=gateway_without_webhooks))
    tests = statuses(tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert set(tests) == webhook_tests(suite_tests)
    for name, (status, message) in tests.items():
        assert status == "SKIP", (name, status, message)
        assert "no webhook support: GET /api/webhooks answered 404" in message, message


@pytest.mark.slow
def test_every_endpoint_the_run_created_is_deleted_once_it_ends(tmp_path: Path) -> None:
    """The top setup prepares the webhooks for the whole process (its jobs start early), so the endpoints
    outlive each webhook suite and the top teardown deletes them: none is left behind."""
    server = BackgroundServer(build_app(GatewayConfig(webhook_backoff_scale=0.1)))
    url = server.start()
    try:
        selection = ["--include", "webhooksANDextended", "--include", "webhooks-api"]
        settings = clean_env(BIFROST_BASE_URL=url, BIFROST_WEBHOOK_QUIET="1s")
        done = run(robot_command(tmp_path, *selection), settings)
        tests = statuses(tmp_path)
        assert done.returncode == 0, done.stdout[-3000:]
        assert "FAIL" not in {status for status, _ in tests.values()}, tests  # no keys: key tests skip
        with urllib.request.urlopen(f"{url}/api/webhooks?search=acceptance-&limit=100") as answer:
            left = [endpoint["name"] for endpoint in json.load(answer)["endpoints"]]
    finally:
        server.stop()
    assert left == [], f"endpoints left behind by the run: {left}"
