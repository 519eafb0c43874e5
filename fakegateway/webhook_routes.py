"""`/api/webhooks`: Bifrost's webhook endpoint management API (contract §9), and the submit header.

No admin authentication: the fake's management API is open (Bifrost's may sit behind its
dashboard auth; the suite sends BIFROST_ADMIN_TOKEN when it is set, and the fake ignores it).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from fakegateway.envelope import error_response, json_response
from fakegateway.gateway import GATEWAY, Gateway
from fakegateway.webhooks import (
    COMPLETED_EVENT,
    EVENTS,
    REDACTED,
    RESERVED_HEADERS,
    Endpoint,
    NameTakenError,
    SpecError,
    new_secret,
    parse_spec,
)

WEBHOOK_HEADER = "x-bf-async-webhook"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_RESOLVE_PREFIX = "failed to resolve webhook endpoint: invalid webhook reference: "


def resolve_submit_webhook(gateway: Gateway, name: str) -> tuple[str | None, str | None]:
    """(endpoint id, None), or (None, the error message) for an unknown or disabled name."""
    faults = gateway.faults
    endpoint = gateway.webhooks.by_name(name)
    if endpoint is None:
        if faults.on("webhook-unknown-name-accepted"):
            return None, None
        return None, f'{_RESOLVE_PREFIX}unknown webhook endpoint with name "{name}"'
    if endpoint.spec.disabled and not faults.on("webhook-disabled-accepted"):
        return None, f'{_RESOLVE_PREFIX}webhook endpoint "{name}" is disabled'
    if faults.on("webhook-unsubscribed-refused") and COMPLETED_EVENT not in endpoint.spec.events:
        # The regression: the event filter runs at submit instead of at enqueue.
        return None, f'{_RESOLVE_PREFIX}webhook endpoint "{name}" is not subscribed to {COMPLETED_EVENT}'
    return endpoint.id, None


def reserved_headers(gateway: Gateway) -> frozenset[str]:
    """Header names an endpoint may not set (`webhook-reserved-header-override`: the webhook-* ones only)."""
    if gateway.faults.on("webhook-reserved-header-override"):
        return frozenset(name for name in RESERVED_HEADERS if name.startswith("webhook-"))
    return RESERVED_HEADERS


def _error(request: web.Request, status: int, message: str) -> web.Response:
    return error_response(status, message, request.app[GATEWAY].faults)


async def _json_body(request: web.Request) -> Any:
    try:
        return json.loads(await request.read() or b"null")
    except ValueError:
        raise SpecError("invalid request body: not valid JSON") from None


def _shown(gateway: Gateway, endpoint: Endpoint) -> dict[str, Any]:
    return endpoint.public(expose_secret=gateway.faults.on("webhook-secret-exposed"))


EndpointHandler = Callable[[web.Request, Endpoint], Awaitable[web.StreamResponse]]


def _with_endpoint(handler: EndpointHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Looks up `/api/webhooks/{endpoint_id}` once for every handler of one endpoint: 404 if unknown."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        endpoint_id = request.match_info["endpoint_id"]
        endpoint = request.app[GATEWAY].webhooks.get(endpoint_id)
        if endpoint is None:
            return _error(request, 404, f"webhook endpoint {endpoint_id!r} not found")
        return await handler(request, endpoint)

    return wrapper


async def create(request: web.Request) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    try:
        body = await _json_body(request)
        spec = parse_spec(body, reserved=reserved_headers(gateway))
        secret = body.get("secret") if isinstance(body, dict) else None
        if secret is not None and not isinstance(secret, str):
            raise SpecError("secret must be a string")
        endpoint = gateway.webhooks.create(spec, secret or None)
    except SpecError as exc:
        return _error(request, 400, str(exc))
    except NameTakenError as exc:
        return _error(request, 409, str(exc))
    # The only answer that ever carries the secret.
    return json_response(201, {"endpoint": _shown(gateway, endpoint), "secret": endpoint.secret})


def _bool_query(text: str, name: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise SpecError(f"{name} must be true or false, got {text!r}")


def _int_query(text: str | None, name: str, default: int, *, low: int, high: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise SpecError(f"{name} must be a whole number, got {text!r}") from None
    if not low <= value <= high:
        raise SpecError(f"{name} must be between {low} and {high}, got {value}")
    return value


async def list_endpoints(request: web.Request) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    query = request.query
    try:
        limit = _int_query(query.get("limit"), "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        offset = _int_query(query.get("offset"), "offset", 0, low=0, high=2**31)
        event = query.get("event") or None
        if event is not None and event not in EVENTS:
            raise SpecError(f"unknown event {event!r} (allowed: {', '.join(EVENTS)})")
        disabled = _bool_query(query["disabled"], "disabled") if query.get("disabled") else None
    except SpecError as exc:
        return _error(request, 400, str(exc))
    search = (query.get("search") or "").strip().lower()
    matches = [
        e
        for e in gateway.webhooks.all()
        if (not search or search in e.name.lower() or search in e.spec.url.lower())
        and (event is None or event in e.spec.events)
        and (disabled is None or e.spec.disabled == disabled)
    ]
    page = matches[offset : offset + limit]
    return json_response(
        200,
        {
            "endpoints": [_shown(gateway, e) for e in page],
            "count": len(page),
            "total_count": len(matches),
            "limit": limit,
        },
    )


@_with_endpoint
async def get_endpoint(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    return json_response(200, {"endpoint": _shown(request.app[GATEWAY], endpoint)})


@_with_endpoint
async def replace_endpoint(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    """A full replace; a `<REDACTED>` header value keeps the stored value of that header."""
    gateway = request.app[GATEWAY]
    stored = dict(endpoint.spec.headers)
    if gateway.faults.on("webhook-redacted-header-stored"):
        stored = {name: REDACTED for name in stored}  # the placeholder itself gets stored
    try:
        spec = parse_spec(await _json_body(request), stored, reserved=reserved_headers(gateway))
        gateway.webhooks.replace(endpoint, spec)
    except SpecError as exc:
        return _error(request, 400, str(exc))
    except NameTakenError as exc:
        return _error(request, 409, str(exc))
    return json_response(200, {"endpoint": _shown(gateway, endpoint)})


async def delete_endpoint(request: web.Request) -> web.StreamResponse:
    endpoint_id = request.match_info["endpoint_id"]
    if not request.app[GATEWAY].webhooks.delete(endpoint_id):
        return _error(request, 404, f"webhook endpoint {endpoint_id!r} not found")
    return json_response(200, {"message": "webhook endpoint deleted", "id": endpoint_id})


@_with_endpoint
async def deliveries(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    try:
        limit = _int_query(request.query.get("limit"), "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        offset = _int_query(request.query.get("offset"), "offset", 0, low=0, high=2**31)
    except SpecError as exc:
        return _error(request, 400, str(exc))
    rows = gateway.webhooks.deliveries(endpoint.id)
    page = rows[offset : offset + limit]
    return json_response(
        200,
        {
            "deliveries": [row.public() for row in page],
            "pagination": {"total_count": len(rows), "count": len(page), "limit": limit, "offset": offset},
        },
    )


async def redeliver(request: web.Request) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    delivery_id = request.match_info["delivery_id"]
    record = gateway.webhooks.delivery(delivery_id)
    if record is None:
        return _error(request, 404, f"webhook delivery {delivery_id!r} not found")
    endpoint = gateway.webhooks.get(record.endpoint_id)
    if endpoint is None:
        return _error(request, 404, f"webhook endpoint {record.endpoint_id!r} not found")
    if endpoint.spec.disabled:
        return _error(request, 400, f'webhook endpoint "{endpoint.name}" is disabled')
    return json_response(202, {"webhook_id": gateway.dispatcher.redeliver(record)})


@_with_endpoint
async def rotate_secret(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    if gateway.faults.on("webhook-rotation-ignored"):
        # The regression: a fresh secret is shown, but deliveries stay signed with the old one.
        return json_response(200, {"secret": new_secret()})
    return json_response(200, {"secret": gateway.webhooks.rotate(endpoint)})


@_with_endpoint
async def send_test_event(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    try:
        body = await _json_body(request)
    except SpecError as exc:
        return _error(request, 400, str(exc))
    event = body.get("event") if isinstance(body, dict) else None
    event = event or endpoint.spec.events[0]
    if event not in EVENTS:
        return _error(request, 400, f"unknown event {event!r} (allowed: {', '.join(EVENTS)})")
    if event not in endpoint.spec.events:
        return _error(request, 400, f'webhook endpoint "{endpoint.name}" is not subscribed to {event}')
    if endpoint.spec.disabled:
        return _error(request, 400, f'webhook endpoint "{endpoint.name}" is disabled')
    return json_response(200, await gateway.dispatcher.test_fire(endpoint, event))


def add_routes(router: web.UrlDispatcher) -> None:
    # The literal `deliveries` segment first, so it is not taken for an endpoint id.
    router.add_post("/api/webhooks/deliveries/{delivery_id}/redeliver", redeliver)
    router.add_post("/api/webhooks", create)
    router.add_get("/api/webhooks", list_endpoints)
    router.add_get("/api/webhooks/{endpoint_id}", get_endpoint)
    router.add_put("/api/webhooks/{endpoint_id}", replace_endpoint)
    router.add_delete("/api/webhooks/{endpoint_id}", delete_endpoint)
    router.add_get("/api/webhooks/{endpoint_id}/deliveries", deliveries)
    router.add_post("/api/webhooks/{endpoint_id}/rotate-secret", rotate_secret)
    router.add_post("/api/webhooks/{endpoint_id}/test", send_test_event)
