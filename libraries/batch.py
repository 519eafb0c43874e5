"""Many jobs at once: submitted together from worker threads, then polled together until done.

Worker threads only send requests on the shared session and return the answers (or the error
each request raised); everything that logs or raises a Robot failure happens in the caller's
(main) thread, because Robot drops messages logged elsewhere.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from requests import Response

from libraries import envelope
from libraries.core import json_or_none, label, snippet
from libraries.endpoints import endpoint
from libraries.polling import delays

T = TypeVar("T")


@dataclass
class BatchJob:
    """One job of a batch: where it went, the request id it was sent with, what came back."""

    endpoint: str
    request_id: str
    submit: Response | BaseException
    job_id: str | None = None
    last: Response | None = None
    polls: int = 0

    @property
    def poll_path(self) -> str:
        return endpoint(self.endpoint).poll_path(str(self.job_id))

    @property
    def body(self) -> dict[str, Any]:
        value = json_or_none(self.last) if self.last is not None else None
        return value if isinstance(value, dict) else {}

    @property
    def terminal(self) -> bool:
        return self.body.get("status") in envelope.TERMINAL


@dataclass
class Batch:
    jobs: list[BatchJob] = field(default_factory=list)

    def __repr__(self) -> str:
        per_endpoint: dict[str, int] = {}
        for job in self.jobs:
            per_endpoint[job.endpoint] = per_endpoint.get(job.endpoint, 0) + 1
        spread = ", ".join(f"{name} ×{count}" for name, count in per_endpoint.items())
        return f"<{len(self.jobs)} jobs: {spread}>"

    __str__ = __repr__


def spread(endpoints: Sequence[str], count: int) -> list[str]:
    """`count` endpoint names taken round-robin, so every endpoint gets its share."""
    if not endpoints:
        raise ValueError("no endpoints to spread the jobs over")
    return [endpoints[index % len(endpoints)] for index in range(count)]


def request_ids(count: int) -> list[str]:
    """Unique x-request-id values, one per job, recognisable in the gateway's logs."""
    run = uuid.uuid4().hex[:8]
    return [f"acceptance-batch-{run}-{index:03d}" for index in range(count)]


def all_at_once(calls: Sequence[Callable[[], T]], workers: int) -> list[T | BaseException]:
    """Runs every call on its own worker (up to `workers` at a time); results (or the exception a
    call raised) in call order."""
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(calls)))) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.exception() or future.result() for future in futures]


def poll_until_terminal(
    jobs: Sequence[BatchJob],
    poll: Callable[[BatchJob], Response],
    *,
    timeout: float,
    interval: float,
    workers: int,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Polls every unfinished job in rounds, all of a round at once, until all are terminal.

    Returns the problems seen (an in-flight poll not answering 202, an unusable answer, time
    running out), one line each; an empty list means every job ended within `timeout`.
    """
    problems: list[str] = []
    deadline = clock() + timeout
    next_delay = delays(interval)
    waiting = [job for job in jobs if job.job_id is not None]
    while waiting:
        sleep(max(0.0, min(next_delay(), deadline - clock())))
        answers = all_at_once([partial(poll, job) for job in waiting], workers)
        still: list[BatchJob] = []
        for job, exchange in zip(waiting, answers, strict=True):
            job.polls += 1
            if isinstance(exchange, BaseException):
                problems.append(str(exchange))
                continue
            job.last = exchange
            if not isinstance(json_or_none(exchange), dict):
                problems.append(f"{label(exchange)} → {exchange.status_code}: {snippet(exchange)}")
                continue
            status = job.body.get("status")
            if status in envelope.TERMINAL:
                continue
            if status not in envelope.IN_FLIGHT or exchange.status_code != 202:
                problems.append(f"{label(exchange)} answered {exchange.status_code} with status {status!r}")
                continue
            still.append(job)
        waiting = still
        if waiting and clock() >= deadline:
            problems += [
                f"job {job.job_id} ({job.endpoint}) not terminal after {timeout:g} s" for job in waiting
            ]
            break
    return problems


def own_job_problem(job: BatchJob, exchange: Response | BaseException) -> str | None:
    """Why a poll of `job` did not return that job (another id or request id), or None."""
    if isinstance(exchange, BaseException):
        return str(exchange)
    body = json_or_none(exchange)
    if not isinstance(body, dict):
        return f"{label(exchange)} answered {exchange.status_code} with {snippet(exchange)}"
    # The id is the job's identity. request_id is not compared: whether a poll answers with the
    # submit's request id or its own is not confirmed for every Bifrost build.
    if body.get("id") != job.job_id:
        return f"{label(exchange)} returned job {body.get('id')!r} instead of {job.job_id!r}"
    if body.get("status") not in envelope.TERMINAL or exchange.status_code != 200:
        status = body.get("status")
        return f"{label(exchange)} answered {exchange.status_code} with status {status!r} for a finished job"
    return None
