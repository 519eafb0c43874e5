"""Fake Mistral: `/v1/chat/completions`, `/v1/embeddings`, `/v1/audio/transcriptions` and `/v1/ocr` in
Mistral's wire format (never fetching a document or audio URL), and Bifrost's adapter in front of it.

The first three paths are OpenAI's as well: the standalone server answers them as Mistral under the
`/mistral` prefix (see `dispatch`).
"""

from __future__ import annotations

import base64
import math
import struct
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from . import media
from .adapter import (
    AdapterError,
    Call,
    ErrorFields,
    ProviderAdapter,
    Route,
    WireCall,
    decode_error_body,
    decode_json,
    default_error_message,
    form_value,
    forwarded,
    json_call,
)
from .chat_bridge import responses_via_chat
from .common import (
    Handler,
    ProviderError,
    WireRequest,
    WireResponse,
    as_dict,
    bearer_token,
    count_tokens,
    echo_reply,
    embedding_vector,
    json_object,
    last_user_text,
    optional_int,
    provider_turn,
    quantised,
    require_string,
    text_of,
)
from .multipart import FormPart, encode_form, parse_form

# Long data: URLs would swamp the markdown; the page names only the start of the location.
_URL_SHOWN = 120
_PAGE_DIMENSIONS = {"dpi": 200, "height": 2200, "width": 1700}


def error_body(exc: ProviderError) -> dict[str, Any]:
    """Mistral's error shape; `code` is a string."""
    kind = exc.kind or ("internal_server_error" if exc.status >= 500 else "invalid_request_error")
    return {
        "object": "error",
        "message": exc.message,
        "type": kind,
        "param": exc.param,
        "code": exc.code or str(exc.status),
    }


def document_location(document: Any) -> str:
    """The URL a Mistral OCR `document` points at (passed through, never downloaded)."""
    if not isinstance(document, dict):
        raise ProviderError(400, "document: expected an object with a type", param="document")
    kind = document.get("type")
    if kind not in ("image_url", "document_url"):
        raise ProviderError(400, "document type must be 'image_url' or 'document_url'", param="document.type")
    location = document.get(kind)
    if isinstance(location, dict):
        location = location.get("url")
    if not isinstance(location, str) or not location:
        raise ProviderError(400, f"document.{kind} is required", param=f"document.{kind}")
    return location


def _page_numbers(payload: dict[str, Any]) -> list[int]:
    pages = payload.get("pages")
    if pages is None:
        return [0]
    if not isinstance(pages, list) or not all(isinstance(page, int) and page >= 0 for page in pages):
        raise ProviderError(400, "pages must be a list of page indexes (0-based)", param="pages")
    return sorted(set(pages)) or [0]


def _endpoint(call: Callable[[WireRequest], Awaitable[WireResponse]]) -> Handler:
    """Wrap an endpoint with Mistral's bearer-key check and error body."""

    async def handler(request: WireRequest) -> WireResponse:
        try:
            if bearer_token(request.headers) is None:
                raise ProviderError(401, "Unauthorized", "authentication_error", "unauthorized")
            return await call(request)
        except ProviderError as exc:
            return WireResponse.json(exc.status, error_body(exc))

    return handler


