"""Conversions for Bifrost's `/anthropic/v1/messages` integration route, which runs a responses job."""

from __future__ import annotations

from typing import Any

from .anthropic import block_text, error_type_for

_ANTHROPIC_ERROR_TYPES = frozenset(
    {
        "invalid_request_error",
        "authentication_error",
        "billing_error",
        "permission_error",
        "not_found_error",
        "request_too_large",
        "rate_limit_error",
        "timeout_error",
        "api_error",
        "overloaded_error",
    }
)


def messages_to_responses_params(body: dict[str, Any]) -> dict[str, Any]:
    """An Anthropic Messages request body as the Bifrost responses params to run.

    A model without a provider prefix is an Anthropic model, as on Bifrost's Anthropic route.
    """
    params: dict[str, Any] = {}
    model = body.get("model")
    if isinstance(model, str) and model:
        params["model"] = model if "/" in model else f"anthropic/{model}"
    items = []
    for message in body.get("messages") or []:
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            continue
        part_type = "input_text" if message["role"] == "user" else "output_text"
        items.append(
            {
                "type": "message",
                "role": message["role"],
                "content": [{"type": part_type, "text": block_text(message.get("content"))}],
            }
        )
    params["input"] = items
    system = block_text(body.get("system"))
    if system:
        params["instructions"] = system
    if body.get("max_tokens") is not None:
        params["max_output_tokens"] = body["max_tokens"]
    for name in ("temperature", "top_p"):
        if body.get(name) is not None:
            params[name] = body[name]
    return params


def _output_texts(result: dict[str, Any]) -> list[str]:
    texts = []
    for item in result.get("output") or []:
        if not isinstance(item, dict) or item.get("type") != "message":
            continue
        for part in item.get("content") or []:
            if (
                isinstance(part, dict)
                and part.get("type") == "output_text"
                and isinstance(part.get("text"), str)
            ):
                texts.append(part["text"])
    return texts


def responses_result_to_anthropic_message(result: dict[str, Any]) -> dict[str, Any]:
    """A completed responses job's result as the Anthropic Message the route returns."""
    usage = result.get("usage")
    if not isinstance(usage, dict):
        usage = {}
    incomplete = result.get("incomplete_details")
    cut = isinstance(incomplete, dict) and incomplete.get("reason") == "max_output_tokens"
    return {
        "id": result.get("id", ""),
        "type": "message",
        "role": "assistant",
        "model": result.get("model", ""),
        "content": [{"type": "text", "text": text} for text in _output_texts(result)],
        "stop_reason": "max_tokens" if cut else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": int(usage.get("input_tokens", 0) or 0),
            "output_tokens": int(usage.get("output_tokens", 0) or 0),
        },
    }


def error_to_anthropic(error: dict[str, Any]) -> dict[str, Any]:
    """A stored Bifrost error envelope in Anthropic's error format.

    The type is kept when it is already one of Anthropic's; otherwise it follows the status code.
    """
    detail = error.get("error")
    if not isinstance(detail, dict):
        detail = {}
    message = detail.get("message")
    status = error.get("status_code")
    kind = detail.get("type")
    if kind not in _ANTHROPIC_ERROR_TYPES:
        kind = error_type_for(status if isinstance(status, int) and status > 0 else 500)
    return {
        "type": "error",
        "error": {
            "type": kind,
            "message": message if isinstance(message, str) and message else "unknown error",
        },
    }
