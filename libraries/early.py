"""Jobs started early, so that the waits of a process overlap: a suite setup runs the start keyword of
every selected test whose behaviour keyword the registry (``&{STARTED EARLY}``, resources/early.resource)
names, then follows the jobs to their end; each test takes what its start returned (``Started Early Or
Now``), or starts now when nothing was started for it (run alone, preconditions that skip it)."""

from __future__ import annotations

import time
from typing import Any, cast

from robot.api import SkipExecution, logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn

from libraries.core import Core, Job


def normalize(name: str) -> str:  # as Robot matches keyword names
    return name.lower().replace(" ", "").replace("_", "")


class EarlyKeywords(Core):
    def __init__(self) -> None:
        super().__init__()
        self.top: Any = None  # the top suite as selected for this process: its tests and their steps
        self.started: dict[tuple[str, str], tuple[list[Any], Any, BaseException | None]] = {}

    def start_suite(self, data: Any, result: object) -> None:  # listener
        self.top = self.top or data

    @keyword("Jobs To Start Early")
    def jobs_to_start_early(self, registry: dict[str, str]) -> list[list[Any]]:
        """``[test, start keyword, *arguments]`` of the tests of this suite (and of child suites without a
        setup of their own) whose behaviour keyword is in ``registry`` and whose preconditions hold, in
        the registry's order (a start that waits goes last: the others' jobs are already out)."""
        order = {normalize(name): index for index, name in enumerate(registry)}
        starts = {normalize(name): start for name, start in registry.items()}
        here = str(BuiltIn().get_variable_value("${SUITE NAME}"))
        suites, found = [self.top], []
        while suites[-1].full_name != here:  # this suite, depth first
            suites += suites.pop().suites
        suites = suites[-1:]
        while suites:
            suite = suites.pop()
            suites += [child for child in suite.suites if not child.setup.name]
            for test in suite.tests:
                steps = [s for s in test.body if normalize(getattr(s, "name", "") or "") in starts]
                if steps and cast(Any, self).precondition_skip({str(t).lower() for t in test.tags}) is None:
                    name = normalize(steps[0].name)
                    found.append((order[name], [test.full_name, starts[name], *steps[0].args]))
        return [start for _, start in sorted(found, key=lambda pair: pair[0])]

    @keyword("Start Job Early")
    def start_job_early(self, test: str, start: str, *arguments: str) -> None:
        """Runs ``start`` for ``test`` now and keeps what it returned or how it failed, for the test."""
        first = len(self.exchanges)
        try:
            value, error = BuiltIn().run_keyword(start, *arguments), None
        except Exception as err:  # raised again in the test it belongs to
            value, error = None, err
        self.started[(test, normalize(start))] = (self.exchanges[first:], value, error)

    @keyword("Follow The Jobs Started Early")
    def follow_the_jobs_started_early(self) -> None:
        """Waits until every job started early is terminal (one BIFROST_POLL_TIMEOUT for all), so that
        each is seen ending at once; a wait's failure is raised by its test's own wait."""
        deadline = time.monotonic() + self.config.poll_timeout
        for _, value, _ in list(self.started.values()):
            for job in value if isinstance(value, list) else [value]:
                if isinstance(job, Job) and job.id and job.terminal is None and time.monotonic() < deadline:
                    try:
                        cast(Any, self).wait_until_job_is_terminal(job)  # jobs.py
                    except Exception as err:  # the test's own wait raises it
                        job.failure = err

    @keyword("Started Early Or Now")
    def started_early_or_now(self, start: str, *arguments: Any) -> Any:
        """What ``start`` returned for this test in the suite setup (its failure raised here), or run now."""
        names = BuiltIn().get_variable_value("${SUITE NAME}"), BuiltIn().get_variable_value("${TEST NAME}")
        record = self.started.pop((".".join(names), normalize(start)), None)
        if record is None:
            return BuiltIn().run_keyword(start, *arguments)
        exchanges, value, error = record
        self.exchanges[:0] = exchanges
        logger.info(f"{start}: started early, in the suite setup")
        if error is not None:
            message = self.masker(f"{start} (started early, in the suite setup): {error}")
            raise SkipExecution(message) if getattr(error, "skip", False) else self.fail(message)
        return value