async def _ocr(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    location = document_location(payload.get("document"))
    shown = location if len(location) <= _URL_SHOWN else location[:_URL_SHOWN] + "…"
    pages = [
        {
            "index": number,
            "markdown": f"# Page {number + 1}\n\nText recognised on page {number + 1} of {shown}.\n",
            "images": [],
            "dimensions": dict(_PAGE_DIMENSIONS),
        }
        for number in _page_numbers(payload)
    ]
    body = {
        "pages": pages,
        "model": model,
        "document_annotation": None,
        # The document is never downloaded, so its size is unknown.
        "usage_info": {"pages_processed": len(pages), "doc_size_bytes": None},
    }
    return WireResponse.json(200, body)


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


_CHAT_ROLES = ("system", "user", "assistant", "tool")


async def _chat_completions(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    if payload.get("stream") is True:
        raise ProviderError(400, "This fake Mistral does not stream; send stream false.", param="stream")
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ProviderError(422, "messages: Field required", param="messages")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _CHAT_ROLES:
            raise ProviderError(422, f"messages.{index}.role: Input tag does not match", param="messages")
    max_tokens = optional_int(payload, "max_tokens", 16) if payload.get("max_tokens") is not None else None
    n = optional_int(payload, "n", 1, high=16)
    reply, cut = echo_reply(last_user_text(messages), max_tokens)
    choices = [
        {
            "index": index,
            "message": {"role": "assistant", "content": reply, "tool_calls": None, "prefix": False},
            "finish_reason": "length" if cut else "stop",
        }
        for index in range(n)
    ]
    prompt_tokens = sum(count_tokens(text_of(m.get("content"))) for m in messages)
    body = {
        "id": uuid.uuid4().hex,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": _usage(prompt_tokens, count_tokens(reply) * n),
    }
    return WireResponse.json(200, body)


_OUTPUT_DTYPES = ("float", "int8", "uint8", "binary", "ubinary")


async def _embeddings(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    raw = payload.get("input")
    inputs = [raw] if isinstance(raw, str) else raw
    if not isinstance(inputs, list) or not inputs or not all(isinstance(t, str) and t for t in inputs):
        raise ProviderError(
            422, "input: a non-empty string or list of non-empty strings is required", param="input"
        )
    default = 1536 if model.startswith("codestral-embed") else 1024
    dimensions = optional_int(payload, "output_dimension", default, high=3072)
    dtype = payload.get("output_dtype") or "float"
    if dtype not in _OUTPUT_DTYPES:
        raise ProviderError(
            422, f"output_dtype must be one of {', '.join(_OUTPUT_DTYPES)}", param="output_dtype"
        )
    encoding = payload.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise ProviderError(422, "encoding_format must be float or base64", param="encoding_format")
    data = []
    for index, text in enumerate(inputs):
        vector = embedding_vector(text, dimensions)
        embedding: Any = vector if dtype == "float" else quantised(vector, dtype)
        if encoding == "base64" and dtype == "float":
            embedding = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        data.append({"object": "embedding", "embedding": embedding, "index": index})
    tokens = sum(count_tokens(text) for text in inputs)
    body = {
        "id": uuid.uuid4().hex,
        "object": "list",
        "data": data,
        "model": model,
        "usage": _usage(tokens, 0),
    }
    return WireResponse.json(200, body)


def _form_fields(parts: list[FormPart]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for part in parts:
        if part.filename is None:
            fields.setdefault(part.name, []).append(part.text)
    return fields


async def _transcriptions(request: WireRequest) -> WireResponse:
    parts = parse_form(request.headers.get("content-type", ""), request.body)
    fields = _form_fields(parts)
    model = require_string({name: values[-1] for name, values in fields.items()}, "model")
    await provider_turn(model)
    audio = next((part for part in parts if part.name == "file" and part.filename is not None), None)
    file_url = (fields.get("file_url") or [""])[-1]
    if audio is None and not file_url:
        raise ProviderError(422, "one of file, file_url or file_id is required", param="file")
    if audio is not None and not audio.data:
        raise ProviderError(400, "The audio file is empty.", param="file")
    # A URL is never fetched: its transcript comes from the URL itself.
    source = audio.data if audio is not None else file_url.encode()
    text = media.transcript(source)
    seconds = media.audio_seconds(source) if audio is not None else 4.0
    language = (fields.get("language") or ["en"])[-1]
    granularities = fields.get("timestamp_granularities[]", []) + fields.get("timestamp_granularities", [])
    segments = []
    if "segment" in granularities:
        segments = [{"text": text, "start": 0.0, "end": round(seconds, 3), "type": "transcription_segment"}]
    tokens = count_tokens(text)
    body = {
        "model": model,
        "text": text,
        "language": language,
        "segments": segments,
        "usage": {
            "prompt_audio_seconds": max(1, math.ceil(seconds)),
            "prompt_tokens": 0,
            "completion_tokens": tokens,
            "total_tokens": tokens,
        },
    }
    return WireResponse.json(200, body)


ROUTES: dict[str, Handler] = {
    "/v1/chat/completions": _endpoint(_chat_completions),
    "/v1/embeddings": _endpoint(_embeddings),
    "/v1/audio/transcriptions": _endpoint(_transcriptions),
    "/v1/ocr": _endpoint(_ocr),
}


# --- Bifrost layer: chat and embeddings go through Bifrost's OpenAI-compatible handlers, transcription
# as Mistral's own form, the OCR request as is; answers come back under the same names ---

FAKE_KEY = "fake-mistral-key"
_AUTH = {"authorization": f"Bearer {FAKE_KEY}"}


def parse_error(status: int, body: bytes) -> ErrorFields:
    """Mistral's `{message, type, code}` or the OpenAI-style `{error: {...}}`."""
    payload = decode_error_body(body) or {}
    nested = payload.get("error")
    source = nested if isinstance(nested, dict) else payload
    message = source.get("message")
    if not isinstance(message, str):
        return ErrorFields({"message": default_error_message(status, body)})
    fields: dict[str, Any] = {"message": message}
    for name in ("type", "code"):
        value = source.get(name)
        if value is not None:
            fields[name] = str(value)
    return ErrorFields(fields)


def _build(call: Call) -> WireCall:
    return json_call("/v1/ocr", forwarded(call), _AUTH)


def _convert(call: Call, response: WireResponse) -> dict[str, Any]:
    payload = decode_json(response)
    names = ("model", "pages", "usage_info", "document_annotation")
    return {name: payload[name] for name in names if payload.get(name) is not None}


def _decode(call: Call, response: WireResponse) -> dict[str, Any]:
    return decode_json(response)


def _chat_build(call: Call) -> WireCall:
    """OpenAI's chat body with Bifrost's Mistral fix: `max_completion_tokens` goes up as `max_tokens`."""
    body = forwarded(call, frozenset({"max_completion_tokens"}))
    if call.params.get("max_completion_tokens") is not None:
        body["max_tokens"] = call.params["max_completion_tokens"]
    return json_call("/v1/chat/completions", body, _AUTH)


def _embedding_build(call: Call) -> WireCall:
    return json_call("/v1/embeddings", forwarded(call), _AUTH)


def _transcription_build(call: Call) -> WireCall:
    """Mistral's form as Bifrost writes it: the file first (named audio.mp3), then the fields."""
    audio = next((part for part in call.files if part.field == "file"), None)
    if audio is None or not audio.data:
        raise AdapterError("transcription input is not provided", None, True)
    fields = [("model", call.model)]
    for name in ("language", "prompt", "response_format", "temperature"):
        if (text := form_value(call.params.get(name))) is not None:
            fields.append((name, text))
    granularities = call.params.get("timestamp_granularities", call.params.get("timestamp_granularities[]"))
    for item in granularities if isinstance(granularities, list) else [granularities]:
        if (text := form_value(item)) is not None:
            fields.append(("timestamp_granularities[]", text))
    upload = FormPart("file", "audio.mp3", "application/octet-stream", audio.data)
    content_type, body = _file_first_form(upload, fields)
    return WireCall("/v1/audio/transcriptions", {**_AUTH, "content-type": content_type}, body)


def _file_first_form(upload: FormPart, fields: list[tuple[str, str]]) -> tuple[str, bytes]:
    """A form with the file part before the text fields (encode_form writes files last)."""
    content_type, tail = encode_form(fields, [])
    boundary = content_type.split("boundary=", 1)[1]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{upload.name}"; filename="{upload.filename}"'
        f"\r\nContent-Type: {upload.content_type}\r\n\r\n"
    ).encode()
    return content_type, head + upload.data + b"\r\n" + tail


def _transcription_convert(call: Call, response: WireResponse) -> dict[str, Any]:
    """Mistral's transcript as Bifrost's: text, language, duration, task and Whisper-style segments."""
    payload = decode_json(response)
    result: dict[str, Any] = {"text": payload.get("text", ""), "task": "transcribe"}
    for name in ("language", "duration"):
        if payload.get(name) is not None:
            result[name] = payload[name]
    raw = payload.get("segments")
    segments = [as_dict(segment) for segment in raw] if isinstance(raw, list) else []
    if segments:
        result["segments"] = [
            {
                "id": segment.get("id", index),
                "seek": segment.get("seek", 0),
                "start": segment.get("start") or 0.0,
                "end": segment.get("end") or 0.0,
                "text": segment.get("text", ""),
                "tokens": segment.get("tokens") or [],
                "temperature": segment.get("temperature", 0.0),
                "avg_logprob": segment.get("avg_logprob", 0.0),
                "compression_ratio": segment.get("compression_ratio", 0.0),
                "no_speech_prob": segment.get("no_speech_prob", 0.0),
            }
            for index, segment in enumerate(segments)
        ]
    words = payload.get("words")
    if isinstance(words, list) and words:
        result["words"] = words
    return result


_CHAT_ROUTE = Route(_chat_build, _decode)
ADAPTER = ProviderAdapter(
    "mistral",
    {
        "chat_completion": _CHAT_ROUTE,
        "responses": responses_via_chat(_CHAT_ROUTE),
        "embedding": Route(_embedding_build, _decode),
        "transcription": Route(_transcription_build, _transcription_convert),
        "ocr": Route(_build, _convert),
    },
    parse_error,
)
