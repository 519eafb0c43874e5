"""Jobs started early, so that the waits of a process overlap: a suite setup runs the start keyword of
every selected test whose behaviour keyword the registry (``&{STARTED EARLY}``, resources/early.resource)
names, then follows the jobs to their end; each test takes what its start returned (``Started Early Or
Now``), or starts now when nothing was started for it (run alone, preconditions that skip it)."""

from __future__ import annotations

import time
from typing import Any

from robot.api import SkipExecution, logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn
from robot.utils import normalize as robot_normalize

from libraries import polling
from libraries.core import Job
from libraries.jobs import BATCH_WORKERS, JobKeywords
from libraries.run import RunKeywords


def normalize(name: str) -> str:  # as Robot matches keyword names
    return str(robot_normalize(name, ignore="_"))


def _below(suite: Any, setup: str) -> Any:
    """The suites below ``suite`` whose setup keyword is ``setup`` (normalized)."""
    for child in suite.suites:
        if normalize(child.setup.name or "") == setup:
            yield child
        else:
            yield from _below(child, setup)


def _unfinished(job: object) -> bool:
    """A job started early that nobody has seen end or fail yet."""
    return isinstance(job, Job) and bool(job.id) and job.terminal is None and job.failure is None


class EarlyKeywords(RunKeywords, JobKeywords):
    """Builds on the run keywords (a test's preconditions) and the job keywords (the wait)."""

    top: Any = None  # the top suite as selected for this process: its tests and their steps

    def __init__(self) -> None:
        super().__init__()
        self.started: dict[tuple[str, str], tuple[list[Any], Any, BaseException | None]] = {}
        self.webhooks_for_the_process = False  # the top setup prepared the webhooks for every suite
        self.last_round = 0.0  # monotonic time of the last round of polls of the jobs started early

    def start_suite(self, data: Any, result: object) -> None:  # listener
        self.top = self.top or data

    def _starts_here(self, test: Any) -> bool:
        try:
            self.check_test_preconditions({str(t).lower() for t in test.tags})
        except Exception:  # a skip, or a declared capability missing: the test itself says so
            return False
        return True

    @keyword("Jobs To Start Early")
    def jobs_to_start_early(self, registry: dict[str, str], within: str = "") -> list[list[Any]]:
        """``[test, start keyword, *arguments]`` of the tests of this suite (and of child suites without a
        setup of their own) whose behaviour keyword is in ``registry``, whose preconditions hold and whose
        job is not started yet, in the registry's order (a start that waits goes last: the others' jobs
        are already out). With ``within`` (a suite setup's keyword), the tests of the suites below this
        one whose setup is that keyword instead: the top setup starts their jobs with its own."""
        order = {normalize(name): (index, start) for index, (name, start) in enumerate(registry.items())}
        here, suite, found = BuiltIn().get_variable_value("${SUITE NAME}"), self.top, []
        while suite.full_name != here:  # down the path to this suite (its siblings start their own)
            suite = next(c for c in suite.suites if here == c.full_name or here.startswith(c.full_name + "."))
        suites = [suite] if not within else list(_below(suite, normalize(within)))
        while suites:
            suite = suites.pop()
            suites += [child for child in suite.suites if not child.setup.name]
            for test in filter(self._starts_here, suite.tests):
                for step in (s for s in test.body if normalize(getattr(s, "name", None) or "") in order):
                    index, start = order[normalize(step.name)]
                    if (test.full_name, normalize(start)) not in self.started:
                        found.append((index, [test.full_name, start, *step.args]))
                    break
        return [start for _, start in sorted(found, key=lambda pair: pair[0])]

    @keyword("Start Webhook Jobs Early")
    def start_webhook_jobs_early(self, registry: dict[str, str], setup: str, prepare: str) -> None:
        """Starts the jobs of the selected tests of the suites below this one whose setup is ``setup`` (the
        webhook suites), after ``prepare`` (the webhook API check and the receiver) passed; then the
        receiver and the endpoints serve the whole process (``Webhooks Belong To This Suite``), and their
        waits run while the process's other tests do. When ``prepare`` fails or skips, nothing is started:
        each webhook suite's own setup then says why."""
        if not (starts := self.jobs_to_start_early(registry, within=setup)):
            return
        try:
            BuiltIn().run_keyword(prepare)
        except Exception as err:  # each webhook suite's setup runs the same check and reports it
            logger.info(f"webhook jobs not started early: {self.masker(str(err))}")
            return
        self.webhooks_for_the_process = True
        for start in starts:
            self.start_job_early(*start)

    @keyword("Webhooks Belong To This Suite")
    def webhooks_belong_to_this_suite(self) -> bool:
        """Whether this suite prepares the webhooks (API check, receiver) and cleans them up (endpoints,
        receiver): a webhook suite, unless the top setup prepared them for the whole process; then the top
        suite."""
        top = self.top is not None and BuiltIn().get_variable_value("${SUITE NAME}") == self.top.full_name
        return top == self.webhooks_for_the_process

    @keyword("Start Job Early")
    def start_job_early(self, test: str, start: str, *arguments: str) -> None:
        """Runs ``start`` for ``test`` now and keeps what it returned or how it failed, for the test. Once
        ``BIFROST_POLL_INTERVAL`` has passed since the last round of polls (starts that wait, or many
        starts on a slow gateway), each job started so far is polled once, so that a job which ended
        meanwhile is seen ending before its TTL runs out."""
        first, value, error = len(self.exchanges), None, None
        self.last_round = self.last_round or time.monotonic()
        try:
            value = BuiltIn().run_keyword(start, *arguments)
        except Exception as err:  # raised again in the test it belongs to
            error = err
        self.started[(test, normalize(start))] = (self.exchanges[first:], value, error)
        if time.monotonic() - self.last_round > self.config.poll_interval:
            self._follow(timeout=0, late=False)

    @keyword("Follow The Jobs Started Early")
    def follow_the_jobs_started_early(self) -> None:
        """Polls every job started early in rounds, all at once, until each is terminal (one
        BIFROST_POLL_TIMEOUT for all), so that each is seen ending as it ends, however many there are:
        a job with a short TTL is seen before it expires. A job's problem (an in-flight answer other than
        202, no end in time) is raised by its test's own wait."""
        self._follow(timeout=self.config.poll_timeout, late=True)

    def _follow(self, timeout: float, late: bool) -> None:
        self.last_round = time.monotonic()
        records = [
            (exchanges, job)
            for exchanges, value, _ in self.started.values()
            for job in (value if isinstance(value, list) else [value])
            if _unfinished(job)
        ]
        if not records:
            return
        first, started = len(self.exchanges), time.monotonic()
        problems, polls = polling.poll_until_terminal(
            [job for _, job in records],
            lambda job: self._poll(job, f"while waiting for job {job.id} ({job.endpoint})"),
            timeout=timeout,
            interval=self.config.poll_interval,
            workers=BATCH_WORKERS,
            late=late,
        )
        for job, problem in problems:
            what = f"job {job.id} ({job.endpoint})"
            job.failure = self.fail(
                problem if problem.startswith(what) else f"while waiting for {what}: {problem}"
            )
        polled = self.exchanges[first:]
        for exchanges, job in records:  # the test's replay has its job's polls too
            exchanges += [e for e in polled if str(job.id) in str(e.request.url)]
            if job.seen_terminal_at is not None and job.sent_at:
                self.timings.append((job.endpoint, "terminal", job.seen_terminal_at - job.sent_at))
        ended = sum(job.seen_terminal_at is not None for _, job in records)
        logger.info(
            f"{ended} of {len(records)} jobs started early seen terminal after"
            f" {time.monotonic() - started:.2f} s ({polls} polls, {len(problems)} problems)"
        )

    @keyword("Started Early Or Now")
    def started_early_or_now(self, start: str, *arguments: Any) -> Any:
        """What ``start`` returned for this test in the suite setup (its failure raised here), or run now."""
        names = BuiltIn().get_variable_value("${SUITE NAME}"), BuiltIn().get_variable_value("${TEST NAME}")
        if (record := self.started.pop((".".join(names), normalize(start)), None)) is None:
            return BuiltIn().run_keyword(start, *arguments)
        exchanges, value, error = record
        self.exchanges[:0] = exchanges
        logger.info(f"{start}: started early, in the suite setup")
        if error is not None:
            message = self.masker(f"{start} (started early, in the suite setup): {error}")
            raise SkipExecution(message) if getattr(error, "skip", False) else self.fail(message)
        return value
