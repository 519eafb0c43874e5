"""Bodies the gateway sends: Bifrost's error envelope, the job envelope, and the UI shell."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from fakegateway.faults import Faults
from fakegateway.store import COMPLETED, FAILED, JobRow, add_seconds, rfc3339

# What Bifrost's UI catch-all serves for any GET it has no route for.
SPA_SHELL = (
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Bifrost</title></head>\n'
    '<body><div id="root"></div><script type="module" src="/assets/index.js"></script></body>\n</html>\n'
)


def dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def error_body(status: int, message: str) -> dict[str, Any]:
    """Bifrost's error envelope as `SendError` builds it."""
    return {
        "is_bifrost_error": False,
        "status_code": status,
        "error": {"message": message},
        "extra_fields": {},
    }


def json_response(status: int, payload: Any, *, content_type: str = "application/json") -> web.Response:
    return web.Response(status=status, text=dumps(payload), content_type=content_type)


def error_response(status: int, message: str, faults: Faults) -> web.Response:
    if 400 <= status < 500 and faults.on("error-envelope-missing"):
        return web.Response(status=status, text=message, content_type="text/plain")
    body = error_body(status, message)
    if faults.on("error-bifrost-true"):
        body["is_bifrost_error"] = True
    if faults.on("error-status-code-500"):
        body["status_code"] = 500
    content_type = "text/plain" if faults.on("error-content-type-text") else "application/json"
    return json_response(status, body, content_type=content_type)


def html_shell(status: int = 200) -> web.Response:
    return web.Response(status=status, text=SPA_SHELL, content_type="text/html")


# `end-times-zone-shifted`: end times written as local time (UTC-1) but labelled UTC.
ZONE_SLIP_S = -3600


def job_envelope(row: JobRow, faults: Faults) -> dict[str, Any]:
    """`AsyncJobResponse` of a stored job; terminal-only fields are absent until the job ends."""
    body: dict[str, Any] = {"id": row.id}
    if row.request_id and not faults.on("request-id-missing"):
        body["request_id"] = row.request_id
    body["status"] = row.status
    body["created_at"] = rfc3339(row.created_at)
    slip = ZONE_SLIP_S if faults.on("end-times-zone-shifted") else 0
    if row.completed_at is not None and not faults.on("completed-at-missing"):
        body["completed_at"] = rfc3339(add_seconds(row.completed_at, slip))
    if row.expires_at is not None and not faults.on("expires-at-missing"):
        expires = row.expires_at
        if faults.on("expires-before-completion") and row.completed_at is not None:
            expires = add_seconds(row.completed_at, -1)
        body["expires_at"] = rfc3339(add_seconds(expires, slip))
    if row.status_code:
        body["status_code"] = row.status_code
    if not row.terminal:
        _in_flight_faults(body, row, faults)
    if row.status == COMPLETED:
        body["result"] = _result(row, faults)
        if faults.on("error-on-completed"):
            body["error"] = error_body(429, "rate limited; retried")
    if row.status == FAILED and row.error is not None:
        error = json.loads(row.error)
        body["error"] = error_message_of(error) if faults.on("failed-error-flat") else error
        if faults.on("result-on-failed"):
            body["result"] = {}
    if faults.on("stored-fields-leak"):
        body["request_type"] = row.request_type
        body["result_ttl"] = row.result_ttl
    return body


def _in_flight_faults(body: dict[str, Any], row: JobRow, faults: Faults) -> None:
    if faults.on("completed-at-in-flight"):
        body["completed_at"] = rfc3339(row.created_at)
    if faults.on("status-code-in-flight"):
        body["status_code"] = 202


def _result(row: JobRow, faults: Faults) -> Any:
    if faults.on("null-result") or row.response is None:
        return None
    return row.response if faults.on("result-raw-text") else json.loads(row.response)


def error_message_of(error: Any) -> str:
    """The message of a stored BifrostError, as `failed-error-flat` sends it."""
    inner = error.get("error") if isinstance(error, dict) else None
    message = inner.get("message") if isinstance(inner, dict) else None
    return str(message or error)


def submit_envelope(row: JobRow, faults: Faults) -> dict[str, Any]:
    """What submit answers: the fresh row, with the submit-only faults applied."""
    body = job_envelope(row, faults)
    if faults.on("created-at-missing"):
        del body["created_at"]
    if faults.on("submit-not-pending"):
        body["status"] = "processing"
    if faults.on("expires-at-on-submit"):
        body["expires_at"] = rfc3339(add_seconds(row.created_at, row.result_ttl))
    return body
