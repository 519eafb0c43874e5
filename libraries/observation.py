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

from libraries import envelope
from libraries.core import GatewayError, json_object, json_or_none, label
from libraries.polling import delays

AFTER_TERMINAL_POLLS = 3
AFTER_TERMINAL_GAP = 0.05  # seconds between the extra polls of a finished job
RANK = {"pending": 0, "processing": 1, "completed": 2, "failed": 2}
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
        seen: list[str] = []
        for poll in self.polls:
            body = json_or_none(poll)
            status = str(body.get("status")) if isinstance(body, dict) else f"HTTP {poll.status_code}"
            if not seen or seen[-1] != status:
                seen.append(status)
        return seen

    def first_terminal(self) -> int:
        for index, body in enumerate(self.bodies()):
            if body.get("status") in envelope.TERMINAL:
                return index
        raise AssertionError(f"job {self.job_id} was never seen terminal: {' → '.join(self.statuses())}")

    def in_flight_polls(self) -> list[Response]:
        return self.polls[: self.first_terminal()]

    def terminal_polls(self) -> list[Response]:
        return self.polls[self.first_terminal() :]


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
    observation = Observation(job_id, submit)
    deadline = clock() + timeout
    next_delay = delays(interval)
    extra = -1  # polls left after the first terminal one; -1 until then
    while extra != 0:
        sleep(AFTER_TERMINAL_GAP if extra > 0 else max(0.0, min(next_delay(), deadline - clock())))
        exchange = poll()
        observation.polls.append(exchange)
        status = json_object(exchange).get("status")
        if extra > 0:
            extra -= 1
        elif extra < 0 and status in envelope.TERMINAL:
            extra = after_terminal
        elif extra < 0 and clock() >= deadline:
            raise GatewayError(
                f"job {job_id} not terminal after {timeout:g} s: {' → '.join(observation.statuses())}"
            )
    return observation


def _where(observation: Observation, index: int) -> str:
    poll = observation.polls[index]
    return f"poll {index + 1} of {len(observation.polls)} ({label(poll)} → {poll.status_code})"


def check_in_flight(observation: Observation) -> int:
    """Every poll before the job ended answered 202, pending or processing, without terminal fields.

    Returns how many in-flight polls there were.
    """
    in_flight = observation.in_flight_polls()
    for index, poll in enumerate(in_flight):
        body = json_object(poll)
        where = _where(observation, index)
        if body.get("status") not in envelope.IN_FLIGHT:
            raise AssertionError(
                f"{where}: status should be pending or processing, got {body.get('status')!r}"
            )
        if poll.status_code != 202:
            raise AssertionError(
                f"{where}: a {body.get('status')} job should answer 202, not {poll.status_code}"
            )
        present = [name for name in TERMINAL_FIELDS if body.get(name) not in (None, "", 0)]
        if present:
            raise AssertionError(
                f"{where}: a {body.get('status')} job should not have {', '.join(present)} yet:"
                f" {envelope.describe(body)}"
            )
    return len(in_flight)


def check_identity(observation: Observation) -> None:
    """Same id and created_at on every poll; completion times fixed once set and after created_at."""
    submitted = json_object(observation.submit)
    first_created: Any = None
    times: dict[str, Any] = {}
    for index, body in enumerate(observation.bodies()):
        where = _where(observation, index)
        if body.get("id") != observation.job_id:
            raise AssertionError(
                f"{where}: id {body.get('id')!r} differs from the job id {observation.job_id!r}"
            )
        created = envelope.parse_time(body.get("created_at"), "created_at")
        if first_created is None:
            first_created = created
            if not envelope.is_absent(submitted, "created_at"):
                at_submit = envelope.parse_time(submitted["created_at"], "created_at on submit")
                if abs((created - at_submit).total_seconds()) > CREATED_AT_TOLERANCE:
                    raise AssertionError(
                        f"{where}: created_at {body['created_at']} differs from {submitted['created_at']}"
                        " on submit"
                    )
        elif created != first_created:
            raise AssertionError(f"{where}: created_at changed to {body['created_at']} since the first poll")
        for name in ("completed_at", "expires_at"):
            if envelope.is_absent(body, name):
                continue
            value = envelope.parse_time(body[name], name)
            if name in times and value != times[name]:
                raise AssertionError(f"{where}: {name} changed to {body[name]} after it was set")
            times[name] = value
            if value < created:
                raise AssertionError(
                    f"{where}: {name} {body[name]} is before created_at {body['created_at']}"
                )


def check_status_order(observation: Observation) -> None:
    """pending → processing → completed/failed: never back, and a terminal status never changes."""
    best = -1
    final: str | None = None
    for index, body in enumerate(observation.bodies()):
        status = body.get("status")
        if status not in RANK:
            raise AssertionError(f"{_where(observation, index)}: unknown job status {status!r}")
        if RANK[status] < best or (final is not None and status != final):
            raise AssertionError(
                f"{_where(observation, index)}: status went back to {status!r} after"
                f" {' → '.join(observation.statuses())}"
            )
        best = max(best, RANK[status])
        if status in envelope.TERMINAL:
            final = str(status)


def check_terminal_repeats(observation: Observation) -> None:
    """Every poll after the job ended answers the same HTTP status and the same envelope
    (request_id aside)."""
    polls = observation.terminal_polls()
    if len(polls) < 2:
        raise AssertionError(f"job {observation.job_id}: only {len(polls)} poll after it ended; need two")
    offset = len(observation.polls) - len(polls)
    first = _without_per_request_fields(json_object(polls[0]))
    for number, poll in enumerate(polls[1:], start=offset + 1):
        body = _without_per_request_fields(json_object(poll))
        if poll.status_code != polls[0].status_code or body != first:
            changed = sorted(k for k in set(first) | set(body) if first.get(k) != body.get(k))
            raise AssertionError(
                f"{_where(observation, number)}: differs from the first poll after the job ended"
                f" (HTTP {polls[0].status_code} → {poll.status_code};"
                f" fields changed: {', '.join(changed) or 'none'})"
            )


def _without_per_request_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name not in PER_REQUEST_FIELDS}


def is_json_content_type(content_type: str) -> bool:
    value = content_type.split(";", 1)[0].strip().lower()
    return value == "application/json" or value.endswith("+json")


def check_json_content_type(observation: Observation) -> None:
    """The submit answer and every poll say Content-Type: application/json."""
    for where, exchange in [("submit", observation.submit)] + [
        (_where(observation, i), poll) for i, poll in enumerate(observation.polls)
    ]:
        kind = exchange.headers.get("Content-Type", "")
        if not is_json_content_type(kind):
            raise AssertionError(f"{where}: Content-Type is {kind!r}, expected application/json")
