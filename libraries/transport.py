"""HTTP to the gateway: one pooled session, every exchange recorded, errors in one line.

Keys are added to requests here, in Python, and nothing leaves this module unmasked: labels,
failure messages and reproductions all pass through the masker.
"""

from __future__ import annotations

import json
import shlex
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from libraries.endpoints import Payload
from libraries.masking import Masker

BODY_LIMIT = 4000  # characters of a response body shown in a reproduction


class GatewayError(AssertionError):
    """A request that got no usable answer; the message names the request and what happened."""

    ROBOT_SUPPRESS_NAME = True


@dataclass
class Exchange:
    """One request and what came back (or the transport error instead)."""

    method: str
    url: str
    path: str
    request_headers: dict[str, str]
    payload: Payload | None
    status: int | None = None
    reason: str = ""
    response_headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed: float = 0.0
    error: str | None = None
    received_at: float = 0.0  # monotonic clock
    _json: Any = None
    _json_error: str | None = None
    _parsed: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def content_type(self) -> str:
        for name, value in self.response_headers.items():
            if name.lower() == "content-type":
                return value
        return ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json_or_none(self) -> Any:
        """The decoded JSON body, or None when the body is not JSON."""
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.body) if self.body else None
                if not self.body:
                    self._json_error = "an empty body"
            except ValueError as err:
                self._json_error = f"a body that is not valid JSON ({err.__class__.__name__}: {err})"
        return self._json

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object, or a GatewayError naming what came back instead."""
        value = self.json_or_none()
        if isinstance(value, dict):
            return value
        if self._json_error is None:
            problem = f"JSON {type(value).__name__} instead of an object"
        elif "html" in self.content_type.lower() or self.text.lstrip()[:15].lower().startswith(
            "<!doctype html"
        ):
            problem = f"{self.content_type or 'HTML'} instead of JSON"
        else:
            problem = self._json_error
        raise GatewayError(f"{self.label} answered {self.status} with {problem}: {self.snippet()}")

    def snippet(self, limit: int = 120) -> str:
        text = " ".join(self.text.split())
        return repr(text[:limit] + ("…" if len(text) > limit else ""))

    def __repr__(self) -> str:
        # Robot logs assigned values with repr(): keep headers (and so keys) out of it.
        return f"<{self.summary()}>"

    __str__ = __repr__

    def summary(self) -> str:
        if self.error:
            return f"{self.label} → {self.error}"
        return f"{self.label} → {self.status} ({self.elapsed * 1000:.0f} ms)"


class Transport:
    """The gateway session: timeouts on every call, no retries, connections reused."""

    def __init__(
        self,
        base_url: str,
        timeout: float,
        masker: Masker,
        extra_headers: dict[str, str] | None = None,
        pool_size: int = 16,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.masker = masker
        self.extra_headers = dict(extra_headers or {})
        self.session = requests.Session()
        # A retry would hide exactly the faults the suite exists to see.
        adapter = HTTPAdapter(max_retries=0, pool_connections=4, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.trust_env = False  # no proxies from the environment for a loopback gateway

    def close(self) -> None:
        self.session.close()

    def send(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        payload: Payload | None = None,
        json_body: Any = None,
    ) -> Exchange:
        """Send one request; transport failures come back in `Exchange.error`, never raised."""
        if json_body is not None:
            payload = Payload(json=json_body)
        all_headers = {**self.extra_headers, **(headers or {})}
        exchange = Exchange(method, self.base_url + path, path, all_headers, payload)
        kwargs: dict[str, Any] = {
            "headers": dict(all_headers),
            "timeout": self.timeout,
            "allow_redirects": False,
        }
        if payload is not None:
            if payload.json is not None:
                kwargs["json"] = payload.json
            elif payload.raw is not None:
                kwargs["data"] = payload.raw
                kwargs["headers"].setdefault("Content-Type", payload.raw_content_type)
            elif payload.fields is not None:
                # Text fields as parts without a filename, so file-less forms are multipart too.
                parts: list[tuple[str, tuple[str | None, Any, str | None]]] = [
                    (name, (None, value, None)) for name, value in payload.fields.items()
                ]
                parts += [(p.field, (p.filename, p.data, p.content_type)) for p in payload.files]
                kwargs["files"] = parts
        started = time.monotonic()
        try:
            response = self.session.request(method, exchange.url, **kwargs)
            exchange.body = response.content
            exchange.status = response.status_code
            exchange.reason = response.reason or ""
            exchange.response_headers = dict(response.headers)
        except requests.Timeout:
            exchange.error = f"no response within {self.timeout:g} s (BIFROST_HTTP_TIMEOUT)"
        except requests.ConnectionError as err:
            exchange.error = _describe_connection_error(err)
        except requests.RequestException as err:
            exchange.error = f"request failed: {err.__class__.__name__}: {err}"
        exchange.received_at = time.monotonic()
        exchange.elapsed = exchange.received_at - started
        if exchange.error:
            exchange.error = self.masker(exchange.error)
        return exchange


def _describe_connection_error(err: requests.ConnectionError) -> str:
    text = str(err)
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused (is the gateway running?)"
    if (
        "reset" in lowered
        or "aborted" in lowered
        or "remotedisconnected" in lowered
        or "without response" in lowered
    ):
        return "connection closed by the gateway without a complete response"
    if "incompleteread" in lowered or "chunked" in lowered:
        return "response body cut short (connection closed mid-body)"
    return f"connection failed: {text[:200]}"


def _quote(value: str, placeholders: dict[str, str]) -> str:
    """Shell-quote `value`, turning key values into their $VARIABLE so the shell expands them."""
    pieces: list[str] = []
    rest = value
    while rest:
        hits = [(rest.find(secret), secret) for secret in placeholders if secret and secret in rest]
        if not hits:
            pieces.append(shlex.quote(rest))
            break
        index, secret = min(hits)
        if index:
            pieces.append(shlex.quote(rest[:index]))
        pieces.append(f'"{placeholders[secret]}"')
        rest = rest[index + len(secret) :]
    return "".join(pieces) or "''"


def curl_command(exchange: Exchange, placeholders: dict[str, str]) -> str:
    """The exchange as a ready-to-paste curl command (keys as shell variables)."""
    lines = [f"curl -sS -i -X {exchange.method} {_quote(exchange.url, placeholders)}"]
    for name, value in exchange.request_headers.items():
        lines.append(f"-H {_quote(f'{name}: {value}', placeholders)}")
    payload = exchange.payload
    if payload is not None:
        if payload.json is not None:
            lines.append("-H 'Content-Type: application/json'")
            lines.append(f"--data-raw {_quote(json.dumps(payload.json), placeholders)}")
        elif payload.raw is not None:
            if not any(n.lower() == "content-type" for n in exchange.request_headers):
                lines.append(f"-H {shlex.quote('Content-Type: ' + payload.raw_content_type)}")
            lines.append(f"--data-raw {_quote(payload.raw.decode('utf-8', 'replace'), placeholders)}")
        elif payload.fields is not None:
            for name, value in payload.fields.items():
                lines.append(f"-F {_quote(f'{name}={value}', placeholders)}")
            for part in payload.files:
                lines.append(f"-F {shlex.quote(f'{part.field}=@{part.filename};type={part.content_type}')}")
    return " \\\n  ".join(lines)


def file_notes(exchange: Exchange) -> list[str]:
    """Shell comments telling where the multipart files of a reproduction come from."""
    notes: list[str] = []
    payload = exchange.payload
    for part in payload.files if payload is not None else ():
        if part.filename == "sample.mp3":
            notes.append("# sample.mp3: libraries/media/sample.mp3 in the suite's repository")
        elif part.filename == "image.png":
            notes.append(
                "# image.png: python -c 'from libraries.endpoints import white_png;"
                ' open("image.png", "wb").write(white_png())\''
            )
    return notes


def render_response(exchange: Exchange, limit: int = BODY_LIMIT) -> str:
    """Status line, headers and the body pretty-printed, cut at `limit` characters."""
    if exchange.error:
        return f"(no response: {exchange.error})"
    lines = [f"HTTP {exchange.status} {exchange.reason}".rstrip()]
    lines += [f"{name}: {value}" for name, value in exchange.response_headers.items()]
    lines.append("")
    parsed = exchange.json_or_none()
    body = json.dumps(parsed, indent=2, ensure_ascii=False) if parsed is not None else exchange.text
    if len(body) > limit:
        body = body[:limit] + f"\n… (body cut: {len(body) - limit} more characters)"
    lines.append(body)
    return "\n".join(lines)
