"""Webhook helpers for the suite: configuration, Standard Webhooks signature checks, the receiver.

No Robot imports here, so the pieces are unit-tested on their own. The receiver runs an HTTP
server on a background thread; it only records (Robot drops messages logged from other
threads), and the keyword library reports from the main thread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from libraries.masking import Masker
from variables import parse_duration

SECRET_PREFIX = "whsec_"
# Standard Webhooks' default: a timestamp further than this from the receiver's clock is refused.
TIMESTAMP_TOLERANCE = 300.0
DEFAULT_LISTEN = "127.0.0.1:0"
# The longest gap between two delivery attempts, and so how long the suite watches for one that
# must not come: the suite's endpoints back off 1-2 s (±20 %) and Bifrost scans its queue every 5 s.
DEFAULT_QUIET = 8.0
SECRET_VARIABLES = ("BIFROST_WEBHOOK_SECRET", "BIFROST_ADMIN_TOKEN")
WEBHOOK_VARIABLES = (
    "BIFROST_WEBHOOK_LISTEN",
    "BIFROST_WEBHOOK_URL",
    "BIFROST_WEBHOOK_NAME",
    "BIFROST_WEBHOOK_QUIET",
)
_SECRET_PATTERN = re.compile(r"whsec_[A-Za-z0-9+/=_-]+")
MAX_BODY = 8 * 1024 * 1024


# ---------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class WebhookConfig:
    """The webhook variables; secret values stay in the environment, only their presence is here."""

    listen_host: str = "127.0.0.1"
    listen_port: int = 0
    public_url: str = ""
    endpoint_name: str = ""
    secret_set: bool = False
    admin_token_set: bool = False
    quiet: float = DEFAULT_QUIET
    errors: tuple[str, ...] = ()

    @property
    def predeclared(self) -> bool:
        return bool(self.endpoint_name)


def load_webhook_config(environ: Mapping[str, str] | None = None) -> WebhookConfig:
    """Parse the webhook variables; problems are collected as one-line messages, never raised."""
    env = os.environ if environ is None else environ
    errors: list[str] = []
    listen = env.get("BIFROST_WEBHOOK_LISTEN", "").strip() or DEFAULT_LISTEN
    host, port = _host_port(listen, errors)
    public_url = env.get("BIFROST_WEBHOOK_URL", "").strip().rstrip("/")
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(f"BIFROST_WEBHOOK_URL={public_url!r} is not an http(s) URL")
        elif port == 0:
            errors.append(
                "BIFROST_WEBHOOK_URL is set but BIFROST_WEBHOOK_LISTEN has no fixed port"
                f" ({listen!r}): the gateway could not reach an ephemeral port"
            )
    name = env.get("BIFROST_WEBHOOK_NAME", "").strip()
    secret = env.get("BIFROST_WEBHOOK_SECRET", "").strip()
    if name and not secret:
        errors.append("BIFROST_WEBHOOK_NAME is set but BIFROST_WEBHOOK_SECRET is not (set both)")
    if secret and not name:
        errors.append("BIFROST_WEBHOOK_SECRET is set but BIFROST_WEBHOOK_NAME is not (set both)")
    if secret:
        try:
            secret_key(secret)
        except ValueError as err:
            errors.append(f"BIFROST_WEBHOOK_SECRET is not usable: {err}")  # never the value itself
    if name and port == 0:
        errors.append(
            "BIFROST_WEBHOOK_NAME is set but BIFROST_WEBHOOK_LISTEN has no fixed port: the declared"
            " endpoint's URL must reach the receiver"
        )
    quiet = DEFAULT_QUIET
    raw_quiet = env.get("BIFROST_WEBHOOK_QUIET", "").strip()
    if raw_quiet:
        try:
            quiet = parse_duration(raw_quiet)
            if quiet <= 0:
                raise ValueError(raw_quiet)
        except ValueError:
            errors.append(f"BIFROST_WEBHOOK_QUIET={raw_quiet!r} is not a positive duration (e.g. 1s, 500ms)")
            quiet = DEFAULT_QUIET
    return WebhookConfig(
        listen_host=host,
        listen_port=port,
        public_url=public_url,
        endpoint_name=name,
        secret_set=bool(secret),
        admin_token_set=bool(env.get("BIFROST_ADMIN_TOKEN", "").strip()),
        quiet=quiet,
        errors=tuple(errors),
    )


def _host_port(text: str, errors: list[str]) -> tuple[str, int]:
    host, colon, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        errors.append(f"BIFROST_WEBHOOK_LISTEN={text!r} is not HOST:PORT (e.g. 127.0.0.1:0 or 0.0.0.0:8765)")
        return "127.0.0.1", 0
    return host, int(port_text)


def env_secret(name: str) -> str:
    return os.environ.get(name, "").strip()


# ---------------------------------------------------------------------- masking
def mask_secret(secret: str) -> str:
    """`whsec_…abcd`: the prefix and the last four characters only."""
    prefix = SECRET_PREFIX if secret.startswith(SECRET_PREFIX) else ""
    body = secret[len(prefix) :]
    return f"{prefix}…{body[-4:] if len(body) > 12 else ''}"


class SecretMasker:
    """Key masking (as for virtual keys), plus every webhook secret and admin token."""

    def __init__(self, keys: Masker, extra: Iterable[str] = ()) -> None:
        self._keys = keys
        self._known = [value for value in extra if value]
        self._secrets = Masker(self._known)

    def add(self, secret: str) -> None:
        if secret and secret not in self._known:
            self._known.append(secret)
            self._secrets = Masker(self._known)

    def __call__(self, text: str) -> str:
        text = _SECRET_PATTERN.sub(lambda m: mask_secret(m.group()), text)
        return self._secrets(self._keys(text))


# ---------------------------------------------------------------------- signatures
class SignatureError(AssertionError):
    """A notification that does not verify; the message says why (never the secret)."""

    ROBOT_SUPPRESS_NAME = True


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_` secret: its base64 part, decoded."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("the part after whsec_ is not base64") from None
    if not key:
        raise ValueError("the part after whsec_ is empty")
    return key


def sign(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, as Standard Webhooks signs."""
    message = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: float = TIMESTAMP_TOLERANCE,
) -> None:
    """Raise SignatureError unless one `v1` signature matches and the timestamp is fresh."""
    lowered = {name.lower(): value for name, value in headers.items()}
    missing = [h for h in ("webhook-id", "webhook-timestamp", "webhook-signature") if not lowered.get(h)]
    if missing:
        raise SignatureError(f"the notification lacks the header(s) {', '.join(missing)}")
    webhook_id, timestamp = lowered["webhook-id"], lowered["webhook-timestamp"]
    if not timestamp.isdigit():
        raise SignatureError(f"webhook-timestamp {timestamp!r} is not a whole number of Unix seconds")
    clock = time.time() if now is None else now
    skew = int(timestamp) - clock
    if abs(skew) > tolerance:
        raise SignatureError(
            f"webhook-timestamp {timestamp} is {skew:+.0f} s from the receiver's clock"
            f" (tolerance ±{tolerance:.0f} s; Unix seconds expected)"
        )
    expected = sign(secret, webhook_id, timestamp, body).split(",", 1)[1]
    offered = [part.split(",", 1) for part in lowered["webhook-signature"].split()]
    versions = [pair[0] for pair in offered]
    if "v1" not in versions:
        raise SignatureError(f"webhook-signature has no v1 entry (got {', '.join(versions) or 'nothing'})")
    if not any(
        len(pair) == 2 and pair[0] == "v1" and hmac.compare_digest(pair[1], expected) for pair in offered
    ):
        raise SignatureError("webhook-signature does not match the body signed with the endpoint secret")


