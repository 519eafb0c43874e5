"""Async webhooks (contract §9): endpoints, their validation, signing, payloads and delivery history.

The fake keeps endpoints and delivery history in memory (Bifrost keeps them in its config and
logs stores); `--db` keeps jobs only. Delivery itself lives in `webhook_delivery`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from fakegateway.faults import Faults
from fakegateway.store import COMPLETED, JobRow, now, rfc3339

COMPLETED_EVENT = "async_job.completed"
FAILED_EVENT = "async_job.failed"
EVENTS = (COMPLETED_EVENT, FAILED_EVENT)
SECRET_PREFIX = "whsec_"
REDACTED = "<REDACTED>"
USER_AGENT = "Bifrost-Webhooks/1.0"
# Delivery headers an endpoint's custom headers may not set.
RESERVED_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "host",
        "user-agent",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "x-bifrost-event",
    }
)
HISTORY_RETENTION = timedelta(days=30)  # WebhookConfig's default delivery_history_retention_days

# Delivery outcomes, one per attempt.
DELIVERED = "delivered"
RETRYABLE = "retryable_failure"
PERMANENT = "permanent_failure"
EXHAUSTED = "exhausted"

# Knob -> default; 0 or absent means the default, a negative value is refused.
KNOB_DEFAULTS: dict[str, int] = {
    "max_retries": 4,
    "retry_backoff_initial_seconds": 30,
    "retry_backoff_max_seconds": 1800,
    "attempt_timeout_seconds": 10,
    "max_response_payload_kbs": 256,
    "max_concurrent_deliveries": 10,
}
_FLAGS = ("include_response", "allow_private_network", "disabled")
_HEADER_NAME_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


class SpecError(ValueError):
    """An endpoint definition Bifrost would refuse with 400; the message names the problem."""


class NameTakenError(ValueError):
    """Another endpoint already has this name (409)."""


# ---------------------------------------------------------------------- secrets and signing
def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64-decoded part after `whsec_`."""
    if not secret.startswith(SECRET_PREFIX):
        raise SpecError("secret must start with whsec_")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise SpecError("secret must be whsec_ followed by a base64 key") from None
    if not key:
        raise SpecError("secret must be whsec_ followed by a base64 key")
    return key


