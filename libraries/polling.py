"""Polling jobs: one job until it is terminal, the invariants of a watched job's polls (each check raises
AssertionError naming the poll that broke one), and many jobs at once. Worker threads only send and return
answers or errors; logging and failing happen in the caller's thread, as Robot drops other threads' logs.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from requests import Response

from libraries.core import (
    GatewayError,
    Job,
    answered,
    content_type,
    is_json,
    json_object,
    json_or_none,
    label,
    received_at,
    short,
    snippet,
)
from libraries.envelope import RANK, TERMINAL, is_absent, parse_time, poll_problem

T = TypeVar("T")
FIRST_POLL = 0.05  # a fast gateway finishes most jobs within this
FLOOR = 0.02  # never poll faster than this, whatever the configured interval
# With an expected duration (the shortest earlier job of the same endpoint and model), the first
# poll comes at this share of it.
EXPECTED_SHARE = 0.85
AFTER_TERMINAL_POLLS = 3  # polls of a watched job after it ended
AFTER_TERMINAL_GAP = 0.05  # seconds between them
# Submit answers from memory and polls from the database, whose time precision may differ.
CREATED_AT_TOLERANCE = 1.0
TERMINAL_FIELDS = ("completed_at", "expires_at", "status_code", "result")
# Left out when finished-job polls are compared: a build may answer each poll with its own request
# id rather than the submit's (not confirmed either way).
PER_REQUEST_FIELDS = ("request_id",)


# ---------------------------------------------------------------------- one job
@dataclass
class Journey:
    """One job's polls in order, with its submit answer: `pending → processing → completed` for the log."""

    job_id: str
    endpoint: str = ""
    submit: Response | None = None
    started: float | None = None  # monotonic clock; the first poll's wait counts from it
    polls: list[Response] = field(default_factory=list)
    # Seconds between the job's completed_at (the gateway's clock) and the poll that saw it (this
    # machine's clock): how long polling overshot the end. Meaningful when the clocks agree.
    overshoot: float | None = None

    def __repr__(self) -> str:
        return f"<job {self.job_id}: {len(self.polls)} polls, statuses {' → '.join(self.statuses())}>"

    __str__ = __repr__

    @property
    def what(self) -> str:
        return f"job {self.job_id}" + (f" ({self.endpoint})" if self.endpoint else "")

    def statuses(self) -> list[str]:
        """The statuses in the order seen, each run of repeats once (`HTTP 502` for an answer not JSON)."""
        steps: list[str] = []
        for poll in self.polls:
            body = json_or_none(poll)
            status = str(body.get("status")) if isinstance(body, dict) else f"HTTP {poll.status_code}"
            if not steps or steps[-1] != status:
                steps.append(status)
        return steps

    def line(self) -> str:
        steps = self.statuses()
        steps = steps if steps[:1] == ["pending"] else ["pending", *steps]
        took = (received_at(self.polls[-1]) if self.polls else 0.0) - (self.started or 0.0)
        count = len(self.polls)
        seen = f", seen {self.overshoot:.2f} s after completed_at" if self.overshoot is not None else ""
        return f"{' → '.join(steps)} in {took:.2f} s ({count} poll{'s' if count != 1 else ''}{seen})"

    def bodies(self) -> list[dict[str, Any]]:
        return [json_object(poll) for poll in self.polls]

    def split(self) -> tuple[list[Response], list[Response]]:
        """The polls before the job was first seen terminal, and the polls from then on."""
        ended = [body.get("status") in TERMINAL for body in self.bodies()]
        if True not in ended:
            raise AssertionError(f"job {self.job_id} was never seen terminal: {' → '.join(self.statuses())}")
        return self.polls[: ended.index(True)], self.polls[ended.index(True) :]

    def where(self, index: int) -> str:
        """Poll `index` (from 0) as failure messages name it."""
        return f"poll {index + 1} of {len(self.polls)} ({answered(self.polls[index])})"


def delays(interval: float, first: float = FIRST_POLL, floor: float = FLOOR) -> Iterator[float]:
    """Successive waits before each poll: soon at first, doubling up to the poll interval."""
    ceiling = max(interval, floor)
    wait = max(floor, min(first, ceiling))
    while True:
        yield wait
        wait = min(wait * 2, ceiling)


