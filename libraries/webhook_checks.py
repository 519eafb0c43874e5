"""The pure checks of webhook notifications and ``/api/webhooks`` answers, and the suite's endpoints
(the ``Webhook`` handle and its create body). Each check raises AssertionError with one line saying
what was expected and what came back; the receiver and the signing they judge by live in
webhook_receiver.py.

No Robot imports here, so the checks are unit-tested on their own.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from libraries.webhook_receiver import (
    TIMESTAMP_TOLERANCE,
    Delivery,
    SignatureError,
    mask_secret,
    verify,
)
from variables import WEBHOOK_SECRET_PREFIX as SECRET_PREFIX

# ---------------------------------------------------------------------- payload and API checks
COMPLETED_EVENT = "async_job.completed"
FAILED_EVENT = "async_job.failed"
EVENTS = (COMPLETED_EVENT, FAILED_EVENT)
REDACTED = "<REDACTED>"


def check_headers(delivery: Delivery, event: str) -> None:
    """Content type, user agent and X-Bifrost-Event as Bifrost sends them."""
    where = delivery.summary()
    headers = delivery.headers
    if not headers.get("content-type", "").lower().startswith("application/json"):
        raise AssertionError(
            f"{where}: Content-Type is {headers.get('content-type')!r}, expected application/json"
        )
    agent = headers.get("user-agent", "")
    if not agent.startswith("Bifrost-Webhooks/"):
        raise AssertionError(f"{where}: User-Agent is {agent!r}, expected Bifrost-Webhooks/<version>")
    if headers.get("x-bifrost-event") != event:
        raise AssertionError(
            f"{where}: X-Bifrost-Event is {headers.get('x-bifrost-event')!r}, expected {event}"
        )


def check_payload(delivery: Delivery, job: Mapping[str, Any], event: str, *, thin: bool = True) -> None:
    """The notification describes `job` (its terminal envelope) under `event`.

    Optional fields (Bifrost omits empty ones) are compared only when present, except those the
    thin payload promises: `result_url` always, `status_code` for a failed job.
    """
    where = delivery.summary()
    body = delivery.json
    if not isinstance(body, dict):
        raise AssertionError(f"{where}: the body is not a JSON object: {delivery.body[:200]!r}")
    if body.get("event") != event:
        raise AssertionError(f"{where}: event is {body.get('event')!r}, expected {event}")
    if not isinstance(body.get("created_at"), str):
        raise AssertionError(f"{where}: created_at is missing from the notification")
    data = delivery.data
    if not data:
        raise AssertionError(f"{where}: the notification has no data object: {delivery.body[:200]!r}")
    if data.get("job_id") != job.get("id"):
        raise AssertionError(f"{where}: data.job_id is {data.get('job_id')!r}, expected {job.get('id')!r}")
    if data.get("status") != job.get("status"):
        raise AssertionError(
            f"{where}: data.status is {data.get('status')!r}, the job is {job.get('status')!r}"
        )
    if event == FAILED_EVENT and "status_code" not in data:
        raise AssertionError(f"{where}: data.status_code is missing from a failed job's notification")
    for name, job_field in (
        ("status_code", "status_code"),
        ("created_at", "created_at"),
        ("completed_at", "completed_at"),
        ("result_expires_at", "expires_at"),
    ):
        if name in data and job_field in job and not _same(data[name], job[job_field]):
            raise AssertionError(f"{where}: data.{name} is {data[name]!r}, the job has {job[job_field]!r}")
    if not isinstance(data.get("result_url"), str) or not data["result_url"]:
        raise AssertionError(f"{where}: data.result_url is missing")
    if thin:
        inlined = [name for name in ("response", "error") if name in data]
        if inlined:
            raise AssertionError(
                f"{where}: the payload inlines {', '.join(inlined)} although the endpoint does not set"
                " include_response (the default payload is thin)"
            )


def _same(left: Any, right: Any) -> bool:
    """Equal values, or equal instants when both are RFC 3339 times (notation may differ)."""
    if left == right:
        return True
    if isinstance(left, str) and isinstance(right, str):
        try:
            return _instant(left) == _instant(right)
        except ValueError:
            return False
    return False


def _instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def check_fresh_timestamp(delivery: Delivery, tolerance: float = TIMESTAMP_TOLERANCE) -> float:
    """webhook-timestamp is whole Unix seconds close to when the receiver got it; returns the skew."""
    where = delivery.summary()
    raw = delivery.headers.get("webhook-timestamp", "")
    if not raw.isdigit():
        raise AssertionError(f"{where}: webhook-timestamp {raw!r} is not whole Unix seconds")
    skew = int(raw) - delivery.received_wall
    if abs(skew) > tolerance:
        raise AssertionError(
            f"{where}: webhook-timestamp {raw} is {skew:+.0f} s from the time it arrived"
            f" (expected Unix seconds within ±{tolerance:.0f} s)"
        )
    return skew


def check_history(rows: Sequence[Mapping[str, Any]], job_id: str, expected: list[tuple[str, int]]) -> None:
    """The job's history rows, oldest first, are attempts 1..n with these (outcome, status) pairs."""
    ours = sorted((row for row in rows if row.get("async_job_id") == job_id), key=_by_attempt)
    seen = [(row.get("attempt_no"), row.get("outcome"), row.get("status_code")) for row in ours]
    wanted = [(n, outcome, status) for n, (outcome, status) in enumerate(expected, start=1)]
    if seen != wanted:
        raise AssertionError(
            f"the deliveries history of job {job_id} lists (attempt_no, outcome, status_code) {seen},"
            f" expected {wanted}"
        )
    ids = {row.get("webhook_id") for row in ours}
    if len(ids) != 1:
        raise AssertionError(
            f"the attempts of job {job_id} carry {len(ids)} webhook ids in the history: {ids}"
        )


