"""Unit tests of the suite's Python side: settings (variables.py), masking, keys, envelopes, polling,
fixtures and the RequestsLibrary arguments built from them."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import variables  # noqa: E402
from libraries import endpoints, envelope, keys, polling, replay  # noqa: E402
from libraries.core import GatewayError  # noqa: E402
from libraries.masking import Masker, mask_value  # noqa: E402
from variables import ENDPOINT_NAMES, Config, as_text, load_config, parse_duration, settings  # noqa: E402

POLL_URL = "http://gw/v1/async/x/1"


def response(status: int, body: bytes, content_type: str = "application/json", at: float = 0.0) -> Any:
    answer = requests.Response()
    answer.status_code = status
    answer._content = body
    if content_type:
        answer.headers["Content-Type"] = content_type
    answer.request = requests.Request("GET", POLL_URL).prepare()
    if at:
        answer.received_at = at  # type: ignore[attr-defined]
    return answer


# ---------------------------------------------------------------------- durations
@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("30s", 30),
        ("1m30s", 90),
        ("2h", 7200),
        ("1.5s", 1.5),
        ("15", 15),
        ("0.25", 0.25),
        (" 2s ", 2),
        ("1500us", 0.0015),
        ("3µs", 3e-6),
        ("250ns", 2.5e-7),
        ("1h0m0.5s", 3600.5),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "  ", "abc", "5 s", "1m30", "s", "1d", "-1s", "1s 2s"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


# ---------------------------------------------------------------------- settings
def test_defaults_match_upstream() -> None:
    cfg = load_config({})
    assert cfg.errors == () and cfg.unusable == {}
    assert cfg.base_url == "http://localhost:8080"
    assert (cfg.poll_timeout, cfg.poll_interval, cfg.http_timeout) == (30, 0.5, 15)
    assert (cfg.default_ttl, cfg.expiry_ttl) == (3600, 10)
    assert cfg.integration_path == "/openai/v1/responses"
    assert cfg.anthropic_path == "/anthropic/v1/messages"
    assert cfg.anthropic_model == "anthropic/claude-3-5-haiku-latest"
    assert cfg.integration_model == cfg.model("responses") == "openai/gpt-4o-mini"
    assert cfg.model("rerank") == "cohere/rerank-english-v3.0"
    assert cfg.endpoints == ENDPOINT_NAMES and len(ENDPOINT_NAMES) == 11
    assert cfg.failing_status is None and cfg.failing_model == cfg.slow_model == ""
    assert not (cfg.vk_set or cfg.alt_vk_set or cfg.setup_token_set or cfg.require_gateway)


def test_every_model_variable_is_read() -> None:
    environ = {name: f"test/{endpoint}" for endpoint, (name, _) in variables.MODEL_VARIABLES.items()}
    cfg = load_config(environ)
    assert set(variables.MODEL_VARIABLES) == set(ENDPOINT_NAMES)
    assert all(cfg.model(endpoint) == f"test/{endpoint}" for endpoint in ENDPOINT_NAMES)


def test_integration_model_follows_the_responses_model() -> None:
    cfg = load_config({"ASYNC_RESPONSES_MODEL": "openai/other", "BIFROST_BASE_URL": "https://gw.example/"})
    assert cfg.integration_model == "openai/other"
    assert cfg.base_url == "https://gw.example"


def test_endpoint_list_keeps_catalogue_order() -> None:
    cfg = load_config({"ASYNC_ENDPOINTS": " OCR , chat-completions,"})
    assert cfg.endpoints == ("chat-completions", "ocr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("TRUE", True), ("yes", True), ("on", True), ("0", False), ("off", False), ("", False)],
)
def test_flags(text: str, expected: bool) -> None:
    cfg = load_config({"BIFROST_REQUIRE_GATEWAY": text})
    assert cfg.require_gateway is expected and cfg.errors == ()


def test_secrets_are_only_noted_as_set() -> None:
    cfg = load_config({"BIFROST_VK": "k1", "BIFROST_ALT_VK": "k2", "BIFROST_SETUP_TOKEN": "t"})
    assert (cfg.vk_set, cfg.alt_vk_set, cfg.setup_token_set) == (True, True, True)
    assert "k1" not in repr(cfg) and "k2" not in repr(cfg)


def test_a_failing_status_and_whole_second_ttls_are_accepted() -> None:
    cfg = load_config({"ASYNC_FAILING_STATUS": "503", "BIFROST_DEFAULT_TTL": "2m", "ASYNC_EXPIRY_TTL": "5"})
    assert (cfg.failing_status, cfg.default_ttl, cfg.expiry_ttl) == (503, 120, 5)
    assert load_config({"ASYNC_FAILING_STATUS": "None"}).failing_status is None


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("BIFROST_BASE_URL", "localhost:8080", "is not an http(s) URL such as http://localhost:8080"),
        ("BIFROST_BASE_URL", "ftp://gw", "is not an http(s) URL"),
        ("BIFROST_BASE_URL", "http://", "is not an http(s) URL"),
        ("BIFROST_POLL_TIMEOUT", "soon", "is not a duration (use Go syntax such as 500ms, 30s or 1m30s)"),
        ("BIFROST_POLL_INTERVAL", "0s", "must be a positive duration"),
        ("BIFROST_HTTP_TIMEOUT", "-5", "must be a positive duration"),
        ("BIFROST_DEFAULT_TTL", "1.5s", "must be a whole number of seconds (the TTL header is)"),
        ("ASYNC_EXPIRY_TTL", "500ms", "must be a whole number of seconds"),
        ("ASYNC_EXPIRY_TTL", "ten", "is not a duration"),
        ("BIFROST_REQUIRE_GATEWAY", "maybe", "is not a boolean (use 1/0, true/false, yes/no)"),
        ("BIFROST_INTEGRATION_PATH", "openai/v1/responses", "must be a path starting with '/'"),
        ("BIFROST_ANTHROPIC_PATH", "anthropic", "must be a path starting with '/'"),
        ("ASYNC_FAILING_STATUS", "99", "is not an HTTP status code (100-599)"),
        ("ASYNC_FAILING_STATUS", "600", "is not an HTTP status code"),
        ("ASYNC_FAILING_STATUS", "5xx", "is not an HTTP status code"),
        ("ASYNC_ENDPOINTS", "chat,ocr,foo", "names unknown endpoint(s) chat, foo; known: text-completions,"),
        ("ASYNC_ENDPOINTS", " , ", "names unknown endpoint(s) (none given)"),
    ],
)
def test_each_bad_value_is_named_and_kept_as_given(name: str, raw: str, message: str) -> None:
    cfg = load_config({name: f" {raw} "})
    assert len(cfg.errors) == 1
    assert cfg.errors[0].startswith(f"{name}={raw.strip()!r} ") and message in cfg.errors[0]
    # The setting itself falls back to its default; the text is exported as given for the report.
    assert cfg.unusable == {name: raw.strip()}
    defaults = load_config({})
    field = {
        "BIFROST_BASE_URL": "base_url",
        "BIFROST_POLL_TIMEOUT": "poll_timeout",
        "BIFROST_POLL_INTERVAL": "poll_interval",
        "BIFROST_HTTP_TIMEOUT": "http_timeout",
        "BIFROST_DEFAULT_TTL": "default_ttl",
        "ASYNC_EXPIRY_TTL": "expiry_ttl",
        "BIFROST_REQUIRE_GATEWAY": "require_gateway",
        "BIFROST_INTEGRATION_PATH": "integration_path",
        "BIFROST_ANTHROPIC_PATH": "anthropic_path",
        "ASYNC_FAILING_STATUS": "failing_status",
        "ASYNC_ENDPOINTS": "endpoints",
    }[name]
    assert getattr(cfg, field) == getattr(defaults, field)
    assert settings(cfg)[name] == raw.strip()


def test_all_bad_values_are_reported_together() -> None:
    cfg = load_config({"BIFROST_POLL_TIMEOUT": "x", "BIFROST_HTTP_TIMEOUT": "y", "ASYNC_FAILING_STATUS": "1"})
    assert [error.split("=")[0] for error in cfg.errors] == [
        "BIFROST_POLL_TIMEOUT",
        "BIFROST_HTTP_TIMEOUT",
        "ASYNC_FAILING_STATUS",
    ]
    assert set(cfg.unusable) == {"BIFROST_POLL_TIMEOUT", "BIFROST_HTTP_TIMEOUT", "ASYNC_FAILING_STATUS"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"BIFROST_ALT_VK": "sk-bf-alternate-value-1"},
            "BIFROST_ALT_VK is set but BIFROST_VK is not (set both, or only BIFROST_VK)",
        ),
        (
            {"BIFROST_VK": "sk-bf-same-value-1", "BIFROST_ALT_VK": "sk-bf-same-value-1"},
            "BIFROST_ALT_VK must be a different virtual key from BIFROST_VK (both are equal)",
        ),
    ],
)
def test_key_pair_errors_name_variables_but_never_values(environ: dict[str, str], message: str) -> None:
    cfg = load_config(environ)
    assert cfg.errors == (message,)
    assert cfg.unusable == {}  # a secret is never exported, not even as an unusable value
    assert all(value not in repr(cfg) for value in environ.values())


def test_errors_name_variables_but_never_key_values() -> None:
    key = "sk-bf-secret-value-123456"
    cfg = load_config({"BIFROST_VK": key, "BIFROST_ALT_VK": key, "BIFROST_POLL_INTERVAL": "fast"})
    assert len(cfg.errors) == 2
    assert all(key not in error for error in cfg.errors)
    assert any("BIFROST_POLL_INTERVAL='fast'" in error for error in cfg.errors)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("BIFROST_DEFAULT_TTL", "inf"),
        ("BIFROST_DEFAULT_TTL", "nan"),
        ("ASYNC_FAILING_STATUS", "²"),
        ("BIFROST_POLL_TIMEOUT", "inf"),
        ("BIFROST_POLL_TIMEOUT", "nan"),
    ],
)
def test_non_finite_or_odd_numbers_are_reported_not_raised(name: str, raw: str) -> None:
    cfg = load_config({name: raw})
    assert cfg.unusable == {name: raw}


def test_settings_round_trip_through_their_text() -> None:
    environ = {
        "BIFROST_BASE_URL": "https://gw.example:8443/",
        "BIFROST_POLL_TIMEOUT": "1m30s",
        "BIFROST_POLL_INTERVAL": "250ms",
        "BIFROST_HTTP_TIMEOUT": "7",
        "BIFROST_DEFAULT_TTL": "2m",
        "ASYNC_EXPIRY_TTL": "4s",
        "BIFROST_REQUIRE_GATEWAY": "yes",
        "BIFROST_INTEGRATION_PATH": "/custom/v1/responses",
        "BIFROST_INTEGRATION_MODEL": "openai/integration",
        "BIFROST_ANTHROPIC_PATH": "/claude/v1/messages",
        "BIFROST_ANTHROPIC_MODEL": "anthropic/other",
        "ASYNC_OCR_IMAGE_URL": "https://img.example/a.png",
        "ASYNC_ENDPOINTS": "ocr,chat-completions",
        "ASYNC_FAILING_MODEL": "openai/nope",
        "ASYNC_FAILING_STATUS": "503",
        "ASYNC_SLOW_MODEL": "openai/slow",
        "ASYNC_RERANK_MODEL": "cohere/other",
    }
    for cfg in (load_config({}), load_config(environ)):
        assert cfg.errors == ()
        text = {name: as_text(value) for name, value in settings(cfg).items()}
        assert load_config(text) == cfg


def test_unusable_values_round_trip_with_their_errors() -> None:
    cfg = load_config(
        {"BIFROST_POLL_TIMEOUT": "soon", "ASYNC_ENDPOINTS": "nope", "ASYNC_FAILING_STATUS": "1"}
    )
    again = load_config({name: as_text(value) for name, value in settings(cfg).items()})
    assert again == cfg and len(again.errors) == 3


def test_settings_name_every_setting_and_no_secret() -> None:
    names = set(settings(load_config({})))
    assert {name for name, _ in variables.MODEL_VARIABLES.values()} <= names
    assert names.isdisjoint(variables.SECRET_VARIABLES)
    # Config() (no environment read) names the same variables: the library asks Robot for these.
    assert set(settings(Config())) == names


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "True"),
        (30.0, "30.0"),
        (3600, "3600"),
        (["a", "b"], "a,b"),
        (("c",), "c"),
        ("x", "x"),
    ],
)
def test_robot_values_as_environment_text(value: object, text: str) -> None:
    assert as_text(value) == text


def test_variables_file_exports_no_key_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIFROST_VK", "sk-bf-primary-value-0001")
    monkeypatch.setenv("BIFROST_ALT_VK", "sk-bf-alternate-value-0002")
    monkeypatch.delenv("BIFROST_WEBHOOK_SECRET", raising=False)
    exported = variables.get_variables()
    assert exported["BIFROST_VK_SET"] is True and exported["BIFROST_ALT_VK_SET"] is True
    assert exported["BIFROST_WEBHOOK_SECRET_SET"] is False
    assert "sk-bf-" not in repr(exported)
    assert not set(exported) & set(variables.SECRET_VARIABLES)


def test_variables_file_exports_unusable_values_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in settings(Config()):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIFROST_POLL_TIMEOUT", "soon")
    monkeypatch.delenv("BIFROST_WEBHOOK_LISTEN", raising=False)
    exported = variables.get_variables()
    assert exported["BIFROST_POLL_TIMEOUT"] == "soon"
    assert exported["BIFROST_WEBHOOK_LISTEN"] == "127.0.0.1:0"
    assert exported["TEST_TIMEOUT"] == "260 seconds"  # from the defaults the bad value falls back to


def test_test_timeout_covers_the_longest_wait() -> None:
    cfg = replace(load_config({}), poll_timeout=10, expiry_ttl=5, http_timeout=2)
    assert variables.test_timeout(cfg) == 2 * 10 + 5 + 10 + 8 * 2 + 60


# ---------------------------------------------------------------------- masking and keys
@pytest.mark.parametrize(
    ("secret", "masked"),
    [
        ("sk-bf-0123456789abcdef", "sk-bf-…cdef"),
        ("SK-BF-0123456789abcdef", "SK-BF-…cdef"),
        ("plain-virtual-key-wxyz", "…wxyz"),
        ("short", "…"),
        ("sk-bf-abc", "sk-bf-…"),
    ],
)
def test_mask_value(secret: str, masked: str) -> None:
    assert mask_value(secret) == masked
    assert secret not in Masker([secret])(f"key={secret}!")


def test_masker_replaces_url_encoded_and_longest_first() -> None:
    masker = Masker(["sk-bf-abc/def+ghi0000", "sk-bf-abc/def+ghi0000-longer"])
    text = masker("a sk-bf-abc/def+ghi0000-longer b sk-bf-abc%2Fdef%2Bghi0000")
    assert text == "a sk-bf-…nger b sk-bf-…0000"
    assert Masker(["", ""])("a b") == "a b"  # an empty value is no secret


def test_key_headers_per_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIFROST_VK", "sk-bf-primary-0001")
    assert keys.key_headers("with-vk") == {"x-bf-vk": "sk-bf-primary-0001"}
    assert keys.key_headers("primary", "bearer") == {"Authorization": "Bearer sk-bf-primary-0001"}
    assert keys.key_headers("primary", "x-goog-api-key") == {"x-goog-api-key": "sk-bf-primary-0001"}
    assert keys.key_headers("global") == {}
    assert keys.key_headers("unknown") == {"x-bf-vk": keys.UNKNOWN_KEY}
    with pytest.raises(ValueError, match="unknown key role"):
        keys.key_headers("secondary")
    with pytest.raises(ValueError, match="unknown key format"):
        keys.key_headers("primary", "cookie")


def test_key_formats_skip_without_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    from robot.api import SkipExecution

    monkeypatch.setenv("BIFROST_VK", "plain-key-0001")
    monkeypatch.delenv("BIFROST_ALT_VK", raising=False)
    assert keys.key_headers("primary") == {"x-bf-vk": "plain-key-0001"}
    with pytest.raises(SkipExecution, match="lacks the sk-bf- prefix"):
        keys.key_headers("primary", "x-api-key")
    with pytest.raises(SkipExecution, match="BIFROST_ALT_VK is not set"):
        keys.key_headers("alternate")


# ---------------------------------------------------------------------- envelopes
def test_times_parse_with_any_offset_and_precision() -> None:
    a = envelope.parse_time("2026-01-02T03:04:05.123456789Z")
    b = envelope.parse_time("2026-01-02T05:04:05.123456+02:00")
    assert a == b
    with pytest.raises(AssertionError, match="RFC 3339"):
        envelope.parse_time("2026-01-02 03:04")


def test_pending_envelope_checks() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    good = {
        "id": "0b9f4d1e-1c2b-4f3a-9d8e-7a6b5c4d3e2f",
        "status": "pending",
        "created_at": "2026-01-01T00:00:01Z",
    }
    envelope.check_pending_envelope(good, "submit", now)
    with pytest.raises(AssertionError, match="not UUID-shaped"):
        envelope.check_pending_envelope({**good, "id": "0b9f4d1e1c2b4f3a9d8e7a6b5c4d3e2f"}, "submit", now)
    with pytest.raises(AssertionError, match="3600 s old"):
        envelope.check_pending_envelope({**good, "created_at": "2025-12-31T23:00:00Z"}, "submit", now)
    with pytest.raises(AssertionError, match="expires_at should be absent"):
        envelope.check_pending_envelope({**good, "expires_at": "2026-01-01T01:00:00Z"}, "submit", now)


def test_terminal_envelope_and_ttl() -> None:
    done = datetime(2026, 1, 1, tzinfo=UTC)
    job = {
        "id": "j",
        "status": "completed",
        "completed_at": done.isoformat(),
        "expires_at": (done + timedelta(seconds=120)).isoformat(),
        "result": {"choices": [1]},
    }
    envelope.check_terminal_envelope(job, "j", "poll")
    assert envelope.check_ttl(job, [120], 30, "poll") == 120
    with pytest.raises(AssertionError, match="expected 3600 s or 7200 s"):
        envelope.check_ttl(job, [7200, 3600], 60, "poll")
    with pytest.raises(AssertionError, match="non-empty result"):
        envelope.check_terminal_envelope({**job, "result": None}, "j", "poll")
    with pytest.raises(AssertionError, match="non-zero status_code"):
        envelope.check_terminal_envelope(
            {**job, "status": "failed", "error": {}, "status_code": 0}, "j", "poll"
        )


# ---------------------------------------------------------------------- polling
class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def test_delays_start_soon_and_double_up_to_the_interval() -> None:
    waits = polling.delays(0.5)
    assert [next(waits) for _ in range(6)] == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.5, 0.5])
    floor = polling.delays(0.001)
    assert [next(floor), next(floor)] == [polling.FLOOR, polling.FLOOR]


def test_polling_backs_off_and_returns_the_terminal_envelope() -> None:
    clock = FakeClock()
    answers = [(202, b'{"status":"pending"}')] * 2 + [(202, b'{"status":"processing"}')] * 2
    answers.append((200, b'{"status":"completed","result":{}}'))
    seen: list[float] = []

    def poll() -> requests.Response:
        seen.append(clock.now)
        status, body = answers.pop(0)
        return response(status, body, at=clock.now + 0.01)

    journey = polling.Journey("1")
    result, last = polling.wait_until_terminal(
        poll, journey, timeout=30, interval=0.5, clock=clock, sleep=clock.sleep
    )
    assert result == {"status": "completed", "result": {}}
    assert last.status_code == 200 and not answers
    assert seen == pytest.approx([0.05, 0.15, 0.35, 0.75, 1.25])
    assert journey.statuses() == ["pending", "processing", "completed"]
    assert journey.polls[0].status_code == 202 and len(journey.polls) == 5
    assert journey.line() == "pending → processing → completed in 1.26 s (5 polls)"


def test_polling_counts_from_the_submit_and_returns_a_failed_job_whatever_its_status() -> None:
    clock = FakeClock()
    clock.now = 10.0
    failed = response(200, b'{"status":"failed","status_code":500,"error":{"message":"x"}}', at=10.3)
    journey = polling.Journey("1", started=9.8)
    result, _ = polling.wait_until_terminal(
        lambda: failed, journey, timeout=5, interval=0.5, clock=clock, sleep=clock.sleep
    )
    assert result["status"] == "failed"
    assert journey.line() == "pending → failed in 0.50 s (1 poll)"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (response(200, b'{"status":"pending"}'), "answered 200 for a pending job, expected 202"),
        (response(404, b'{"error":{"message":"job not found"}}'), "answered 404 with no job status"),
        (response(202, b'{"status":"queued"}'), "answered 202 with status 'queued'"),
        (response(200, b"<!doctype html><html></html>", ""), "200 with HTML instead of JSON"),
        (response(502, b"<html>bad gateway</html>", "text/html"), "502 with text/html instead of JSON"),
        (response(202, b'{"status":"pend'), "not valid JSON"),
        (response(202, b""), "an empty body"),
        (response(200, b'["completed"]'), "JSON list instead of an object"),
    ],
)
def test_polling_fails_at_once_on_a_wrong_answer(answer: requests.Response, message: str) -> None:
    clock = FakeClock()
    with pytest.raises(GatewayError, match=message) as failure:
        polling.wait_until_terminal(
            lambda: answer, polling.Journey("1"), timeout=30, interval=0.5, clock=clock, sleep=clock.sleep
        )
    assert "GET /v1/async/x/1" in str(failure.value)
    assert clock.now < 0.1


def test_polling_times_out_with_the_history() -> None:
    clock = FakeClock()
    answers = [response(202, b'{"status":"pending"}')] + [response(202, b'{"status":"processing"}')] * 50
    with pytest.raises(
        GatewayError, match=r"job 1 not terminal after 2 s \(BIFROST_POLL_TIMEOUT\): pending → processing"
    ):
        polling.wait_until_terminal(
            lambda: answers.pop(0),
            polling.Journey("1"),
            timeout=2,
            interval=0.5,
            clock=clock,
            sleep=clock.sleep,
        )
    assert clock.now == pytest.approx(2.0)


# ---------------------------------------------------------------------- fixtures and request arguments
def test_png_is_256_square_rgba() -> None:
    png = endpoints.white_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png[16:26] == (256).to_bytes(4, "big") + (256).to_bytes(4, "big") + bytes([8, 6])


def test_every_endpoint_has_its_fixture() -> None:
    cfg = load_config({})
    for name in ENDPOINT_NAMES:
        payload = endpoints.payload(name, "default", cfg)
        assert (payload.fields is not None) == bool(endpoints.endpoint(name).file)
    assert endpoints.payload("speech", "stream", cfg).json == {
        "model": "openai/tts-1",
        "input": "Hello",
        "voice": "alloy",
        "stream_format": "sse",
    }
    assert "model" not in (endpoints.payload("rerank", "missing-model", cfg).json or {})
    assert endpoints.payload("chat-completions", "default", cfg, model="openai/x").json["model"] == "openai/x"  # type: ignore[index]
    with pytest.raises(ValueError, match="unknown endpoint"):
        endpoints.endpoint("chat")
    with pytest.raises(ValueError, match="unknown payload variant"):
        endpoints.payload("ocr", "huge", cfg)
    with pytest.raises(ValueError, match="takes multipart"):
        endpoints.payload("transcriptions", "malformed-json", cfg)


def test_request_arguments_for_a_json_body() -> None:
    body = endpoints.payload("chat-completions", "default", load_config({}))
    arguments = endpoints.request_arguments(body)
    assert arguments == {"json": body.json}
    prepared = requests.Request("POST", "http://gw/v1/async/chat/completions", **arguments).prepare()
    assert prepared.headers["Content-Type"] == "application/json"
    assert json.loads(prepared.body or b"") == body.json


def test_request_arguments_for_a_raw_body_carry_its_content_type() -> None:
    arguments = endpoints.request_arguments(endpoints.payload("chat-completions", "malformed-json", Config()))
    assert arguments == {"data": b"{invalid json", "headers": {"Content-Type": "application/json"}}


def test_request_arguments_for_multipart_send_fields_as_parts_without_a_filename() -> None:
    cfg = load_config({})
    arguments = endpoints.request_arguments(endpoints.payload("image-edits", "default", cfg))
    assert arguments == {
        "files": {
            "model": (None, "openai/dall-e-2"),
            "prompt": (None, "Make it blue"),
            "n": (None, "1"),
            "size": (None, "256x256"),
            "image": ("image.png", endpoints.white_png(), "image/png"),
        }
    }
    # Without a file the form is still multipart, as the gateway's multipart routes expect.
    fields_only = endpoints.request_arguments(endpoints.payload("transcriptions", "missing-file", cfg))
    assert fields_only == {"files": {"model": (None, "openai/whisper-1")}}
    prepared = requests.Request("POST", "http://gw/x", **fields_only).prepare()
    assert str(prepared.headers["Content-Type"]).startswith("multipart/form-data; boundary=")
    assert b'name="model"\r\n\r\nopenai/whisper-1' in (prepared.body or b"")


def test_a_multipart_request_replays_as_curl_form_options(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-bf-primary-0001"
    monkeypatch.setenv("BIFROST_VK", key)
    arguments = endpoints.request_arguments(endpoints.payload("transcriptions", "default", load_config({})))
    prepared = requests.Request(
        "POST",
        "http://gw/v1/async/audio/transcriptions",
        headers=keys.key_headers("primary", "bearer"),
        **arguments,
    ).prepare()
    command = replay.curl_arguments(prepared, keys.placeholders(), "")
    assert key not in command
    assert "-H 'Authorization: Bearer '\"$BIFROST_VK\"" in command
    assert "--form-string model=openai/whisper-1" in command
    assert "-F 'file=@sample.mp3;type=audio/mpeg'" in command
    assert "Content-Type" not in command  # curl writes its own multipart boundary
