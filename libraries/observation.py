"""A job watched poll by poll, and the invariants every correct gateway keeps across those polls.

`observe` records every poll until the job is terminal and a few more after that, without judging
them; the `check_*` functions then each assert one invariant and raise AssertionError with one
line naming the poll that broke it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from requests import Response

from libraries.core import answered, content_type, is_json, json_object, json_or_none, short
from libraries.envelope import RANK, TERMINAL, is_absent, parse_time, poll_problem
from libraries.polling import collapse, wait_until_terminal

AFTER_TERMINAL_POLLS = 3
AFTER_TERMINAL_GAP = 0.05  # seconds between the extra polls of a finished job
# Submit answers from memory and polls from the database, whose time precision may differ.
CREATED_AT_TOLERANCE = 1.0
TERMINAL_FIELDS = ("completed_at", "expires_at", "status_code", "result")
# Left out when finished-job polls are compared: a build may answer each poll with its own request
# id rather than the submit's (not confirmed either way).
PER_REQUEST_FIELDS = ("request_id",)


@dataclass
class Observation:
    """The submit answer of one job and every poll the suite made of it, in order."""

    job_id: str
    submit: Response
    polls: list[Response] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<job {self.job_id}: {len(self.polls)} polls, statuses {' → '.join(self.statuses())}>"

    __str__ = __repr__

    def bodies(self) -> list[dict[str, Any]]:
        return [json_object(poll) for poll in self.polls]

    def statuses(self) -> list[str]:
        bodies = [json_or_none(poll) for poll in self.polls]
        return collapse(
            str(body.get("status")) if isinstance(body, dict) else f"HTTP {poll.status_code}"
            for poll, body in zip(self.polls, bodies, strict=True)
        )

    def first_terminal(self) -> int:
        for index, body in enumerate(self.bodies()):
            if body.get("status") in TERMINAL:
                return index
        raise AssertionError(f"job {self.job_id} was never seen terminal: {' → '.join(self.statuses())}")

    def in_flight_polls(self) -> list[Response]:
        return self.polls[: self.first_terminal()]

    def terminal_polls(self) -> list[Response]:
        return self.polls[self.first_terminal() :]

    def where(self, index: int) -> str:
        """Poll `index` (from 0) as failure messages name it."""
        return f"poll {index + 1} of {len(self.polls)} ({answered(self.polls[index])})"


def observe(
    poll: Callable[[], Response],
    job_id: str,
    submit: Response,
    *,
    timeout: float,
    interval: float,
    after_terminal: int = AFTER_TERMINAL_POLLS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Observation:
    """Polls until a terminal envelope, then `after_terminal` more times; judges nothing.

    Fails only when an answer is unusable (no response, not a JSON object) or on timeout.
    """
    watched = Observation(job_id, submit)

    def record() -> Response:
        watched.polls.append(poll())
        return watched.polls[-1]

    wait_until_terminal(
        record, job=f"job {job_id}", timeout=timeout, interval=interval, judge=False, clock=clock, sleep=sleep
    )
    for _ in range(after_terminal):
        sleep(AFTER_TERMINAL_GAP)
        json_object(record())
    return watched


def check_in_flight(watched: Observation) -> int:
    """Every poll before the job ended answered 202, pending or processing, without terminal fields.

    Returns how many in-flight polls there were.
    """
    in_flight = watched.in_flight_polls()
    for index, poll in enumerate(in_flight):
        body = json_object(poll)
        if problem := poll_problem(poll, body):
            raise AssertionError(f"poll {index + 1} of {len(watched.polls)}: {problem}")
        present = [name for name in TERMINAL_FIELDS if body.get(name) not in (None, "", 0)]
        if present:
            raise AssertionError(
                f"{watched.where(index)}: a {body.get('status')} job should not have"
                f" {', '.join(present)} yet: {short(body)}"
            )
    return len(in_flight)


def check_identity(watched: Observation) -> None:
    """Same id and created_at on every poll; completion times fixed once set and after created_at."""
    submitted = json_object(watched.submit)
    first_created: Any = None
    times: dict[str, Any] = {}
    for index, body in enumerate(watched.bodies()):
        where = watched.where(index)
        if body.get("id") != watched.job_id:
            raise AssertionError(f"{where}: id {body.get('id')!r} differs from the job id {watched.job_id!r}")
        created = parse_time(body.get("created_at"), "created_at")
        if first_created is None:
            first_created = created
            at_submit = (
                None
                if is_absent(submitted, "created_at")
                else parse_time(submitted["created_at"], "created_at on submit")
            )
            if at_submit and abs((created - at_submit).total_seconds()) > CREATED_AT_TOLERANCE:
                raise AssertionError(
                    f"{where}: created_at {body['created_at']} differs from"
                    f" {submitted['created_at']} on submit"
                )
        elif created != first_created:
            raise AssertionError(f"{where}: created_at changed to {body['created_at']} since the first poll")
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


def check_status_order(watched: Observation) -> None:
    """pending → processing → completed/failed: never back, and a terminal status never changes."""
    best, final = -1, None
    for index, body in enumerate(watched.bodies()):
        status = body.get("status")
        if status not in RANK:
            raise AssertionError(f"{watched.where(index)}: unknown job status {status!r}")
        if RANK[status] < best or final not in (None, status):
            raise AssertionError(
                f"{watched.where(index)}: status went back to {status!r}"
                f" after {' → '.join(watched.statuses())}"
            )
        best = max(best, RANK[status])
        final = status if status in TERMINAL else final


def check_terminal_repeats(watched: Observation) -> None:
    """Every poll after the job ended answers the same HTTP status and envelope (request_id aside)."""
    polls = watched.terminal_polls()
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


def check_json_content_type(watched: Observation) -> None:
    """The submit answer and every poll say Content-Type: application/json."""
    answers = [("submit", watched.submit), *((watched.where(i), p) for i, p in enumerate(watched.polls))]
    for where, answer in answers:
        if not is_json(content_type(answer)):
            raise AssertionError(
                f"{where}: Content-Type is {content_type(answer)!r}, expected application/json"
            )
