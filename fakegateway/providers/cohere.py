"""Fake Cohere: `/v2/rerank` in Cohere's wire format, and Bifrost's adapter in front of it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
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
from .common import (
    Handler,
    ProviderError,
    WireRequest,
    WireResponse,
    bearer_token,
    json_object,
    optional_int,
    provider_turn,
    require_string,
    words,
)


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
    try:
        if bearer_token(request.headers) is None:
            raise ProviderError(401, "no api key supplied")
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
            "meta": {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}},
        }
        return WireResponse.json(200, body)
    except ProviderError as exc:
        return WireResponse.json(exc.status, {"message": exc.message})


ROUTES: dict[str, Handler] = {"/v2/rerank": _rerank}


# --- Bifrost layer: documents go up as strings; results come back re-sorted with the model set ---

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


ADAPTER = ProviderAdapter("cohere", {"rerank": Route(_build, _convert)}, parse_error)
