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

from libraries.core import Job
from libraries.jobs import JobKeywords
from libraries.run import RunKeywords


def normalize(name: str) -> str:  # as Robot matches keyword names
    return str(robot_normalize(name, ignore="_"))


class EarlyKeywords(RunKeywords, JobKeywords):
    """Builds on the run keywords (a test's preconditions) and the job keywords (the wait)."""

    top: Any = None  # the top suite as selected for this process: its tests and their steps

    def __init__(self) -> None:
        super().__init__()
        self.started: dict[tuple[str, str], tuple[list[Any], Any, BaseException | None]] = {}

    def start_suite(self, data: Any, result: object) -> None:  # listener
        self.top = self.top or data

    def _starts_here(self, test: Any) -> bool:
        try:
            self.check_test_preconditions({str(t).lower() for t in test.tags})
        except Exception:  # a skip, or a declared capability missing: the test itself says so
            return False
        return True

    @keyword("Jobs To Start Early")
    def jobs_to_start_early(self, registry: dict[str, str]) -> list[list[Any]]:
        """``[test, start keyword, *arguments]`` of the tests of this suite (and of child suites without a
        setup of their own) whose behaviour keyword is in ``registry`` and whose preconditions hold, in
        the registry's order (a start that waits goes last: the others' jobs are already out)."""
        order = {normalize(name): (index, start) for index, (name, start) in enumerate(registry.items())}
        here, suite, found = BuiltIn().get_variable_value("${SUITE NAME}"), self.top, []
        while suite.full_name != here:  # down the path to this suite (its siblings start their own)
            suite = next(c for c in suite.suites if here == c.full_name or here.startswith(c.full_name + "."))
        suites = [suite]
        while suites:
            suite = suites.pop()
            suites += [child for child in suite.suites if not child.setup.name]
            for test in filter(self._starts_here, suite.tests):
                for step in (s for s in test.body if normalize(getattr(s, "name", None) or "") in order):
                    index, start = order[normalize(step.name)]
                    found.append((index, [test.full_name, start, *step.args]))
                    break
        return [start for _, start in sorted(found, key=lambda pair: pair[0])]

    @keyword("Start Job Early")
    def start_job_early(self, test: str, start: str, *arguments: str) -> None:
        """Runs ``start`` for ``test`` now and keeps what it returned or how it failed, for the test."""
        first, value, error = len(self.exchanges), None, None
        try:
            value = BuiltIn().run_keyword(start, *arguments)
        except Exception as err:  # raised again in the test it belongs to
            error = err
        self.started[(test, normalize(start))] = (self.exchanges[first:], value, error)

    @keyword("Follow The Jobs Started Early")
    def follow_the_jobs_started_early(self) -> None:
        """Waits until every job started early is terminal (one BIFROST_POLL_TIMEOUT for all), so that
        each is seen ending at once; a wait's failure is raised by its test's own wait."""
        deadline = time.monotonic() + self.config.poll_timeout
        for exchanges, value, _ in self.started.values():
            for job in value if isinstance(value, list) else [value]:
                if isinstance(job, Job) and job.id and job.terminal is None and time.monotonic() < deadline:
                    first = len(self.exchanges)
                    try:
                        self.wait_until_job_is_terminal(job)
                    except Exception as err:  # the test's own wait raises it
                        job.failure = err
                    exchanges += self.exchanges[first:]  # the test's replay has these polls too

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
