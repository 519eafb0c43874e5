"""One fake gateway's configuration and state, shared by its request handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from fakegateway.faults import Faults
from fakegateway.governance import Governance
from fakegateway.jobs import Executor
from fakegateway.keys import KeyRing, mask
from fakegateway.store import JobStore, now
from fakegateway.webhook_delivery import Dispatcher
from fakegateway.webhooks import Declaration, Registry

log = logging.getLogger("fakegateway")

DEFAULT_TTL = 3600
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
# Guards against a typo such as --job-latency 15000s, as MAX_DELAY_MS does for the model token.
MAX_JOB_LATENCY_S = 600.0
# Bifrost's network_config.default_request_timeout_in_seconds, when a provider sets none.
DEFAULT_PROVIDER_TIMEOUT_S = 30.0
# Bifrost's cleaner runs once at start, then every minute.
CLEAN_INTERVAL_S = 60.0


@dataclass(frozen=True)
class GatewayConfig:
    virtual_keys: tuple[str, ...] = ()
    default_ttl: int = DEFAULT_TTL
    db_path: Path | None = None
    faults: tuple[str, ...] = ()
    late_model_resolution: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    webhooks: tuple[Declaration, ...] = ()
    # Fake-only: Bifrost's backoff knobs are whole seconds (at least 1); tests shrink them with this.
    webhook_backoff_scale: float = 1.0
    # Every provider call takes this long before it resolves (a real provider's pace); 0 for none.
    job_latency_s: float = 0.0
    # client.enforce_auth_on_inference: anonymous inference calls are refused inside the call.
    enforce_virtual_keys: bool = False
    # Seconds a provider call may take before it fails with 504 (fractions are fake-only, for tests).
    provider_timeout: float = DEFAULT_PROVIDER_TIMEOUT_S

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for key in self.virtual_keys:
            if not key:
                raise ValueError("--virtual-key must not be empty")
            if key in seen:
                raise ValueError(f"--virtual-key {mask(key)} is given twice")
            seen.add(key)
        if self.default_ttl < 1:
            raise ValueError(f"--default-ttl must be a positive number of seconds, got {self.default_ttl}")
        if self.max_body_bytes < 1:
            raise ValueError("the body size cap must be positive")
        Faults(self.faults)  # raises UnknownFaultError
        names = [declared.spec.name for declared in self.webhooks]
        if twice := sorted({name for name in names if names.count(name) > 1}):
            raise ValueError(f"--webhook {twice[0]!r} is declared twice")
        if not self.webhook_backoff_scale > 0:
            raise ValueError("--webhook-backoff-scale must be a positive number")
        if not 0 <= self.job_latency_s <= MAX_JOB_LATENCY_S:
            raise ValueError(f"--job-latency must be between 0 and {MAX_JOB_LATENCY_S:g} s")
        if not self.provider_timeout > 0:
            raise ValueError("--provider-timeout must be a positive duration")


class Gateway:
    """State behind the handlers. The store and executor exist while the app runs."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.faults = Faults(config.faults)
        self.keys = KeyRing(config.virtual_keys)
        self.governance = Governance(config.enforce_virtual_keys, self.faults)
        self._store: JobStore | None = None
        self._executor: Executor | None = None
        self._dispatcher: Dispatcher | None = None
        self.webhooks = Registry()
        for declared in config.webhooks:
            self.webhooks.create(declared.spec, declared.secret)
        self._poll_counts: dict[str, int] = {}
        # Jobs created on an integration route; kept only while `integration-jobs-separate` is on.
        self.integration_job_ids: set[str] = set()
        self.stopping = asyncio.Event()

    @property
    def store(self) -> JobStore:
        if self._store is None:
            raise RuntimeError("the gateway is not running")
        return self._store

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            raise RuntimeError("the gateway is not running")
        return self._executor

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:
            raise RuntimeError("the gateway is not running")
        return self._dispatcher

    def count_poll(self, job_id: str) -> int:
        """How often this job has been polled, this poll included (for `status-backwards`)."""
        self._poll_counts[job_id] = self._poll_counts.get(job_id, 0) + 1
        return self._poll_counts[job_id]

    async def lifecycle(self, app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context: open the store, run the cleaner, stop jobs at the end."""
        temp_dir: str | None = None
        path = self.config.db_path
        if path is None:
            temp_dir = tempfile.mkdtemp(prefix="fakegateway-")
            path = Path(temp_dir) / "jobs.db"
        self._store = JobStore(path)
        self._dispatcher = Dispatcher(
            self.webhooks, self._store, self.faults, self.config.webhook_backoff_scale
        )
        await self._dispatcher.start()
        self._executor = Executor(
            self._store,
            self.faults,
            on_terminal=self._dispatcher.job_finished,
            latency_s=self.config.job_latency_s,
            governance=self.governance,
            provider_timeout=self.config.provider_timeout,
        )
        cleaner = asyncio.create_task(self._clean_periodically(), name="async-job-cleaner")
        try:
            yield
        finally:
            cleaner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await cleaner
            await self._executor.close()
            await self._dispatcher.close()
            self._store.close()
            if temp_dir is not None:
                shutil.rmtree(temp_dir, ignore_errors=True)

    async def on_shutdown(self, app: web.Application) -> None:
        self.stopping.set()

    async def _clean_periodically(self) -> None:
        while True:
            # The expired-served regression keeps expired jobs: a cleaner pass would hide it by chance.
            removed = 0 if self.faults.on("expired-served") else self.store.clean(at=now())
            if removed:
                log.debug("cleaner removed %d jobs", removed)
            await asyncio.sleep(CLEAN_INTERVAL_S)


GATEWAY = web.AppKey("gateway", Gateway)
