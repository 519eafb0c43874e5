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
from fakegateway.faults import Faults
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
    faults = gateway.faults
    return endpoint.public(expose_secret=faults.on("webhook-secret-exposed"), faults=faults)


# Read-only counters a create or PUT body may carry; only the `webhook-counters-writable` fault stores one.
_COUNTER = "consecutive_failures"


def _store_counter(gateway: Gateway, endpoint: Endpoint, body: Any) -> None:
    value = body.get(_COUNTER) if isinstance(body, dict) else None
    if gateway.faults.on("webhook-counters-writable") and isinstance(value, int):
        endpoint.consecutive_failures = value


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
    faults = gateway.faults
    try:
        body = await _json_body(request)
        spec = parse_spec(body, faults=faults, reserved=reserved_headers(gateway))
        secret = body.get("secret") if isinstance(body, dict) else None
        if secret is not None and not isinstance(secret, str):
            raise SpecError("secret must be a string")
        taken_ok = faults.on("webhook-duplicate-name-accepted")
        endpoint = gateway.webhooks.create(spec, secret or None, allow_taken=taken_ok)
    except SpecError as exc:
        return _error(request, 400, str(exc))
    except NameTakenError as exc:
        return _error(request, 409, str(exc))
    _store_counter(gateway, endpoint, body)
    # The only answer that ever carries the secret.
    status = 200 if faults.on("webhook-create-200") else 201
    return json_response(status, {"endpoint": _shown(gateway, endpoint), "secret": endpoint.secret})


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
    faults = gateway.faults
    query = request.query
    try:
        limit = _paging_query(faults, query.get("limit"), "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        offset = _paging_query(faults, query.get("offset"), "offset", 0, low=0, high=2**31)
        event = query.get("event") or None
        if event is not None and event not in EVENTS and not faults.on("webhook-list-bad-event-accepted"):
            raise SpecError(f"unknown event {event!r} (allowed: {', '.join(EVENTS)})")
        disabled = _disabled_query(faults, query.get("disabled"))
    except SpecError as exc:
        return _error(request, 400, str(exc))
    search = (query.get("search") or "").strip().lower()
    if faults.on("webhook-list-search-ignored"):
        search = ""
    if faults.on("webhook-list-event-filter-ignored"):
        event = None
    if faults.on("webhook-list-disabled-filter-ignored"):
        disabled = None
    matches = [
        e
        for e in gateway.webhooks.all()
        if (not search or search in e.name.lower() or search in e.spec.url.lower())
        and (event is None or event in e.spec.events)
        and (disabled is None or e.spec.disabled == disabled)
    ]
    page = matches if faults.on("webhook-list-paging-ignored") else matches[offset : offset + limit]
    answer: dict[str, Any] = {"endpoints": [_shown(gateway, e) for e in page]}
    if not faults.on("webhook-list-totals-missing"):
        answer.update(count=len(page), total_count=len(matches), limit=limit)
    return json_response(200, answer)


def _paging_query(faults: Faults, text: str | None, name: str, default: int, *, low: int, high: int) -> int:
    try:
        return _int_query(text, name, default, low=low, high=high)
    except SpecError:
        if faults.on("webhook-list-bad-paging-accepted") and not (text or "").lstrip("-").isdigit():
            return default
        raise


def _disabled_query(faults: Faults, text: str | None) -> bool | None:
    if not text:
        return None
    try:
        return _bool_query(text, "disabled")
    except SpecError:
        if faults.on("webhook-list-bad-disabled-accepted"):
            return None
        raise


@_with_endpoint
async def get_endpoint(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    return json_response(200, {"endpoint": _shown(request.app[GATEWAY], endpoint)})


@_with_endpoint
async def replace_endpoint(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    """A full replace; a `<REDACTED>` header value keeps the stored value of that header."""
    gateway = request.app[GATEWAY]
    faults = gateway.faults
    stored = dict(endpoint.spec.headers)
    if faults.on("webhook-redacted-header-stored"):
        stored = {name: REDACTED for name in stored}  # the placeholder itself gets stored
    try:
        body = await _json_body(request)
        if faults.on("webhook-put-merges") and isinstance(body, dict):
            # The regression: what the body leaves out keeps its stored value.
            kept = {name: value for name, value in vars(endpoint.spec).items() if name != "headers"}
            body = {**kept, "events": list(endpoint.spec.events), **body}
        spec = parse_spec(body, stored, faults, reserved=reserved_headers(gateway))
        gateway.webhooks.replace(endpoint, spec)
    except SpecError as exc:
        return _error(request, 400, str(exc))
    except NameTakenError as exc:
        return _error(request, 409, str(exc))
    _store_counter(gateway, endpoint, body)
    return json_response(200, {"endpoint": _shown(gateway, endpoint)})


async def delete_endpoint(request: web.Request) -> web.StreamResponse:
    endpoint_id = request.match_info["endpoint_id"]
    webhooks = request.app[GATEWAY].webhooks
    if request.app[GATEWAY].faults.on("webhook-delete-ignored"):
        if webhooks.get(endpoint_id) is None:
            return _error(request, 404, f"webhook endpoint {endpoint_id!r} not found")
    elif not webhooks.delete(endpoint_id):
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
    pagination = {"total_count": len(rows), "count": len(page), "limit": limit, "offset": offset}
    if gateway.faults.on("webhook-history-total-missing"):
        del pagination["total_count"]
    return json_response(
        200,
        {"deliveries": [row.public(gateway.faults) for row in page], "pagination": pagination},
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
    if endpoint.spec.disabled and not gateway.faults.on("webhook-redeliver-disabled-accepted"):
        return _error(request, 400, f'webhook endpoint "{endpoint.name}" is disabled')
    return json_response(202, {"webhook_id": gateway.dispatcher.redeliver(record)})


@_with_endpoint
async def rotate_secret(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    if gateway.faults.on("webhook-rotation-ignored"):
        # The regression: a fresh secret is shown, but deliveries stay signed with the old one.
        return json_response(200, {"secret": new_secret()})
    if gateway.faults.on("webhook-rotate-same-secret"):
        return json_response(200, {"secret": endpoint.secret})
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
    faults = gateway.faults
    if event not in endpoint.spec.events and not faults.on("webhook-test-fire-unsubscribed-sent"):
        return _error(request, 400, f'webhook endpoint "{endpoint.name}" is not subscribed to {event}')
    if endpoint.spec.disabled and not faults.on("webhook-test-fire-disabled-sent"):
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
