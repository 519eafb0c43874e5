"""What a job envelope holds: statuses, id, RFC 3339 times, terminal fields, TTL, and a completed result per
endpoint. Each check raises AssertionError with one line saying what was expected and what came back."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from requests import Response

from libraries.core import answered, short

IN_FLIGHT = ("pending", "processing")
TERMINAL = ("completed", "failed")
# How far along each status is: a job never goes back, and both terminal statuses are final.
RANK = {"pending": 0, "processing": 1, "completed": 2, "failed": 2}
FRESHNESS = 30.0  # seconds between created_at and the client clock, as upstream

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def poll_problem(response: Response, body: Mapping[str, Any]) -> str | None:
    """What is wrong with a poll answer for the job's state: 202 while in flight, 200 once finished."""
    status = body.get("status")
    if status not in RANK:
        return f"{answered(response)} with {'no job status' if status is None else f'status {status!r}'}"
    wanted = 202 if status in IN_FLIGHT else 200
    if response.status_code != wanted:
        return f"{answered(response)} for a {status} job, expected {wanted}"
    return None


def parse_time(value: object, name: str = "timestamp") -> datetime:
    """An RFC 3339 time with any offset and any fractional precision, as an aware datetime."""
    match = _RFC3339.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise AssertionError(f"{name} should be an RFC 3339 time, got {value!r}")
    day, clock, fraction, offset = match.groups()
    # Go writes nanoseconds; Python keeps microseconds.
    micro = (fraction or ".0")[1:7].ljust(6, "0")
    try:
        return datetime.fromisoformat(f"{day}T{clock}.{micro}{'+00:00' if offset in 'Zz' else offset}")
    except ValueError:
        raise AssertionError(f"{name} should be a valid RFC 3339 time, got {value!r}") from None


def is_absent(envelope: Mapping[str, Any], name: str) -> bool:
    return envelope.get(name) in (None, "")


def _times(envelope: Mapping[str, Any], where: str, why: str) -> tuple[datetime, datetime]:
    """completed_at and expires_at, which a finished job must have."""
    missing = [name for name in ("completed_at", "expires_at") if is_absent(envelope, name)]
    if missing:
        raise AssertionError(f"{where}: {why} {' and '.join(missing)}: {short(envelope)}")
    completed = parse_time(envelope["completed_at"], "completed_at")
    return completed, parse_time(envelope["expires_at"], "expires_at")


def check_job_id(envelope: Mapping[str, Any], where: str) -> None:
    job_id = envelope.get("id")
    if not isinstance(job_id, str) or not job_id:
        raise AssertionError(f"{where}: the envelope has no job id: {short(envelope)}")
    if not _UUID.match(job_id):
        raise AssertionError(f"{where}: job id {job_id!r} is not UUID-shaped (8-4-4-4-12 hex)")


def check_pending_envelope(envelope: Mapping[str, Any], where: str, now: datetime | None = None) -> None:
    """The submit envelope: UUID id, pending, created_at within 30 s of the client clock, no end times."""
    check_job_id(envelope, where)
    if envelope.get("status") != "pending":
        raise AssertionError(f"{where}: status should be 'pending' on submit, got {envelope.get('status')!r}")
    if is_absent(envelope, "created_at"):
        raise AssertionError(f"{where}: created_at is missing: {short(envelope)}")
    skew = ((now or datetime.now(UTC)) - parse_time(envelope["created_at"], "created_at")).total_seconds()
    if abs(skew) > FRESHNESS:
        raise AssertionError(
            f"{where}: created_at {envelope['created_at']} is {abs(skew):.0f} s"
            f" {'old' if skew > 0 else 'in the future'} by the client clock (allowed: {FRESHNESS:.0f} s)"
        )
    present = [name for name in ("completed_at", "expires_at") if not is_absent(envelope, name)]
    if present:
        raise AssertionError(
            f"{where}: {' and '.join(present)} should be absent on submit: {short(envelope)}"
        )


def check_terminal_envelope(envelope: Mapping[str, Any], job_id: str | None, where: str) -> None:
    """A finished job: same id, completed_at < expires_at, and a result or an error."""
    status = envelope.get("status")
    if status not in TERMINAL:
        raise AssertionError(f"{where}: status should be completed or failed, got {status!r}")
    if envelope.get("id") != job_id:
        raise AssertionError(f"{where}: envelope id {envelope.get('id')!r} is not the job id {job_id!r}")
    completed, expires = _times(envelope, where, f"a {status} job should have")
    times = f"expires_at {envelope['expires_at']}, completed_at {envelope['completed_at']}"
    if expires <= completed:
        raise AssertionError(f"{where}: expires_at should be after completed_at, got {times}")
    error, code, result = envelope.get("error"), envelope.get("status_code"), envelope.get("result")
    if status == "completed" and result in (None, {}, [], ""):
        raise AssertionError(f"{where}: a completed job should carry a non-empty result, got {short(result)}")
    if status == "failed" and (error is None or not code):
        raise AssertionError(
            f"{where}: a failed job needs an error and non-zero status_code, got {short(error)} and {code!r}"
        )


