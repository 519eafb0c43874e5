"""Contract tests over HTTP: routes, the submit envelope, validation, stream rules, methods, health."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import (
    JSON_BODIES,
    MULTIPART_FIELDS,
    PNG,
    REQUEST_TYPES,
    UNKNOWN_VK,
    VK,
    GatewayFactory,
    RunningGateway,
    path_of,
)

from fakegateway.contract import ENDPOINTS, BodyKind

JSON_TYPES = [e.request_type for e in ENDPOINTS if e.body is BodyKind.JSON]
MULTIPART_TYPES = [e.request_type for e in ENDPOINTS if e.body is BodyKind.MULTIPART]


def assert_error(response: Any, status: int, message: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["is_bifrost_error"] is False
    assert body["status_code"] == status
    assert body["extra_fields"] == {}
    if message is not None:
        assert body["error"]["message"] == message
    return dict(body)


def parse_time(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text)


def test_health_answers_ok(gateway: RunningGateway) -> None:
    response = gateway.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "components": {"db_pings": "ok"}}


def test_there_are_exactly_eleven_endpoints() -> None:
    assert len(ENDPOINTS) == 11
    assert {e.path for e in ENDPOINTS} == {
        "/v1/async/completions",
        "/v1/async/chat/completions",
        "/v1/async/responses",
        "/v1/async/embeddings",
        "/v1/async/audio/speech",
        "/v1/async/audio/transcriptions",
        "/v1/async/images/generations",
        "/v1/async/images/edits",
        "/v1/async/images/variations",
        "/v1/async/rerank",
        "/v1/async/ocr",
    }


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_submit_answers_202_with_a_pending_envelope(gateway: RunningGateway, request_type: str) -> None:
    before = datetime.now(UTC)
    response = gateway.submit(request_type)
    assert response.status_code == 202, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert uuid.UUID(body["id"]).version == 4
    assert str(uuid.UUID(body["id"])) == body["id"]
    assert body["status"] == "pending"
    assert body["request_id"]
    created = parse_time(body["created_at"])
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC) + timedelta(seconds=1)
    assert set(body) == {"id", "request_id", "status", "created_at"}


def test_submit_echoes_x_request_id(gateway: RunningGateway) -> None:
    response = gateway.submit(headers={"x-request-id": "req-42"})
    assert response.json()["request_id"] == "req-42"
    job_id = response.json()["id"]
    assert gateway.wait_terminal("chat_completion", job_id).json()["request_id"] == "req-42"


def test_submit_generates_distinct_request_ids(gateway: RunningGateway) -> None:
    first, second = (gateway.submit().json()["request_id"] for _ in range(2))
    assert first != second
    uuid.UUID(first)


# (request type, body, exact 400 message): contract §5.
MODEL = {t: body["model"] for t, body in JSON_BODIES.items()}
JSON_VALIDATION = [
    ("text_completion", {"model": MODEL["text_completion"]}, "prompt is required for text completion"),
    ("chat_completion", {"model": MODEL["chat_completion"]}, "messages is required for chat completion"),
    (
        "chat_completion",
        {"model": MODEL["chat_completion"], "messages": []},
        "messages is required for chat completion",
    ),
    ("responses", {"model": MODEL["responses"]}, "input is required for responses"),
    ("embedding", {"model": MODEL["embedding"]}, "input is required for embeddings"),
    ("speech", {"model": MODEL["speech"], "voice": "alloy"}, "input is required for speech completion"),
    (
        "speech",
        {"model": MODEL["speech"], "input": "", "voice": "alloy"},
        "input is required for speech completion",
    ),
    ("speech", {"model": MODEL["speech"], "input": "Hello"}, "voice is required for speech completion"),
    ("image_generation", {"model": MODEL["image_generation"]}, "prompt cannot be empty"),
    ("image_generation", {"model": MODEL["image_generation"], "prompt": ""}, "prompt cannot be empty"),
    ("rerank", {"model": MODEL["rerank"], "documents": [{"text": "a"}]}, "query is required for rerank"),
    (
        "rerank",
        {"model": MODEL["rerank"], "query": "q", "documents": []},
        "documents are required for rerank",
    ),
    (
        "rerank",
        {"model": MODEL["rerank"], "query": "q", "documents": [{"text": "a"}, {"text": ""}]},
        "document text is required for rerank at index 1",
    ),
    (
        "rerank",
        {"model": MODEL["rerank"], "query": "q", "documents": [{"text": "a"}], "top_n": 0},
        "top_n must be at least 1",
    ),
    ("ocr", {"model": MODEL["ocr"], "document": {"image_url": "x"}}, "document type is required for ocr"),
    (
        "ocr",
        {"model": MODEL["ocr"], "document": {"type": "document_url"}},
        "document_url is required when document type is document_url",
    ),
    (
        "ocr",
        {"model": MODEL["ocr"], "document": {"type": "image_url"}},
        "image_url is required when document type is image_url",
    ),
]


@pytest.mark.parametrize(("request_type", "body", "message"), JSON_VALIDATION)
def test_json_required_fields(
    gateway: RunningGateway, request_type: str, body: dict[str, Any], message: str
) -> None:
    assert_error(gateway.post(path_of(request_type), json=body), 400, message)


def test_elevenlabs_speech_needs_no_voice(gateway: RunningGateway) -> None:
    response = gateway.post(path_of("speech"), json={"model": "elevenlabs/eleven_v3", "input": "Hello"})
    assert response.status_code == 202, response.text


@pytest.mark.parametrize("request_type", JSON_TYPES)
@pytest.mark.parametrize("model", [None, "gpt-4o-mini", "", "openai/"])
def test_missing_or_unprefixed_model_is_400(
    gateway: RunningGateway, request_type: str, model: str | None
) -> None:
    body = dict(JSON_BODIES[request_type])
    if model is None:
        del body["model"]
    else:
        body["model"] = model
    assert_error(
        gateway.post(path_of(request_type), json=body), 400, "model should be in provider/model format"
    )


@pytest.mark.parametrize("request_type", JSON_TYPES)
@pytest.mark.parametrize(
    "raw", [b"{invalid json", b"", b"[1, 2]", b'"text"', b"NaN", b'{"model": 5}', b"\xff\xfe{}"], ids=repr
)
def test_malformed_json_is_invalid_payload(gateway: RunningGateway, request_type: str, raw: bytes) -> None:
    response = gateway.post(path_of(request_type), data=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "Invalid request payload")


def test_json_content_type_is_not_checked(gateway: RunningGateway) -> None:
    body = b'{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
    response = gateway.post(path_of("chat_completion"), data=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 202


def multipart(
    gateway: RunningGateway, request_type: str, fields: dict[str, str], files: dict[str, Any]
) -> Any:
    return gateway.post(path_of(request_type), data=fields, files=files)


IMAGE = ("image.png", PNG, "image/png")


@pytest.mark.parametrize(
    ("request_type", "fields", "files", "message"),
    [
        ("transcription", {}, {"file": ("a.mp3", b"ID3", "audio/mpeg")}, "model is required"),
        ("transcription", {"model": "openai/whisper-1"}, {}, "file is required"),
        (
            "transcription",
            {"model": "openai/whisper-1"},
            {"other": ("a.mp3", b"ID3", "audio/mpeg")},
            "file is required",
        ),
        ("image_edit", {"prompt": "Make it blue"}, {"image": IMAGE}, "model is required"),
        (
            "image_edit",
            {"model": "openai/dall-e-2", "prompt": "Make it blue"},
            {},
            "at least one image is required",
        ),
        (
            "image_edit",
            {"model": "openai/dall-e-2", "prompt": "x", "n": "two"},
            {"image": IMAGE},
            'invalid n value: strconv.Atoi: parsing "two": invalid syntax',
        ),
        ("image_variation", {"model": "openai/dall-e-2"}, {}, "at least one image is required"),
        ("image_variation", {}, {"image": IMAGE}, "model is required"),
        (
            "image_variation",
            {"model": "dall-e-2"},
            {"image": IMAGE},
            "model should be in provider/model format",
        ),
    ],
)
def test_multipart_validation(
    gateway: RunningGateway, request_type: str, fields: dict[str, str], files: dict[str, Any], message: str
) -> None:
    files = files or {"unused": ("", b"", "text/plain")}
    assert_error(multipart(gateway, request_type, fields, files), 400, message)


@pytest.mark.parametrize("request_type", MULTIPART_TYPES)
def test_multipart_endpoints_need_a_multipart_body(gateway: RunningGateway, request_type: str) -> None:
    body = assert_error(gateway.post(path_of(request_type), json=MULTIPART_FIELDS[request_type]), 400)
    assert (
        body["error"]["message"]
        == "failed to parse multipart form: request Content-Type isn't multipart/form-data"
    )
    broken = gateway.post(
        path_of(request_type),
        data=b"--x\r\nno end",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert assert_error(broken, 400)["error"]["message"].startswith("failed to parse multipart form: ")


def test_image_edit_accepts_image_array_field(gateway: RunningGateway) -> None:
    response = multipart(
        gateway, "image_edit", {"model": "openai/dall-e-2", "prompt": "x"}, {"image[]": IMAGE}
    )
    assert response.status_code == 202, response.text


STREAMED_JSON: dict[str, tuple[dict[str, Any], str]] = {
    "text_completion": ({"stream": True}, "stream is not supported for async text completions"),
    "chat_completion": ({"stream": True}, "stream is not supported for async chat completions"),
    "responses": ({"stream": True}, "stream is not supported for async responses"),
    "image_generation": ({"stream": True}, "stream is not supported for async image generations"),
    "speech": ({"stream_format": "sse"}, "stream is not supported for async speech"),
}


@pytest.mark.parametrize("request_type", sorted(STREAMED_JSON))
def test_stream_rejected_on_json_endpoints(gateway: RunningGateway, request_type: str) -> None:
    extra, message = STREAMED_JSON[request_type]
    assert_error(gateway.submit(request_type, extra=extra), 400, message)


@pytest.mark.parametrize(
    ("request_type", "message"),
    [
        ("transcription", "stream is not supported for async transcriptions"),
        ("image_edit", "stream is not supported for async image edits"),
    ],
)
def test_stream_rejected_on_multipart_endpoints(
    gateway: RunningGateway, request_type: str, message: str
) -> None:
    assert_error(gateway.submit(request_type, extra={"stream": "true"}), 400, message)


@pytest.mark.parametrize("request_type", ["embedding", "rerank", "ocr", "image_variation"])
def test_endpoints_without_stream_check_accept_stream(gateway: RunningGateway, request_type: str) -> None:
    extra: dict[str, Any] = {"stream": "true"} if request_type == "image_variation" else {"stream": True}
    assert gateway.submit(request_type, extra=extra).status_code == 202


def test_speech_stream_false_and_other_formats_accepted(gateway: RunningGateway) -> None:
    assert gateway.submit("speech", extra={"stream_format": "audio"}).status_code == 202
    assert gateway.submit("chat_completion", extra={"stream": False}).status_code == 202


def test_validation_runs_before_the_stream_check(gateway: RunningGateway) -> None:
    response = gateway.post(path_of("chat_completion"), json={"model": "openai/gpt-4o-mini", "stream": True})
    assert_error(response, 400, "messages is required for chat completion")
    response = gateway.post(path_of("text_completion"), json={"prompt": "x", "stream": True})
    assert_error(response, 400, "model should be in provider/model format")


def test_stream_check_runs_before_the_key_lookup(gateway: RunningGateway) -> None:
    response = gateway.submit("text_completion", {"x-bf-vk": UNKNOWN_VK}, extra={"stream": True})
    assert_error(response, 400, "stream is not supported for async text completions")


UNKNOWN_KEY_STATUS = {
    "text_completion": 500,
    "rerank": 500,
    "ocr": 500,
}


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_unknown_virtual_key_at_submit(gateway: RunningGateway, request_type: str) -> None:
    status = UNKNOWN_KEY_STATUS.get(request_type, 400)
    prefix = "Failed to create async job: " if request_type == "responses" else ""
    assert_error(
        gateway.submit(request_type, {"x-bf-vk": UNKNOWN_VK}), status, prefix + "virtual key not found"
    )


def test_any_non_empty_x_bf_vk_value_can_be_a_key(gateway_factory: GatewayFactory) -> None:
    running = gateway_factory(keys=("plain-key-without-prefix",))
    response = running.submit(headers={"x-bf-vk": "plain-key-without-prefix"})
    assert response.status_code == 202


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("request_type", ["chat_completion", "transcription", "ocr"])
def test_wrong_method_on_submit_path_is_405(gateway: RunningGateway, method: str, request_type: str) -> None:
    response = gateway.request(method, path_of(request_type))
    assert response.status_code == 405
    assert response.text == "Method Not Allowed"
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_post_on_poll_path_is_405(gateway: RunningGateway, request_type: str) -> None:
    response = gateway.post(f"{path_of(request_type)}/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_get_on_submit_path_serves_the_ui_shell(gateway: RunningGateway, request_type: str) -> None:
    response = gateway.get(path_of(request_type))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html" in response.text


@pytest.mark.parametrize(
    "path", ["/v1/async/jobs/123", "/v1/async/count_tokens", "/v1/async/chat/completions/", "/api/x"]
)
def test_unknown_routes_are_404_route_not_found(gateway: RunningGateway, path: str) -> None:
    assert_error(gateway.post(path, json={}), 404, f"Route not found: {path}")


def test_get_on_unknown_paths_serves_the_ui_shell_except_api(gateway: RunningGateway) -> None:
    assert gateway.get("/some/page").headers["Content-Type"].startswith("text/html")
    assert_error(gateway.get("/api/governance"), 404, "Route not found: /api/governance")


def test_body_over_the_cap_is_413(gateway_factory: GatewayFactory) -> None:
    running = gateway_factory(max_body_bytes=4096)
    response = running.post(
        path_of("chat_completion"), data=b"x" * 5000, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["status_code"] == 413
    assert running.submit().status_code == 202


def test_submit_does_not_need_a_key_header_at_all(gateway: RunningGateway) -> None:
    assert gateway.submit("embedding", {"Authorization": "Bearer not-a-virtual-key"}).status_code == 202
    assert gateway.submit("embedding", {"x-bf-vk": VK}).status_code == 202
