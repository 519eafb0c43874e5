"""Fake OpenAI: the `/v1/...` endpoints Bifrost's OpenAI adapter calls, in OpenAI's wire format."""

from __future__ import annotations

import base64
import hashlib
import math
import struct
import time
from collections.abc import Awaitable, Callable
from typing import Any

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
    json_object,
    optional_int,
    provider_turn,
    random_id,
    require_string,
)


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


def embedding_vector(text: str, dimensions: int) -> list[float]:
    """A unit vector derived from a hash of the input, so equal inputs embed equally."""
    raw = hashlib.shake_256(text.encode()).digest(2 * dimensions)
    values = [(int.from_bytes(raw[i : i + 2], "little") / 32767.5) - 1.0 for i in range(0, len(raw), 2)]
    norm = math.sqrt(sum(value * value for value in values)) or 1.0
    return [round(value / norm, 8) for value in values]


def _embedding_inputs(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(item, int) for item in raw):
        return [" ".join(str(item) for item in raw)]
    if isinstance(raw, list) and raw:
        return [item if isinstance(item, str) else " ".join(str(token) for token in item) for item in raw]
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


ROUTES: dict[str, Handler] = {
    "/v1/completions": _endpoint(_completions),
    "/v1/chat/completions": _endpoint(_chat_completions),
    "/v1/responses": _endpoint(_responses),
    "/v1/embeddings": _endpoint(_embeddings),
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

    def convert(call: Call, response: WireResponse) -> dict[str, Any]:
        return decode_json(response)

    return Route(build, convert)


def _require_param(call: Call, name: str) -> None:
    if call.params.get(name) in (None, "", []):
        raise AdapterError(f"{name} is required for {call.request_type}")


ADAPTER = ProviderAdapter(
    "openai",
    {
        "text_completion": _json_route("/v1/completions"),
        "chat_completion": _json_route("/v1/chat/completions"),
        "responses": _json_route("/v1/responses"),
        "embedding": _json_route("/v1/embeddings"),
    },
    parse_error,
)
