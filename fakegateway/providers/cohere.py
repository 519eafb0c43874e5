"""Fake Cohere: `/v2/rerank`, `/v2/chat` and `/v2/embed` in Cohere's wire format, and Bifrost's adapter."""

from __future__ import annotations

import base64
import json
import struct
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
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
    words,
)

_API_VERSION = {"version": "2"}


def _endpoint(call: Callable[[WireRequest], Awaitable[WireResponse]]) -> Handler:
    """Wrap an endpoint with Cohere's bearer-key check and its `{message}` error body."""

    async def handler(request: WireRequest) -> WireResponse:
        try:
            if bearer_token(request.headers) is None:
                raise ProviderError(401, "no api key supplied")
            return await call(request)
        except ProviderError as exc:
            return WireResponse.json(exc.status, {"message": exc.message})

    return handler


def relevance(query: str, document: str) -> float:
    """A score in (0, 1) from word overlap: mostly the share of query words the document contains."""
    query_words, document_words = set(words(query)), set(words(document))
    if not query_words or not document_words:
        return 0.0001
    shared = query_words & document_words
    coverage = len(shared) / len(query_words)
    jaccard = len(shared) / len(query_words | document_words)
    return round(0.0001 + 0.89 * coverage + 0.1 * jaccard, 8)


