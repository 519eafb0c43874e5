"""The provider layer alone: dispatch, wire validation, model-name tokens, media, route helpers."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from fakegateway.providers import handle
from fakegateway.providers.anthropic_route import (
    error_to_anthropic,
    messages_to_responses_params,
    responses_result_to_anthropic_message,
)
from fakegateway.providers.bifrost import execute
from fakegateway.providers.common import WireResponse, parse_model_tokens
from fakegateway.providers.dispatch import BY_PROVIDER
from fakegateway.providers.media import mp3, png, wav
from fakegateway.providers.multipart import FormPart, encode_form, parse_form

BEARER = {"authorization": "Bearer anything", "content-type": "application/json"}
ANTHROPIC = {"x-api-key": "anything", "anthropic-version": "2023-06-01", "content-type": "application/json"}


def call(path: str, headers: dict[str, str], payload: Any, method: str = "POST") -> tuple[int, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    answer: WireResponse = asyncio.run(handle(method, path, headers, body))
    try:
        return answer.status, json.loads(answer.body)
    except json.JSONDecodeError:
        return answer.status, answer.body


@pytest.mark.parametrize(
    ("model", "fail", "delay"),
    [
        ("gpt-4o-mini", None, None),
        ("gpt-4o-mini-fail-429", 429, None),
        ("fail-503-gpt-4o-mini", 503, None),
        ("gpt-4o-mini-delay-1500ms", None, 1500),
        ("gpt-4o-mini-delay-300ms-fail-503", 503, 300),
        ("gpt-4o-mini-fail-4290", None, None),
        ("gpt-4o-mini-nofail-429", None, None),
        ("gpt-4o-mini-fail-200", None, None),
        ("gpt-4o-mini-delay-5s", None, None),
    ],
)
def test_model_tokens(model: str, fail: int | None, delay: int | None) -> None:
    tokens = parse_model_tokens(model)
    assert (tokens.fail_status, tokens.delay_ms) == (fail, delay)


def test_unknown_path_and_wrong_method() -> None:
    assert call("/v1/unknown", BEARER, {})[0] == 404
    status, body = call("/v1/chat/completions", BEARER, b"", method="GET")
    assert status == 405 and body["error"]["message"]


@pytest.mark.parametrize(
    ("path", "payload", "param"),
    [
        ("/v1/completions", {"model": "m"}, "prompt"),
        ("/v1/chat/completions", {"model": "m"}, "messages"),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}]}, "model"),
        ("/v1/responses", {"model": "m"}, "input"),
        ("/v1/embeddings", {"model": "m"}, "input"),
        ("/v1/audio/speech", {"model": "m", "voice": "alloy"}, "input"),
        ("/v1/audio/speech", {"model": "m", "input": "x"}, "voice"),
        ("/v1/images/generations", {"model": "m"}, "prompt"),
    ],
)
def test_openai_validation_errors_are_openai_shaped(path: str, payload: dict[str, Any], param: str) -> None:
    status, body = call(path, BEARER, payload)
    assert status == 400
    assert body["error"]["param"] == param and body["error"]["type"] == "invalid_request_error"


def test_malformed_json_is_400() -> None:
    status, body = call("/v1/chat/completions", BEARER, b"{not json")
    assert status == 400 and "JSON" in body["error"]["message"]


def test_forced_openai_error_has_a_string_code() -> None:
    status, body = call("/v1/chat/completions", BEARER, {"model": "m-fail-429", "messages": []})
    assert status == 429
    assert body == {
        "error": {
            "message": "Rate limit reached for model 'm-fail-429' (forced by fail-429).",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        }
    }


def test_forced_errors_in_each_provider_shape() -> None:
    status, body = call("/v1/messages", ANTHROPIC, {"model": "c-fail-503", "max_tokens": 5, "messages": []})
    assert status == 503 and body["type"] == "error" and body["error"]["type"] == "api_error"
    status, body = call("/v2/rerank", BEARER, {"model": "r-fail-429", "query": "q", "documents": ["d"]})
    assert status == 429 and set(body) == {"message"}
    status, body = call("/v1/ocr", BEARER, {"model": "o-fail-404", "document": {}})
    assert status == 404 and body["object"] == "error" and isinstance(body["code"], str) and body["type"]


def test_anthropic_requires_max_tokens_and_messages() -> None:
    status, body = call("/v1/messages", ANTHROPIC, {"model": "c", "messages": []})
    assert status == 400 and "max_tokens" in body["error"]["message"]
    status, body = call("/v1/messages", ANTHROPIC, {"model": "c", "max_tokens": 5})
    assert status == 400 and "messages" in body["error"]["message"]


def test_cohere_wants_string_documents() -> None:
    status, body = call("/v2/rerank", BEARER, {"model": "r", "query": "q", "documents": [{"text": "d"}]})
    assert status == 400 and "strings" in body["message"]


def test_rerank_scores_follow_word_overlap() -> None:
    documents = ["nothing in common", "the red fox", "a red barn", "red fox jumps over the red fence"]
    status, body = call("/v2/rerank", BEARER, {"model": "r", "query": "red fox", "documents": documents})
    assert status == 200
    order = [item["index"] for item in body["results"]]
    assert order[-1] == 0 and set(order[:2]) == {1, 3}
    assert all(0 < item["relevance_score"] < 1 for item in body["results"])


def test_mistral_ocr_validates_the_document_type() -> None:
    status, body = call("/v1/ocr", BEARER, {"model": "o", "document": {"type": "file", "file_id": "x"}})
    assert status == 400 and "document type" in body["message"]
    status, body = call(
        "/v1/ocr", BEARER, {"model": "o", "document": {"type": "image_url", "image_url": {"url": "u"}}}
    )
    assert status == 200 and "u" in body["pages"][0]["markdown"]


def test_ocr_shortens_long_data_urls() -> None:
    url = "data:image/png;base64," + "A" * 5000
    status, body = call(
        "/v1/ocr", BEARER, {"model": "o", "document": {"type": "image_url", "image_url": url}}
    )
    assert status == 200 and len(body["pages"][0]["markdown"]) < 300


def test_embeddings_are_deterministic_unit_vectors() -> None:
    payload = {"model": "text-embedding-3-small", "input": "same text", "dimensions": 64}
    first = call("/v1/embeddings", BEARER, payload)[1]["data"][0]["embedding"]
    second = call("/v1/embeddings", BEARER, payload)[1]["data"][0]["embedding"]
    assert first == second and len(first) == 64
    assert sum(value * value for value in first) == pytest.approx(1.0, abs=1e-6)


def test_unsupported_speech_format_is_a_clear_400() -> None:
    status, body = call(
        "/v1/audio/speech", BEARER, {"model": "tts-1", "input": "x", "voice": "a", "response_format": "opus"}
    )
    assert status == 400 and "opus" in body["error"]["message"]


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, payload = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + payload)
        chunks.append((kind, payload))
        offset += 12 + length
    return chunks


def test_png_is_a_valid_image() -> None:
    chunks = _png_chunks(png("seed", 8))
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, colour) == (8, 8, 8, 2)
    assert len(zlib.decompress(chunks[1][1])) == 8 * (1 + 8 * 3)
    assert png("seed", 8) == png("seed", 8) != png("other", 8)


def test_mp3_length_follows_the_text() -> None:
    short, long = mp3("Hi"), mp3("A much longer sentence to speak out loud, with several words.")
    assert short.startswith(b"ID3") and len(long) > len(short)
    frame = long.index(b"\xff\xf3\x44\xc0")
    assert (len(long) - frame) % 96 == 0


def test_wav_header_is_consistent() -> None:
    data = wav("Hello")
    assert data[:4] == b"RIFF" and struct.unpack("<I", data[4:8])[0] == len(data) - 8


def test_multipart_round_trip() -> None:
    files = [FormPart("file", 'na"me.bin', "application/octet-stream", b"\r\n--not-a-boundary\r\n\x00\xff")]
    content_type, body = encode_form([("model", "whisper-1"), ("prompt", "hé")], files)
    parts = parse_form(content_type, body)
    assert [(part.name, part.filename) for part in parts[:2]] == [("model", None), ("prompt", None)]
    assert parts[1].text == "hé"
    assert parts[2].data == files[0].data and parts[2].filename == 'na"me.bin'


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{}"),
        ("multipart/form-data", b"--x--"),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nv"),
    ],
)
def test_bad_multipart_is_a_400(content_type: str, body: bytes) -> None:
    status, answer = call("/v1/audio/transcriptions", {**BEARER, "content-type": content_type}, body)
    assert status == 400 and answer["error"]["message"]


# --- The /anthropic/v1/messages integration route helpers ---


def test_messages_to_responses_params() -> None:
    body = {
        "model": "claude-3-5-haiku-latest",
        "max_tokens": 100,
        "system": [{"type": "text", "text": "Be brief."}],
        "temperature": 0.2,
        "messages": [
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hi!"}]},
            {"role": "user", "content": [{"type": "text", "text": "How are you?"}]},
        ],
    }
    params = messages_to_responses_params(body)
    assert params["model"] == "anthropic/claude-3-5-haiku-latest"
    assert params["instructions"] == "Be brief." and params["max_output_tokens"] == 100
    assert params["temperature"] == 0.2
    assert [item["role"] for item in params["input"]] == ["user", "assistant", "user"]
    assert params["input"][1]["content"] == [{"type": "output_text", "text": "Hi!"}]
    assert messages_to_responses_params({"model": "openai/gpt-4o-mini"})["model"] == "openai/gpt-4o-mini"


def test_anthropic_route_round_trip_through_execute() -> None:
    params = messages_to_responses_params(
        {
            "model": "anthropic/claude-3-5-haiku-latest",
            "max_tokens": 50,
            "messages": [{"role": "user", "content": "Ping"}],
        }
    )
    outcome = asyncio.run(execute("responses", params["model"], params, []))
    assert outcome.result is not None
    message = responses_result_to_anthropic_message(outcome.result)
    assert message["type"] == "message" and message["role"] == "assistant"
    assert message["id"].startswith("msg_") and message["model"] == "claude-3-5-haiku-latest"
    assert message["content"] == [{"type": "text", "text": "Echo: Ping"}]
    assert message["stop_reason"] == "end_turn" and message["usage"]["output_tokens"] > 0


def test_openai_result_also_converts_to_a_message() -> None:
    outcome = asyncio.run(
        execute("responses", "openai/gpt-4o-mini", {"input": "Hey", "max_output_tokens": 1}, [])
    )
    assert outcome.result is not None
    message = responses_result_to_anthropic_message(outcome.result)
    assert message["stop_reason"] == "max_tokens" and message["content"][0]["text"] == "Echo:"


def test_error_to_anthropic() -> None:
    outcome = asyncio.run(execute("responses", "openai/gpt-4o-mini-fail-429", {"input": "x"}, []))
    assert outcome.error is not None
    converted = error_to_anthropic(outcome.error)
    assert converted["type"] == "error"
    assert converted["error"]["type"] == "rate_limit_error"
    assert "fail-429" in converted["error"]["message"]
    kept = error_to_anthropic({"status_code": 500, "error": {"message": "m", "type": "overloaded_error"}})
    assert kept["error"]["type"] == "overloaded_error"
    bare = error_to_anthropic({"error": {"message": "boom"}})
    assert bare["error"] == {"type": "api_error", "message": "boom"}


# --- Every provider route: its own prefix, fail-NNN and delay-Nms ---

MP3_BYTES = mp3("Hello there, this is a test.")
PNG_BYTES = png("wire", 8)


def _json(headers: dict[str, str], **payload: Any) -> Callable[[str], tuple[dict[str, str], bytes]]:
    return lambda model: (headers, json.dumps({"model": model, **payload}).encode())


def _form(
    fields: list[tuple[str, str]], files: list[FormPart]
) -> Callable[[str], tuple[dict[str, str], bytes]]:
    def build(model: str) -> tuple[dict[str, str], bytes]:
        content_type, body = encode_form([("model", model), *fields], files)
        return {"authorization": "Bearer k", "content-type": content_type}, body

    return build


CHAT = [{"role": "user", "content": "Hello"}]
AUDIO = [FormPart("file", "a.mp3", "audio/mpeg", MP3_BYTES)]
IMAGE = [FormPart("image", "i.png", "image/png", PNG_BYTES)]
# One valid request per provider route; the model name is filled in by each test.
ROUTE_REQUESTS: dict[tuple[str, str], Callable[[str], tuple[dict[str, str], bytes]]] = {
    ("openai", "/v1/completions"): _json(BEARER, prompt="Hello"),
    ("openai", "/v1/chat/completions"): _json(BEARER, messages=CHAT),
    ("openai", "/v1/responses"): _json(BEARER, input="Hello"),
    ("openai", "/v1/embeddings"): _json(BEARER, input="Hello"),
    ("openai", "/v1/audio/speech"): _json(BEARER, input="Hello", voice="alloy"),
    ("openai", "/v1/audio/transcriptions"): _form([], AUDIO),
    ("openai", "/v1/images/generations"): _json(BEARER, prompt="A red circle"),
    ("openai", "/v1/images/edits"): _form([("prompt", "Make it blue")], IMAGE),
    ("openai", "/v1/images/variations"): _form([], IMAGE),
    ("anthropic", "/v1/messages"): _json(ANTHROPIC, max_tokens=16, messages=CHAT),
    ("anthropic", "/v1/complete"): _json(
        ANTHROPIC, max_tokens_to_sample=16, prompt="\n\nHuman: Hi\n\nAssistant:"
    ),
    ("cohere", "/v2/rerank"): _json(BEARER, query="q", documents=["d"]),
    ("cohere", "/v2/chat"): _json(BEARER, messages=CHAT),
    ("cohere", "/v2/embed"): _json(BEARER, input_type="search_document", texts=["Hello"]),
    ("mistral", "/v1/chat/completions"): _json(BEARER, messages=CHAT),
    ("mistral", "/v1/embeddings"): _json(BEARER, input=["Hello"]),
    ("mistral", "/v1/audio/transcriptions"): _form([], AUDIO),
    ("mistral", "/v1/ocr"): _json(BEARER, document={"type": "image_url", "image_url": "https://x.invalid/a"}),
}


def _answer(provider: str, path: str, model: str) -> WireResponse:
    headers, body = ROUTE_REQUESTS[(provider, path)](model)
    return asyncio.run(handle("POST", f"/{provider}{path}", headers, body))


def test_every_provider_route_has_a_sample_request() -> None:
    served = {(provider, path) for provider, routes in BY_PROVIDER.items() for path in routes}
    assert served == set(ROUTE_REQUESTS)


@pytest.mark.parametrize(("provider", "path"), sorted(ROUTE_REQUESTS), ids=lambda v: str(v))
def test_every_route_answers_and_honours_fail_and_delay(provider: str, path: str) -> None:
    assert _answer(provider, path, "m").status == 200
    started = time.monotonic()
    failed = _answer(provider, path, "m-delay-100ms-fail-418")
    assert time.monotonic() - started >= 0.1
    assert failed.status == 418 and failed.body


def test_a_prefix_picks_the_provider_of_a_shared_path() -> None:
    request = {"model": "m", "messages": CHAT}
    status, mistral = call("/mistral/v1/chat/completions", BEARER, request)
    assert status == 200 and mistral["choices"][0]["message"]["prefix"] is False
    status, openai = call("/v1/chat/completions", BEARER, request)
    assert status == 200 and "refusal" in openai["choices"][0]["message"]
    status, openai = call("/openai/v1/chat/completions", BEARER, request)
    assert status == 200 and "refusal" in openai["choices"][0]["message"]
    status, refused = call("/mistral/v1/chat/completions", BEARER, {"model": "m-fail-429", "messages": CHAT})
    assert status == 429 and refused["object"] == "error" and refused["code"] == "rate_limit_exceeded"
    assert call("/cohere/v1/chat/completions", BEARER, request)[0] == 404
    assert call("/anthropic/v2/rerank", BEARER, request)[0] == 404


# --- Cohere chat and embed ---


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"model": "c"}, "messages"),
        ({"model": "c", "messages": [{"role": "robot", "content": "x"}]}, "role"),
        ({"model": "c", "messages": CHAT, "stream": True}, "stream"),
    ],
)
def test_cohere_chat_validation(payload: dict[str, Any], named: str) -> None:
    status, body = call("/v2/chat", BEARER, payload)
    assert status == 400 and set(body) == {"message"} and named in body["message"]


def test_cohere_chat_answers_in_v2_shape() -> None:
    status, body = call("/v2/chat", BEARER, {"model": "c", "messages": CHAT, "max_tokens": 1})
    assert status == 200
    assert body["message"] == {"role": "assistant", "content": [{"type": "text", "text": "Echo:"}]}
    assert body["finish_reason"] == "MAX_TOKENS"
    assert set(body["usage"]) == {"billed_units", "tokens"}


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"texts": ["x"]}, "input_type"),
        ({"input_type": "search_document"}, "texts"),
        ({"input_type": "search_document", "texts": ["x"], "images": ["data:,x"]}, "exactly one"),
        ({"input_type": "search_document", "texts": [""]}, "texts"),
        ({"input_type": "search_document", "texts": ["x"], "embedding_types": ["double"]}, "embedding_types"),
        ({"input_type": "search_document", "texts": ["x"], "output_dimension": 100}, "output_dimension"),
    ],
)
def test_cohere_embed_validation(payload: dict[str, Any], named: str) -> None:
    status, body = call("/v2/embed", BEARER, {"model": "embed-english-v3.0", **payload})
    assert status == 400 and named in body["message"]


def test_cohere_embed_types_and_sizes() -> None:
    request = {
        "model": "embed-english-light-v3.0",
        "input_type": "classification",
        "texts": ["a", "b"],
        "embedding_types": ["float", "int8", "uint8", "binary", "ubinary", "base64"],
    }
    status, body = call("/v2/embed", BEARER, request)
    assert status == 200 and body["response_type"] == "embeddings_by_type"
    embeddings = body["embeddings"]
    assert [len(embeddings[kind][0]) for kind in ("float", "int8", "uint8", "binary", "ubinary")] == [
        384, 384, 384, 48, 48,
    ]  # fmt: skip
    assert all(-128 <= value <= 127 for value in embeddings["int8"][0] + embeddings["binary"][0])
    assert all(0 <= value <= 255 for value in embeddings["uint8"][0] + embeddings["ubinary"][0])
    assert len(base64.b64decode(embeddings["base64"][0])) == 384 * 4
    assert body["texts"] == ["a", "b"]
    inputs = {
        "model": "embed-v4.0",
        "input_type": "search_document",
        "inputs": [{"content": [{"type": "text", "text": "x"}]}],
    }
    status, body = call("/v2/embed", BEARER, inputs)
    assert status == 200 and len(body["embeddings"]["float"][0]) == 1536 and "texts" not in body


# --- Mistral chat, embeddings, transcription ---


def test_mistral_validation_errors_are_mistral_shaped() -> None:
    for path, payload in (
        ("/mistral/v1/chat/completions", {"model": "m"}),
        ("/mistral/v1/embeddings", {"model": "m", "input": []}),
        ("/mistral/v1/embeddings", {"model": "m", "input": "x", "output_dtype": "double"}),
    ):
        status, body = call(path, BEARER, payload)
        assert status == 422, (path, body)
        assert body["object"] == "error" and body["message"] and isinstance(body["code"], str)
    content_type, form = encode_form([("model", "voxtral-mini-latest")], [])
    status, body = call("/mistral/v1/audio/transcriptions", {**BEARER, "content-type": content_type}, form)
    assert status == 422 and "file" in body["message"]


def test_mistral_embeddings_sizes_and_dtypes() -> None:
    status, body = call("/mistral/v1/embeddings", BEARER, {"model": "mistral-embed", "input": "x"})
    assert status == 200 and len(body["data"][0]["embedding"]) == 1024
    request = {"model": "codestral-embed", "input": ["x"], "output_dimension": 256, "output_dtype": "int8"}
    status, body = call("/mistral/v1/embeddings", BEARER, request)
    assert status == 200 and len(body["data"][0]["embedding"]) == 256
    assert all(isinstance(value, int) for value in body["data"][0]["embedding"])


def test_mistral_transcription_of_a_url_never_fetches_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network use: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    content_type, form = encode_form(
        [("model", "voxtral-mini-latest"), ("file_url", "https://x.invalid/a.mp3")], []
    )
    status, body = call("/mistral/v1/audio/transcriptions", {**BEARER, "content-type": content_type}, form)
    assert status == 200 and body["text"] and body["segments"] == []


# --- Anthropic text completions ---


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"prompt": "\n\nHuman: Hi\n\nAssistant:"}, "max_tokens_to_sample"),
        ({"prompt": "Hi", "max_tokens_to_sample": 5}, "Human:"),
        ({"prompt": "\n\nHuman: Hi", "max_tokens_to_sample": 5}, "Assistant:"),
    ],
)
def test_anthropic_complete_validation(payload: dict[str, Any], named: str) -> None:
    status, body = call("/v1/complete", ANTHROPIC, {"model": "claude-2.1", **payload})
    assert (
        status == 400
        and body["error"]["type"] == "invalid_request_error"
        and named in body["error"]["message"]
    )


def test_anthropic_complete_answers_the_last_human_turn() -> None:
    prompt = "\n\nHuman: first\n\nAssistant: ok\n\nHuman: second question\n\nAssistant:"
    status, body = call(
        "/v1/complete", ANTHROPIC, {"model": "claude-2.1", "prompt": prompt, "max_tokens_to_sample": 9}
    )
    assert status == 200
    assert body["type"] == "completion" and body["id"].startswith("compl_")
    assert body["completion"] == " Echo: second question"
    assert (body["stop_reason"], body["stop"]) == ("stop_sequence", "\n\nHuman:")
    assert "usage" not in body  # the legacy API reports none
    cut = call("/v1/complete", ANTHROPIC, {"model": "c", "prompt": prompt, "max_tokens_to_sample": 1})[1]
    assert (cut["stop_reason"], cut["stop"]) == ("max_tokens", None)