def wait_until_terminal(
    poll: Callable[[], Response],
    journey: Journey,
    *,
    timeout: float,
    interval: float,
    expected: float | None = None,
    judge: bool = True,
    after_terminal: int = 0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict[str, Any], Response]:
    """Polls until completed/failed, then `after_terminal` times more, recording each poll on `journey`;
    `judge` fails at once on an in-flight answer other than 202. Returns the terminal envelope and poll."""
    journey.started = clock() if journey.started is None else journey.started
    deadline = clock() + timeout
    waits = delays(interval)
    # A job like the earlier ones of its kind is first polled just before it should be done, then
    # the polls come fast again: few requests, and little time between the end and the poll that sees it.
    first = max(FLOOR, journey.started + EXPECTED_SHARE * expected - clock()) if expected else None
    while True:
        wait = first if first is not None else next(waits)
        first = None
        sleep(max(0.0, min(wait, deadline - clock())))
        exchange = poll()
        journey.polls.append(exchange)
        envelope = json_object(exchange)
        if envelope.get("status") in TERMINAL:
            journey.overshoot = _overshoot(envelope, exchange)
            for _ in range(after_terminal):  # a watched job: are the polls of a finished job all the same?
                sleep(AFTER_TERMINAL_GAP)
                journey.polls.append(poll())
                json_object(journey.polls[-1])
            return envelope, exchange
        if judge and (problem := poll_problem(exchange, envelope)):
            raise GatewayError(f"while waiting for {journey.what}: {problem}")
        if clock() >= deadline:
            raise GatewayError(
                f"{journey.what} not terminal after {timeout:g} s (BIFROST_POLL_TIMEOUT): {journey.line()}"
            )


def _overshoot(envelope: dict[str, Any], response: Response) -> float | None:
    wall = getattr(response, "received_wall", None)
    try:
        return None if wall is None else float(wall) - parse_time(envelope.get("completed_at")).timestamp()
    except AssertionError:
        return None


# ---------------------------------------------------------------------- one job, watched: the invariants
def check_in_flight(watched: Journey) -> int:
    """Every poll before the job ended: 202, pending or processing, no terminal fields; returns how many."""
    in_flight = watched.split()[0]
    for index, poll in enumerate(in_flight):
        body = json_object(poll)
        if problem := poll_problem(poll, body):
            raise AssertionError(f"poll {index + 1} of {len(watched.polls)}: {problem}")
        if present := [name for name in TERMINAL_FIELDS if body.get(name) not in (None, "", 0)]:
            raise AssertionError(
                f"{watched.where(index)}: a {body.get('status')} job should not have"
                f" {', '.join(present)} yet: {short(body)}"
            )
    return len(in_flight)


def check_identity(watched: Journey) -> None:
    """Same id and created_at on every poll and submit; end times fixed once set, after created_at."""
    submitted = json_object(watched.submit) if watched.submit is not None else {}
    first_created: Any = None
    times: dict[str, Any] = {}
    for index, body in enumerate(watched.bodies()):
        where = watched.where(index)
        if body.get("id") != watched.job_id:
            raise AssertionError(f"{where}: id {body.get('id')!r} differs from the job id {watched.job_id!r}")
        created = parse_time(body.get("created_at"), "created_at")
        if first_created is None and not is_absent(submitted, "created_at"):
            at_submit = parse_time(submitted["created_at"], "created_at on submit")
            if abs((created - at_submit).total_seconds()) > CREATED_AT_TOLERANCE:
                raise AssertionError(
                    f"{where}: created_at {body['created_at']} differs from"
                    f" {submitted['created_at']} on submit"
                )
        if first_created not in (None, created):
            raise AssertionError(f"{where}: created_at changed to {body['created_at']} since the first poll")
        first_created = created
        for name in ("completed_at", "expires_at"):
            if is_absent(body, name):
                continue
            value = parse_time(body[name], name)
            if times.setdefault(name, value) != value:
                raise AssertionError(f"{where}: {name} changed to {body[name]} after it was set")
            if value < created:
                raise AssertionError(
                    f"{where}: {name} {body[name]} is before created_at {body['created_at']}"
                )


def check_status_order(watched: Journey) -> None:
    """pending → processing → completed/failed: never back, and a terminal status never changes."""
    best, final = -1, None
    for index, body in enumerate(watched.bodies()):
        status = body.get("status")
        if status not in RANK:
            raise AssertionError(f"{watched.where(index)}: unknown job status {status!r}")
        if RANK[status] < best or final not in (None, status):
            went = " → ".join(watched.statuses())
            raise AssertionError(f"{watched.where(index)}: status went back to {status!r} after {went}")
        best = max(best, RANK[status])
        final = status if status in TERMINAL else final


