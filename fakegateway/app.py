"""The aiohttp application: route table, method handling, the UI catch-all and the 404 envelope."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from fakegateway import async_routes, integration_routes, webhook_routes
from fakegateway.contract import ENDPOINTS, Endpoint
from fakegateway.envelope import error_response, html_shell, json_response
from fakegateway.gateway import GATEWAY, Gateway, GatewayConfig
from fakegateway.integration_routes import IntegrationRoute

log = logging.getLogger("fakegateway")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def health(request: web.Request) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    if gateway.faults.on("health-503") or not gateway.store.ping():
        return error_response(503, "log store not available", gateway.faults)
    status = "healthy" if gateway.faults.on("health-not-ok") else "ok"
    return json_response(200, {"status": status, "components": {"db_pings": "ok"}})


async def ui_shell(request: web.Request) -> web.StreamResponse:
    """Bifrost's UI catch-all answers any GET it has no route for, submit paths included."""
    return html_shell()


def method_not_allowed(
    allow: str, *, poll_of: Endpoint | None = None, submit_of: Endpoint | None = None
) -> Handler:
    """fasthttp/router's default: 405 with an Allow header when the path has handlers for other methods."""

    async def handler(request: web.Request) -> web.StreamResponse:
        faults = request.app[GATEWAY].faults
        if poll_of is not None and request.method == "POST" and faults.on("wrong-method-200"):
            return html_shell()
        if poll_of is not None and request.method == "DELETE" and faults.on("cancel-route"):
            return await async_routes.cancel(request, request.match_info["job_id"])
        if (
            submit_of is not None
            and request.method in ("PUT", "PATCH", "DELETE")
            and faults.on("submit-any-method")
        ):
            return await async_routes.submit(request, submit_of)
        return web.Response(status=405, text="Method Not Allowed", headers={"Allow": allow})

    return handler


async def submit_path_get(request: web.Request) -> web.StreamResponse:
    """GET on a submit path: the UI catch-all's shell, as for any GET without a route."""
    if request.app[GATEWAY].faults.on("submit-get-405"):
        return web.Response(status=405, text="Method Not Allowed", headers={"Allow": "POST"})
    return html_shell()


async def fallback(request: web.Request) -> web.StreamResponse:
    path = request.path
    if (answer := await async_routes.unregistered_route(request)) is not None:
        return answer
    if request.method in ("GET", "HEAD") and not (path == "/api" or path.startswith("/api/")):
        return html_shell()
    return error_response(404, f"Route not found: {path}", request.app[GATEWAY].faults)


def _submit(endpoint: Endpoint) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return await async_routes.submit(request, endpoint)

    return handler


def _poll(endpoint: Endpoint) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return await async_routes.poll(request, endpoint)

    return handler


def _integration(route: IntegrationRoute) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return await integration_routes.handle(request, route)

    return handler


def _integration_get(route: IntegrationRoute) -> Handler:
    """A GET on an integration route is the UI's: there is no GET form of the async retrieve."""

    async def handler(request: web.Request) -> web.StreamResponse:
        faults = request.app[GATEWAY].faults
        if request.headers.get(integration_routes.ASYNC_ID_HEADER) and faults.on("integration-get-retrieve"):
            return await integration_routes.handle(request, route)
        return html_shell()

    return handler


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn body-size and unexpected errors into envelopes; a bad request must not take a job down."""
    faults = request.app[GATEWAY].faults
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge as exc:
        return error_response(413, f"request body too large: {exc.text}", faults)
    except web.HTTPException:
        raise
    except ConnectionResetError:
        # The client left mid-request; nobody reads this answer, and no job was created.
        return web.Response(status=400, text="client disconnected")
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal server error", faults)


def build_app(config: GatewayConfig) -> web.Application:
    gateway = Gateway(config)
    app = web.Application(client_max_size=config.max_body_bytes, middlewares=[guard])
    app[GATEWAY] = gateway
    app.cleanup_ctx.append(gateway.lifecycle)
    app.on_shutdown.append(gateway.on_shutdown)

    router = app.router
    router.add_get("/health", health)
    router.add_route("*", "/health", method_not_allowed("GET"))
    for endpoint in ENDPOINTS:
        if endpoint.request_type in ("rerank", "ocr") and gateway.faults.on("rerank-ocr-missing"):
            continue  # an older build: the fallback answers these paths
        router.add_post(endpoint.path, _submit(endpoint))
        router.add_get(endpoint.path, submit_path_get)
        router.add_route("*", endpoint.path, method_not_allowed("GET, POST", submit_of=endpoint))
        poll_path = endpoint.path + "/{job_id}"
        router.add_get(poll_path, _poll(endpoint))
        router.add_route("*", poll_path, method_not_allowed("GET", poll_of=endpoint))
    for route in integration_routes.INTEGRATION_ROUTES:
        router.add_post(route.path, _integration(route))
        router.add_get(route.path, _integration_get(route))
        router.add_route("*", route.path, method_not_allowed("GET, POST"))
    if not gateway.faults.on("webhooks-api-missing"):
        webhook_routes.add_routes(router)
    router.add_route("*", "/{tail:.*}", fallback)
    return app