def header_values(endpoint: Mapping[str, Any]) -> dict[str, Any]:
    """An endpoint's header values as the API shows them, `{"value": v}` or plain `v` alike."""
    headers = endpoint.get("headers") or {}
    if not isinstance(headers, dict):
        return {}
    return {name: (raw.get("value") if isinstance(raw, dict) else raw) for name, raw in headers.items()}


def check_redacted(endpoint: Mapping[str, Any], secret: str, where: str) -> None:
    """No secret anywhere in a shown endpoint, and every header value `<REDACTED>`."""
    text = json.dumps(endpoint)
    if secret and secret in text:
        raise AssertionError(f"{where} shows the endpoint's signing secret ({mask_secret(secret)})")
    clear = [name for name, value in header_values(endpoint).items() if value != REDACTED]
    if clear:
        raise AssertionError(f"{where} shows header value(s) of {', '.join(clear)} instead of {REDACTED}")


def unwrap_endpoint(body: Any) -> dict[str, Any]:
    """The endpoint object of an API answer: `{"endpoint": {...}}` or the object itself."""
    if isinstance(body, dict) and isinstance(body.get("endpoint"), dict):
        return dict(body["endpoint"])
    if isinstance(body, dict) and "id" in body:
        return dict(body)
    raise AssertionError(f"the answer is not a webhook endpoint: {str(body)[:200]}")


# ---------------------------------------------------------------------- the suite's endpoints
EVENT_CHOICES = {"all": list(EVENTS), "completed": [COMPLETED_EVENT], "failed": [FAILED_EVENT]}
# The suite's endpoints: short backoff (Bifrost's minimum), a few retries, a short attempt timeout.
KNOBS = {
    "max_retries": 3,
    "retry_backoff_initial_seconds": 1,
    "retry_backoff_max_seconds": 2,
    "attempt_timeout_seconds": 5,
}


@dataclass(eq=False)
class Webhook:
    """An endpoint handle: ``spec`` is what the create sends; ``id``, ``secret`` and ``response`` come
    from the create answer; a rotation keeps the older secrets in ``previous_secrets``."""

    name: str
    path: str = ""  # where it delivers on the receiver
    spec: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    secret: str = ""
    response: Any = None  # the create answer (a requests.Response)
    previous_secrets: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # Robot logs assigned values: never the secret
        return f"<webhook endpoint {self.name}{f' ({self.id})' if self.id else ''}>"

    __str__ = __repr__


