"""The background executor: one asyncio task per job, pending → processing → completed/failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import uuid1, uuid4

from fakegateway import providers
from fakegateway.contract import HARD_DEFAULT_TTL
from fakegateway.envelope import dumps, error_body
from fakegateway.faults import Faults
from fakegateway.governance import Governance
from fakegateway.providers import FilePart, Outcome
from fakegateway.store import COMPLETED, FAILED, PENDING, JobRow, JobStore, add_seconds, now

log = logging.getLogger("fakegateway.jobs")

# A job stays pending this long before it is picked up, as a goroutine start takes a moment.
PENDING_DELAY_S = 0.01
# How long `webhook-early` holds the terminal write back after enqueueing the notification.
EARLY_WEBHOOK_LEAD_S = 1.0
EMPTY_MODEL_MESSAGE = "model is required: no provider can be resolved for an empty model"


# Called after a job's terminal write with the finished row and its webhook endpoint id (or None).
TerminalHook = Callable[[JobRow, str | None], None]


def failure(status: int, message: str) -> Outcome:
    return Outcome(status_code=status, result=None, error=error_body(status, message))


class Executor:
    """Inserts jobs, runs them in the background, and records their outcome."""

    def __init__(
        self,
        store: JobStore,
        faults: Faults,
        on_terminal: TerminalHook | None = None,
        *,
        latency_s: float = 0.0,
        governance: Governance | None = None,
        provider_timeout: float | None = None,
    ) -> None:
        self._store = store
        self._faults = faults
        self._on_terminal = on_terminal
        # --job-latency: the provider's base pace; a model's delay-Nms token adds to it.
        self._latency_s = latency_s
        # Bifrost's `default_request_timeout_in_seconds`: a provider call that outlasts it (the latency
        # included) fails with 504.
        self._provider_timeout = provider_timeout
        self._governance = governance or Governance(False, faults)
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def submit(
        self,
        *,
        request_type: str,
        model: str,
        params: dict[str, Any],
        files: list[FilePart],
        virtual_key_id: str | None,
        ttl: int,
        request_id: str | None,
        webhook_endpoint_id: str | None = None,
    ) -> JobRow:
        created = now()
        if self._faults.on("created-at-stale"):
            created -= timedelta(hours=1)
        row = JobRow(
            id=self._new_id(),
            request_id=request_id,
            request_type=request_type,
            status=PENDING,
            virtual_key_id=virtual_key_id,
            result_ttl=ttl,
            status_code=0,
            response=None,
            error=None,
            created_at=created,
            completed_at=None,
            expires_at=None,
        )
        self._store.insert(row)
        task = asyncio.create_task(
            self._run(row, model, params, files, webhook_endpoint_id), name=f"job-{row.id}"
        )
        self._tasks[row.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(row.id, None))
        return row

    def _new_id(self) -> str:
        """A random version-4 UUID, as Bifrost's `uuid.New().String()`."""
        if self._faults.on("id-not-uuid"):
            return uuid4().hex
        return str(uuid1() if self._faults.on("id-uuid-v1") else uuid4())

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def settled(self, job_id: str) -> None:
        """Wait until the job's task has ended (its terminal write done); the job is not cancelled."""
        task = self._tasks.get(job_id)
        if task is not None:
            await asyncio.wait({task})

    async def close(self) -> None:
        """Stop running jobs; their rows stay pending or processing, as after a Bifrost restart."""
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def call_provider(
        self,
        request_type: str,
        model: str,
        params: dict[str, Any],
        files: list[FilePart],
        *,
        virtual_key_id: str | None,
    ) -> Outcome:
        """The inference call of a job (or of a synchronous integration request), never raising.

        `virtual_key_id` is the caller's known key, or None for an anonymous call: governance runs
        inside this call, before the provider is reached (contract §7).
        """
        if not model:
            return failure(400, EMPTY_MODEL_MESSAGE)
        if (refused := self._governance.refusal(request_type, model, virtual_key_id)) is not None:
            return refused
        try:
            return await providers.execute(
                request_type, model, params, files, timeout=self._provider_timeout, latency=self._latency_s
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a job must end failed, never vanish with its task
            log.exception("provider call for %s failed", request_type)
            return failure(500, f"internal error: {exc}")

    async def _run(
        self,
        row: JobRow,
        model: str,
        params: dict[str, Any],
        files: list[FilePart],
        webhook_endpoint_id: str | None,
    ) -> None:
        await asyncio.sleep(PENDING_DELAY_S)
        self._store.mark_processing(row.id)
        if self._faults.on("job-stuck"):
            return
        outcome = await self.call_provider(
            row.request_type, model, params, files, virtual_key_id=row.virtual_key_id
        )
        finished = self._terminal(row, outcome)
        if webhook_endpoint_id is not None and self._faults.on("webhook-early"):
            # The regression: the notification is enqueued before the terminal write lands.
            self._notify(finished, webhook_endpoint_id)
            await asyncio.sleep(EARLY_WEBHOOK_LEAD_S)
            self._write(finished)
            return
        self._write(finished)
        # Webhooks are enqueued only once the terminal state is stored (contract §9).
        stored = self._store.find(row.id, at=now(), include_expired=True)
        if stored is not None:
            self._notify(stored, webhook_endpoint_id)

    def _notify(self, finished: JobRow, webhook_endpoint_id: str | None) -> None:
        if self._on_terminal is not None:
            self._on_terminal(finished, webhook_endpoint_id)

    def _terminal(self, row: JobRow, outcome: Outcome) -> JobRow:
        """The job's row as its outcome makes it: completed with a result, or failed with an error."""
        completed = now()
        # The TTL counts from completion (contract §6).
        start = row.created_at if self._faults.on("ttl-from-submit") else completed
        expires = add_seconds(start, row.result_ttl)
        if outcome.status_code == 200 and outcome.result is not None:
            try:
                response = dumps(self._tamper(row.request_type, outcome.result))
            except (TypeError, ValueError) as exc:
                outcome = failure(500, f"failed to serialize result: {exc}")
            else:
                return replace(
                    row,
                    status=COMPLETED,
                    status_code=0 if self._faults.on("completed-status-code-zero") else 200,
                    response=response,
                    error=None,
                    completed_at=completed,
                    expires_at=expires,
                )
        status_code = outcome.status_code if outcome.status_code and outcome.status_code != 200 else 500
        error = outcome.error or error_body(status_code, "provider returned no result")
        if self._faults.on("failed-status-code-zero"):
            status_code = 0
        if self._faults.on("failed-ttl-ignored"):
            expires = add_seconds(completed, HARD_DEFAULT_TTL)
        return replace(
            row,
            status=FAILED,
            status_code=status_code,
            response=None,
            error=dumps(error),
            completed_at=completed,
            expires_at=expires,
        )

    def _write(self, finished: JobRow) -> None:
        assert finished.completed_at is not None and finished.expires_at is not None
        self._store.finish(
            finished.id,
            status=finished.status,
            status_code=finished.status_code,
            response=finished.response,
            error=finished.error,
            completed_at=finished.completed_at,
            expires_at=finished.expires_at,
        )

    def _tamper(self, request_type: str, result: dict[str, Any]) -> dict[str, Any]:
        """Result-level faults; the clean path returns the provider's result untouched."""
        if request_type == "chat_completion" and self._faults.on("empty-choices"):
            result = {**result, "choices": []}
        if request_type == "rerank" and self._faults.on("rerank-unsorted"):
            ranked = sorted(result.get("results") or [], key=lambda r: r.get("relevance_score", 0))
            result = {**result, "results": ranked}
        return result