def check_terminal_repeats(watched: Journey) -> None:
    """Every poll after the job ended answers the same HTTP status and envelope (request_id aside)."""
    polls = watched.split()[1]
    if len(polls) < 2:
        raise AssertionError(f"job {watched.job_id}: only {len(polls)} poll after it ended; need two")
    offset = len(watched.polls) - len(polls)
    bodies = [{k: v for k, v in json_object(poll).items() if k not in PER_REQUEST_FIELDS} for poll in polls]
    for number, (poll, body) in enumerate(zip(polls[1:], bodies[1:], strict=True), start=offset + 1):
        if poll.status_code != polls[0].status_code or body != bodies[0]:
            changed = sorted(k for k in set(bodies[0]) | set(body) if bodies[0].get(k) != body.get(k))
            raise AssertionError(
                f"{watched.where(number)}: differs from the first poll after the job ended"
                f" (HTTP {polls[0].status_code} → {poll.status_code};"
                f" fields changed: {', '.join(changed) or 'none'})"
            )


def check_json_content_type(watched: Journey) -> None:
    """The submit answer and every poll say Content-Type: application/json."""
    answers = [("submit", watched.submit)] if watched.submit is not None else []
    for where, answer in answers + [(watched.where(i), poll) for i, poll in enumerate(watched.polls)]:
        if not is_json(content_type(answer)):
            raise AssertionError(
                f"{where}: Content-Type is {content_type(answer)!r}, expected application/json"
            )


# ---------------------------------------------------------------------- many jobs at once
@dataclass
class Batch:
    jobs: list[Job] = field(default_factory=list)

    def __repr__(self) -> str:
        spread = ", ".join(f"{name} ×{n}" for name, n in Counter(job.endpoint for job in self.jobs).items())
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
    """Runs the calls on up to `workers` threads; each result, or the exception raised, in call order."""
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(calls)))) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.exception() or future.result() for future in futures]


def _read(exchange: Response | BaseException) -> dict[str, Any] | str:
    """The answer's JSON object, or what went wrong instead (the request's error, an unusable answer)."""
    if isinstance(exchange, BaseException):
        return str(exchange)
    try:
        return json_object(exchange)
    except GatewayError as err:
        return str(err)


def submit_problems(jobs: Sequence[Job], answers: Sequence[Response | BaseException]) -> list[str]:
    """Every submit that did not answer 202 with a job id, and every job id given to more than one job."""
    problems: list[str] = []
    for job, answer in zip(jobs, answers, strict=True):
        if isinstance(answer, BaseException):
            problems.append(str(answer))
        elif answer.status_code != 202 or job.id is None:
            problems.append(f"{answered(answer)}, expected 202 with a job id: {snippet(answer)}")
    counts = Counter(job.id for job in jobs if job.id)
    return problems + [f"job id {job_id} was given to {n} jobs" for job_id, n in counts.items() if n > 1]


def poll_until_terminal(
    jobs: Sequence[Job],
    poll: Callable[[Job], Response],
    *,
    timeout: float,
    interval: float,
    workers: int,
    late: bool = True,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[list[tuple[Job, str]], int]:
    """Polls the unfinished jobs in rounds, each all at once, until all are terminal (recorded on each job);
    returns each job's problem (a job with one is polled no more; with `late`, one not terminal in time)
    and how many polls it made."""
    problems: list[tuple[Job, str]] = []
    deadline = clock() + timeout
    waits = delays(interval)
    waiting, polls = [job for job in jobs if job.id is not None], 0
    while waiting:
        sleep(max(0.0, min(next(waits), deadline - clock())))
        answers = all_at_once([partial(poll, job) for job in waiting], workers)
        still: list[Job] = []
        for job, exchange in zip(waiting, answers, strict=True):
            polls, body = polls + 1, _read(exchange)
            if isinstance(body, str) or not isinstance(exchange, Response):
                problems.append((job, str(body)))
            elif body.get("status") in TERMINAL:  # its HTTP status is judged by its own check
                job.terminal, job.seen_terminal_at, job.envelope = exchange, received_at(exchange), body
            elif problem := poll_problem(exchange, body):
                problems.append((job, problem))
            else:
                still.append(job)
        waiting = still
        if waiting and clock() >= deadline:
            after = f"not terminal after {timeout:g} s (BIFROST_POLL_TIMEOUT)"
            problems += [(job, f"job {job.id} ({job.endpoint}) {after}") for job in waiting if late]
            break
    return problems, polls


def own_job_problem(job: Job, exchange: Response | BaseException) -> str | None:
    """Why a poll of `job` did not return that job, finished (another id, not 200 and terminal), or None."""
    body = _read(exchange)
    if isinstance(body, str) or not isinstance(exchange, Response):
        return str(body)
    # The id is the job's identity. request_id is not compared: whether a poll answers with the
    # submit's request id or its own is not confirmed for every Bifrost build.
    if body.get("id") != job.id:
        return f"{label(exchange)} returned job {body.get('id')!r} instead of {job.id!r}"
    if body.get("status") not in TERMINAL or exchange.status_code != 200:
        return f"{answered(exchange)} with status {body.get('status')!r} for a finished job"
    return None