def check_ttl(envelope: Mapping[str, Any], expected: Iterable[int], tolerance: float, where: str) -> float:
    """expires_at − completed_at within `tolerance` of any of the `expected` values."""
    completed, expires = _times(envelope, where, "cannot measure the TTL without")
    ttl = (expires - completed).total_seconds()
    wanted = sorted(set(expected))
    if not any(abs(ttl - value) <= tolerance for value in wanted):
        choices = " or ".join(f"{value} s" for value in wanted)
        raise AssertionError(
            f"{where}: TTL (expires_at − completed_at) is {ttl:g} s, expected {choices} ± {tolerance:g} s"
        )
    return ttl


def error_message(error: Any) -> str | None:
    """The non-empty message of a Bifrost error (``{"error": {"message": …}}``) or of its inner part."""
    if not isinstance(error, dict):
        return None
    inner = error.get("error")
    for message in (inner.get("message") if isinstance(inner, dict) else None, error.get("message")):
        if isinstance(message, str) and message.strip():
            return message
    return None


def check_error_envelope(body: Any, where: str) -> None:
    """Bifrost's error envelope: a JSON object with a non-empty error.message."""
    if not isinstance(body, dict) or error_message({"error": body.get("error")}) is None:
        raise AssertionError(
            f"{where}: expected Bifrost's error envelope with an error.message, got {short(body)}"
        )


# ---------------------------------------------------------------------- completed results
def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _score(item: Mapping[str, Any]) -> bool:
    return _number(item.get("relevance_score"))


def _embedding(item: Mapping[str, Any]) -> bool:
    # A float array by default; base64 text when the caller asks for that encoding.
    value = item.get("embedding")
    return (bool(value) and all(map(_number, value))) if isinstance(value, list) else _text(value)


@dataclass(frozen=True)
class Shape:
    """A result's `field`: a non-empty array whose elements pass `each` (if given), or a non-empty text."""

    description: str  # as test names, failure messages and the log say it
    field: str
    each: Callable[[Mapping[str, Any]], bool] | None = None
    text: bool = False


_IMAGES = Shape(
    "data[] with b64_json or url", "data", lambda d: _text(d.get("b64_json")) or _text(d.get("url"))
)
SHAPES: dict[str, Shape] = {
    "text-completions": Shape("choices[] with text", "choices", lambda c: isinstance(c.get("text"), str)),
    "chat-completions": Shape(
        "choices[] with a message", "choices", lambda c: isinstance(c.get("message"), dict)
    ),
    "responses": Shape("a non-empty output[]", "output"),
    "embeddings": Shape("data[] with an embedding", "data", _embedding),
    "speech": Shape("non-empty base64 audio", "audio", text=True),
    "transcriptions": Shape("the transcribed text", "text", text=True),
    "image-generations": _IMAGES,
    "image-edits": _IMAGES,
    "image-variations": _IMAGES,
    "rerank": Shape("results[] sorted by relevance, highest first", "results", _score),
    "ocr": Shape("a non-empty pages[]", "pages"),
}


def non_empty_list(result: Any, name: str, where: str) -> list[Any]:
    value = result.get(name) if isinstance(result, Mapping) else None
    if not isinstance(value, list) or not value:
        raise AssertionError(f"{where}: result.{name} should be a non-empty array, got {short(value, 160)}")
    return value


def check_result_shape(endpoint: str, envelope: Mapping[str, Any], where: str) -> None:
    """The completed job's result has the endpoint's shape (see SHAPES)."""
    result, shape = envelope.get("result"), SHAPES[endpoint]
    if not isinstance(result, Mapping):
        raise AssertionError(
            f"{where}: a completed job's result should be an object, got {short(result, 160)}"
        )
    if shape.text and not _text(result.get(shape.field)):
        raise AssertionError(
            f"{where}: result.{shape.field} should be {shape.description}, got {short(result, 160)}"
        )
    items = [] if shape.text else non_empty_list(result, shape.field, where)
    for index, item in enumerate(items):
        if shape.each and not (isinstance(item, Mapping) and shape.each(item)):
            raise AssertionError(
                f"{where}: result should hold {shape.description};"
                f" result.{shape.field}[{index}] is {short(item, 160)}"
            )
    scores = [item["relevance_score"] for item in items] if endpoint == "rerank" else []
    if scores != sorted(scores, reverse=True):
        raise AssertionError(
            f"{where}: result.results should be sorted by relevance_score, highest first; got {scores}"
        )