def endpoint_spec(
    name: str,
    url: str,
    events: str,
    *,
    include_response: bool = False,
    disabled: bool = False,
    custom_header: bool = False,
    private_network: bool = True,
) -> dict[str, Any]:
    """The create body of one of the suite's endpoints."""
    chosen = EVENT_CHOICES.get(events.strip().lower())
    if chosen is None:
        raise ValueError(f"unknown events {events!r}; use {', '.join(EVENT_CHOICES)}")
    headers = {"X-Acceptance-Token": f"token-{os.urandom(6).hex()}"} if custom_header else {}
    spec = {"name": name, "url": url, "events": chosen, "headers": headers, **KNOBS}
    spec.update(include_response=include_response, disabled=disabled)
    if private_network:
        spec["allow_private_network"] = True
    return spec


def api_unavailable(status: int, body: Any, kind: str, admin_token_set: bool) -> str | None:
    """Why a `GET /api/webhooks` answer shows no usable webhook API (a reason to skip), or None.

    401/403 although BIFROST_ADMIN_TOKEN is set is an AssertionError: the token is wrong.
    """
    declare = "or declare one with BIFROST_WEBHOOK_NAME + BIFROST_WEBHOOK_SECRET"
    if status in (401, 403) and admin_token_set:
        raise AssertionError(f"GET /api/webhooks answered {status} although BIFROST_ADMIN_TOKEN is set")
    if status == 404:
        return (
            "the gateway has no webhook support: GET /api/webhooks answered 404 (older builds);"
            f" {declare} if it has webhooks configured another way"
        )
    if status in (401, 403):
        return f"GET /api/webhooks answered {status}: set BIFROST_ADMIN_TOKEN to manage endpoints, {declare}"
    if status != 200 or not isinstance(body, dict):
        kind = kind or "no content type"
        return f"GET /api/webhooks answered {status} ({kind}), not the webhook API (older builds)"
    return None


def new_secret(body: Mapping[str, Any], where: str, old: str = "") -> str:
    """The `whsec_` secret of a create or rotate-secret answer; it must differ from `old`."""
    secret = body.get("secret")
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise AssertionError(f"{where} answered without a whsec_ secret: {str(body)[:300]}")
    if secret == old:
        raise AssertionError(f"{where} answered the same secret as before")
    return secret


def shown_endpoint(body: Mapping[str, Any], endpoint_id: str, where: str) -> dict[str, Any]:
    """The endpoint object of a create, GET or list answer."""
    listed = body.get("endpoints")
    if not isinstance(listed, list):
        return unwrap_endpoint(body)
    found = [item for item in listed if isinstance(item, dict) and item.get("id") == endpoint_id]
    if not found:
        raise AssertionError(f"{where} does not list endpoint {endpoint_id}: {str(body)[:300]}")
    return dict(found[0])


def ids_named(body: Any, prefix: str) -> list[str]:
    """The ids of the listed endpoints whose name starts with `prefix`."""
    listed = body.get("endpoints") if isinstance(body, dict) else None
    items = listed if isinstance(listed, list) else []
    return [str(e.get("id")) for e in items if isinstance(e, dict) and str(e.get("name")).startswith(prefix)]


def _by_attempt(row: Mapping[str, Any]) -> tuple[str, int]:
    return str(row.get("created_at")), int(row.get("attempt_no") or 0)


def history_rows(body: Mapping[str, Any], job_id: str) -> list[dict[str, Any]]:
    """The deliveries history rows of one job, oldest first."""
    rows = [
        r for r in body.get("deliveries") or [] if isinstance(r, dict) and r.get("async_job_id") == job_id
    ]
    return sorted(rows, key=_by_attempt)


