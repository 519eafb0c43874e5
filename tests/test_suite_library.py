"""Unit tests of the suite's Python side: configuration, masking, keys, envelopes, polling, curl."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from libraries import endpoints, envelope, keys, polling  # noqa: E402
from libraries.config import ENDPOINT_NAMES, load_config, parse_duration  # noqa: E402
from libraries.masking import Masker, mask_value  # noqa: E402
from libraries.transport import Exchange, GatewayError, curl_command, render_response  # noqa: E402


# ---------------------------------------------------------------------- configuration
@pytest.mark.parametrize(
    ("text", "seconds"),
    [("500ms", 0.5), ("30s", 30), ("1m30s", 90), ("2h", 7200), ("1.5s", 1.5), ("15", 15), ("0.25", 0.25)],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "5 s", "1m30", "s", "1d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_defaults_match_upstream() -> None:
    cfg = load_config({})
    assert cfg.errors == ()
    assert cfg.base_url == "http://localhost:8080"
    assert (cfg.poll_timeout, cfg.poll_interval, cfg.http_timeout) == (30, 0.5, 15)
    assert (cfg.default_ttl, cfg.expiry_ttl) == (3600, 10)
    assert cfg.integration_path == "/openai/v1/responses"
    assert cfg.integration_model == cfg.model("responses") == "openai/gpt-4o-mini"
    assert cfg.model("rerank") == "cohere/rerank-english-v3.0"
    assert cfg.endpoints == ENDPOINT_NAMES and len(ENDPOINT_NAMES) == 11
    assert not (cfg.vk_set or cfg.alt_vk_set or cfg.require_gateway)


def test_integration_model_follows_the_responses_model() -> None:
    cfg = load_config({"ASYNC_RESPONSES_MODEL": "openai/other", "BIFROST_BASE_URL": "https://gw.example/"})
    assert cfg.integration_model == "openai/other"
    assert cfg.base_url == "https://gw.example"


def test_endpoint_list_keeps_catalogue_order() -> None:
    cfg = load_config({"ASYNC_ENDPOINTS": " OCR , chat-completions"})
    assert cfg.endpoints == ("chat-completions", "ocr")


def test_errors_name_variables_but_never_key_values() -> None:
    key = "sk-bf-secret-value-123456"
    cfg = load_config({"BIFROST_VK": key, "BIFROST_ALT_VK": key, "BIFROST_POLL_INTERVAL": "fast"})
    assert len(cfg.errors) == 2
    assert all(key not in error for error in cfg.errors)
    assert any("BIFROST_POLL_INTERVAL='fast'" in error for error in cfg.errors)


def test_variables_file_exports_no_key_value(monkeypatch: pytest.MonkeyPatch) -> None:
    import variables

    monkeypatch.setenv("BIFROST_VK", "sk-bf-primary-value-0001")
    monkeypatch.setenv("BIFROST_ALT_VK", "sk-bf-alternate-value-0002")
    exported = variables.get_variables()
    assert exported["BIFROST_VK_SET"] is True and exported["BIFROST_ALT_VK_SET"] is True
    assert "sk-bf-" not in repr(exported)
    assert exported["CONFIG_ERRORS"] == []


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


def test_key_headers_per_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIFROST_VK", "sk-bf-primary-0001")
    assert keys.key_headers("with-vk") == {"x-bf-vk": "sk-bf-primary-0001"}
    assert keys.key_headers("primary", "bearer") == {"Authorization": "Bearer sk-bf-primary-0001"}
    assert keys.key_headers("primary", "x-goog-api-key") == {"x-goog-api-key": "sk-bf-primary-0001"}
    assert keys.key_headers("global") == {}
    assert keys.key_headers("unknown") == {"x-bf-vk": keys.UNKNOWN_KEY}


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
        self.now += seconds


def exchange(status: int, body: bytes) -> Exchange:
    return Exchange("GET", "http://gw/v1/async/x/1", "/v1/async/x/1", {}, None, status=status, body=body)


def test_polling_backs_off_and_returns_the_terminal_envelope() -> None:
    clock = FakeClock()
    answers = [exchange(202, b'{"status":"pending"}')] * 4 + [exchange(200, b'{"status":"completed"}')]
    seen: list[float] = []

    def poll() -> Exchange:
        seen.append(clock.now)
        return answers.pop(0)

    result, _, journey = polling.wait_until_terminal(
        poll, job="job 1", timeout=30, interval=0.5, clock=clock, sleep=clock.sleep
    )
    assert result["status"] == "completed"
    assert seen == pytest.approx([0.05, 0.15, 0.35, 0.75, 1.25])
    assert journey.statuses() == ["pending", "completed"]
    assert "(5 polls)" in journey.line()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (exchange(200, b'{"status":"pending"}'), "answered 200 for a pending job"),
        (exchange(404, b'{"error":{"message":"job not found"}}'), "answered 404 with no job status"),
        (exchange(200, b"<!doctype html><html></html>"), "HTML instead of JSON"),
        (exchange(202, b'{"status":"pend'), "not valid JSON"),
    ],
)
def test_polling_fails_at_once_on_a_wrong_answer(answer: Exchange, message: str) -> None:
    clock = FakeClock()
    with pytest.raises(GatewayError, match=message):
        polling.wait_until_terminal(
            lambda: answer, job="job 1", timeout=30, interval=0.5, clock=clock, sleep=clock.sleep
        )
    assert clock.now < 0.1


def test_polling_times_out_with_the_history() -> None:
    clock = FakeClock()
    with pytest.raises(GatewayError, match=r"not terminal after 2 s .*pending → processing"):
        polling.wait_until_terminal(
            lambda: exchange(202, b'{"status":"processing"}'),
            job="job 1",
            timeout=2,
            interval=0.5,
            clock=clock,
            sleep=clock.sleep,
        )


# ---------------------------------------------------------------------- fixtures and curl
def test_png_is_256_square_rgba() -> None:
    png = endpoints.white_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png[16:26] == (256).to_bytes(4, "big") + (256).to_bytes(4, "big") + bytes([8, 6])


def test_every_endpoint_has_its_fixture() -> None:
    cfg = load_config({})
    for name in ENDPOINT_NAMES:
        payload = endpoints.payload(name, "default", cfg)
        assert payload.is_multipart == endpoints.endpoint(name).multipart
    assert endpoints.payload("speech", "stream", cfg).json == {
        "model": "openai/tts-1",
        "input": "Hello",
        "voice": "alloy",
        "stream_format": "sse",
    }
    assert "model" not in (endpoints.payload("rerank", "missing-model", cfg).json or {})


def test_curl_uses_shell_variables_for_keys() -> None:
    key = "sk-bf-primary-0001"
    payload = endpoints.Payload(fields={"model": "openai/whisper-1"}, files=(endpoints.audio_part(),))
    ex = Exchange(
        "POST", "http://gw/v1/async/audio/transcriptions", "/x", {"Authorization": f"Bearer {key}"}, payload
    )
    command = curl_command(ex, {key: "$BIFROST_VK"})
    assert key not in command
    assert "-H 'Authorization: Bearer '\"$BIFROST_VK\"" in command
    assert "-F 'file=@sample.mp3;type=audio/mpeg'" in command


def test_long_bodies_are_cut_with_a_note() -> None:
    ex = exchange(200, b'{"text": "' + b"x" * 5000 + b'"}')
    rendered = render_response(ex, limit=100)
    assert "(body cut:" in rendered and rendered.startswith("HTTP 200")
