"""The standalone fake providers server: every provider path through the same dispatch as the jobs."""

from __future__ import annotations

from aiohttp import web

from . import datasheet
from .dispatch import handle

# Uploads (audio, images) can be large; the real providers accept about 25 MB.
MAX_BODY_BYTES = 64 * 1024 * 1024

_DATASHEETS = {
    "/datasheet": datasheet.pricing,
    "/datasheet/model-parameters": datasheet.model_parameters,
    "/datasheet/mcp-library": datasheet.mcp_library,
}


async def _serve(request: web.Request) -> web.StreamResponse:
    document = _DATASHEETS.get(request.path)
    if document is not None and request.method in ("GET", "HEAD"):
        return web.json_response(document())
    body = await request.read()
    answer = await handle(request.method, request.path_qs, dict(request.headers), body)
    return web.Response(status=answer.status, headers=answer.headers, body=answer.body)


def build_app() -> web.Application:
    """The fake OpenAI, Anthropic, Cohere and Mistral APIs plus the datasheets, as an aiohttp app."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_route("*", "/{tail:.*}", _serve)
    return app
