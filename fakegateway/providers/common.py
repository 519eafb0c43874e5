"""Pieces every fake provider shares: wire types, model-name tokens, deterministic text helpers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import re
import secrets
import string
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The provider "takes" this long when the model names no delay, so jobs are briefly in flight.
DEFAULT_LATENCY_S = 0.02
# Guards against a typo such as delay-1500000ms parking a job for half an hour.
MAX_DELAY_MS = 600_000

_FAIL_TOKEN = re.compile(r"(?<![A-Za-z0-9])fail-(\d{3})(?![0-9])")
_DELAY_TOKEN = re.compile(r"(?<![A-Za-z0-9])delay-(\d+)ms(?![A-Za-z0-9])")
_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class WireRequest:
    """An HTTP request as a provider receives it; header names are lower-cased."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class WireResponse:
    """An HTTP response as a provider sends it."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> WireResponse:
        all_headers = {"content-type": "application/json"}
        all_headers.update(headers or {})
        return cls(status, all_headers, json.dumps(payload, separators=(",", ":")).encode())


Handler = Callable[[WireRequest], Awaitable[WireResponse]]


class ProviderError(Exception):
    """A failure the provider reports with an HTTP status; each provider renders its own body shape."""

    def __init__(
        self,
        status: int,
        message: str,
        kind: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.code = code
        self.param = param


@dataclass(frozen=True)
class ModelTokens:
    """What the model-name convention asks of the provider."""

    fail_status: int | None
    delay_ms: int | None


def parse_model_tokens(model: str) -> ModelTokens:
    """Find `fail-NNN` (a 4xx/5xx status) and `delay-Nms` anywhere in a model name."""
    fail_status: int | None = None
    for match in _FAIL_TOKEN.finditer(model):
        status = int(match.group(1))
        # Only error statuses: Bifrost treats any non-200 as an error, but a 1xx/2xx/3xx "failure"
        # cannot carry an error body reliably, so those tokens are not read as failures.
        if 400 <= status <= 599:
            fail_status = status
            break
    delay_match = _DELAY_TOKEN.search(model)
    delay_ms = min(int(delay_match.group(1)), MAX_DELAY_MS) if delay_match else None
    return ModelTokens(fail_status, delay_ms)


async def simulate_latency(tokens: ModelTokens) -> None:
    """Take the time the model name asks for, or the small default."""
    seconds = DEFAULT_LATENCY_S if tokens.delay_ms is None else tokens.delay_ms / 1000
    if seconds > 0:
        await asyncio.sleep(seconds)


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The non-empty token of an `Authorization: Bearer` header, if any."""
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def json_object(body: bytes) -> dict[str, Any]:
    """Parse a JSON object request body or raise a 400 ProviderError."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProviderError(400, f"We could not parse the JSON body of your request: {exc}") from exc
    if not isinstance(payload, dict):
        raise ProviderError(400, "The request body must be a JSON object.")
    return payload


def require_string(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise ProviderError(400, f"Missing required parameter: '{name}'.", param=name)
    return value


def optional_int(
    payload: Mapping[str, Any], name: str, default: int, low: int = 1, high: int = 1_000_000
) -> int:
    value = payload.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ProviderError(400, f"Invalid type for '{name}': expected an integer.", param=name) from exc
    if not low <= number <= high:
        raise ProviderError(400, f"'{name}' must be between {low} and {high}, got {number}.", param=name)
    return number


def count_tokens(text: str) -> int:
    """A stable stand-in for a tokenizer: words and punctuation marks."""
    return len(_WORD.findall(text))


def words(text: str) -> list[str]:
    return [token.lower() for token in re.findall(r"\w+", text)]


def echo_reply(text: str, max_tokens: int | None) -> tuple[str, bool]:
    """The fake model's answer to `text`, cut to `max_tokens` words; also whether it was cut."""
    prompt = " ".join(text.split())
    if len(prompt) > 200:
        prompt = prompt[:200].rstrip() + "…"
    reply = f"Echo: {prompt}" if prompt else "Hello! How can I help you today?"
    if max_tokens is not None:
        parts = reply.split(" ")
        if len(parts) > max_tokens:
            return " ".join(parts[:max_tokens]), True
    return reply, False


