"""Adaptive polling of one job until it is terminal, with the journey kept for the log."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from requests import Response

from libraries.core import GatewayError, json_object, received_at
from libraries.envelope import TERMINAL, parse_time, poll_problem

FIRST_POLL = 0.05  # a fast gateway finishes most jobs within this
FLOOR = 0.02  # never poll faster than this, whatever the configured interval
# With an expected duration (the shortest earlier job of the same endpoint and model), the first
# poll comes at this share of it.
EXPECTED_SHARE = 0.85


def collapse(statuses: Iterable[str]) -> list[str]:
    """Statuses in the order seen, each run of repeats once: `pending → processing → completed`."""
    steps: list[str] = []
    for status in statuses:
        if not steps or steps[-1] != status:
            steps.append(status)
    return steps


@dataclass
class Journey:
    """What the polls saw: one entry per poll, summarised as `pending → completed`."""

    started: float
    polls: list[tuple[int | None, str]] = field(default_factory=list)
    finished: float = 0.0
    # Seconds between the job's completed_at (the gateway's clock) and the poll that saw it (this
    # machine's clock): how long polling overshot the end. Meaningful when the clocks agree.
    overshoot: float | None = None

    def statuses(self) -> list[str]:
        return collapse(status for _, status in self.polls)

    def line(self) -> str:
        steps = collapse(["pending", *self.statuses()])
        count = len(self.polls)
        seen = f", seen {self.overshoot:.2f} s after completed_at" if self.overshoot is not None else ""
        return (
            f"{' → '.join(steps)} in {self.finished - self.started:.2f} s"
            f" ({count} poll{'s' if count != 1 else ''}{seen})"
        )


def delays(interval: float, first: float = FIRST_POLL, floor: float = FLOOR) -> Callable[[], float]:
    """Successive waits before each poll: soon at first, doubling up to the poll interval."""
    ceiling = max(interval, floor)
    current = max(floor, min(first, ceiling))

    def next_delay() -> float:
        nonlocal current
        value, current = current, min(current * 2, ceiling)
        return value

    return next_delay


def wait_until_terminal(
    poll: Callable[[], Response],
    *,
    job: str,
    timeout: float,
    interval: float,
    started: float | None = None,
    expected: float | None = None,
    judge: bool = True,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict[str, Any], Response, Journey]:
    """Poll until completed/failed; with `judge`, fail at once on an in-flight answer other than 202 or
    an unknown status. A terminal envelope is returned whatever its HTTP status, which the caller asserts.
    """
    begin = clock() if started is None else started
    journey = Journey(started=begin)
    deadline = clock() + timeout
    next_delay = delays(interval)
    # A job like the earlier ones of its kind is first polled just before it should be done, then
    # the polls come fast again: few requests, and little time between the end and the poll that sees it.
    first = max(FLOOR, begin + EXPECTED_SHARE * expected - clock()) if expected else None
    while True:
        wait = first if first is not None else next_delay()
        first = None
        sleep(max(0.0, min(wait, deadline - clock())))
        exchange = poll()
        envelope = json_object(exchange)
        status = envelope.get("status")
        journey.polls.append((exchange.status_code, str(status)))
        journey.finished = received_at(exchange)
        if status in TERMINAL:
            journey.overshoot = _overshoot(envelope, exchange)
            return envelope, exchange, journey
        if judge and (problem := poll_problem(exchange, envelope)):
            raise GatewayError(f"while waiting for {job}: {problem}")
        if clock() >= deadline:
            raise GatewayError(
                f"{job} not terminal after {timeout:g} s (BIFROST_POLL_TIMEOUT): {journey.line()}"
            )


def _overshoot(envelope: dict[str, Any], response: Response) -> float | None:
    wall = getattr(response, "received_wall", None)
    try:
        return None if wall is None else float(wall) - parse_time(envelope.get("completed_at")).timestamp()
    except AssertionError:
        return None
