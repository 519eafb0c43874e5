"""Fake Anthropic: `/v1/messages` and the legacy `/v1/complete` in Anthropic's wire format, and Bifrost's
adapter in front of them."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from .adapter import (
    Call,
    ErrorFields,
    ProviderAdapter,
    Route,
    WireCall,
    decode_error_body,
    decode_json,
    default_error_message,
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

API_VERSION = "2023-06-01"
# Bifrost asks for this many tokens when a request sets no limit (Anthropic requires max_tokens).
DEFAULT_MAX_TOKENS = 4096

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def error_type_for(status: int) -> str:
    return _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")


def error_body(status: int, message: str) -> dict[str, Any]:
    """Anthropic's error shape."""
    return {"type": "error", "error": {"type": error_type_for(status), "message": message}}


def _endpoint(call: Callable[[WireRequest], Awaitable[WireResponse]]) -> Handler:
    """Wrap an endpoint with Anthropic's header checks (an API key, `anthropic-version`) and errors."""

    async def handler(request: WireRequest) -> WireResponse:
        try:
            # Bifrost sends `x-api-key`; the current official SDK sends the key as a Bearer token.
            if not request.headers.get("x-api-key", "").strip() and bearer_token(request.headers) is None:
                raise ProviderError(401, "x-api-key header is required")
            if not request.headers.get("anthropic-version", "").strip():
                raise ProviderError(400, "anthropic-version: header is required")
            response = await call(request)
        except ProviderError as exc:
            response = WireResponse.json(exc.status, error_body(exc.status, exc.message))
        response.headers["request-id"] = random_id("req_", 24)
        return response

    return handler


