"""Bifrost's async contract as data: the 11 endpoints, their validation rules and exact messages.

This module is the fake's single source of truth for what `bifrost-async-contract.md` §1 and §5
say. Each check returns the 400 message Bifrost would send, or None when the body passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class BodyKind(StrEnum):
    JSON = "json"
    MULTIPART = "multipart"


@dataclass(frozen=True)
class Endpoint:
    """One async submit route; its poll route is `path + "/{job_id}"`."""

    request_type: str
    path: str
    body: BodyKind
    default_model: str
    # Message of the stream rejection; None where Bifrost has no stream check.
    stream_message: str | None
    # Status when SubmitJob fails (unknown virtual key, insert failure): 400 or 500 per handler.
    submit_error_status: int = 400
    submit_error_prefix: str = ""


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "text_completion",
        "/v1/async/completions",
        BodyKind.JSON,
        "openai/gpt-3.5-turbo-instruct",
        "stream is not supported for async text completions",
        submit_error_status=500,
    ),
    Endpoint(
        "chat_completion",
        "/v1/async/chat/completions",
        BodyKind.JSON,
        "openai/gpt-4o-mini",
        "stream is not supported for async chat completions",
    ),
    Endpoint(
        "responses",
        "/v1/async/responses",
        BodyKind.JSON,
        "openai/gpt-4o-mini",
        "stream is not supported for async responses",
        submit_error_prefix="Failed to create async job: ",
    ),
    Endpoint("embedding", "/v1/async/embeddings", BodyKind.JSON, "openai/text-embedding-3-small", None),
    Endpoint(
        "speech",
        "/v1/async/audio/speech",
        BodyKind.JSON,
        "openai/tts-1",
        "stream is not supported for async speech",
    ),
    Endpoint(
        "transcription",
        "/v1/async/audio/transcriptions",
        BodyKind.MULTIPART,
        "openai/whisper-1",
        "stream is not supported for async transcriptions",
    ),
    Endpoint(
        "image_generation",
        "/v1/async/images/generations",
        BodyKind.JSON,
        "openai/dall-e-3",
        "stream is not supported for async image generations",
    ),
    Endpoint(
        "image_edit",
        "/v1/async/images/edits",
        BodyKind.MULTIPART,
        "openai/dall-e-2",
        "stream is not supported for async image edits",
    ),
    Endpoint("image_variation", "/v1/async/images/variations", BodyKind.MULTIPART, "openai/dall-e-2", None),
    Endpoint(
        "rerank",
        "/v1/async/rerank",
        BodyKind.JSON,
        "cohere/rerank-english-v3.0",
        None,
        submit_error_status=500,
    ),
    Endpoint(
        "ocr", "/v1/async/ocr", BodyKind.JSON, "mistral/mistral-ocr-latest", None, submit_error_status=500
    ),
)

BY_TYPE: dict[str, Endpoint] = {e.request_type: e for e in ENDPOINTS}
BY_PATH: dict[str, Endpoint] = {e.path: e for e in ENDPOINTS}

# Exact messages (contract §5, §6, §8).
INVALID_PAYLOAD = "Invalid request payload"
MODEL_FORMAT = "model should be in provider/model format"
MODEL_REQUIRED = "model is required"
MULTIPART_PREFIX = "failed to parse multipart form: "
FILE_REQUIRED = "file is required"
IMAGE_REQUIRED = "at least one image is required"
JOB_NOT_FOUND = "job not found or expired"
VK_REQUIRED = "virtual key is required"
VK_NOT_FOUND = "virtual key not found"
VK_MISMATCH = "virtual key mismatch"
TYPE_MISMATCH = "operation type mismatch"
INTEGRATION_STREAM = "streaming is not supported for async requests"
INTEGRATION_UNSUPPORTED = "async operation is not supported on this route"
INTEGRATION_CREATE_FAILED = "failed to create async job"
# Governance's refusal of an anonymous inference call with enforce-auth on (contract §7).
VK_REQUIRED_TYPE = "virtual_key_required"
VK_REQUIRED_MESSAGE = "virtual key is required. Provide a virtual key via the x-bf-vk header."
VK_REQUIRED_STATUS = 401

VK_PREFIX = "sk-bf-"
# SubmitJob turns a TTL of 0 (or less) into this, whatever the configured default is.
HARD_DEFAULT_TTL = 3600

# JSON field types Bifrost's structs accept; a value of another type fails decoding and gives
# INVALID_PAYLOAD. Fields not listed are passed through untouched.
_NUMBER = (int, float)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "model": (str,),
    "stream": (bool,),
    "stream_format": (str,),
    "messages": (list,),
    "prompt": (str, list),
    "input": (str, list, dict),
    "voice": (str, dict, list),
    "query": (str,),
    "documents": (list,),
    "top_n": (int,),
    "document": (dict,),
    "n": (int,),
    "max_tokens": (int,),
    "temperature": _NUMBER,
}
# Multipart integer fields that Bifrost parses with strconv.Atoi, per endpoint.
_MULTIPART_INTS: dict[str, tuple[str, ...]] = {
    "image_edit": ("n", "partial_images", "output_compression"),
    "image_variation": ("n",),
}
_GO_INT = re.compile(r"[+-]?[0-9]+")


def shape_problem(endpoint: Endpoint, fields: Mapping[str, Any]) -> str | None:
    """A JSON value of the wrong type, as Bifrost's decoder rejects it."""
    for name, types in _JSON_TYPES.items():
        value = fields.get(name)
        if value is None:
            continue
        # bool is an int in Python, never in Go.
        wrong_bool = isinstance(value, bool) and bool not in types
        if wrong_bool or not isinstance(value, types):
            return INVALID_PAYLOAD
    if endpoint.request_type == "rerank":
        docs = fields.get("documents") or []
        if not all(isinstance(doc, dict) for doc in docs):
            return INVALID_PAYLOAD
    return None


