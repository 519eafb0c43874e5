"""The webhook receiver and Standard Webhooks signing: the HTTP server the gateway delivers to
(``Receiver``, each POST a ``Delivery``), ``sign``/``verify`` (``SignatureError``), and the masking of
``whsec_`` secrets (``SecretMasker``). The checks of what arrives live in webhook_checks.py; the webhook
settings (variables, defaults, validation) in variables.py with every other setting.

No Robot imports here, so the pieces are unit-tested on their own. The receiver runs an HTTP
server on a background thread; it only records (Robot drops messages logged from other
threads), and the keyword class (webhook_keywords.py) reports from the main thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

from libraries.masking import Masker
from variables import WEBHOOK_SECRET_PREFIX as SECRET_PREFIX
from variables import secret_key

# Standard Webhooks' default: a timestamp further than this from the receiver's clock is refused.
TIMESTAMP_TOLERANCE = 300.0
_SECRET_PATTERN = re.compile(r"whsec_[A-Za-z0-9+/=_-]+")
MAX_BODY = 8 * 1024 * 1024


def env_secret(name: str) -> str:
    return os.environ.get(name, "").strip()


# ---------------------------------------------------------------------- masking
def mask_secret(secret: str) -> str:
    """`whsec_…abcd`: the prefix and the last four characters only."""
    prefix = SECRET_PREFIX if secret.startswith(SECRET_PREFIX) else ""
    body = secret[len(prefix) :]
    return f"{prefix}…{body[-4:] if len(body) > 12 else ''}"


class SecretMasker:
    """Key masking (as for virtual keys), plus webhook secrets: those added (in clear or URL-encoded,
    longest first) and any other ``whsec_`` value, found by its pattern."""

    def __init__(self, keys: Masker, extra: Iterable[str] = ()) -> None:
        self._keys = keys
        self._known: list[str] = []
        for secret in extra:
            self.add(secret)

    def add(self, secret: str) -> None:
        if secret and secret not in self._known:
            self._known = sorted([*self._known, secret], key=len, reverse=True)

    def __call__(self, text: str) -> str:
        text = self._keys(text)
        for secret in self._known:
            for form in (secret, quote(secret, safe="")):
                text = text.replace(form, mask_secret(secret))
        return _SECRET_PATTERN.sub(lambda m: mask_secret(m.group()), text)


# ---------------------------------------------------------------------- signatures
class SignatureError(AssertionError):
    """A notification that does not verify; the message says why (never the secret)."""

    ROBOT_SUPPRESS_NAME = True


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
                self.send_header("Connection", "close")  # no keep-alive outliving a stopped receiver
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

    def expect(
        self, predicate: Callable[[Delivery], bool], count: int, timeout: float, what: str
    ) -> list[Delivery]:
        """The first `count` matching deliveries; an AssertionError naming `what` unless they come in time."""
        got, reached = self.wait_for(predicate, count, timeout)
        if not reached:
            raise AssertionError(
                f"{len(got)} of {count} {what} arrived within {timeout:g} s: {_summaries(got)}"
            )
        return got[:count]

    def expect_no_more(
        self, predicate: Callable[[Delivery], bool], count: int, until: float, what: str
    ) -> None:
        """No more than `count` matching deliveries until monotonic `until`; else an AssertionError."""
        got = self.watch_quietly(predicate, count, until)
        if len(got) > count:
            raise AssertionError(f"{len(got)} {what} arrived, expected {count}: {_summaries(got)}")


def _summaries(deliveries: Sequence[Delivery]) -> list[str]:
    return [d.summary() for d in deliveries]
