"""Job envelope checks: id shape, RFC 3339 times, freshness, terminal fields, TTL.

Each check raises AssertionError with one line that says what was expected and what came back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

TERMINAL = ("completed", "failed")
IN_FLIGHT = ("pending", "processing")
STATUSES = IN_FLIGHT + TERMINAL
FRESHNESS = 30.0  # seconds between created_at and the client clock, as upstream

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def is_uuid_shaped(value: object) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value))


def parse_time(value: object, name: str = "timestamp") -> datetime:
    """An RFC 3339 time with any offset and any fractional precision, as an aware datetime."""
    if not isinstance(value, str):
        raise AssertionError(f"{name} should be an RFC 3339 time string, got {value!r}")
    match = _RFC3339.match(value.strip())
    if match is None:
        raise AssertionError(f"{name} should be an RFC 3339 time, got {value!r}")
    day, clock, fraction, offset = match.groups()
    # Go writes nanoseconds; Python keeps microseconds.
    micro = (fraction or ".0")[1:7].ljust(6, "0")
    zone = "+00:00" if offset in ("Z", "z") else offset
    try:
        return datetime.fromisoformat(f"{day}T{clock}.{micro}{zone}")
    except ValueError:
        raise AssertionError(f"{name} should be a valid RFC 3339 time, got {value!r}") from None


def is_absent(envelope: Mapping[str, Any], name: str) -> bool:
    return envelope.get(name) in (None, "")


def describe(envelope: Mapping[str, Any], limit: int = 300) -> str:
    text = repr(dict(envelope))
    return text if len(text) <= limit else text[:limit] + "…"


def check_job_id(envelope: Mapping[str, Any], where: str) -> str:
    job_id = envelope.get("id")
    if not isinstance(job_id, str) or not job_id:
        raise AssertionError(f"{where}: the envelope has no job id: {describe(envelope)}")
    if not is_uuid_shaped(job_id):
        raise AssertionError(f"{where}: job id {job_id!r} is not UUID-shaped (8-4-4-4-12 hex)")
    return job_id


def check_pending_envelope(envelope: Mapping[str, Any], where: str, now: datetime | None = None) -> None:
    """The submit envelope: UUID id, pending, fresh created_at, no terminal fields yet."""
    check_job_id(envelope, where)
    status = envelope.get("status")
    if status != "pending":
        raise AssertionError(f"{where}: status should be 'pending' on submit, got {status!r}")
    check_fresh(envelope, where, now)
    present = [name for name in ("completed_at", "expires_at") if not is_absent(envelope, name)]
    if present:
        raise AssertionError(
            f"{where}: {' and '.join(present)} should be absent until the job ends: {describe(envelope)}"
        )


def check_fresh(envelope: Mapping[str, Any], where: str, now: datetime | None = None) -> None:
    if is_absent(envelope, "created_at"):
        raise AssertionError(f"{where}: created_at is missing: {describe(envelope)}")
    created = parse_time(envelope["created_at"], "created_at")
    current = now or datetime.now(UTC)
    skew = (current - created).total_seconds()
    if abs(skew) > FRESHNESS:
        direction = "old" if skew > 0 else "in the future"
        raise AssertionError(
            f"{where}: created_at {envelope['created_at']} is {abs(skew):.0f} s {direction} by the"
            f" client clock (allowed: {FRESHNESS:.0f} s)"
        )


def expected_poll_status(envelope: Mapping[str, Any]) -> int | None:
    status = envelope.get("status")
    if status in IN_FLIGHT:
        return 202
    if status in TERMINAL:
        return 200
    return None


def check_terminal_envelope(envelope: Mapping[str, Any], job_id: str, where: str) -> None:
    """A finished job: same id, completed_at < expires_at, and a result or an error."""
    status = envelope.get("status")
    if status not in TERMINAL:
        raise AssertionError(f"{where}: status should be completed or failed, got {status!r}")
    if envelope.get("id") != job_id:
        raise AssertionError(
            f"{where}: envelope id {envelope.get('id')!r} differs from the job id {job_id!r}"
        )
    missing = [name for name in ("completed_at", "expires_at") if is_absent(envelope, name)]
    if missing:
        raise AssertionError(
            f"{where}: a {status} job should have {' and '.join(missing)}: {describe(envelope)}"
        )
    completed = parse_time(envelope["completed_at"], "completed_at")
    expires = parse_time(envelope["expires_at"], "expires_at")
    if expires <= completed:
        raise AssertionError(
            f"{where}: expires_at {envelope['expires_at']} should be after"
            f" completed_at {envelope['completed_at']}"
        )
    if status == "completed":
        result = envelope.get("result")
        if result in (None, {}, [], ""):
            raise AssertionError(f"{where}: a completed job should carry a non-empty result, got {result!r}")
    else:
        if envelope.get("error") is None:
            raise AssertionError(f"{where}: a failed job should carry an error: {describe(envelope)}")
        code = envelope.get("status_code")
        if not code:
            raise AssertionError(f"{where}: a failed job should have a non-zero status_code, got {code!r}")


def ttl_seconds(envelope: Mapping[str, Any], where: str) -> float:
    missing = [name for name in ("completed_at", "expires_at") if is_absent(envelope, name)]
    if missing:
        raise AssertionError(f"{where}: cannot measure the TTL without {' and '.join(missing)}")
    completed = parse_time(envelope["completed_at"], "completed_at")
    expires = parse_time(envelope["expires_at"], "expires_at")
    return (expires - completed).total_seconds()


def check_ttl(envelope: Mapping[str, Any], expected: Iterable[int], tolerance: float, where: str) -> float:
    """expires_at − completed_at within `tolerance` of any of the `expected` values."""
    wanted = sorted(set(expected))
    ttl = ttl_seconds(envelope, where)
    if not any(abs(ttl - value) <= tolerance for value in wanted):
        choices = " or ".join(f"{value} s" for value in wanted)
        raise AssertionError(
            f"{where}: TTL (expires_at − completed_at) is {ttl:g} s, expected {choices} ± {tolerance:g} s"
        )
    return ttl


def check_error_envelope(body: Any, where: str) -> None:
    """Bifrost's error envelope: a JSON object with a non-empty error.message."""
    if not isinstance(body, dict):
        raise AssertionError(f"{where}: the error body should be Bifrost's JSON error envelope, got {body!r}")
    error = body.get("error")
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str) or not message.strip():
        raise AssertionError(
            f"{where}: the error envelope should carry a non-empty error.message: {describe(body)}"
        )


def error_message(error: Any) -> str | None:
    """The non-empty message of a Bifrost error (``{"error": {"message": …}}``) or of its inner part."""
    if not isinstance(error, dict):
        return None
    inner = error.get("error")
    for message in (inner.get("message") if isinstance(inner, dict) else None, error.get("message")):
        if isinstance(message, str) and message.strip():
            return message
    return None
