"""Fake Mistral: `/v1/ocr` in Mistral's wire format (never fetching the document), and Bifrost's adapter."""

from __future__ import annotations

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
    forwarded,
    json_call,
)
from .common import (
    Handler,
    ProviderError,
    WireRequest,
    WireResponse,
    bearer_token,
    json_object,
    provider_turn,
    require_string,
)

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


async def _ocr(request: WireRequest) -> WireResponse:
    try:
        if bearer_token(request.headers) is None:
            raise ProviderError(401, "Unauthorized", "authentication_error", "unauthorized")
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
    except ProviderError as exc:
        return WireResponse.json(exc.status, error_body(exc))


ROUTES: dict[str, Handler] = {"/v1/ocr": _ocr}


# --- Bifrost layer: the OCR request goes up as is; the pages come back under the same names ---

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


ADAPTER = ProviderAdapter("mistral", {"ocr": Route(_build, _convert)}, parse_error)
