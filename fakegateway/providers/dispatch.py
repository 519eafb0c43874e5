"""The one entry point into the fake providers, used in-process by jobs and by the standalone server.

Each provider also answers under its own prefix (`/openai`, `/anthropic`, `/cohere`, `/mistral`),
which stands for its own origin: Mistral's chat, embeddings and transcription paths are the same as
OpenAI's, so a Bifrost whose Mistral `base_url` ends in `/mistral` reaches the fake Mistral, while an
unprefixed shared path answers as OpenAI (whose shapes Bifrost's Mistral adapter also reads).
"""

from __future__ import annotations

from collections.abc import Mapping

from . import anthropic, cohere, mistral, openai
from .common import Handler, WireRequest, WireResponse, lower_headers

BY_PROVIDER: dict[str, dict[str, Handler]] = {
    "openai": openai.ROUTES,
    "anthropic": anthropic.ROUTES,
    "cohere": cohere.ROUTES,
    "mistral": mistral.ROUTES,
}
# Unprefixed paths: OpenAI last, so it keeps the paths it shares with Mistral.
ROUTES: dict[str, Handler] = {**mistral.ROUTES, **cohere.ROUTES, **anthropic.ROUTES, **openai.ROUTES}


def split_provider(path: str) -> tuple[str | None, str]:
    """(`mistral`, `/v1/embeddings`) for `/mistral/v1/embeddings`; (None, path) without a prefix."""
    head, _, tail = path.lstrip("/").partition("/")
    if head in BY_PROVIDER:
        return head, "/" + tail
    return None, path


async def handle(
    method: str, path: str, headers: Mapping[str, str], body: bytes, provider: str | None = None
) -> WireResponse:
    """Answer one provider HTTP request; `path` may carry a query string, which no endpoint needs.

    `provider` names whose API answers (the jobs know it); otherwise the path's prefix says, if any.
    """
    route = path.split("?", 1)[0]
    if provider is None:
        provider, route = split_provider(route)
    handler = (ROUTES if provider is None else BY_PROVIDER[provider]).get(route)
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