def block_text(content: Any) -> str:
    """The text of Anthropic `content` (a string or a list of blocks) or `system`."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [block.get("text") for block in content if isinstance(block, dict)]
        return " ".join(text for text in texts if isinstance(text, str) and text)
    return ""


async def _messages(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    if payload.get("max_tokens") is None:
        raise ProviderError(400, "max_tokens: Field required")
    max_tokens = optional_int(payload, "max_tokens", DEFAULT_MAX_TOKENS)
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ProviderError(400, "messages: Field required")
    texts = [block_text(message.get("content")) for message in messages if isinstance(message, dict)]
    last_user = next(
        (
            block_text(message.get("content"))
            for message in reversed(messages)
            if isinstance(message, dict) and message.get("role") == "user"
        ),
        "",
    )
    reply, cut = echo_reply(last_user, max_tokens)
    input_tokens = count_tokens(" ".join([block_text(payload.get("system")), *texts]))
    return WireResponse.json(
        200,
        {
            "id": random_id("msg_01", 22),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": reply}],
            "stop_reason": "max_tokens" if cut else "end_turn",
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": count_tokens(reply),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        },
    )


HUMAN_TURN = "\n\nHuman:"
ASSISTANT_TURN = "\n\nAssistant:"


async def _complete(request: WireRequest) -> WireResponse:
    """The legacy Text Completions API: a `Human:`/`Assistant:` prompt, no usage in the answer."""
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    prompt = require_string(payload, "prompt")
    if payload.get("max_tokens_to_sample") is None:
        raise ProviderError(400, "max_tokens_to_sample: Field required")
    max_tokens = optional_int(payload, "max_tokens_to_sample", DEFAULT_MAX_TOKENS)
    if HUMAN_TURN not in prompt:
        raise ProviderError(400, 'prompt must contain "\\n\\nHuman:" turns')
    if not prompt.rstrip(" ").endswith(ASSISTANT_TURN):
        raise ProviderError(400, 'prompt must end with "\\n\\nAssistant:" turn')
    last_human = prompt.rsplit(HUMAN_TURN, 1)[1].rsplit(ASSISTANT_TURN, 1)[0]
    reply, cut = echo_reply(last_human, max_tokens)
    completion_id = random_id("compl_01", 22)
    return WireResponse.json(
        200,
        {
            "type": "completion",
            "id": completion_id,
            "completion": " " + reply,
            "stop_reason": "max_tokens" if cut else "stop_sequence",
            "stop": None if cut else HUMAN_TURN,
            "model": model,
            "log_id": completion_id,
        },
    )


ROUTES: dict[str, Handler] = {"/v1/messages": _endpoint(_messages), "/v1/complete": _endpoint(_complete)}


# --- Bifrost layer: chat and responses requests become Messages calls and come back converted ---

FAKE_KEY = "sk-ant-fake"
_HEADERS = {"x-api-key": FAKE_KEY, "anthropic-version": API_VERSION}


def parse_error(status: int, body: bytes) -> ErrorFields:
    payload = decode_error_body(body)
    detail = payload.get("error") if payload else None
    if not isinstance(detail, dict) or not isinstance(detail.get("message"), str):
        return ErrorFields({"message": default_error_message(status, body)})
    fields: dict[str, Any] = {"message": detail["message"]}
    if isinstance(detail.get("type"), str):
        fields["type"] = detail["type"]
    return ErrorFields(fields)


def _limits(params: Any, *names: str) -> dict[str, Any]:
    body: dict[str, Any] = {"max_tokens": DEFAULT_MAX_TOKENS}
    for name in names:
        if params.get(name) is not None:
            body["max_tokens"] = params[name]
            break
    for name in ("temperature", "top_p"):
        if params.get(name) is not None:
            body[name] = params[name]
    return body


def chat_to_messages(call: Call) -> dict[str, Any]:
    """An OpenAI-style chat request as an Anthropic Messages body."""
    system: list[str] = []
    messages: list[dict[str, Any]] = []
    raw = call.params.get("messages")
    for message in raw if isinstance(raw, list) else []:
        if not isinstance(message, dict):
            continue
        role, text = message.get("role"), block_text(message.get("content"))
        if role in ("system", "developer"):
            system.append(text)
        elif role in ("user", "assistant"):
            messages.append({"role": role, "content": text})
    body: dict[str, Any] = {"model": call.model, "messages": messages}
    body.update(_limits(call.params, "max_completion_tokens", "max_tokens"))
    stop = call.params.get("stop")
    stops = [stop] if isinstance(stop, str) else stop if isinstance(stop, list) else []
    if stops:
        body["stop_sequences"] = stops
    if system:
        body["system"] = "\n".join(system)
    return body


def responses_to_messages(call: Call) -> dict[str, Any]:
    """A Responses request (`input`, `instructions`) as an Anthropic Messages body."""
    raw = call.params.get("input")
    system: list[str] = []
    if isinstance(call.params.get("instructions"), str):
        system.append(call.params["instructions"])
    messages: list[dict[str, Any]] = []
    if isinstance(raw, str):
        messages.append({"role": "user", "content": raw})
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or item.get("type", "message") != "message":
            continue
        role, text = item.get("role", "user"), block_text(item.get("content"))
        if role in ("system", "developer"):
            system.append(text)
        elif role in ("user", "assistant"):
            messages.append({"role": role, "content": text})
    body: dict[str, Any] = {"model": call.model, "messages": messages}
    body.update(_limits(call.params, "max_output_tokens"))
    if system:
        body["system"] = "\n".join(system)
    return body


def _reply(message: dict[str, Any]) -> tuple[str, int, int]:
    usage = message.get("usage")
    if not isinstance(usage, dict):
        usage = {}
    return (
        block_text(message.get("content")),
        int(usage.get("input_tokens", 0)),
        int(usage.get("output_tokens", 0)),
    )


def message_to_responses(message: dict[str, Any]) -> dict[str, Any]:
    """An Anthropic Message as Bifrost's Responses result."""
    text, input_tokens, output_tokens = _reply(message)
    cut = message.get("stop_reason") == "max_tokens"
    status = "incomplete" if cut else "completed"
    result: dict[str, Any] = {
        "id": message.get("id", ""),
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "model": message.get("model", ""),
        "output": [
            {
                "type": "message",
                "id": message.get("id", ""),
                "role": "assistant",
                "status": status,
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
    }
    if cut:
        result["incomplete_details"] = {"reason": "max_output_tokens"}
    return result


def message_to_chat(message: dict[str, Any]) -> dict[str, Any]:
    """An Anthropic Message as Bifrost's chat completion result."""
    text, input_tokens, output_tokens = _reply(message)
    return {
        "id": message.get("id", ""),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": message.get("model", ""),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "length" if message.get("stop_reason") == "max_tokens" else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": input_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
    }


def _messages_route(
    to_body: Callable[[Call], dict[str, Any]], from_message: Callable[[dict[str, Any]], dict[str, Any]]
) -> Route:
    def build(call: Call) -> WireCall:
        return json_call("/v1/messages", to_body(call), _HEADERS)

    def convert(call: Call, response: WireResponse) -> dict[str, Any]:
        return from_message(decode_json(response))

    return Route(build, convert)


def _prompt_text(prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        return "\n\n".join(str(item) for item in prompt)
    return ""


def _complete_build(call: Call) -> WireCall:
    """Bifrost's text completion as a legacy Anthropic completion, the prompt wrapped in one turn."""
    params = call.params
    body: dict[str, Any] = {
        "model": call.model,
        "prompt": f"{HUMAN_TURN} {_prompt_text(params.get('prompt'))}{ASSISTANT_TURN}",
        "max_tokens_to_sample": params.get("max_tokens") or DEFAULT_MAX_TOKENS,
    }
    for name in ("temperature", "top_p", "top_k"):
        if params.get(name) is not None:
            body[name] = params[name]
    stop = params.get("stop")
    if stop is not None:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else stop
    return json_call("/v1/complete", body, _HEADERS)


def _complete_convert(call: Call, response: WireResponse) -> dict[str, Any]:
    """The completion as Bifrost's text completion: one choice with the text, the usage Anthropic sent."""
    payload = decode_json(response)
    usage = payload.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    input_tokens, output_tokens = int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0)
    return {
        "id": payload.get("id", ""),
        "object": "text_completion",
        "choices": [{"index": 0, "text": payload.get("completion", "")}],
        "usage": {
            "prompt_tokens": input_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
        "model": payload.get("model", ""),
    }


ADAPTER = ProviderAdapter(
    "anthropic",
    {
        "text_completion": Route(_complete_build, _complete_convert),
        "chat_completion": _messages_route(chat_to_messages, message_to_chat),
        "responses": _messages_route(responses_to_messages, message_to_responses),
    },
    parse_error,
)
