"""Types shared by the Bifrost-side adapters: what a job asks for and how a provider call is made."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .common import WireResponse

# Keys that steer Bifrost itself and are never forwarded to a provider.
BIFROST_ONLY_PARAMS = frozenset({"fallbacks"})


@dataclass(frozen=True)
class FilePart:
    """One file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Outcome:
    """What Bifrost stores on the job after the provider call."""

    status_code: int
    result: dict[str, Any] | None
    error: dict[str, Any] | None


@dataclass(frozen=True)
class Call:
    """One job's provider call: `model` is what the provider sees (no `provider/` prefix)."""

    request_type: str
    provider: str
    model: str
    requested: str
    params: Mapping[str, Any]
    files: Sequence[FilePart] = ()


@dataclass(frozen=True)
class WireCall:
    """The HTTP request an adapter sends upstream (always a POST)."""

    path: str
    headers: dict[str, str]
    body: bytes


class AdapterError(Exception):
    """A failure on Bifrost's side of the call; `status` None means Bifrost sets no status code (job: 500)."""

    def __init__(self, message: str, status: int | None = 400, is_bifrost_error: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.is_bifrost_error = is_bifrost_error


@dataclass(frozen=True)
class Route:
    """How one request type reaches one provider and how its answer becomes Bifrost's result."""

    build: Callable[[Call], WireCall]
    convert: Callable[[Call, WireResponse], dict[str, Any]]


@dataclass(frozen=True)
class ErrorFields:
    """The parts of a provider error body that Bifrost copies into its error envelope."""

    error: dict[str, Any]
    type: str | None = None


@dataclass(frozen=True)
class ProviderAdapter:
    """Bifrost's adapter for one provider: the request types it serves and its error parser."""

    name: str
    routes: Mapping[str, Route]
    parse_error: Callable[[int, bytes], ErrorFields]


def forwarded(call: Call, drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The job's params as sent upstream: model without prefix, Bifrost-only keys removed."""
    body = {key: value for key, value in call.params.items() if key not in BIFROST_ONLY_PARAMS | drop}
    body["model"] = call.model
    return body


def json_call(path: str, body: Mapping[str, Any], headers: Mapping[str, str]) -> WireCall:
    return WireCall(path, {**headers, "content-type": "application/json"}, json.dumps(body).encode())


def decode_json(response: WireResponse) -> dict[str, Any]:
    """Parse a 200 body as Bifrost does: empty, HTML or non-JSON bodies are Bifrost errors (job 500)."""
    text = response.body.strip()
    if not text:
        raise AdapterError("empty response received from provider", None, True)
    if text[:1] == b"<":
        raise AdapterError("HTML response received from provider", None, True)
    try:
        payload = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AdapterError("failed to unmarshal response from provider API", None, True) from exc
    if not isinstance(payload, dict):
        raise AdapterError("failed to unmarshal response from provider API", None, True)
    return payload


def decode_error_body(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def default_error_message(status: int, body: bytes) -> str:
    """Bifrost's fallback message when a provider error body cannot be parsed."""
    if body.strip():
        return f"provider API error: {body.decode(errors='replace')}"
    if status == 429:
        return "rate limit exceeded (429)"
    if status == 401:
        return "authentication failed: provider rejected the credentials (401)"
    if status >= 500:
        return f"provider server error ({status})"
    return f"provider API error ({status})"


def form_value(value: Any) -> str | None:
    """A request value as a multipart text field, or None when absent or empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)