def embedding_vector(text: str, dimensions: int) -> list[float]:
    """A unit vector derived from a hash of the input, so equal inputs embed equally."""
    raw = hashlib.shake_256(text.encode()).digest(2 * dimensions)
    values = [(int.from_bytes(raw[i : i + 2], "little") / 32767.5) - 1.0 for i in range(0, len(raw), 2)]
    norm = math.sqrt(sum(value * value for value in values)) or 1.0
    return [round(value / norm, 8) for value in values]


_ALPHANUMERIC = string.ascii_letters + string.digits


def random_id(prefix: str, length: int = 24) -> str:
    """An id shaped like the providers' own (`chatcmpl-…`, `resp_…`, `msg_…`)."""
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


# One row per status the fakes commonly force: (OpenAI-style error type, string code, message).
_FORCED: dict[int, tuple[str, str, str]] = {
    400: ("invalid_request_error", "invalid_request", "The request was rejected as invalid"),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided"),
    403: ("invalid_request_error", "permission_denied", "You are not allowed to use this model"),
    404: ("invalid_request_error", "model_not_found", "The model does not exist or you have no access to it"),
    408: ("timeout", "request_timeout", "The request timed out"),
    409: ("invalid_request_error", "conflict", "The request conflicts with another request"),
    413: ("invalid_request_error", "request_too_large", "The request is too large"),
    422: ("invalid_request_error", "unprocessable_entity", "The request could not be processed"),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached"),
    500: ("server_error", "server_error", "The server had an error while processing your request"),
    502: ("server_error", "bad_gateway", "Bad gateway"),
    503: ("server_error", "service_unavailable", "The engine is currently overloaded"),
    504: ("server_error", "gateway_timeout", "The server timed out while processing your request"),
}


def forced_failure(status: int, model: str) -> ProviderError:
    """The error a `fail-NNN` model name asks for."""
    default = (
        ("server_error", "server_error", "Server error")
        if status >= 500
        else (
            "invalid_request_error",
            f"http_{status}",
            "Request failed",
        )
    )
    kind, code, text = _FORCED.get(status, default)
    return ProviderError(status, f"{text} for model '{model}' (forced by fail-{status}).", kind, code)


async def provider_turn(model: str) -> None:
    """Spend the model's latency, then raise the failure its name asks for, if any."""
    tokens = parse_model_tokens(model)
    await simulate_latency(tokens)
    if tokens.fail_status is not None:
        raise forced_failure(tokens.fail_status, model)


def text_of(content: Any) -> str:
    """The text of a message `content`: a string, or a list of parts that carry `text`."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [part.get("text") for part in content if isinstance(part, dict)]
        return " ".join(text for text in texts if isinstance(text, str) and text)
    return ""


def last_user_text(messages: list[Any]) -> str:
    """The text of the last user message, or of the last message when no user spoke."""
    texts = [(m.get("role"), text_of(m.get("content"))) for m in messages if isinstance(m, dict)]
    return next((text for role, text in reversed(texts) if role == "user"), texts[-1][1] if texts else "")


def quantised(vector: list[float], dtype: str) -> list[int]:
    """A unit vector as `int8`, `uint8`, or sign bits packed eight to a byte (`binary`, `ubinary`)."""
    if dtype == "int8":
        return [max(-128, min(127, round(value * 127))) for value in vector]
    if dtype == "uint8":
        return [max(0, min(255, round((value + 1) * 127.5))) for value in vector]
    packed = []
    for start in range(0, len(vector), 8):
        byte = 0
        for value in vector[start : start + 8]:
            byte = (byte << 1) | (1 if value > 0 else 0)
        packed.append(byte - 128 if dtype == "binary" else byte)
    return packed


def as_dict(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (for reading optional nested fields)."""
    return value if isinstance(value, dict) else {}
