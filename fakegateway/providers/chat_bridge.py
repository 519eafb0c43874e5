"""Bifrost's bridge for providers that serve Responses requests through their chat API (Cohere, Mistral).

`responses_to_chat` stands for Bifrost's `BifrostResponsesRequest.ToChatRequest`: `instructions` and
`input` become chat messages and `max_output_tokens` the token limit. `chat_to_responses` stands for
`BifrostChatResponse.ToBifrostResponsesResponse`: the first choice becomes one output message.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

from .adapter import Call, Route, WireCall
from .common import WireResponse, as_dict, text_of

_KEPT = ("temperature", "top_p", "user", "metadata")


def responses_to_chat(params: Mapping[str, Any]) -> dict[str, Any]:
    """A Responses request's params as the chat params of the same conversation."""
    messages: list[dict[str, Any]] = []
    instructions = params.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.append({"role": "system", "content": instructions})
    raw = params.get("input")
    if isinstance(raw, str):
        messages.append({"role": "user", "content": raw})
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or item.get("type", "message") != "message":
            continue
        role = item.get("role", "user")
        role = "system" if role == "developer" else role
        if role in ("system", "user", "assistant"):
            messages.append({"role": role, "content": text_of(item.get("content"))})
    chat: dict[str, Any] = {"messages": messages}
    if params.get("max_output_tokens") is not None:
        chat["max_completion_tokens"] = params["max_output_tokens"]
    for name in _KEPT:
        if params.get(name) is not None:
            chat[name] = params[name]
    return chat


def chat_to_responses(chat: Mapping[str, Any]) -> dict[str, Any]:
    """A chat completion result as Bifrost's Responses result."""
    choices = chat.get("choices")
    choice = as_dict(choices[0]) if isinstance(choices, list) and choices else {}
    message = as_dict(choice.get("message"))
    cut = choice.get("finish_reason") == "length"
    status = "incomplete" if cut else "completed"
    usage = as_dict(chat.get("usage"))
    input_tokens = int(usage.get("prompt_tokens") or 0)
    output_tokens = int(usage.get("completion_tokens") or 0)
    created = chat.get("created")
    result: dict[str, Any] = {
        "id": chat.get("id", ""),
        "object": "response",
        "created_at": created if isinstance(created, int) else int(time.time()),
        "status": status,
        "model": chat.get("model", ""),
        "output": [
            {
                "type": "message",
                "id": chat.get("id", ""),
                "role": "assistant",
                "status": status,
                "content": [
                    {"type": "output_text", "text": text_of(message.get("content")), "annotations": []}
                ],
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


def responses_via_chat(chat: Route) -> Route:
    """A Responses route that calls the provider's chat route and converts both ways."""

    def as_chat(call: Call) -> Call:
        chat_params = responses_to_chat(call.params)
        return dataclasses.replace(call, request_type="chat_completion", params=chat_params)

    def build(call: Call) -> WireCall:
        return chat.build(as_chat(call))

    def convert(call: Call, response: WireResponse) -> dict[str, Any]:
        return chat_to_responses(chat.convert(as_chat(call), response))

    return Route(build, convert)
