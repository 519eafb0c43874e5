"""The provider layer alone: dispatch, wire validation, model-name tokens, media, route helpers."""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
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
