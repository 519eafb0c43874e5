"""The one entry point into the fake providers, used in-process by jobs and by the standalone server."""

from __future__ import annotations

from collections.abc import Mapping

from . import anthropic, cohere, mistral, openai
from .common import Handler, WireRequest, WireResponse, lower_headers

ROUTES: dict[str, Handler] = {**openai.ROUTES, **anthropic.ROUTES, **cohere.ROUTES, **mistral.ROUTES}


async def handle(method: str, path: str, headers: Mapping[str, str], body: bytes) -> WireResponse:
    """Answer one provider HTTP request; `path` may carry a query string, which no endpoint needs."""
    route = path.split("?", 1)[0]
    handler = ROUTES.get(route)
    if handler is None:
        return WireResponse.json(
            404,
            {"error": {"message": f"Unknown path {route}", "type": "invalid_request_error", "code": None}},
        )
    if method.upper() != "POST":
        return WireResponse.json(
            405,
            {"error": {"message": f"{method} is not allowed on {route}", "type": "invalid_request_error"}},
            {"allow": "POST"},
        )
    return await handler(WireRequest(method.upper(), route, lower_headers(headers), body))