# ---------------------------------------------------------------------- the receiver
@dataclass(frozen=True)
class Delivery:
    """One POST the receiver got, and what it answered."""

    number: int
    path: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    answered: int
    received_at: float  # monotonic
    received_wall: float

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def data(self) -> dict[str, Any]:
        body = self.json
        data = body.get("data") if isinstance(body, dict) else None
        return data if isinstance(data, dict) else {}

    @property
    def job_id(self) -> str | None:
        value = self.data.get("job_id")
        return value if isinstance(value, str) else None

    @property
    def event(self) -> str | None:
        body = self.json
        value = body.get("event") if isinstance(body, dict) else None
        return value if isinstance(value, str) else None

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def summary(self) -> str:
        return (
            f"delivery #{self.number} to {self.path}: {self.event or '(no event)'} for job"
            f" {self.job_id or '(none)'}, webhook-id {self.webhook_id or '(none)'}, answered {self.answered}"
        )

    def __repr__(self) -> str:
        # Robot logs returned values with repr(): a short line, never headers or bodies in full.
        return f"<{self.summary()}>"

    __str__ = __repr__


@dataclass
class _Script:
    statuses: list[int] = field(default_factory=list)
    default: int = 204


class Receiver:
    """Records every POST; answers per path from a script of statuses (then 204)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Condition()
        self._deliveries: list[Delivery] = []
        self._scripts: dict[str, _Script] = {}

    # lifecycle
    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
                status = receiver._record(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                self.send_response(405)
                self.send_header("Allow", "POST")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the library reports deliveries from the main thread

        self._server = ThreadingHTTPServer((self._host, self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhook-receiver", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the webhook receiver is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = self._host if self._host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        return f"http://{host}:{self.port}"

    # behaviour
    def answer(self, path: str, *statuses: int, default: int = 204) -> None:
        """Answer the next POSTs to `path` with `statuses` in order, then `default`."""
        with self._lock:
            self._scripts[path] = _Script(list(statuses), default)

    def _record(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            script = self._scripts.get(path.split("?", 1)[0])
            status = 204
            if script is not None:
                status = script.statuses.pop(0) if script.statuses else script.default
            delivery = Delivery(
                number=len(self._deliveries) + 1,
                path=path,
                headers={name.lower(): value for name, value in headers.items()},
                body=body,
                answered=status,
                received_at=time.monotonic(),
                received_wall=time.time(),
            )
            self._deliveries.append(delivery)
            self._lock.notify_all()
            return status

    # queries
    def deliveries(self, predicate: Callable[[Delivery], bool] = lambda d: True) -> list[Delivery]:
        with self._lock:
            return [d for d in self._deliveries if predicate(d)]

    def wait_for(
        self, predicate: Callable[[Delivery], bool], count: int, timeout: float
    ) -> tuple[list[Delivery], bool]:
        """Wait until `count` matching deliveries arrived or `timeout` passed; (matches, reached)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                matches = [d for d in self._deliveries if predicate(d)]
                remaining = deadline - time.monotonic()
                if len(matches) >= count or remaining <= 0:
                    return matches, len(matches) >= count
                self._lock.wait(remaining)

    def watch_quietly(
        self, predicate: Callable[[Delivery], bool], more_than: int, until: float
    ) -> list[Delivery]:
        """Wait until monotonic `until`, returning early once more than `more_than` deliveries match."""
        with self._lock:
            while True:
                matches = [d for d in self._deliveries if predicate(d)]
                remaining = until - time.monotonic()
                if len(matches) > more_than or remaining <= 0:
                    return matches
                self._lock.wait(remaining)


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
    ours = sorted(
        (row for row in rows if row.get("async_job_id") == job_id),
        key=lambda row: (str(row.get("created_at")), int(row.get("attempt_no") or 0)),
    )
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