def model_problem(endpoint: Endpoint, fields: Mapping[str, Any], *, late_resolution: bool) -> str | None:
    """The model check: `provider/model` at submit (older Bifrost), or nothing (newest, JSON only)."""
    model = fields.get("model")
    if endpoint.body is BodyKind.MULTIPART and not model:
        return MODEL_REQUIRED
    if late_resolution:
        return None
    provider, _, name = (model or "").partition("/")
    return None if provider and name else MODEL_FORMAT


def file_problem(endpoint: Endpoint, file_fields: list[str]) -> str | None:
    """The file part each multipart endpoint needs."""
    if endpoint.request_type == "transcription" and "file" not in file_fields:
        return FILE_REQUIRED
    if endpoint.request_type in ("image_edit", "image_variation") and not (
        "image" in file_fields or "image[]" in file_fields
    ):
        return IMAGE_REQUIRED
    return None


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _completion(fields: Mapping[str, Any]) -> str | None:
    return "prompt is required for text completion" if fields.get("prompt") is None else None


def _chat(fields: Mapping[str, Any]) -> str | None:
    return "messages is required for chat completion" if not fields.get("messages") else None


def _responses(fields: Mapping[str, Any]) -> str | None:
    return "input is required for responses" if fields.get("input") is None else None


def _embedding(fields: Mapping[str, Any]) -> str | None:
    return "input is required for embeddings" if fields.get("input") is None else None


def _speech(fields: Mapping[str, Any]) -> str | None:
    if _blank(fields.get("input")):
        return "input is required for speech completion"
    # ElevenLabs voices are picked by the model, so only other providers need one.
    provider = str(fields.get("model") or "").partition("/")[0]
    if provider != "elevenlabs" and _blank(fields.get("voice")):
        return "voice is required for speech completion"
    return None


def _image_generation(fields: Mapping[str, Any]) -> str | None:
    return "prompt cannot be empty" if _blank(fields.get("prompt")) else None


def _multipart_ints(request_type: str) -> Callable[[Mapping[str, Any]], str | None]:
    def check(fields: Mapping[str, Any]) -> str | None:
        for name in _MULTIPART_INTS[request_type]:
            value = fields.get(name)
            if value is not None and value != "" and not _GO_INT.fullmatch(str(value)):
                return f'invalid {name} value: strconv.Atoi: parsing "{value}": invalid syntax'
        return None

    return check


def _rerank(fields: Mapping[str, Any]) -> str | None:
    if _blank(fields.get("query")):
        return "query is required for rerank"
    documents = fields.get("documents")
    if not documents:
        return "documents are required for rerank"
    for index, document in enumerate(documents):
        if _blank(document.get("text")):
            return f"document text is required for rerank at index {index}"
    top_n = fields.get("top_n")
    if top_n is not None and top_n < 1:
        return "top_n must be at least 1"
    return None


def _ocr(fields: Mapping[str, Any]) -> str | None:
    document = fields.get("document") or {}
    kind = document.get("type")
    if _blank(kind):
        return "document type is required for ocr"
    if kind == "document_url" and _blank(document.get("document_url")):
        return "document_url is required when document type is document_url"
    if kind == "image_url" and _blank(document.get("image_url")):
        return "image_url is required when document type is image_url"
    return None


def _none(fields: Mapping[str, Any]) -> str | None:
    return None


_FIELD_CHECKS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "text_completion": _completion,
    "chat_completion": _chat,
    "responses": _responses,
    "embedding": _embedding,
    "speech": _speech,
    "transcription": _none,
    "image_generation": _image_generation,
    "image_edit": _multipart_ints("image_edit"),
    "image_variation": _multipart_ints("image_variation"),
    "rerank": _rerank,
    "ocr": _ocr,
}


def field_problem(endpoint: Endpoint, fields: Mapping[str, Any]) -> str | None:
    """The required-field rules of contract §5 (everything but the model and file parts)."""
    return _FIELD_CHECKS[endpoint.request_type](fields)


_TRUE_FORM_VALUES = frozenset({"1", "t", "T", "true", "TRUE", "True"})


def stream_requested(endpoint: Endpoint, fields: Mapping[str, Any]) -> bool:
    """Whether the body asks for streaming in the way this endpoint's stream check reads it."""
    if endpoint.request_type == "speech":
        return fields.get("stream_format") == "sse"
    if endpoint.body is BodyKind.MULTIPART:
        return str(fields.get("stream", "")) in _TRUE_FORM_VALUES
    return fields.get("stream") is True


def stream_problem(endpoint: Endpoint, fields: Mapping[str, Any]) -> str | None:
    if endpoint.stream_message is None or not stream_requested(endpoint, fields):
        return None
    return endpoint.stream_message
