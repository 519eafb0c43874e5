"""Many jobs at once: submitted together from worker threads, then polled together until done.

Worker threads only send requests on the shared session and return the answers (or the error
each request raised); everything that logs or raises a Robot failure happens in the caller's
(main) thread, because Robot drops messages logged elsewhere.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from requests import Response

from libraries.core import GatewayError, answered, json_object, json_or_none, label, snippet
from libraries.endpoints import endpoint
from libraries.envelope import TERMINAL, poll_problem
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
        return self.body.get("status") in TERMINAL


@dataclass
class Batch:
    jobs: list[BatchJob] = field(default_factory=list)

    def __repr__(self) -> str:
        spread = ", ".join(
            f"{name} ×{count}" for name, count in Counter(j.endpoint for j in self.jobs).items()
        )
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


def submit_problems(jobs: Sequence[BatchJob]) -> list[str]:
    """Takes each job's id from its submit answer; returns every submit that did not answer 202 with a
    job id, and every id given to more than one job."""
    problems: list[str] = []
    for job in jobs:
        body = json_or_none(job.submit) if isinstance(job.submit, Response) else None
        job.job_id = body.get("id") if isinstance(body, dict) and isinstance(body.get("id"), str) else None
        if isinstance(job.submit, BaseException):
            problems.append(str(job.submit))
        elif job.submit.status_code != 202 or job.job_id is None:
            problems.append(f"{answered(job.submit)}, expected 202 with a job id: {snippet(job.submit)}")
    counts = Counter(job.job_id for job in jobs if job.job_id)
    return problems + [f"job id {job_id} was given to {n} jobs" for job_id, n in counts.items() if n > 1]


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
    running out), one line each; a job with a problem is polled no more.
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
            if problem := _recorded_problem(job, exchange):
                problems.append(problem)
            elif not job.terminal:
                still.append(job)
        waiting = still
        if waiting and clock() >= deadline:
            problems += [
                f"job {job.job_id} ({job.endpoint}) not terminal after {timeout:g} s" for job in waiting
            ]
            break
    return problems


def own_job_problem(job: BatchJob, exchange: Response | BaseException) -> str | None:
    """Why a poll of `job` did not return that job, finished (another id, not 200 and terminal), or None."""
    body = _read(exchange)
    if isinstance(body, str) or not isinstance(exchange, Response):
        return str(body)
    # The id is the job's identity. request_id is not compared: whether a poll answers with the
    # submit's request id or its own is not confirmed for every Bifrost build.
    if body.get("id") != job.job_id:
        return f"{label(exchange)} returned job {body.get('id')!r} instead of {job.job_id!r}"
    if body.get("status") not in TERMINAL or exchange.status_code != 200:
        return f"{answered(exchange)} with status {body.get('status')!r} for a finished job"
    return None


def _recorded_problem(job: BatchJob, exchange: Response | BaseException) -> str | None:
    """Records one poll of a batch job and says what was wrong with it: the request's error, an unusable
    answer, or an in-flight answer other than 202 (a finished job's answer is judged by its own check)."""
    job.polls += 1
    if isinstance(exchange, BaseException):
        return str(exchange)
    job.last = exchange
    body = _read(exchange)
    if isinstance(body, str):
        return body
    return None if body.get("status") in TERMINAL else poll_problem(exchange, body)


def _read(exchange: Response | BaseException) -> dict[str, Any] | str:
    """The answer's JSON object, or what went wrong instead (the request's error, an unusable answer)."""
    if isinstance(exchange, BaseException):
        return str(exchange)
    try:
        return json_object(exchange)
    except GatewayError as err:
        return str(err)