async def _rerank(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    query = require_string(payload, "query")
    documents = payload.get("documents")
    if not isinstance(documents, list) or not documents:
        raise ProviderError(400, "invalid request: documents must be a non-empty list of strings")
    if not all(isinstance(document, str) for document in documents):
        raise ProviderError(400, "invalid request: documents must be strings")
    top_n = optional_int(payload, "top_n", len(documents), high=10_000)
    scored = [(relevance(query, text), index) for index, text in enumerate(documents)]
    scored.sort(key=lambda item: (-item[0], item[1]))
    results = [{"index": index, "relevance_score": score} for score, index in scored[:top_n]]
    body = {
        "id": str(uuid.uuid4()),
        "results": results,
        "meta": {"api_version": _API_VERSION, "billed_units": {"search_units": 1}},
    }
    return WireResponse.json(200, body)


_CHAT_ROLES = ("system", "user", "assistant", "tool")


async def _chat(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    if payload.get("stream") is True:
        raise ProviderError(400, "invalid request: this fake Cohere does not stream; send stream false")
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ProviderError(400, "invalid request: messages must be a non-empty list")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _CHAT_ROLES:
            raise ProviderError(
                400, f"invalid request: messages[{index}].role must be one of {', '.join(_CHAT_ROLES)}"
            )
    max_tokens = optional_int(payload, "max_tokens", 4096) if payload.get("max_tokens") is not None else None
    reply, cut = echo_reply(last_user_text(messages), max_tokens)
    input_tokens = sum(count_tokens(text_of(m.get("content"))) for m in messages)
    output_tokens = count_tokens(reply)
    body = {
        "id": str(uuid.uuid4()),
        "message": {"role": "assistant", "content": [{"type": "text", "text": reply}]},
        "finish_reason": "MAX_TOKENS" if cut else "COMPLETE",
        "usage": {
            "billed_units": {"input_tokens": input_tokens, "output_tokens": output_tokens},
            "tokens": {"input_tokens": input_tokens + 5, "output_tokens": output_tokens},
        },
    }
    return WireResponse.json(200, body)


_INPUT_TYPES = ("search_document", "search_query", "classification", "clustering", "image")
_EMBEDDING_TYPES = ("float", "int8", "uint8", "binary", "ubinary", "base64")
_OUTPUT_DIMENSIONS = (256, 512, 1024, 1536)


def embed_dimensions(model: str, requested: Any) -> int:
    """Cohere's sizes: v3 1024 (light 384), v4 1536 unless `output_dimension` asks for another."""
    if requested is not None:
        if requested not in _OUTPUT_DIMENSIONS:
            raise ProviderError(
                400, f"invalid request: output_dimension must be one of {list(_OUTPUT_DIMENSIONS)}"
            )
        return int(requested)
    if "light" in model:
        return 384
    return 1536 if "v4" in model else 1024


def _embed_inputs(payload: Mapping[str, Any]) -> tuple[list[str], str | None]:
    """The strings to embed and the name of the field they came in (texts, images or inputs)."""
    given = [name for name in ("texts", "images", "inputs") if payload.get(name) is not None]
    if len(given) != 1:
        raise ProviderError(400, "invalid request: exactly one of texts, images or inputs must be given")
    name = given[0]
    values = payload[name]
    if not isinstance(values, list) or not values:
        raise ProviderError(400, f"invalid request: {name} must be a non-empty list")
    if name == "inputs":
        contents = [item.get("content") if isinstance(item, dict) else None for item in values]
        if not all(isinstance(content, list) and content for content in contents):
            raise ProviderError(400, "invalid request: each input needs a non-empty content list")
        return [json.dumps(content, sort_keys=True) for content in contents], None
    if not all(isinstance(value, str) and value for value in values):
        raise ProviderError(400, f"invalid request: {name} must be non-empty strings")
    return list(values), name


def _representation(vector: list[float], kind: str) -> Any:
    if kind == "float":
        return vector
    if kind == "base64":  # the float32 bytes, little-endian
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return quantised(vector, kind)


async def _embed(request: WireRequest) -> WireResponse:
    payload = json_object(request.body)
    model = require_string(payload, "model")
    await provider_turn(model)
    if payload.get("input_type") not in _INPUT_TYPES:
        raise ProviderError(
            400, f"invalid request: input_type must be one of {', '.join(_INPUT_TYPES)} for Embed v3+ models"
        )
    inputs, echoed = _embed_inputs(payload)
    kinds = payload.get("embedding_types") or ["float"]
    if not isinstance(kinds, list) or not all(kind in _EMBEDDING_TYPES for kind in kinds):
        raise ProviderError(
            400, f"invalid request: embedding_types must be a list of {', '.join(_EMBEDDING_TYPES)}"
        )
    dimensions = embed_dimensions(model, payload.get("output_dimension"))
    vectors = [embedding_vector(text, dimensions) for text in inputs]
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "embeddings": {kind: [_representation(v, kind) for v in vectors] for kind in dict.fromkeys(kinds)},
        "meta": {
            "api_version": _API_VERSION,
            "billed_units": {"input_tokens": sum(count_tokens(text) for text in inputs)},
        },
        "response_type": "embeddings_by_type",
    }
    if echoed == "texts":
        body["texts"] = inputs
    return WireResponse.json(200, body)


ROUTES: dict[str, Handler] = {
    "/v2/rerank": _endpoint(_rerank),
    "/v2/chat": _endpoint(_chat),
    "/v2/embed": _endpoint(_embed),
}


# --- Bifrost layer: rerank documents go up as strings and results come back re-sorted; chat and
# embed requests are converted to Cohere v2 and back ---

FAKE_KEY = "fake-cohere-key"
_AUTH = {"authorization": f"Bearer {FAKE_KEY}"}
_OPTIONAL = ("top_n", "max_tokens_per_doc", "priority")


def parse_error(status: int, body: bytes) -> ErrorFields:
    """Cohere's `{message, type?, code?}`; its `type` becomes the envelope's top-level `type`."""
    payload = decode_error_body(body)
    if not payload or not isinstance(payload.get("message"), str):
        return ErrorFields({"message": default_error_message(status, body)})
    fields: dict[str, Any] = {"message": payload["message"]}
    if isinstance(payload.get("code"), str):
        fields["code"] = payload["code"]
    kind = payload.get("type")
    return ErrorFields(fields, kind if isinstance(kind, str) else None)


def _option(params: Mapping[str, Any], name: str) -> Any:
    """A rerank option, given at the top level or inside Bifrost's `params` object."""
    if params.get(name) is not None:
        return params[name]
    nested = params.get("params")
    return nested.get(name) if isinstance(nested, dict) else None


def document_text(document: Any) -> str:
    """How Bifrost sends one document: its text, or the whole document as JSON when it has id or meta."""
    if isinstance(document, str):
        return document
    if isinstance(document, dict):
        if set(document) - {"text"}:
            return json.dumps(document, separators=(",", ":"))
        return str(document.get("text", ""))
    raise AdapterError("each document must be a string or an object with text")


def _build(call: Call) -> WireCall:
    documents = call.params.get("documents")
    if not isinstance(documents, list):
        raise AdapterError("documents is required for rerank")
    body: dict[str, Any] = {
        "model": call.model,
        "query": call.params.get("query"),
        "documents": [document_text(document) for document in documents],
    }
    for name in _OPTIONAL:
        value = _option(call.params, name)
        if value is not None:
            body[name] = value
    return json_call("/v2/rerank", body, _AUTH)


def sort_results(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bifrost's order: relevance score descending, ties by document index."""
    return sorted(
        results, key=lambda item: (-float(item.get("relevance_score", 0)), int(item.get("index", 0)))
    )


def _convert(call: Call, response: WireResponse) -> dict[str, Any]:
    payload = decode_json(response)
    raw_results = payload.get("results")
    results = (
        [dict(item) for item in raw_results if isinstance(item, dict)]
        if isinstance(raw_results, list)
        else []
    )
    documents = call.params.get("documents")
    if _option(call.params, "return_documents") in (True, "true") and isinstance(documents, list):
        for item in results:
            index = item.get("index")
            if isinstance(index, int) and 0 <= index < len(documents):
                original = documents[index]
                item["document"] = original if isinstance(original, dict) else {"text": original}
    result: dict[str, Any] = {"results": sort_results(results), "model": call.model}
    if payload.get("id"):
        result = {"id": payload["id"], **result}
    return result


def _chat_content(content: Any) -> Any:
    """A chat message's content as Cohere takes it: a string, or its text and image blocks."""
    if isinstance(content, str) or not isinstance(content, list):
        return content
    blocks: list[dict[str, Any]] = []
    for part in content:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str):
            blocks.append({"type": "text", "text": part["text"]})
        elif isinstance(part.get("image_url"), dict):
            blocks.append({"type": "image_url", "image_url": {"url": part["image_url"].get("url")}})
    return blocks


# Bifrost's chat parameter -> Cohere's name for it.
_CHAT_PARAMS = {
    "temperature": "temperature",
    "top_p": "p",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
}


def _chat_build(call: Call) -> WireCall:
    raw = call.params.get("messages")
    messages = []
    for message in raw if isinstance(raw, list) else []:
        if not isinstance(message, dict):
            continue
        converted: dict[str, Any] = {"role": message.get("role")}
        if message.get("content") is not None:
            converted["content"] = _chat_content(message["content"])
        if message.get("tool_call_id") is not None:
            converted["tool_call_id"] = message["tool_call_id"]
        messages.append(converted)
    body: dict[str, Any] = {"model": call.model, "messages": messages}
    limit = call.params.get("max_completion_tokens", call.params.get("max_tokens"))
    if limit is not None:
        body["max_tokens"] = limit
    for name, cohere_name in _CHAT_PARAMS.items():
        if call.params.get(name) is not None:
            body[cohere_name] = call.params[name]
    stop = call.params.get("stop")
    if stop is not None:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else stop
    return json_call("/v2/chat", body, _AUTH)


# Cohere's finish reasons as Bifrost names them; others are kept as they come.
FINISH_REASONS = {
    "COMPLETE": "stop",
    "STOP_SEQUENCE": "stop",
    "MAX_TOKENS": "length",
    "TOOL_CALL": "tool_calls",
}


def _chat_convert(call: Call, response: WireResponse) -> dict[str, Any]:
    """Cohere's v2 chat answer as Bifrost's chat completion, the model being the one requested."""
    payload = decode_json(response)
    message = as_dict(payload.get("message"))
    content = message.get("content")
    blocks = [block for block in content if isinstance(block, dict)] if isinstance(content, list) else []
    text: Any = content if isinstance(content, str) else None
    if len(blocks) == 1 and blocks[0].get("type") == "text":
        text = blocks[0].get("text")
    elif blocks:
        text = [{"type": "text", "text": b["text"]} for b in blocks if isinstance(b.get("text"), str)]
    choice: dict[str, Any] = {"index": 0, "message": {"role": "assistant", "content": text}}
    reason = payload.get("finish_reason")
    if isinstance(reason, str):
        choice["finish_reason"] = FINISH_REASONS.get(reason, reason)
    result: dict[str, Any] = {
        "id": payload.get("id", ""),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": call.model,
        "choices": [choice],
    }
    usage = as_dict(payload.get("usage"))
    tokens = usage.get("tokens")
    if isinstance(tokens, dict):
        prompt, completion = int(tokens.get("input_tokens") or 0), int(tokens.get("output_tokens") or 0)
        result["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
    return result


# Embedding options Bifrost reads from the request's extra params.
_EMBED_EXTRAS = ("embedding_types", "max_tokens", "truncate", "priority")


def _embed_build(call: Call) -> WireCall:
    raw = call.params.get("input")
    texts = [raw] if isinstance(raw, str) else raw
    if not isinstance(texts, list) or not texts:
        raise AdapterError("embedding input is not provided", None, True)
    if not all(isinstance(text, str) for text in texts):
        raise AdapterError("cohere embeddings support only text and image parts", None, True)
    input_type = call.params.get("input_type")
    body: dict[str, Any] = {
        "model": call.model,
        "input_type": input_type if isinstance(input_type, str) else "search_document",
        "texts": texts,
    }
    if call.params.get("dimensions") is not None:
        body["output_dimension"] = call.params["dimensions"]
    for name in _EMBED_EXTRAS:
        if call.params.get(name) is not None:
            body[name] = call.params[name]
    return json_call("/v2/embed", body, _AUTH)


def _embed_convert(call: Call, response: WireResponse) -> dict[str, Any]:
    """One data entry per representation Cohere sent; usage from `meta.tokens`, else `billed_units`."""
    payload = decode_json(response)
    embeddings = as_dict(payload.get("embeddings"))
    data = []
    for kind in _EMBEDDING_TYPES:
        vectors = embeddings.get(kind)
        for index, vector in enumerate(vectors if isinstance(vectors, list) else []):
            data.append({"object": "embedding", "index": index, "embedding": vector})
    result: dict[str, Any] = {"object": "list", "data": data}
    meta = as_dict(payload.get("meta"))
    counts = [meta[name] for name in ("tokens", "billed_units") if isinstance(meta.get(name), dict)]
    counted = counts[0] if counts else None
    if counted is not None:
        prompt, completion = int(counted.get("input_tokens") or 0), int(counted.get("output_tokens") or 0)
        result["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
    return result


_CHAT_ROUTE = Route(_chat_build, _chat_convert)
ADAPTER = ProviderAdapter(
    "cohere",
    {
        "chat_completion": _CHAT_ROUTE,
        "responses": responses_via_chat(_CHAT_ROUTE),
        "embedding": Route(_embed_build, _embed_convert),
        "rerank": Route(_build, _convert),
    },
    parse_error,
)
