"""Webhook delivery (contract §9): one signed POST per attempt, retries with doubling backoff.

A notification is enqueued only after the job's terminal write. Each attempt re-reads the
endpoint (a deleted or disabled one ends the delivery without a call) and the job (an expired
one gets the degraded body), signs the body, posts it, and records the outcome.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import aiohttp

from fakegateway.contract import BY_TYPE
from fakegateway.faults import Faults
from fakegateway.store import COMPLETED, FAILED, JobRow, JobStore, now
from fakegateway.webhooks import (
    COMPLETED_EVENT,
    DELIVERED,
    EXHAUSTED,
    FAILED_EVENT,
    PERMANENT,
    RETRYABLE,
    USER_AGENT,
    DeliveryRecord,
    Endpoint,
    Registry,
    event_of,
    payload,
    secret_key,
    signature,
)

log = logging.getLogger("fakegateway.webhooks")

JITTER = 0.2  # ±20 %, as Bifrost's backoff
GO_USER_AGENT = "Go-http-client/1.1"  # a Go client with no User-Agent set (`webhook-user-agent-default`)


@dataclass(frozen=True)
class Notification:
    """One job outcome for one endpoint; `webhook_id` stays the same across its retries."""

    webhook_id: str
    endpoint_id: str
    job_id: str
    request_id: str | None
    event: str
    status: str  # the job's status when enqueued, for the degraded body of an expired job
    # The terminal row as enqueued; rendered only while the store does not show it yet (`webhook-early`).
    snapshot: JobRow | None = None
    first_attempt: int = 1  # a redelivery numbers its attempts from 1 again


@dataclass(frozen=True)
class Attempt:
    status_code: int  # 0 when no HTTP answer came back
    error: str | None


def outcome_of(status_code: int, faults: Faults) -> str:
    """Any 2xx delivers; 0, 408, 429 and 5xx may be retried; anything else is final."""
    narrow_2xx = faults.on("webhook-2xx-not-delivered") and status_code not in (200, 204)
    if 200 <= status_code < 300 and not narrow_2xx:
        return DELIVERED
    retryable = status_code in (0, 408, 429) or status_code >= 500 or 200 <= status_code < 300
    if faults.on("webhook-retry-on-404") and 400 <= status_code < 500:
        retryable = True
    if faults.on("webhook-retry-on-3xx") and 300 <= status_code < 400:
        retryable = True
    if faults.on("webhook-408-429-final") and status_code in (408, 429):
        retryable = False
    if faults.on("webhook-transport-error-final") and status_code == 0:
        retryable = False
    if retryable and not faults.on("webhook-not-retried"):
        return RETRYABLE
    return PERMANENT


def backoff(attempt_no: int, initial: int, ceiling: int, scale: float) -> float:
    """Seconds to wait after failed attempt `attempt_no`: doubling from `initial`, capped, jittered."""
    base = float(min(initial * 2 ** (attempt_no - 1), ceiling))
    return base * random.uniform(1 - JITTER, 1 + JITTER) * scale


def loopback_problem(url: str) -> str | None:
    """The fake never leaves the machine: receivers must be on a loopback address."""
    host = urlsplit(url).hostname or ""
    if host.lower() == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return f"the fake gateway delivers to loopback addresses only, not {host!r}"


class Dispatcher:
    """Runs deliveries as background tasks on the gateway's event loop."""

    def __init__(
        self, registry: Registry, store: JobStore, faults: Faults, backoff_scale: float = 1.0
    ) -> None:
        self.registry = registry
        self.origin = ""  # the gateway's origin as clients reach it (only `webhook-result-url-absolute`)
        self._store = store
        self._faults = faults
        self._scale = backoff_scale
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._limits: dict[str, tuple[int, asyncio.Semaphore]] = {}
        # Endpoints as last read by an attempt: only the `webhook-deleted-endpoint-called` fault uses them.
        self._last_seen: dict[str, Endpoint] = {}

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(trust_env=False)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    # ------------------------------------------------------------------ enqueue
    def job_finished(self, row: JobRow, endpoint_id: str | None) -> None:
        """Called after the terminal write of a job submitted with (or without) a webhook."""
        faults = self._faults
        if row.status not in (COMPLETED, FAILED) or faults.on("webhook-missing"):
            return
        event = COMPLETED_EVENT if faults.on("webhook-wrong-event") else event_of(row)
        targets: list[Endpoint] = []
        if endpoint_id is not None:
            endpoint = self.registry.get(endpoint_id)
            targets = [endpoint] if endpoint is not None else []
        elif faults.on("webhook-broadcast"):
            targets = [e for e in self.registry.all() if not e.spec.disabled]
        for endpoint in targets:
            if event not in endpoint.spec.events and not faults.on("webhook-unsubscribed-sent"):
                continue  # the endpoint did not subscribe to this event; the job is unaffected
            copies = 2 if faults.on("webhook-duplicate") else 1
            for _ in range(copies):
                webhook_id = endpoint.id if faults.on("webhook-id-shared") else str(uuid4())
                note = Notification(
                    webhook_id, endpoint.id, row.id, row.request_id, event, row.status, snapshot=row
                )
                self._spawn(self._deliver(note))

    def redeliver(self, record: DeliveryRecord) -> str:
        """Send a recorded notification again: same webhook-id, attempt numbering from 1."""
        webhook_id = str(uuid4()) if self._faults.on("webhook-redeliver-new-id") else record.webhook_id
        status = FAILED if record.event == FAILED_EVENT else COMPLETED
        first = 1
        if self._faults.on("webhook-redeliver-attempts-continue"):
            first = max((d.attempt_no for d in self.registry.deliveries(record.endpoint_id)), default=0) + 1
        note = Notification(
            webhook_id,
            record.endpoint_id,
            record.async_job_id,
            record.request_id,
            record.event,
            status,
            first_attempt=first,
        )
        self._spawn(self._deliver(note))
        return webhook_id

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ attempts
    async def _deliver(self, note: Notification) -> None:
        attempt_no = note.first_attempt
        # The regression `webhook-endpoint-state-ignored` keeps the endpoint as it was enqueued.
        enqueued = self.registry.get(note.endpoint_id)
        if not self._faults.on("webhook-endpoint-state-ignored"):
            enqueued = None
        while True:
            outcome = await self._attempt(note, attempt_no, enqueued)
            endpoint = self._endpoint(note, enqueued)
            if outcome != RETRYABLE or endpoint is None:
                return
            spec = endpoint.spec
            await asyncio.sleep(
                backoff(
                    attempt_no,
                    spec.retry_backoff_initial_seconds,
                    spec.retry_backoff_max_seconds,
                    self._scale,
                )
            )
            attempt_no += 1
            if self._faults.on("webhook-id-changes"):
                note = replace(note, webhook_id=str(uuid4()))

    def _endpoint(self, note: Notification, enqueued: Endpoint | None) -> Endpoint | None:
        """The endpoint as it is now (None once deleted), or as enqueued (`webhook-endpoint-state-ignored`);
        `webhook-deleted-endpoint-called` keeps a deleted one as last seen, for attempts and retries."""
        endpoint = enqueued or self.registry.get(note.endpoint_id)
        if endpoint is None and self._faults.on("webhook-deleted-endpoint-called"):
            endpoint = self._last_seen.get(note.endpoint_id)
        return endpoint

    async def _attempt(self, note: Notification, attempt_no: int, enqueued: Endpoint | None = None) -> str:
        faults = self._faults
        endpoint = self._endpoint(note, enqueued)
        if endpoint is not None:
            self._last_seen[note.endpoint_id] = endpoint
        ignore_disabled = enqueued is not None or faults.on("webhook-disabled-endpoint-called")
        if endpoint is None or (endpoint.spec.disabled and not ignore_disabled):
            why = "endpoint deleted" if endpoint is None else "endpoint disabled"
            self._record(note, attempt_no, PERMANENT, Attempt(0, why))
            return PERMANENT
        spec = endpoint.spec
        row = self._store.find(note.job_id, at=now())
        if row is not None and not row.terminal and note.snapshot is not None:
            row = note.snapshot
        if row is None and faults.on("webhook-expired-body-full"):
            row = note.snapshot  # the regression: the expired job is rendered from the enqueued row
        path = BY_TYPE[row.request_type].path if row is not None and row.request_type in BY_TYPE else None
        result_url = None if path is None else f"{path}/{note.job_id}"
        if result_url is not None and faults.on("webhook-result-url-wrong"):
            result_url = f"/v1/async/jobs/{note.job_id}"
        if result_url is not None and faults.on("webhook-result-url-absolute"):
            result_url = self.origin + result_url
        inline = spec.include_response
        if faults.on("webhook-fat-payload"):
            inline = True
        if faults.on("webhook-include-response-ignored"):
            inline = False
        body = payload(
            note.event,
            note.job_id,
            note.status,
            row,
            result_url,
            inline=inline,
            max_kbs=1 << 30 if faults.on("webhook-payload-cap-ignored") else spec.max_response_payload_kbs,
        )
        body = self._tamper(body, note.event)
        async with self._limit(endpoint):
            attempt = await self.post(
                endpoint,
                note.webhook_id,
                note.event,
                body,
                custom_headers=not faults.on("webhook-custom-headers-dropped"),
            )
        outcome = outcome_of(attempt.status_code, faults)
        allowed = spec.max_retries + (1 if faults.on("webhook-retries-past-max") else 0)
        if outcome == RETRYABLE and attempt_no > allowed:
            outcome = EXHAUSTED
        self._record(note, attempt_no, outcome, attempt)
        if not self._faults.on("webhook-counters-frozen"):
            moment = now()
            if outcome == DELIVERED:
                endpoint.consecutive_failures = 0
                endpoint.last_success_at = moment
            else:
                endpoint.consecutive_failures += 1
                endpoint.last_failure_at = moment
        return outcome

    def _tamper(self, body: dict[str, Any], event: str) -> dict[str, Any]:
        """The payload regressions that change a rendered body (each only when its fault is on)."""
        faults = self._faults
        data = body["data"]
        if faults.on("webhook-created-at-unix"):
            body["created_at"] = int(time.time())
        if faults.on("webhook-status-stale") and "result_expired" not in data:
            data["status"] = "processing"
        if faults.on("webhook-status-code-missing") and event == FAILED_EVENT:
            data.pop("status_code", None)
        if faults.on("webhook-expires-at-wrong") and "completed_at" in data and "result_expires_at" in data:
            data["result_expires_at"] = data["completed_at"]
        if faults.on("webhook-error-not-inlined"):
            data.pop("error", None)
        return body

    def _limit(self, endpoint: Endpoint) -> asyncio.Semaphore:
        size = endpoint.spec.max_concurrent_deliveries
        current = self._limits.get(endpoint.id)
        if current is None or current[0] != size:
            current = (size, asyncio.Semaphore(size))
            self._limits[endpoint.id] = current
        return current[1]

    def _record(self, note: Notification, attempt_no: int, outcome: str, attempt: Attempt) -> None:
        if self._faults.on("webhook-history-incomplete"):
            self.registry.forget_attempts(note.webhook_id)
        self.registry.record(
            DeliveryRecord(
                id=str(uuid4()),
                webhook_id=note.webhook_id,
                endpoint_id=note.endpoint_id,
                async_job_id=note.job_id,
                request_id=note.request_id,
                event=note.event,
                attempt_no=attempt_no,
                outcome=outcome,
                status_code=attempt.status_code,
                error=attempt.error,
                created_at=now(),
            )
        )
        log.info("webhook %s attempt %d to %s: %s", note.webhook_id, attempt_no, note.endpoint_id, outcome)

    async def post(
        self,
        endpoint: Endpoint,
        webhook_id: str,
        event: str,
        body: dict[str, Any],
        *,
        custom_headers: bool = True,
    ) -> Attempt:
        """One signed POST to the endpoint; transport problems come back as status 0."""
        faults = self._faults
        spec = endpoint.spec
        if problem := loopback_problem(spec.url):
            return Attempt(0, problem)
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        seconds = time.time()
        timestamp = str(int(seconds * 1000) if faults.on("webhook-timestamp-ms") else int(seconds))
        custom = dict(spec.headers) if custom_headers else {}
        headers = {
            "Content-Type": "text/plain" if faults.on("webhook-content-type-text") else "application/json",
            "User-Agent": GO_USER_AGENT if faults.on("webhook-user-agent-default") else USER_AGENT,
            "webhook-id": webhook_id,
            "webhook-timestamp": timestamp,
            "X-Bifrost-Event": event,
        }
        if faults.on("webhook-event-header-missing"):
            del headers["X-Bifrost-Event"]
        if faults.on("webhook-reserved-header-override"):
            # The regression: custom headers are set after Bifrost's own, so a reserved name wins.
            taken = {name.lower() for name in custom}
            headers = {name: value for name, value in headers.items() if name.lower() not in taken}
            headers.update(custom)
        else:
            headers = {**custom, **headers}
        if not faults.on("webhook-unsigned"):
            key = secret_key(endpoint.secret)
            if faults.on("webhook-bad-signature"):
                key = endpoint.secret.encode()  # the regression: the whole secret text as the key
            headers["webhook-signature"] = signature(key, webhook_id, timestamp, raw)
            if faults.on("webhook-signs-body-only"):
                digest = hmac.new(key, raw, hashlib.sha256).digest()
                headers["webhook-signature"] = "v1," + base64.b64encode(digest).decode()
        if self._session is None:
            return Attempt(0, "the gateway is not running")
        try:
            async with self._session.post(
                spec.url,
                data=raw,
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=spec.attempt_timeout_seconds),
            ) as response:
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    await response.content.read(64 * 1024)
                return Attempt(
                    response.status, None if response.status < 400 else f"receiver answered {response.status}"
                )
        except TimeoutError:
            return Attempt(0, f"no answer within {spec.attempt_timeout_seconds} s")
        except aiohttp.ClientError as exc:
            return Attempt(0, f"{exc.__class__.__name__}: {exc}")

    async def test_fire(self, endpoint: Endpoint, event: str) -> dict[str, Any]:
        """One synchronous attempt with a sample job; not retried and not recorded."""
        faults = self._faults
        if faults.on("webhook-test-fire-not-sent"):
            return {"delivered": True, "receiver_status_code": 204}
        if faults.on("webhook-test-fire-wrong-event"):
            event = COMPLETED_EVENT
        sample_id = str(uuid4()) if faults.on("webhook-test-fire-real-id") else f"test-{uuid4()}"
        request_type = "text_completion" if faults.on("webhook-test-fire-request-type") else "chat_completion"
        completed = event == COMPLETED_EVENT
        moment = now()
        row = JobRow(
            id=sample_id,
            request_id=None,
            request_type=request_type,
            status=COMPLETED if completed else FAILED,
            virtual_key_id=None,
            result_ttl=3600,
            status_code=200 if completed or faults.on("webhook-test-fire-status-code-wrong") else 500,
            response=None,
            error=None,
            created_at=moment,
            completed_at=moment,
            expires_at=None,
        )
        body = payload(
            event,
            sample_id,
            row.status,
            row,
            f"{BY_TYPE[row.request_type].path}/{sample_id}",
            inline=False,
            max_kbs=endpoint.spec.max_response_payload_kbs,
        )
        attempt = await self.post(endpoint, str(uuid4()), event, body)
        answer: dict[str, Any] = {
            "delivered": 200 <= attempt.status_code < 300,
            "receiver_status_code": attempt.status_code,
        }
        if attempt.error:
            answer["error"] = attempt.error
        return answer