def signature(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    """Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`."""
    message = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def mask_secret(secret: str) -> str:
    return f"{SECRET_PREFIX}…{secret[-4:]}" if len(secret) > len(SECRET_PREFIX) + 8 else f"{SECRET_PREFIX}…"


# ---------------------------------------------------------------------- endpoint definitions
@dataclass(frozen=True)
class EndpointSpec:
    """What a client defines; PUT replaces all of it."""

    name: str
    url: str
    events: tuple[str, ...]
    headers: Mapping[str, str] = field(default_factory=dict)
    include_response: bool = False
    allow_private_network: bool = False
    disabled: bool = False
    max_retries: int = KNOB_DEFAULTS["max_retries"]
    retry_backoff_initial_seconds: int = KNOB_DEFAULTS["retry_backoff_initial_seconds"]
    retry_backoff_max_seconds: int = KNOB_DEFAULTS["retry_backoff_max_seconds"]
    attempt_timeout_seconds: int = KNOB_DEFAULTS["attempt_timeout_seconds"]
    max_response_payload_kbs: int = KNOB_DEFAULTS["max_response_payload_kbs"]
    max_concurrent_deliveries: int = KNOB_DEFAULTS["max_concurrent_deliveries"]


def parse_spec(
    body: Any,
    stored_headers: Mapping[str, str] | None = None,
    faults: Faults | None = None,
    *,
    reserved: frozenset[str] = RESERVED_HEADERS,
) -> EndpointSpec:
    """Validate a create/replace body; `<REDACTED>` header values take the stored value. `faults`
    switch off single checks (the management API's refusal faults)."""
    lax = faults or Faults()
    if not isinstance(body, dict):
        raise SpecError("invalid request body: expected a JSON object")
    name = body.get("name")
    if lax.on("webhook-nameless-accepted") and not name:
        name = f"endpoint-{uuid4()}"
    if not isinstance(name, str) or not name.strip():
        raise SpecError("name is required")
    if len(name) > 255:
        raise SpecError("name must be at most 255 characters")
    allow_private = _flag(body, "allow_private_network")
    negative_ok = lax.on("webhook-negative-knob-accepted")
    knobs = {knob: _knob(body, knob, negative_ok=negative_ok) for knob in KNOB_DEFAULTS}
    if knobs["retry_backoff_max_seconds"] < knobs["retry_backoff_initial_seconds"]:
        raise SpecError("retry_backoff_max_seconds must not be below retry_backoff_initial_seconds")
    return EndpointSpec(
        name=name.strip(),
        url=_url(body.get("url"), allow_private=allow_private, http_ok=lax.on("webhook-http-url-accepted")),
        events=_events(
            body.get("events"),
            empty_ok=lax.on("webhook-empty-events-accepted"),
            unknown_ok=lax.on("webhook-unknown-event-accepted"),
        ),
        headers=_headers(
            body.get("headers"),
            stored_headers or {},
            reserved,
            reserved_ok=lax.on("webhook-reserved-header-accepted"),
        ),
        include_response=_flag(body, "include_response"),
        allow_private_network=allow_private,
        disabled=_flag(body, "disabled"),
        **knobs,
    )


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise SpecError(f"{name} must be true or false")
    return value


def _knob(body: dict[str, Any], name: str, *, negative_ok: bool = False) -> int:
    value = body.get(name)
    if value is None or value == 0:
        return KNOB_DEFAULTS[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{name} must be a whole number")
    if value < 0:
        if negative_ok:
            return -value  # the regression: the sign is dropped
        raise SpecError(f"{name} must not be negative")
    return value


def _events(value: Any, *, empty_ok: bool = False, unknown_ok: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not (value or empty_ok):
        raise SpecError(f"events must be a non-empty list of {', '.join(EVENTS)}")
    events: list[str] = []
    for event in value:
        if event not in EVENTS and not (unknown_ok and isinstance(event, str)):
            raise SpecError(f"unknown event {event!r} (allowed: {', '.join(EVENTS)})")
        if event not in events:
            events.append(event)
    return tuple(events)


def _url(value: Any, *, allow_private: bool, http_ok: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError("url is required")
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpecError(f"url must be an absolute http(s) URL, got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise SpecError("url must not contain credentials")
    if parts.fragment:
        raise SpecError("url must not contain a fragment")
    if parts.scheme == "http" and not allow_private and not http_ok:
        raise SpecError("url must use https unless allow_private_network is set")
    host = parts.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and (address.is_link_local or address.is_unspecified or address.is_multicast):
        raise SpecError(f"url targets a blocked address ({host})")
    private = host.lower() == "localhost" or (
        address is not None and (address.is_private or address.is_loopback)
    )
    if private and not allow_private:
        raise SpecError(f"url targets a private network address ({host}); set allow_private_network")
    return url


def _headers(
    value: Any, stored: Mapping[str, str], reserved: frozenset[str], *, reserved_ok: bool = False
) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError("headers must be an object of header name to value")
    headers: dict[str, str] = {}
    for name, raw in value.items():
        if not name or not set(name) <= _HEADER_NAME_CHARS:
            raise SpecError(f"header name {name!r} is not valid")
        if name.lower() in reserved and not reserved_ok:
            raise SpecError(f"header {name} is reserved for delivery and cannot be set")
        text = raw.get("value") if isinstance(raw, dict) else raw
        if not isinstance(text, str):
            raise SpecError(f"header {name} must have a string value")
        if text == REDACTED:
            kept = next((v for n, v in stored.items() if n.lower() == name.lower()), None)
            if kept is None:
                raise SpecError(f"header {name} is {REDACTED} but has no stored value to keep")
            text = kept
        if "\n" in text or "\r" in text:
            raise SpecError(f"header {name} must not contain line breaks")
        headers[name] = text
    return headers


# ---------------------------------------------------------------------- stored endpoints
@dataclass
class Endpoint:
    id: str
    spec: EndpointSpec
    secret: str
    created_at: datetime
    updated_at: datetime
    consecutive_failures: int = 0
    last_failure_at: datetime | None = None
    last_success_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def public(self, *, expose_secret: bool = False, faults: Faults | None = None) -> dict[str, Any]:
        """The endpoint as the API shows it: no secret, header values redacted."""
        lax = faults or Faults()
        spec = self.spec
        shown_knobs: Mapping[str, Any] = vars(spec)
        if lax.on("webhook-knobs-shown-default"):
            shown_knobs = KNOB_DEFAULTS
        clear = lax.on("webhook-header-values-shown")
        headers = {name: {"value": value if clear else REDACTED} for name, value in spec.headers.items()}
        shown: dict[str, Any] = {
            "id": self.id,
            "name": spec.name,
            "url": spec.url,
            "events": list(spec.events),
            "headers": headers,
            "include_response": spec.include_response,
            "allow_private_network": spec.allow_private_network,
            "disabled": spec.disabled,
            **{knob: shown_knobs[knob] for knob in KNOB_DEFAULTS},
            "consecutive_failures": self.consecutive_failures,
            "last_failure_at": _time(self.last_failure_at),
            "last_success_at": _time(self.last_success_at),
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        }
        if lax.on("webhook-counters-missing"):
            for counter in ("consecutive_failures", "last_failure_at", "last_success_at"):
                del shown[counter]
        if expose_secret:
            shown["secret"] = self.secret
        return shown


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else rfc3339(moment)


@dataclass(frozen=True)
class DeliveryRecord:
    """One attempt, as `GET /api/webhooks/{id}/deliveries` lists it (insert-only)."""

    id: str
    webhook_id: str
    endpoint_id: str
    async_job_id: str
    request_id: str | None
    event: str
    attempt_no: int
    outcome: str
    status_code: int
    error: str | None
    created_at: datetime

    def public(self, faults: Faults | None = None) -> dict[str, Any]:
        lax = faults or Faults()
        shown = {
            "id": self.id,
            "webhook_id": self.id if lax.on("webhook-history-webhook-id-wrong") else self.webhook_id,
            "endpoint_id": self.endpoint_id,
            "async_job_id": self.async_job_id,
            "request_id": self.request_id,
            "event": self.event,
            "attempt_no": self.attempt_no,
            "outcome": self.outcome,
            "status_code": self.status_code,
            "error": self.error,
            "created_at": rfc3339(self.created_at),
            "expires_at": rfc3339(self.created_at + HISTORY_RETENTION),
        }
        if lax.on("webhook-history-fields-missing"):
            del shown["request_id"], shown["expires_at"]
        return shown


class Registry:
    """Endpoints by id (names are unique) and the delivery history, in memory."""

    def __init__(self) -> None:
        self._endpoints: dict[str, Endpoint] = {}
        self._deliveries: list[DeliveryRecord] = []

    def create(self, spec: EndpointSpec, secret: str | None = None, *, allow_taken: bool = False) -> Endpoint:
        if self.by_name(spec.name) is not None and not allow_taken:
            raise NameTakenError(f"a webhook endpoint named {spec.name!r} already exists")
        if secret is not None:
            secret_key(secret)
        moment = now()
        endpoint = Endpoint(str(uuid4()), spec, secret or new_secret(), moment, moment)
        self._endpoints[endpoint.id] = endpoint
        return endpoint

    def get(self, endpoint_id: str) -> Endpoint | None:
        return self._endpoints.get(endpoint_id)

    def by_name(self, name: str) -> Endpoint | None:
        return next((e for e in self._endpoints.values() if e.name == name), None)

    def all(self) -> list[Endpoint]:
        return sorted(self._endpoints.values(), key=lambda e: (e.created_at, e.id))

    def replace(self, endpoint: Endpoint, spec: EndpointSpec) -> Endpoint:
        other = self.by_name(spec.name)
        if other is not None and other.id != endpoint.id:
            raise NameTakenError(f"a webhook endpoint named {spec.name!r} already exists")
        endpoint.spec = spec
        endpoint.updated_at = now()
        return endpoint

    def delete(self, endpoint_id: str) -> bool:
        return self._endpoints.pop(endpoint_id, None) is not None

    def rotate(self, endpoint: Endpoint) -> str:
        endpoint.secret = new_secret()
        endpoint.updated_at = now()
        return endpoint.secret

    def record(self, record: DeliveryRecord) -> None:
        self._deliveries.append(record)

    def forget_attempts(self, webhook_id: str) -> None:
        """Drops earlier rows of one notification (only the `webhook-history-incomplete` fault does)."""
        self._deliveries = [d for d in self._deliveries if d.webhook_id != webhook_id]

    def deliveries(self, endpoint_id: str) -> list[DeliveryRecord]:
        """Newest first."""
        rows = [d for d in self._deliveries if d.endpoint_id == endpoint_id]
        return sorted(rows, key=lambda d: d.created_at, reverse=True)

    def delivery(self, delivery_id: str) -> DeliveryRecord | None:
        return next((d for d in self._deliveries if d.id == delivery_id), None)


# ---------------------------------------------------------------------- payloads
def event_of(row: JobRow) -> str:
    return COMPLETED_EVENT if row.status == COMPLETED else FAILED_EVENT


def payload(
    event: str,
    job_id: str,
    status: str,
    row: JobRow | None,
    result_url: str | None,
    *,
    inline: bool,
    max_kbs: int,
) -> dict[str, Any]:
    """The notification body. `row` is None once the job has expired (the degraded body)."""
    if row is None:
        data: dict[str, Any] = {"job_id": job_id, "status": status, "result_expired": True}
        return {"event": event, "created_at": rfc3339(now()), "data": data}
    data = {"job_id": row.id, "request_type": row.request_type, "status": row.status}
    if row.status_code:
        data["status_code"] = row.status_code
    data["created_at"] = rfc3339(row.created_at)
    if row.completed_at is not None:
        data["completed_at"] = rfc3339(row.completed_at)
    if result_url is not None:
        data["result_url"] = result_url
    if row.expires_at is not None:
        data["result_expires_at"] = rfc3339(row.expires_at)
    if inline:
        for name, stored in (("response", row.response), ("error", row.error)):
            if stored is None:
                continue
            if len(stored.encode()) <= max_kbs * 1024:
                data[name] = json.loads(stored)
            else:
                data[f"{name}_omitted"] = True
    return {"event": event, "created_at": rfc3339(now()), "data": data}


# ---------------------------------------------------------------------- command-line declarations
@dataclass(frozen=True)
class Declaration:
    """An endpoint declared with `--webhook NAME=URL[,option=value...]`, its secret fixed at start."""

    spec: EndpointSpec
    secret: str


_DECLARATION_OPTIONS = ("secret", "events", *_FLAGS, *KNOB_DEFAULTS)


def parse_declaration(text: str) -> Declaration:
    """`NAME=URL[,secret=whsec_...][,events=a|b][,include_response=true][,max_retries=2]...`.

    Unlike Bifrost's config, `allow_private_network` defaults to true here: a fake's receiver is
    on loopback. Events default to both.
    """
    head, _, rest = text.partition(",")
    name, equals, url = head.partition("=")
    if not equals or not name.strip() or not url.strip():
        raise SpecError(f"expected NAME=URL[,option=value...], got {text!r}")
    body: dict[str, Any] = {"name": name, "url": url, "events": list(EVENTS), "allow_private_network": True}
    secret: str | None = None
    for item in filter(None, (part.strip() for part in rest.split(","))):
        option, equals, value = item.partition("=")
        option = option.strip()
        if not equals or option not in _DECLARATION_OPTIONS:
            raise SpecError(f"unknown webhook option {item!r} (known: {', '.join(_DECLARATION_OPTIONS)})")
        value = value.strip()
        if option == "secret":
            secret_key(value)
            secret = value
        elif option == "events":
            body["events"] = [event.strip() for event in value.split("|")]
        elif option in _FLAGS:
            if value.lower() not in ("true", "false"):
                raise SpecError(f"{option} must be true or false, got {value!r}")
            body[option] = value.lower() == "true"
        else:
            if not value.lstrip("-").isdigit():
                raise SpecError(f"{option} must be a whole number, got {value!r}")
            body[option] = int(value)
    return Declaration(parse_spec(body), secret or new_secret())