def tampering_refusals(delivery: Delivery, secret: str) -> list[str]:
    """Verifies the notification altered five ways; each must be refused. Returns why each was."""
    headers, body = dict(delivery.headers), delivery.body
    later = str(int(headers.get("webhook-timestamp", "0") or 0) + 1)
    cases = {
        "a changed body": (secret, headers, body.replace(b'"', b"'", 1)),
        "an added byte": (secret, headers, body + b" "),
        "a wrong secret": (SECRET_PREFIX + base64.b64encode(os.urandom(32)).decode(), headers, body),
        "another webhook-id": (secret, {**headers, "webhook-id": "msg_forged"}, body),
        "another timestamp": (secret, {**headers, "webhook-timestamp": later}, body),
    }
    refusals = []
    for what, (key, changed, content) in cases.items():
        try:
            verify(key, changed, content)
        except SignatureError as err:
            refusals.append(f"with {what}: refused ({err})")
            continue
        raise AssertionError(f"{delivery.summary()}: the signature still verified with {what}")
    return refusals


def check_one_each(deliveries: Sequence[Delivery], job_ids: set[str]) -> None:
    """Exactly one notification per job, each with its own webhook id."""
    counts = {job_id: sum(d.job_id == job_id for d in deliveries) for job_id in job_ids}
    if missing := sorted(job_id for job_id, n in counts.items() if n == 0):
        raise AssertionError(f"{len(missing)} of {len(job_ids)} jobs got no notification: {missing}")
    if extra := {job_id: n for job_id, n in counts.items() if n > 1}:
        raise AssertionError(f"jobs with more than one notification (job id: count): {extra}")
    if len({d.webhook_id for d in deliveries}) != len(job_ids):
        distinct = len({d.webhook_id for d in deliveries})
        raise AssertionError(f"{len(job_ids)} notifications carry {distinct} distinct webhook ids")


def check_signed(delivery: Delivery, secret: str) -> None:
    """The notification verifies with `secret`; a failure names the notification."""
    try:
        verify(secret, delivery.headers, delivery.body)
    except SignatureError as err:
        raise AssertionError(f"{delivery.summary()}: {err}") from None


def check_not_signed_with(delivery: Delivery, previous_secrets: Sequence[str]) -> None:
    """After a rotation, the notification does not verify with the secret from before it."""
    if not previous_secrets:
        raise AssertionError("the endpoint has no previous secret (rotate it first)")
    try:
        verify(previous_secrets[-1], delivery.headers, delivery.body)
    except SignatureError:
        return
    raise AssertionError(f"{delivery.summary()} is still signed with the secret from before the rotation")


def check_failed(delivery: Delivery, job: Mapping[str, Any], status_code: int | None) -> Any:
    """A failed job's notification, with the job's status code (`status_code` when given); returns it."""
    if job.get("status") != "failed":
        raise AssertionError(f"job {job.get('id')} ended {job.get('status')!r}, expected failed")
    check_headers(delivery, FAILED_EVENT)
    check_payload(delivery, job, FAILED_EVENT)
    code = delivery.data.get("status_code")
    if status_code is not None and code != status_code:
        raise AssertionError(f"{delivery.summary()}: data.status_code is {code!r}, expected {status_code}")
    return code


def check_inlined(delivery: Delivery, job: Mapping[str, Any]) -> None:
    """A completed job's notification whose `data.response` is the job's result."""
    check_headers(delivery, COMPLETED_EVENT)
    check_payload(delivery, job, COMPLETED_EVENT, thin=False)
    inline = delivery.data.get("response")
    if inline != job.get("result"):
        shown = json.dumps(inline)[:300] if inline is not None else "absent"
        raise AssertionError(f"{delivery.summary()}: data.response is {shown}, expected the job's result")


def result_path(delivery: Delivery, base_url: str, fetch: bool = False) -> str:
    """The path of `data.result_url` after `base_url`, or of any origin, without its query; to `fetch` it
    from the gateway, the path and query, which must be relative or on `base_url`."""
    url = delivery.data.get("result_url")
    if not isinstance(url, str) or not url:
        raise AssertionError(f"{delivery.summary()}: data.result_url is missing")
    path = url[len(base_url) :] if base_url and url.startswith(base_url) else url
    if fetch and not path.startswith("/"):
        raise AssertionError(
            f"{delivery.summary()}: result_url {url!r} is neither relative nor on {base_url}"
        )
    return path if fetch else urlsplit(path).path
