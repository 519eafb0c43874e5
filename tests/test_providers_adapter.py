"""Bifrost's side of the fake providers: `execute` builds the wire call, dispatches it, stores the outcome."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from fakegateway.providers import FilePart, Outcome, bifrost, dispatch, execute
from fakegateway.providers.common import WireResponse
from fakegateway.providers.media import png
from fakegateway.providers.multipart import parse_form

SAMPLE_MP3 = (Path(__file__).resolve().parent.parent / "libraries" / "media" / "sample.mp3").read_bytes()
IMAGE = png("adapter test", 16)
OCR_URL = "https://ocr-source.example.invalid/scans/carpenter-ant4.jpg"


def run(
    request_type: str, model: str, params: dict[str, Any], files: list[FilePart] | None = None
) -> Outcome:
    return asyncio.run(execute(request_type, model, params, files or []))


Capture = list[tuple[str, dict[str, str], bytes]]


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Capture:
    """Record every wire call `execute` makes, still answering through the real dispatch."""
    calls: Capture = []
    real = dispatch.handle

    async def recording(
        method: str, path: str, headers: Mapping[str, str], body: bytes, provider: str | None = None
    ) -> WireResponse:
        calls.append((path, dict(headers), body))
        return await real(method, path, headers, body, provider)

    monkeypatch.setattr(dispatch, "handle", recording)
    return calls


def answer_with(monkeypatch: pytest.MonkeyPatch, status: int, body: bytes) -> None:
    """Make the provider answer `status` with `body`, whatever the request."""

    async def canned(
        method: str, path: str, headers: Mapping[str, str], _: bytes, provider: str | None = None
    ) -> WireResponse:
        return WireResponse(status, {"content-type": "application/json"}, body)

    monkeypatch.setattr(dispatch, "handle", canned)


def _chat_ok(result: dict[str, Any]) -> bool:
    content: str = result["choices"][0]["message"]["content"]
    return result["id"].startswith("chatcmpl-") and content.startswith("Echo: Hello")


SUCCESS_CASES: list[tuple[str, str, dict[str, Any], list[FilePart], Callable[[dict[str, Any]], bool]]] = [
    (
        "text_completion",
        "openai/gpt-3.5-turbo-instruct",
        {"prompt": "Hello"},
        [],
        lambda r: r["id"].startswith("cmpl-") and r["choices"][0]["text"].strip() != "",
    ),
    (
        "chat_completion",
        "openai/gpt-4o-mini",
        {"messages": [{"role": "user", "content": "Hello"}]},
        [],
        _chat_ok,
    ),
    (
        "responses",
        "openai/gpt-4o-mini",
        {"input": "Hello"},
        [],
        lambda r: r["id"].startswith("resp_") and r["output"][0]["content"][0]["text"] == "Echo: Hello",
    ),
    (
        "embedding",
        "openai/text-embedding-3-small",
        {"input": ["Hello", "World"]},
        [],
        lambda r: len(r["data"]) == 2 and len(r["data"][0]["embedding"]) == 1536,
    ),
    (
        "speech",
        "openai/tts-1",
        {"input": "Hello", "voice": "alloy"},
        [],
        lambda r: base64.b64decode(r["audio"]).startswith(b"ID3"),
    ),
    (
        "transcription",
        "openai/whisper-1",
        {},
        [FilePart("file", "sample.mp3", "audio/mpeg", SAMPLE_MP3)],
        lambda r: isinstance(r["text"], str) and r["text"] != "",
    ),
    (
        "image_generation",
        "openai/dall-e-3",
        {"prompt": "A simple red circle", "n": 1, "size": "1024x1024"},
        [],
        lambda r: base64.b64decode(r["data"][0]["b64_json"]).startswith(b"\x89PNG"),
    ),
    (
        "image_edit",
        "openai/dall-e-2",
        {"prompt": "Make it blue", "n": "1", "size": "256x256"},
        [FilePart("image", "image.png", "image/png", IMAGE)],
        lambda r: base64.b64decode(r["data"][0]["b64_json"]).startswith(b"\x89PNG"),
    ),
    (
        "image_variation",
        "openai/dall-e-2",
        {"n": "2", "size": "256x256"},
        [FilePart("image", "image.png", "image/png", IMAGE)],
        lambda r: len(r["data"]) == 2,
    ),
    (
        "rerank",
        "cohere/rerank-english-v3.0",
        {"query": "test", "documents": [{"text": "test document"}, {"text": "unrelated"}]},
        [],
        lambda r: r["model"] == "rerank-english-v3.0" and r["results"][0]["index"] == 0,
    ),
    (
        "ocr",
        "mistral/mistral-ocr-latest",
        {"document": {"type": "image_url", "image_url": OCR_URL}},
        [],
        lambda r: OCR_URL in r["pages"][0]["markdown"],
    ),
    (
        "responses",
        "anthropic/claude-3-5-haiku-latest",
        {"input": "Hello"},
        [],
        lambda r: r["object"] == "response" and r["output"][0]["content"][0]["text"] == "Echo: Hello",
    ),
    (
        "chat_completion",
        "anthropic/claude-3-5-haiku-latest",
        {"messages": [{"role": "user", "content": "Hello"}]},
        [],
        lambda r: r["choices"][0]["message"]["content"] == "Echo: Hello",
    ),
    (
        "text_completion",
        "anthropic/claude-2.1",
        {"prompt": "Hello"},
        [],
        lambda r: r["object"] == "text_completion" and r["choices"][0]["text"] == " Echo: Hello",
    ),
    (
        "chat_completion",
        "cohere/command-r-plus",
        {"messages": [{"role": "user", "content": "Hello"}]},
        [],
        lambda r: r["model"] == "command-r-plus" and r["choices"][0]["message"]["content"] == "Echo: Hello",
    ),
    (
        "responses",
        "cohere/command-r-plus",
        {"input": "Hello"},
        [],
        lambda r: r["object"] == "response" and r["output"][0]["content"][0]["text"] == "Echo: Hello",
    ),
    (
        "embedding",
        "cohere/embed-english-v3.0",
        {"input": ["Hello", "World"]},
        [],
        lambda r: [d["index"] for d in r["data"]] == [0, 1] and len(r["data"][0]["embedding"]) == 1024,
    ),
    (
        "chat_completion",
        "mistral/mistral-small-latest",
        {"messages": [{"role": "user", "content": "Hello"}]},
        [],
        lambda r: r["object"] == "chat.completion" and r["choices"][0]["message"]["content"] == "Echo: Hello",
    ),
    (
        "responses",
        "mistral/mistral-small-latest",
        {"input": [{"role": "user", "content": [{"type": "input_text", "text": "Hello"}]}]},
        [],
        lambda r: r["status"] == "completed" and r["output"][0]["content"][0]["text"] == "Echo: Hello",
    ),
    (
        "embedding",
        "mistral/mistral-embed",
        {"input": "Hello"},
        [],
        lambda r: len(r["data"]) == 1 and len(r["data"][0]["embedding"]) == 1024,
    ),
    (
        "transcription",
        "mistral/voxtral-mini-latest",
        {},
        [FilePart("file", "sample.mp3", "audio/mpeg", SAMPLE_MP3)],
        lambda r: r["text"] != "" and r["task"] == "transcribe",
    ),
]


@pytest.mark.parametrize(
    ("request_type", "model", "params", "files", "check"),
    SUCCESS_CASES,
    ids=[f"{case[0]}-{case[1].split('/')[0]}" for case in SUCCESS_CASES],
)
def test_every_request_type_succeeds(
    request_type: str,
    model: str,
    params: dict[str, Any],
    files: list[FilePart],
    check: Callable[[dict[str, Any]], bool],
) -> None:
    outcome = run(request_type, model, params, files)
    assert outcome.status_code == 200 and outcome.error is None, outcome.error
    assert outcome.result is not None
    assert check(outcome.result), outcome.result
    provider, _, name = model.partition("/")
    extra = outcome.result["extra_fields"]
    assert extra["provider"] == provider
    assert extra["request_type"] == request_type
    assert extra["original_model_requested"] == name
    json.dumps(outcome.result)  # the gateway stores it as JSON


FAILURES = [
    ("chat_completion", "openai/gpt-4o-mini-fail-429", {"messages": [{"role": "user", "content": "x"}]}),
    ("responses", "anthropic/claude-3-5-haiku-fail-429", {"input": "x"}),
    ("rerank", "cohere/rerank-english-v3.0-fail-429", {"query": "q", "documents": ["d"]}),
    ("ocr", "mistral/mistral-ocr-fail-429", {"document": {"type": "image_url", "image_url": OCR_URL}}),
    ("text_completion", "anthropic/claude-2.1-fail-429", {"prompt": "x"}),
    ("chat_completion", "cohere/command-fail-429", {"messages": [{"role": "user", "content": "x"}]}),
    ("embedding", "cohere/embed-english-v3.0-fail-429", {"input": "x"}),
    ("chat_completion", "mistral/mistral-small-fail-429", {"messages": [{"role": "user", "content": "x"}]}),
    ("responses", "mistral/mistral-small-fail-429", {"input": "x"}),
    ("embedding", "mistral/mistral-embed-fail-429", {"input": "x"}),
]


@pytest.mark.parametrize(("request_type", "model", "params"), FAILURES, ids=[m for _, m, _ in FAILURES])
def test_fail_token_fails_the_call_with_that_status(
    request_type: str, model: str, params: dict[str, Any]
) -> None:
    outcome = run(request_type, model, params)
    assert outcome.status_code == 429
    assert outcome.result is None and outcome.error is not None
    error = outcome.error
    assert error["is_bifrost_error"] is False
    assert error["status_code"] == 429
    assert "fail-429" in error["error"]["message"]
    assert error["extra_fields"]["provider"] == model.split("/")[0]
    assert error["extra_fields"]["request_type"] == request_type
    assert error["extra_fields"]["original_model_requested"] == model.split("/", 1)[1]


def test_provider_error_fields_follow_each_parser() -> None:
    openai_error = run("embedding", "openai/x-fail-503", {"input": "x"}).error
    assert openai_error is not None
    assert openai_error["error"]["type"] == "server_error"
    assert openai_error["error"]["code"] == "service_unavailable"
    anthropic_error = run("responses", "anthropic/c-fail-529", {"input": "x"}).error
    assert anthropic_error is not None and anthropic_error["error"]["type"] == "overloaded_error"
    cohere_error = run("rerank", "cohere/r-fail-400", {"query": "q", "documents": ["d"]}).error
    assert cohere_error is not None and set(cohere_error["error"]) == {"message"}
    mistral_error = run(
        "ocr", "mistral/m-fail-500", {"document": {"type": "image_url", "image_url": "u"}}
    ).error
    assert mistral_error is not None and mistral_error["error"]["code"] == "server_error"


@pytest.mark.parametrize("status", [400, 401, 404, 408, 418, 500, 502, 599])
def test_any_error_status_can_be_forced(status: int) -> None:
    outcome = run(
        "chat_completion", f"openai/m-fail-{status}", {"messages": [{"role": "user", "content": "x"}]}
    )
    assert outcome.status_code == status
    assert outcome.error is not None and outcome.error["status_code"] == status


def test_tokens_combine_anywhere_in_the_name() -> None:
    started = time.monotonic()
    outcome = run("chat_completion", "openai/delay-150ms-gpt-4o-mini-fail-503", {"messages": []})
    assert time.monotonic() - started >= 0.15
    assert outcome.status_code == 503


def test_delay_keeps_the_call_in_flight() -> None:
    started = time.monotonic()
    outcome = run(
        "chat_completion", "openai/gpt-4o-mini-delay-300ms", {"messages": [{"role": "user", "content": "x"}]}
    )
    assert time.monotonic() - started >= 0.3
    assert outcome.status_code == 200


def test_a_call_outlasting_the_timeout_fails_with_bifrosts_504() -> None:
    started = time.monotonic()
    outcome = asyncio.run(
        execute("rerank", "cohere/rerank-delay-1000ms", {"query": "q", "documents": ["d"]}, [], timeout=0.1)
    )
    assert time.monotonic() - started < 0.8
    assert outcome.status_code == 504 and outcome.result is None
    assert outcome.error == {
        "is_bifrost_error": True,
        "status_code": 504,
        "error": {"message": bifrost.TIMEOUT_MESSAGE, "type": "request_timed_out"},
        "extra_fields": {
            "request_type": "rerank",
            "provider": "cohere",
            "original_model_requested": "rerank-delay-1000ms",
            "resolved_model_used": "rerank-delay-1000ms",
        },
    }


def test_a_call_within_the_timeout_succeeds() -> None:
    messages = {"messages": [{"role": "user", "content": "x"}]}
    outcome = asyncio.run(execute("chat_completion", "openai/m-delay-50ms", messages, [], timeout=1.0))
    assert outcome.status_code == 200


def test_default_call_is_quick_but_not_instant() -> None:
    started = time.monotonic()
    run("chat_completion", "openai/gpt-4o-mini", {"messages": [{"role": "user", "content": "x"}]})
    assert 0.015 <= time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    ("model", "fragment"),
    [
        ("gpt-4o-mini", "expected 'provider/model'"),
        ("/gpt-4o-mini", "expected 'provider/model'"),
        ("openai/", "expected 'provider/model'"),
        ("azure/gpt-4o-mini", "unknown provider 'azure'"),
    ],
)
def test_bad_model_is_400_without_a_provider_call(wire: Capture, model: str, fragment: str) -> None:
    outcome = run("chat_completion", model, {"messages": [{"role": "user", "content": "x"}]})
    assert outcome.status_code == 400
    assert outcome.error is not None and fragment in outcome.error["error"]["message"]
    assert outcome.error["status_code"] == 400
    assert wire == []


def test_unsupported_type_for_a_provider_is_400_without_a_call(wire: Capture) -> None:
    outcome = run("rerank", "openai/gpt-4o-mini", {"query": "q", "documents": ["d"]})
    assert outcome.status_code == 400 and wire == []
    assert outcome.error is not None and "not supported" in outcome.error["error"]["message"]


def test_wire_model_has_no_provider_prefix(wire: Capture) -> None:
    run(
        "chat_completion",
        "openai/gpt-4o-mini",
        {"model": "openai/gpt-4o-mini", "messages": [], "fallbacks": []},
    )
    path, headers, body = wire[0]
    sent = json.loads(body)
    assert path == "/v1/chat/completions"
    assert sent["model"] == "gpt-4o-mini" and "fallbacks" not in sent
    assert headers["authorization"].startswith("Bearer ")


def test_anthropic_calls_carry_api_key_and_version(wire: Capture) -> None:
    run("responses", "anthropic/claude-3-5-haiku-latest", {"input": "Hi", "instructions": "Be kind"})
    path, headers, body = wire[0]
    assert path == "/v1/messages"
    assert headers["x-api-key"] and headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in headers
    sent = json.loads(body)
    assert sent["system"] == "Be kind" and sent["max_tokens"] == 4096
    assert sent["messages"] == [{"role": "user", "content": "Hi"}]


def test_rerank_documents_go_up_as_strings(wire: Capture) -> None:
    documents = [{"text": "plain"}, {"text": "tagged", "id": "d2", "meta": {"k": "v"}}, "bare"]
    run("rerank", "cohere/rerank-english-v3.0", {"query": "q", "documents": documents, "top_n": 2})
    path, _, body = wire[0]
    sent = json.loads(body)
    assert path == "/v2/rerank"
    assert sent["documents"][0] == "plain" and sent["documents"][2] == "bare"
    assert json.loads(sent["documents"][1]) == documents[1]
    assert sent["top_n"] == 2


def test_rerank_results_are_resorted_with_the_model_set(monkeypatch: pytest.MonkeyPatch) -> None:
    unsorted = {
        "id": "rr-1",
        "results": [
            {"index": 2, "relevance_score": 0.10},
            {"index": 1, "relevance_score": 0.98},
            {"index": 3, "relevance_score": 0.10},
            {"index": 0, "relevance_score": 0.05},
        ],
    }
    answer_with(monkeypatch, 200, json.dumps(unsorted).encode())
    outcome = run("rerank", "cohere/rerank-english-v3.0", {"query": "q", "documents": ["a", "b", "c", "d"]})
    assert outcome.result is not None
    assert [item["index"] for item in outcome.result["results"]] == [1, 2, 3, 0]
    assert outcome.result["model"] == "rerank-english-v3.0" and outcome.result["id"] == "rr-1"


def test_rerank_return_documents_attaches_them() -> None:
    outcome = run(
        "rerank",
        "cohere/rerank-english-v3.0",
        {"query": "fox", "documents": [{"text": "a fox"}, "no"], "return_documents": True},
    )
    assert outcome.result is not None
    assert outcome.result["results"][0]["document"] == {"text": "a fox"}


def test_speech_audio_is_the_base64_of_the_provider_bytes() -> None:
    outcome = run("speech", "openai/tts-1", {"input": "Hello there, this is a test.", "voice": "alloy"})
    assert outcome.result is not None
    audio = base64.b64decode(outcome.result["audio"], validate=True)
    assert audio.startswith(b"ID3") and b"\xff\xf3\x44\xc0" in audio
    assert set(outcome.result) == {"audio", "extra_fields"}


@pytest.mark.parametrize("response_format", ["text", "srt", "vtt"])
def test_plain_text_transcriptions_keep_the_raw_body_as_text(response_format: str) -> None:
    outcome = run(
        "transcription",
        "openai/whisper-1",
        {"response_format": response_format},
        [FilePart("file", "sample.mp3", "audio/mpeg", SAMPLE_MP3)],
    )
    assert outcome.result is not None
    text = outcome.result["text"]
    assert text.strip()
    if response_format == "vtt":
        assert text.startswith("WEBVTT")
    if response_format == "srt":
        assert text.startswith("1\n00:00:00,000 --> ")


def test_transcription_form_puts_the_file_last(wire: Capture) -> None:
    run(
        "transcription",
        "openai/whisper-1",
        {"language": "en", "response_format": "json", "temperature": "0"},
        [FilePart("file", "", "audio/mpeg", SAMPLE_MP3)],
    )
    path, headers, body = wire[0]
    parts = parse_form(headers["content-type"], body)
    assert path == "/v1/audio/transcriptions"
    assert [part.name for part in parts] == ["model", "language", "response_format", "temperature", "file"]
    assert parts[0].text == "whisper-1"
    assert parts[-1].filename == "audio.mp3" and parts[-1].data == SAMPLE_MP3


def test_image_edit_form_uses_indexed_image_parts(wire: Capture) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + bytes(16)
    files = [
        FilePart("image[]", "first.png", "application/octet-stream", IMAGE),
        FilePart("image[]", "second.jpg", "image/jpeg", jpeg),
        FilePart("mask", "m.png", "image/png", IMAGE),
    ]
    run("image_edit", "openai/dall-e-2", {"prompt": "p", "n": "1"}, files)
    _, headers, body = wire[0]
    parts = parse_form(headers["content-type"], body)
    uploads = [(part.name, part.filename, part.content_type) for part in parts if part.filename]
    assert uploads == [
        ("image[]", "image0.png", "image/png"),
        ("image[]", "image1.jpg", "image/jpeg"),
        ("mask", "mask.png", "image/png"),
    ]


def test_image_variation_form_has_one_image_part(wire: Capture) -> None:
    run("image_variation", "openai/dall-e-2", {"n": "1"}, [FilePart("image", "x.png", "image/png", IMAGE)])
    _, headers, body = wire[0]
    parts = parse_form(headers["content-type"], body)
    assert [(part.name, part.filename) for part in parts] == [
        ("model", None),
        ("n", None),
        ("image", "image"),
    ]


def test_image_url_format(monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = run("image_generation", "openai/dall-e-3", {"prompt": "p", "response_format": "url"})
    assert outcome.result is not None and outcome.result["data"][0]["url"].startswith("https://")


def test_ocr_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network use during OCR: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    outcome = run(
        "ocr", "mistral/mistral-ocr-latest", {"document": {"type": "image_url", "image_url": OCR_URL}}
    )
    assert outcome.status_code == 200 and outcome.result is not None
    assert outcome.result["usage_info"]["pages_processed"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response received from provider"),
        (b"<html><body>gateway</body></html>", "HTML response received from provider"),
        (b"{not json", "failed to unmarshal response from provider API"),
    ],
)
def test_unusable_success_bodies_fail_with_500(
    monkeypatch: pytest.MonkeyPatch, body: bytes, message: str
) -> None:
    answer_with(monkeypatch, 200, body)
    outcome = run("chat_completion", "openai/gpt-4o-mini", {"messages": []})
    assert outcome.status_code == 500
    assert outcome.error is not None
    assert outcome.error["is_bifrost_error"] is True and "status_code" not in outcome.error
    assert outcome.error["error"]["message"] == message


def test_numeric_openai_code_keeps_status_but_not_the_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b'{"error":{"message":"Rate limit reached","type":"requests","code":429}}'
    answer_with(monkeypatch, 429, raw)
    outcome = run("chat_completion", "openai/gpt-4o-mini", {"messages": []})
    assert outcome.status_code == 429
    assert outcome.error is not None
    assert outcome.error["error"] == {"message": "provider API error: " + raw.decode()}


def test_empty_error_body_gets_the_default_message(monkeypatch: pytest.MonkeyPatch) -> None:
    answer_with(monkeypatch, 429, b"")
    outcome = run("chat_completion", "openai/gpt-4o-mini", {"messages": []})
    assert outcome.error is not None and outcome.error["error"]["message"] == "rate limit exceeded (429)"


def test_non_200_success_status_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    answer_with(monkeypatch, 201, b'{"id":"x"}')
    outcome = run("chat_completion", "openai/gpt-4o-mini", {"messages": []})
    assert outcome.status_code == 201 and outcome.result is None


ODD_VALUES: list[Any] = [
    None, "", "x", 0, -1, 3, 1.5, True, [], [1], ["a"], ["a", 1], [[1, 2]], [[1, "a"]], {}, {"a": [1]},
    [{"text": 1}], [{"role": "user", "content": [{"type": "text", "text": None}]}],
    {"type": "image_url"}, {"type": "document_url", "document_url": ["x"]}, "text", "url", 10**12,
]  # fmt: skip
ODD_KEYS = [
    "prompt", "messages", "input", "voice", "n", "max_tokens", "max_output_tokens", "max_completion_tokens",
    "query", "documents", "document", "response_format", "top_n", "return_documents", "dimensions",
    "encoding_format", "instructions", "stop", "pages", "size", "temperature", "params",
    "timestamp_granularities[]", "language",
]  # fmt: skip
ODD_FILES = [
    [],
    [FilePart("file", "", "", b"")],
    [FilePart("image", "", "", b"\x89PNG\r\n\x1a\n")],
    [FilePart("image[]", 'a"b', "x/y", b"zz")],
]


def test_odd_params_never_raise() -> None:
    """Whatever the params, `execute` returns an outcome with exactly one of result and error."""
    chooser = random.Random(8)

    async def sweep() -> int:
        count = 0
        for provider, adapter in sorted(bifrost.ADAPTERS.items()):
            for request_type in sorted(adapter.routes):
                for _ in range(40):
                    params = {key: chooser.choice(ODD_VALUES) for key in chooser.sample(ODD_KEYS, 7)}
                    files = chooser.choice(ODD_FILES)
                    outcome = await execute(request_type, f"{provider}/m-delay-0ms", params, files)
                    assert (outcome.result is None) != (outcome.error is None), (request_type, params)
                    json.dumps(outcome.result or outcome.error)
                    count += 1
        return count

    assert asyncio.run(sweep()) > 400


# --- The routes Bifrost's Cohere, Mistral and Anthropic adapters call besides rerank, OCR and messages ---


@pytest.mark.parametrize(
    ("request_type", "provider"),
    [
        ("embedding", "anthropic"),
        ("transcription", "anthropic"),
        ("ocr", "openai"),
        ("rerank", "openai"),
        ("text_completion", "cohere"),
        ("transcription", "cohere"),
        ("ocr", "cohere"),
        ("text_completion", "mistral"),
        ("speech", "mistral"),
        ("rerank", "mistral"),
    ],
)
def test_combinations_bifrost_does_not_serve_stay_refused(
    wire: Capture, request_type: str, provider: str
) -> None:
    outcome = run(request_type, f"{provider}/some-model", {"input": "x", "prompt": "x"})
    assert outcome.status_code == 400 and wire == []
    assert outcome.error is not None and outcome.error["error"]["code"] == "unsupported_operation"


def test_cohere_chat_goes_up_in_v2_form(wire: Capture) -> None:
    params = {
        "messages": [
            {"role": "system", "content": "Be brief"},
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
        ],
        "max_completion_tokens": 7,
        "top_p": 0.5,
        "temperature": 0.1,
        "stop": "END",
        "fallbacks": ["openai/gpt-4o-mini"],
    }
    run("chat_completion", "cohere/command-r-plus", params)
    path, headers, body = wire[0]
    assert path == "/v2/chat" and headers["authorization"].startswith("Bearer ")
    assert json.loads(body) == {
        "model": "command-r-plus",
        "messages": [
            {"role": "system", "content": "Be brief"},
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
        ],
        "max_tokens": 7,
        "temperature": 0.1,
        "p": 0.5,
        "stop_sequences": ["END"],
    }


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("COMPLETE", "stop"), ("STOP_SEQUENCE", "stop"), ("MAX_TOKENS", "length"), ("TOOL_CALL", "tool_calls"),
     ("ERROR", "ERROR")],
)  # fmt: skip
def test_cohere_chat_answer_is_converted(monkeypatch: pytest.MonkeyPatch, reason: str, expected: str) -> None:
    answer = {
        "id": "c-1",
        "finish_reason": reason,
        "message": {"role": "assistant", "content": [{"type": "text", "text": "Hi!"}]},
        "usage": {
            "billed_units": {"input_tokens": 1, "output_tokens": 1},
            "tokens": {"input_tokens": 9, "output_tokens": 2},
        },
    }
    answer_with(monkeypatch, 200, json.dumps(answer).encode())
    outcome = run("chat_completion", "cohere/command-r", {"messages": [{"role": "user", "content": "x"}]})
    assert outcome.result is not None
    result = {k: v for k, v in outcome.result.items() if k not in ("created", "extra_fields")}
    assert result == {
        "id": "c-1",
        "object": "chat.completion",
        "model": "command-r",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": expected}
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
    }


def test_cohere_embed_goes_up_with_an_input_type(wire: Capture) -> None:
    run("embedding", "cohere/embed-v4.0", {"input": "Hi", "dimensions": 512, "embedding_types": ["int8"]})
    path, _, body = wire[0]
    assert path == "/v2/embed"
    assert json.loads(body) == {
        "model": "embed-v4.0",
        "input_type": "search_document",
        "texts": ["Hi"],
        "output_dimension": 512,
        "embedding_types": ["int8"],
    }
    run("embedding", "cohere/embed-v4.0", {"input": ["a"], "input_type": "search_query"})
    assert json.loads(wire[1][2])["input_type"] == "search_query"


def test_cohere_embed_answer_has_one_entry_per_representation(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = {
        "id": "e-1",
        "embeddings": {"float": [[0.1, 0.2], [0.3, 0.4]], "int8": [[1, 2], [3, 4]]},
        "meta": {"billed_units": {"input_tokens": 3}, "tokens": {"input_tokens": 4}},
    }
    answer_with(monkeypatch, 200, json.dumps(answer).encode())
    outcome = run("embedding", "cohere/embed-english-v3.0", {"input": ["a", "b"]})
    assert outcome.result is not None
    assert [(d["index"], d["embedding"]) for d in outcome.result["data"]] == [
        (0, [0.1, 0.2]), (1, [0.3, 0.4]), (0, [1, 2]), (1, [3, 4]),
    ]  # fmt: skip
    assert outcome.result["usage"] == {"prompt_tokens": 4, "completion_tokens": 0, "total_tokens": 4}


def test_cohere_embed_of_token_arrays_is_refused_before_a_call(wire: Capture) -> None:
    outcome = run("embedding", "cohere/embed-english-v3.0", {"input": [[1, 2, 3]]})
    assert outcome.status_code == 500 and wire == []
    assert outcome.error is not None and outcome.error["is_bifrost_error"] is True


def test_mistral_chat_sends_max_tokens_to_mistral(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str | None, str, bytes]] = []
    real = dispatch.handle

    async def recording(
        method: str, path: str, headers: Mapping[str, str], body: bytes, provider: str | None = None
    ) -> WireResponse:
        seen.append((provider, path, body))
        return await real(method, path, headers, body, provider)

    monkeypatch.setattr(dispatch, "handle", recording)
    outcome = run(
        "chat_completion",
        "mistral/mistral-small-latest",
        {"messages": [{"role": "user", "content": "Hi"}], "max_completion_tokens": 5},
    )
    provider, path, body = seen[0]
    assert (provider, path) == ("mistral", "/v1/chat/completions")
    sent = json.loads(body)
    assert sent["max_tokens"] == 5 and "max_completion_tokens" not in sent
    assert sent["model"] == "mistral-small-latest"
    assert outcome.result is not None and outcome.result["choices"][0]["message"]["prefix"] is False


def test_mistral_transcription_form_puts_the_file_first(wire: Capture) -> None:
    run(
        "transcription",
        "mistral/voxtral-mini-latest",
        {"language": "en", "prompt": "names", "timestamp_granularities": ["segment", "word"]},
        [FilePart("file", "talk.wav", "audio/wav", SAMPLE_MP3)],
    )
    path, headers, body = wire[0]
    parts = parse_form(headers["content-type"], body)
    assert path == "/v1/audio/transcriptions"
    assert [(p.name, p.filename) for p in parts] == [
        ("file", "audio.mp3"), ("model", None), ("language", None), ("prompt", None),
        ("timestamp_granularities[]", None), ("timestamp_granularities[]", None),
    ]  # fmt: skip
    assert parts[0].data == SAMPLE_MP3 and parts[1].text == "voxtral-mini-latest"


def test_mistral_transcription_answer_becomes_bifrosts(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = {
        "model": "voxtral-mini-latest",
        "text": "hello world",
        "language": "en",
        "segments": [{"text": "hello world", "start": 0.0, "end": 1.5, "type": "transcription_segment"}],
        "usage": {"prompt_audio_seconds": 2},
    }
    answer_with(monkeypatch, 200, json.dumps(answer).encode())
    files = [FilePart("file", "a.mp3", "audio/mpeg", SAMPLE_MP3)]
    outcome = run("transcription", "mistral/voxtral-mini-latest", {}, files)
    assert outcome.result is not None
    result = {k: v for k, v in outcome.result.items() if k != "extra_fields"}
    assert result == {
        "text": "hello world",
        "task": "transcribe",
        "language": "en",
        "segments": [
            {"id": 0, "seek": 0, "start": 0.0, "end": 1.5, "text": "hello world", "tokens": [],
             "temperature": 0.0, "avg_logprob": 0.0, "compression_ratio": 0.0, "no_speech_prob": 0.0}
        ],
    }  # fmt: skip


def test_responses_go_through_the_chat_api_of_cohere_and_mistral(wire: Capture) -> None:
    params = {"input": "Hi", "instructions": "Be kind", "max_output_tokens": 1}
    for model, path, limit in (
        ("cohere/command-r-plus", "/v2/chat", "max_tokens"),
        ("mistral/mistral-small-latest", "/v1/chat/completions", "max_tokens"),
    ):
        outcome = run("responses", model, params)
        sent_path, _, body = wire[-1]
        sent = json.loads(body)
        assert sent_path == path
        assert sent["messages"] == [
            {"role": "system", "content": "Be kind"},
            {"role": "user", "content": "Hi"},
        ]
        assert sent[limit] == 1
        assert outcome.result is not None
        assert (outcome.result["status"], outcome.result["incomplete_details"]) == (
            "incomplete", {"reason": "max_output_tokens"},
        )  # fmt: skip


def test_anthropic_text_completion_wraps_the_prompt_in_one_turn(wire: Capture) -> None:
    run("text_completion", "anthropic/claude-2.1", {"prompt": ["one", "two"], "stop": "END", "top_k": 3})
    path, headers, body = wire[0]
    assert path == "/v1/complete"
    assert headers["x-api-key"] and headers["anthropic-version"] == "2023-06-01"
    assert json.loads(body) == {
        "model": "claude-2.1",
        "prompt": "\n\nHuman: one\n\ntwo\n\nAssistant:",
        "max_tokens_to_sample": 4096,
        "top_k": 3,
        "stop_sequences": ["END"],
    }
    run("text_completion", "anthropic/claude-2.1", {"prompt": "x", "max_tokens": 12})
    assert json.loads(wire[1][2])["max_tokens_to_sample"] == 12
