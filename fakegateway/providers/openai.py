"""Fake OpenAI: the `/v1/...` endpoints Bifrost's OpenAI adapter calls, in OpenAI's wire format."""

from __future__ import annotations

import base64
import hashlib
import math
import struct
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import media
from .adapter import (
    AdapterError,
    Call,
    ErrorFields,
    FilePart,
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
from .common import (
    Handler,
    ProviderError,
    WireRequest,
    WireResponse,
    bearer_token,
    count_tokens,
    echo_reply,
    embedding_vector,
    json_object,
    optional_int,
    provider_turn,
    random_id,
    require_string,
)
from .multipart import FormPart, encode_form, parse_form


def error_body(exc: ProviderError) -> dict[str, Any]:
    """OpenAI's error shape; `code` is a string or null, never a number (Bifrost parses it as a string)."""
    return {
        "error": {
            "message": exc.message,
            "type": exc.kind or ("server_error" if exc.status >= 500 else "invalid_request_error"),
            "param": exc.param,
            "code": exc.code,
        }
    }


def _endpoint(call: Callable[[WireRequest], Awaitable[WireResponse]]) -> Handler:
    """Wrap an endpoint with OpenAI's bearer-key check and error rendering."""

    async def handler(request: WireRequest) -> WireResponse:
        try:
            if bearer_token(request.headers) is None:
                raise ProviderError(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an Authorization "
                    "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                    "invalid_request_error",
                )
            return await call(request)
        except ProviderError as exc:
            return WireResponse.json(exc.status, error_body(exc))

    return handler


def content_text(content: Any) -> str:
    """The text of a message `content`: a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [part.get("text", "") for part in content if isinstance(part, dict)]
        return " ".join(text for text in texts if isinstance(text, str) and text)
    return ""


def _max_tokens(payload: dict[str, Any], *names: str) -> int | None:
    for name in names:
        if payload.get(name) is not None:
            return optional_int(payload, name, 16)
    return None


async def _completions(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    prompt = payload.get("prompt")
    if not isinstance(prompt, (str, list)):
        raise ProviderError(400, "Missing required parameter: 'prompt'.", param="prompt")
    prompts = [prompt] if isinstance(prompt, str) else [str(item) for item in prompt or [] if item != ""]
    if not prompts:
        raise ProviderError(400, "'prompt' must be a string or an array of strings.", param="prompt")
    n = optional_int(payload, "n", 1, high=128)
    max_tokens = _max_tokens(payload, "max_tokens")
    choices: list[dict[str, Any]] = []
    completion_tokens = 0
    for prompt_index, text in enumerate(prompts):
        reply, cut = echo_reply(text, max_tokens)
        completion_tokens += count_tokens(reply) * n
        for copy in range(n):
            choices.append(
                {
                    "index": prompt_index * n + copy,
                    "text": " " + reply,
                    "logprobs": None,
                    "finish_reason": "length" if cut else "stop",
                }
            )
    prompt_tokens = sum(count_tokens(text) for text in prompts)
    return WireResponse.json(
        200,
        {
            "id": random_id("cmpl-", 29),
            "object": "text_completion",
            "created": int(time.time()),
            "model": model,
            "choices": choices,
            "usage": _usage(prompt_tokens, completion_tokens),
        },
    )


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


async def _chat_completions(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ProviderError(400, "Missing required parameter: 'messages'.", param="messages")
    texts = [content_text(message.get("content")) for message in messages if isinstance(message, dict)]
    last_user = next(
        (
            content_text(message.get("content"))
            for message in reversed(messages)
            if isinstance(message, dict) and message.get("role") == "user"
        ),
        texts[-1] if texts else "",
    )
    n = optional_int(payload, "n", 1, high=128)
    reply, cut = echo_reply(last_user, _max_tokens(payload, "max_completion_tokens", "max_tokens"))
    choices: list[dict[str, Any]] = [
        {
            "index": index,
            "message": {"role": "assistant", "content": reply, "refusal": None, "annotations": []},
            "logprobs": None,
            "finish_reason": "length" if cut else "stop",
        }
        for index in range(n)
    ]
    prompt_tokens = sum(count_tokens(text) for text in texts)
    return WireResponse.json(
        200,
        {
            "id": random_id("chatcmpl-", 29),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": choices,
            "usage": _usage(prompt_tokens, count_tokens(reply) * n),
        },
    )


def responses_input_text(payload: dict[str, Any]) -> tuple[str, int]:
    """The last user text of a Responses `input`, and the token count of all input text."""
    raw = payload.get("input")
    instructions = payload.get("instructions")
    all_texts = [instructions] if isinstance(instructions, str) else []
    if isinstance(raw, str):
        return raw, count_tokens(" ".join([*all_texts, raw]))
    last_user = ""
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        text = content_text(item.get("content"))
        all_texts.append(text)
        if item.get("role", "user") == "user" and text:
            last_user = text
    return last_user, count_tokens(" ".join(all_texts))


async def _responses(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    if not isinstance(payload.get("input"), (str, list)) or not payload.get("input"):
        raise ProviderError(400, "Missing required parameter: 'input'.", param="input")
    last_user, input_tokens = responses_input_text(payload)
    max_output_tokens = _max_tokens(payload, "max_output_tokens")
    reply, cut = echo_reply(last_user, max_output_tokens)
    output_tokens = count_tokens(reply)
    message_status = "incomplete" if cut else "completed"
    return WireResponse.json(
        200,
        {
            "id": random_id("resp_", 48),
            "object": "response",
            "created_at": int(time.time()),
            "status": "incomplete" if cut else "completed",
            "error": None,
            "incomplete_details": {"reason": "max_output_tokens"} if cut else None,
            "instructions": payload.get("instructions"),
            "max_output_tokens": max_output_tokens,
            "model": model,
            "output": [
                {
                    "type": "message",
                    "id": random_id("msg_", 48),
                    "status": message_status,
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": reply, "annotations": []}],
                }
            ],
            "parallel_tool_calls": True,
            "previous_response_id": payload.get("previous_response_id"),
            "temperature": payload.get("temperature", 1.0),
            "tool_choice": "auto",
            "tools": [],
            "top_p": payload.get("top_p", 1.0),
            "usage": {
                "input_tokens": input_tokens,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": output_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": input_tokens + output_tokens,
            },
        },
    )


_EMBEDDING_DIMENSIONS = {"text-embedding-3-large": 3072}


def _embedding_inputs(raw: Any) -> list[str]:
    """The texts to embed: a string, strings, one token array or token arrays (tokens joined as text)."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw:
        if all(isinstance(item, str) for item in raw):
            return list(raw)
        if all(isinstance(item, int) for item in raw):
            return [" ".join(str(token) for token in raw)]
        if all(isinstance(item, list) and all(isinstance(token, int) for token in item) for item in raw):
            return [" ".join(str(token) for token in item) for item in raw]
        raise ProviderError(
            400, "'input' must be a string, an array of strings or an array of token arrays.", param="input"
        )
    raise ProviderError(400, "Missing required parameter: 'input'.", param="input")


async def _embeddings(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    inputs = _embedding_inputs(payload.get("input"))
    if any(not text for text in inputs):
        raise ProviderError(400, "'input' cannot contain an empty string.", param="input")
    dimensions = optional_int(payload, "dimensions", _EMBEDDING_DIMENSIONS.get(model, 1536), high=3072)
    encoding = payload.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise ProviderError(400, f"Invalid encoding_format '{encoding}'.", param="encoding_format")
    data = []
    for index, text in enumerate(inputs):
        vector = embedding_vector(text, dimensions)
        embedding: list[float] | str = vector
        if encoding == "base64":
            embedding = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(count_tokens(text) for text in inputs)
    return WireResponse.json(
        200,
        {
            "object": "list",
            "data": data,
            "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        },
    )


_SPEECH_FORMATS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "mp3": ("audio/mpeg", media.mp3),
    "wav": ("audio/wav", media.wav),
    "pcm": ("audio/pcm", media.pcm),
}


async def _speech(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    text = require_string(payload, "input")
    if len(text) > 4096:
        raise ProviderError(400, "'input' is longer than 4096 characters.", param="input")
    require_string(payload, "voice")
    audio_format = payload.get("response_format") or "mp3"
    if not isinstance(audio_format, str) or audio_format not in _SPEECH_FORMATS:
        supported = ", ".join(_SPEECH_FORMATS)
        raise ProviderError(
            400,
            f"response_format '{audio_format}' is not supported by this fake provider (use {supported}).",
            param="response_format",
        )
    content_type, render = _SPEECH_FORMATS[audio_format]
    return WireResponse(200, {"content-type": content_type}, render(text))


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{millis:03d}"


def _form_fields(parts: list[FormPart]) -> dict[str, str]:
    return {part.name: part.text for part in parts if part.filename is None}


async def _transcriptions(request: WireRequest) -> WireResponse:
    parts = parse_form(request.headers.get("content-type", ""), request.body)
    fields = _form_fields(parts)
    model = require_string(fields, "model")
    await provider_turn(model)
    audio = next((part for part in parts if part.name == "file" and part.filename is not None), None)
    if audio is None:
        raise ProviderError(400, "Missing required parameter: 'file'.", param="file")
    if not audio.data:
        raise ProviderError(400, "The audio file is empty.", param="file")
    text = media.transcript(audio.data)
    seconds = media.audio_seconds(audio.data)
    audio_format = fields.get("response_format") or "json"
    usage = {"type": "duration", "seconds": max(1, math.ceil(seconds))}
    if audio_format == "json":
        return WireResponse.json(200, {"text": text, "usage": usage})
    if audio_format == "text":
        return WireResponse(200, {"content-type": "text/plain; charset=utf-8"}, (text + "\n").encode())
    if audio_format == "srt":
        body = f"1\n{_timestamp(0, ',')} --> {_timestamp(seconds, ',')}\n{text}\n\n"
        return WireResponse(200, {"content-type": "text/plain; charset=utf-8"}, body.encode())
    if audio_format == "vtt":
        body = f"WEBVTT\n\n{_timestamp(0, '.')} --> {_timestamp(seconds, '.')}\n{text}\n\n"
        return WireResponse(200, {"content-type": "text/vtt; charset=utf-8"}, body.encode())
    if audio_format == "verbose_json":
        segment = {
            "id": 0,
            "seek": 0,
            "start": 0.0,
            "end": seconds,
            "text": " " + text,
            "tokens": [50364 + index for index in range(count_tokens(text))],
            "temperature": 0.0,
            "avg_logprob": -0.25,
            "compression_ratio": 1.2,
            "no_speech_prob": 0.01,
        }
        language = fields.get("language") or "english"
        body_json = {
            "task": "transcribe",
            "language": language,
            "duration": seconds,
            "text": text,
            "segments": [segment],
            "usage": usage,
        }
        return WireResponse.json(200, body_json)
    raise ProviderError(
        400,
        f"response_format '{audio_format}' is not supported by this fake provider "
        "(use json, text, srt, vtt or verbose_json).",
        param="response_format",
    )


def _image_items(fields: dict[str, Any], seeds: list[str]) -> list[dict[str, Any]]:
    response_format = fields.get("response_format") or "b64_json"
    if response_format not in ("b64_json", "url"):
        raise ProviderError(400, f"Invalid response_format '{response_format}'.", param="response_format")
    items = []
    for seed in seeds:
        image = media.png(seed)
        if response_format == "url":
            # A reserved .invalid host: the link is well formed and can never be fetched.
            digest = hashlib.sha256(image).hexdigest()[:32]
            items.append({"url": f"https://images.fake-openai.invalid/{digest}.png"})
        else:
            items.append({"b64_json": base64.b64encode(image).decode()})
    return items


def _image_count(fields: dict[str, Any]) -> int:
    return optional_int(fields, "n", 1, high=10)


async def _images_generations(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    prompt = require_string(payload, "prompt")
    seeds = [f"{model}|{prompt}|{index}" for index in range(_image_count(payload))]
    return WireResponse.json(200, {"created": int(time.time()), "data": _image_items(payload, seeds)})


def _uploaded_images(parts: list[FormPart], names: tuple[str, ...]) -> list[FormPart]:
    images = [part for part in parts if part.name in names and part.filename is not None]
    if not images:
        raise ProviderError(400, f"Missing required parameter: '{names[0]}'.", param=names[0])
    for number, image in enumerate(images, start=1):
        if media.image_type(image.data) is None:
            raise ProviderError(
                400, f"Invalid file for image {number}: expected a PNG, JPEG or WebP image.", param=image.name
            )
    return images


async def _images_edits(request: WireRequest) -> WireResponse:
    parts = parse_form(request.headers.get("content-type", ""), request.body)
    fields = _form_fields(parts)
    model = require_string(fields, "model")
    await provider_turn(model)
    images = _uploaded_images(parts, ("image", "image[]"))
    prompt = require_string(fields, "prompt")
    image_hash = hashlib.sha256(b"".join(image.data for image in images)).hexdigest()
    seeds = [f"{model}|{prompt}|{image_hash}|{index}" for index in range(_image_count(fields))]
    return WireResponse.json(200, {"created": int(time.time()), "data": _image_items(fields, seeds)})


async def _images_variations(request: WireRequest) -> WireResponse:
    parts = parse_form(request.headers.get("content-type", ""), request.body)
    fields = _form_fields(parts)
    model = fields.get("model") or "dall-e-2"
    await provider_turn(model)
    images = _uploaded_images(parts, ("image",))
    image_hash = hashlib.sha256(images[0].data).hexdigest()
    seeds = [f"{model}|variation|{image_hash}|{index}" for index in range(_image_count(fields))]
    return WireResponse.json(200, {"created": int(time.time()), "data": _image_items(fields, seeds)})


ROUTES: dict[str, Handler] = {
    "/v1/completions": _endpoint(_completions),
    "/v1/chat/completions": _endpoint(_chat_completions),
    "/v1/responses": _endpoint(_responses),
    "/v1/embeddings": _endpoint(_embeddings),
    "/v1/audio/speech": _endpoint(_speech),
    "/v1/audio/transcriptions": _endpoint(_transcriptions),
    "/v1/images/generations": _endpoint(_images_generations),
    "/v1/images/edits": _endpoint(_images_edits),
    "/v1/images/variations": _endpoint(_images_variations),
}

# --- Bifrost layer: how Bifrost's OpenAI adapter calls the endpoints above and reads their answers ---

FAKE_KEY = "sk-fake-openai"
_AUTH = {"authorization": f"Bearer {FAKE_KEY}"}


def parse_error(status: int, body: bytes) -> ErrorFields:
    """OpenAI's error body; a non-string `code` fails Bifrost's typed parse, leaving the raw-body message."""
    payload = decode_error_body(body)
    detail = payload.get("error") if payload else None
    if not isinstance(detail, dict) or not isinstance(detail.get("message"), str):
        return ErrorFields({"message": default_error_message(status, body)})
    code = detail.get("code")
    if code is not None and not isinstance(code, str):
        return ErrorFields({"message": default_error_message(status, body)})
    fields: dict[str, Any] = {"message": detail["message"]}
    for name in ("type", "code", "param"):
        if detail.get(name) is not None:
            fields[name] = detail[name]
    return ErrorFields(fields)


def _json_route(path: str) -> Route:
    """A JSON endpoint whose answer Bifrost keeps as its result, field for field."""

    def build(call: Call) -> WireCall:
        return json_call(path, forwarded(call), _AUTH)

    return Route(build, _decode)


def _speech_route() -> Route:
    def build(call: Call) -> WireCall:
        return json_call("/v1/audio/speech", forwarded(call), _AUTH)

    def convert(call: Call, response: WireResponse) -> dict[str, Any]:
        if not response.body:
            raise AdapterError("empty response received from provider", None, True)
        # Bifrost keeps the raw audio bytes; its JSON carries them base64-encoded.
        return {"audio": base64.b64encode(response.body).decode()}

    return Route(build, convert)


def _text_fields(call: Call, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Multipart text fields in Bifrost's order; list values become repeated fields."""
    fields = [("model", call.model)]
    for name in names:
        value = call.params.get(name)
        values = value if isinstance(value, list) else [value]
        fields.extend((name, text) for item in values if (text := form_value(item)) is not None)
    return fields


_TRANSCRIPTION_FIELDS = (
    "language",
    "prompt",
    "response_format",
    "temperature",
    "timestamp_granularities[]",
    "include[]",
)
_PLAIN_TEXT_FORMATS = ("text", "srt", "vtt")


def _audio_filename(part: FilePart) -> str:
    if part.filename:
        return part.filename
    # Bifrost names an unnamed upload after its audio type; only the common ones are sniffed here.
    if part.data[:4] == b"RIFF":
        return "audio.wav"
    if part.data[:4] == b"OggS":
        return "audio.ogg"
    if part.data[:4] == b"fLaC":
        return "audio.flac"
    return "audio.mp3"


def _transcription_route() -> Route:
    def build(call: Call) -> WireCall:
        audio = next((part for part in call.files if part.field == "file"), None)
        if audio is None:
            raise AdapterError("file is required for transcription")
        upload = FormPart(
            "file", _audio_filename(audio), audio.content_type or "application/octet-stream", audio.data
        )
        content_type, body = encode_form(_text_fields(call, _TRANSCRIPTION_FIELDS), [upload])
        return WireCall("/v1/audio/transcriptions", {**_AUTH, "content-type": content_type}, body)

    def convert(call: Call, response: WireResponse) -> dict[str, Any]:
        if call.params.get("response_format") in _PLAIN_TEXT_FORMATS:
            return {"text": response.body.decode(errors="replace")}
        return decode_json(response)

    return Route(build, convert)


def _image_part(part: FilePart, field: str, filename: str) -> FormPart:
    """An image upload with its type taken from its bytes, as Bifrost re-labels uploads."""
    sniffed = media.image_type(part.data)
    content_type = sniffed[0] if sniffed else (part.content_type or "image/png")
    return FormPart(field, filename, content_type, part.data)


_EDIT_FIELDS = (
    "prompt",
    "n",
    "size",
    "response_format",
    "quality",
    "background",
    "output_format",
    "output_compression",
    "input_fidelity",
    "user",
)
_VARIATION_FIELDS = ("n", "response_format", "size", "user")


def _image_edit_route() -> Route:
    def build(call: Call) -> WireCall:
        images = [part for part in call.files if part.field in ("image", "image[]")]
        if not images:
            raise AdapterError("image is required for image_edit")
        uploads = []
        for index, part in enumerate(images):
            sniffed = media.image_type(part.data)
            uploads.append(_image_part(part, "image[]", f"image{index}.{sniffed[1] if sniffed else 'png'}"))
        mask = next((part for part in call.files if part.field == "mask"), None)
        if mask is not None:
            uploads.append(_image_part(mask, "mask", "mask.png"))
        content_type, body = encode_form(_text_fields(call, _EDIT_FIELDS), uploads)
        return WireCall("/v1/images/edits", {**_AUTH, "content-type": content_type}, body)

    return Route(build, _decode)


def _image_variation_route() -> Route:
    def build(call: Call) -> WireCall:
        image = next((part for part in call.files if part.field in ("image", "image[]")), None)
        if image is None:
            raise AdapterError("image is required for image_variation")
        upload = _image_part(image, "image", "image")
        content_type, body = encode_form(_text_fields(call, _VARIATION_FIELDS), [upload])
        return WireCall("/v1/images/variations", {**_AUTH, "content-type": content_type}, body)

    return Route(build, _decode)


def _decode(call: Call, response: WireResponse) -> dict[str, Any]:
    return decode_json(response)


ADAPTER = ProviderAdapter(
    "openai",
    {
        "text_completion": _json_route("/v1/completions"),
        "chat_completion": _json_route("/v1/chat/completions"),
        "responses": _json_route("/v1/responses"),
        "embedding": _json_route("/v1/embeddings"),
        "speech": _speech_route(),
        "transcription": _transcription_route(),
        "image_generation": _json_route("/v1/images/generations"),
        "image_edit": _image_edit_route(),
        "image_variation": _image_variation_route(),
    },
    parse_error,
)
