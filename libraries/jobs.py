"""Job keywords: the requests a resource keyword sends with `Send Request` (resources/http.resource, over
RequestsLibrary), job handles made of the answers, and the waits, which poll on the same session from
Python and log one journey line per job (each poll at DEBUG only)."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from functools import partial
from typing import Any

from requests import Response
from robot.api import logger
from robot.api.deco import keyword

from libraries import endpoints, polling
from libraries.core import Core, Job, Request, answered, json_or_none, label, received_at, snippet
from libraries.polling import Batch, Journey

TTL_HEADER = "x-bf-async-job-result-ttl"
EXPIRY_MARGIN = 10.0  # seconds past the TTL before a still-served job counts as not expired (upstream's)
EXPIRY_POLL = 0.25
# The expiry edge: the gateway stamps completion before the suite sees it, so on the suite's clock
# the job has expired by "seen terminal + TTL"; the margin covers timestamp rounding.
EXPIRY_EDGE_MARGIN = 2.0
BATCH_WORKERS = 50


class JobKeywords(Core):
    # ------------------------------------------------------------------ requests
    def _headers(self, key: str, key_format: str, extra: dict[str, Any]) -> dict[str, str]:
        """The key's headers, then `extra` (those given as None left out)."""
        given = {str(name): str(value) for name, value in extra.items() if value is not None}
        return {**self.key_headers(key, key_format), **given}

    def _send(self, request: Request, what: str) -> Response:
        return self.send(request.method, request.path, what, **request.arguments)

    @keyword("Submit Request")
    def submit_request(
        self,
        endpoint: str,
        key: str = "default",
        key_format: str = "x-bf-vk",
        variant: str = "default",
        model: str | None = None,
        ttl: str | None = None,
        request_id: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> Request:
        """The submit of ``endpoint``'s fixture or a ``variant``, with ``key`` (a role) in ``key_format``."""
        target = endpoints.endpoint(endpoint)
        arguments = endpoints.request_arguments(endpoints.payload(target.name, variant, self.config, model))
        extra = {TTL_HEADER: ttl, "x-request-id": request_id, **(headers or {})}
        arguments["headers"] = {**arguments.get("headers", {}), **self._headers(key, key_format, extra)}
        chosen = model or self.config.model(target.name)
        return Request("POST", target.path, arguments, target.name, self.role(key), key_format, model=chosen)

    def _job(self, request: Request, answer: Response | BaseException) -> Job:
        """The handle of the job a submit or create made (``id`` None if the answer has none)."""
        endpoint = request.endpoint or "responses"
        job = Job(endpoint, None, request.key, request.key_format, route=request.route, model=request.model)
        if isinstance(answer, Response):
            body = json_or_none(answer)
            job_id = body.get("id") if isinstance(body, dict) else None
            job.id = job_id if isinstance(job_id, str) and job_id else None
            job.response, job.sent_at = answer, received_at(answer) - answer.elapsed.total_seconds()
            if job.id and 200 <= answer.status_code < 300:
                self.timings.append((job.endpoint, "submit", answer.elapsed.total_seconds()))
        return job

    @keyword("Job From Answer")
    def job_from_answer(self, request: Request, response: Response) -> Job:
        """A job handle from a submit or an integration create and its answer; ``id`` None if it has none."""
        job = self._job(request, response)
        logger.info(f"{answered(response)}: {job}")
        return job

    @keyword("Job With Id")
    def job_with_id(self, endpoint: str, job_id: str) -> Job:
        """A handle for a job id the suite did not submit (an unknown, odd or foreign id)."""
        return Job(endpoints.endpoint(endpoint).name, job_id)

    @keyword("Poll Request")
    def poll_request(
        self,
        job: Job,
        key: str | None = None,
        key_format: str | None = None,
        endpoint: str | None = None,
    ) -> Request:
        """One poll of ``job`` with its own key or ``key``, on its endpoint's path or ``endpoint``'s."""
        target = endpoints.endpoint(endpoint or job.endpoint)
        role = job.key if key is None else key
        fmt = job.key_format if key_format is None else key_format
        arguments = {"headers": self._headers(role, fmt, {})}
        return Request("GET", target.poll_path(str(job.id)), arguments, target.name, self.role(role), fmt)

    def _route(self, route: str) -> tuple[str, str]:
        """(path, default model) of an integration route by name."""
        cfg = self.config
        # The chat route next to the Responses route under test: the same integration prefix.
        prefix = cfg.integration_path.removesuffix("/v1/responses")
        routes = {
            "responses": (cfg.integration_path, cfg.integration_model),
            "anthropic": (cfg.anthropic_path, cfg.anthropic_model),
            "openai-chat": (
                f"{prefix if prefix != cfg.integration_path else '/openai'}/v1/chat/completions",
                cfg.model("chat-completions"),
            ),
        }
        if route not in routes:
            raise ValueError(f"unknown integration route {route!r}; use {', '.join(routes)}")
        return routes[route]

    @keyword("Integration Create Request")
    def integration_create_request(
        self,
        key: str = "default",
        route: str = "responses",
        stream: bool = False,
        model: str | None = None,
        ttl: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> Request:
        """A create with ``x-bf-async: true`` on the ``responses``, ``anthropic`` or ``openai-chat`` route."""
        path, default_model = self._route(route)
        chosen = model or default_model
        body: dict[str, Any] | None
        if route == "anthropic":
            body = endpoints.anthropic_body(chosen, stream)
        elif route == "openai-chat":
            body = endpoints.payload("chat-completions", "default", self.config, chosen).json
        else:
            body = endpoints.payload("responses", "stream" if stream else "default", self.config, chosen).json
        extra = {"x-bf-async": "true", TTL_HEADER: ttl, **(headers or {})}
        arguments = {"json": body, "headers": self._headers(key, "x-bf-vk", extra)}
        return Request("POST", path, arguments, "responses", self.role(key), route=route, model=chosen)

    @keyword("Integration Retrieve Request")
    def integration_retrieve_request(
        self, job: Job, key: str | None = None, route: str | None = None
    ) -> Request:
        """``{}`` with ``x-bf-async-id: <job id>`` on the job's integration route (or ``route``)."""
        chosen = route or job.route or "responses"
        role = job.key if key is None else key
        arguments = {"json": {}, "headers": self._headers(role, "x-bf-vk", {"x-bf-async-id": str(job.id)})}
        return Request("POST", self._route(chosen)[0], arguments, "responses", self.role(role), route=chosen)

    # ------------------------------------------------------------------ waits
    def _poll(self, job: Job, what: str) -> Response:
        return self._send(self.poll_request(job), what)

    @keyword("Wait Until Job Is Terminal")
    def wait_until_job_is_terminal(self, job: Job) -> dict[str, Any]:
        """Polls until the job is completed or failed (in flight: 202 only); returns its envelope."""
        if job.id is None:
            answer = answered(job.response) if job.response is not None else "no answer"
            raise self.fail(f"no job to wait for: {answer} without a job id")
        if job.failure is not None:
            raise job.failure
        if job.terminal is not None:
            return job.envelope
        journey = Journey(job.id, job.endpoint, job.response, started=job.sent_at or None)
        result, last = self.check(
            polling.wait_until_terminal,
            partial(self._poll, job, f"while waiting for {journey.what}"),
            journey,
            timeout=self.config.poll_timeout,
            interval=self.config.poll_interval,
            expected=self.shortest.get((job.endpoint, job.model)),
        )
        job.terminal, job.seen_terminal_at, job.envelope = last, received_at(last), result
        if job.sent_at:
            took, kind = job.seen_terminal_at - job.sent_at, (job.endpoint, job.model)
            self.timings.append((job.endpoint, "terminal", took))
            self.shortest[kind] = min(took, self.shortest.get(kind, took))
        logger.info(f"Job {job.id} ({job.endpoint}): {journey.line()}")
        return job.envelope

    def _wait_for_expiry(
        self, job: Job, ttl: int, margin: float, integration: bool = False, after: float = 0
    ) -> None:
        """Polls (or retrieves) the job from `after` s after it was seen terminal until it is gone (404, or a
        4xx on its route): at most `ttl` + `margin` s after, and 200 until then."""
        self.wait_until_job_is_terminal(job)
        request = self.integration_retrieve_request(job) if integration else self.poll_request(job)
        gone = "4xx" if integration else "404"
        seen = float(job.seen_terminal_at or time.monotonic())
        time.sleep(max(0.0, seen + after - time.monotonic()))
        for polls in itertools.count(1):
            response = self._send(request, f"job {job.id} expiry")
            since, status = received_at(response) - seen, response.status_code
            after_end = f"{since:.1f} s after the job was seen terminal"
            if status == 404 or (integration and 400 <= status < 500):
                logger.info(f"Job {job.id} answered {status} {after_end} (TTL {ttl} s, {polls} polls)")
                return
            if status != 200:
                raise self.fail(
                    f"{answered(response)} {after_end}, expected 200 or {gone}: {snippet(response)}"
                )
            if time.monotonic() >= seen + ttl + margin:
                late = f"{label(response)} still answers 200 {after_end}"
                raise self.fail(f"{late}, expected {gone} (TTL {ttl} s + {margin:g} s margin)")
            time.sleep(EXPIRY_POLL)

    @keyword("Wait Until Job Has Expired")
    def wait_until_job_has_expired(self, job: Job, ttl: int) -> None:
        """Polls the finished job every 250 ms until it answers 404, at most ``ttl`` + 10 s after it ended."""
        self._wait_for_expiry(job, int(ttl), EXPIRY_MARGIN)

    @keyword("Job Should Be Gone Once Its TTL Has Passed")
    def job_should_be_gone_once_its_ttl_has_passed(self, job: Job, ttl: int) -> None:
        """From ``ttl`` s after the suite saw the job end, polls answer 404; fails if served 2 s later."""
        self._wait_for_expiry(job, int(ttl), EXPIRY_EDGE_MARGIN, after=float(ttl))

    @keyword("Wait Until Integration Job Has Expired")
    def wait_until_integration_job_has_expired(self, job: Job, ttl: int) -> None:
        """Retrieves the job on its integration route until it answers a 4xx, at most ``ttl`` + 10 s after."""
        self._wait_for_expiry(job, int(ttl), EXPIRY_MARGIN, integration=True)

    @keyword("Observe Job Until Terminal")
    def observe_job_until_terminal(self, job: Job) -> Journey:
        """Polls the job until it is terminal and three times more, judging nothing; returns every poll."""
        if job.id is None or job.response is None:
            raise self.fail(f"no job to watch: {job}")
        watched = Journey(job.id, submit=job.response)
        self.check(
            polling.wait_until_terminal,
            partial(self._poll, job, f"while watching job {job.id}"),
            watched,
            timeout=self.config.poll_timeout,
            interval=self.config.poll_interval,
            judge=False,
            after_terminal=polling.AFTER_TERMINAL_POLLS,
        )
        logger.info(
            f"Job {job.id} ({job.endpoint}): {' → '.join(watched.statuses())} over {len(watched.polls)} polls"
        )
        return watched

    # ------------------------------------------------------------------ many jobs at once
    def _fail_with(self, problems: list[str], what: str) -> None:
        if problems:
            raise self.fail(f"{len(problems)} {what}:\n" + "\n".join(problems[:20]))

    @keyword("Submit Jobs All At Once")
    def submit_jobs_all_at_once(self, count: int, key: str = "default") -> Batch:
        """Submits ``count`` jobs at once over the endpoints; each must get 202 and a job id of its own."""
        names = polling.spread(list(self.config.endpoints), int(count))
        ids = polling.request_ids(len(names))
        prepared = [self.submit_request(n, key=key, request_id=r) for n, r in zip(names, ids, strict=True)]
        started = time.monotonic()
        answers = polling.all_at_once(
            [partial(self._send, r, f"submit of {r.endpoint}") for r in prepared], BATCH_WORKERS
        )
        elapsed = time.monotonic() - started
        jobs = Batch([self._job(request, answer) for request, answer in zip(prepared, answers, strict=True)])
        logger.info(f"{len(jobs.jobs)} submits sent at once, answered within {elapsed:.2f} s: {jobs!r}")
        self._fail_with(
            polling.submit_problems(jobs.jobs, answers), f"of {len(jobs.jobs)} submits went wrong"
        )
        return jobs

    @keyword("Wait Until Every Job Is Terminal")
    def wait_until_every_job_is_terminal(self, jobs: Batch) -> None:
        """Polls the batch's jobs in rounds (each all at once) until all are terminal; in flight, 202 only."""
        started = time.monotonic()
        problems, polls = polling.poll_until_terminal(
            jobs.jobs,
            lambda job: self._poll(job, f"poll of job {job.id}"),
            timeout=self.config.poll_timeout,
            interval=self.config.poll_interval,
            workers=BATCH_WORKERS,
        )
        finished = [job for job in jobs.jobs if job.seen_terminal_at is not None]
        self.timings += [
            (job.endpoint, "terminal", (job.seen_terminal_at or 0) - job.sent_at) for job in finished
        ]
        outcomes = Counter(str(job.envelope.get("status", "not terminal")) for job in jobs.jobs if job.id)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
        logger.info(
            f"{len(jobs.jobs)} jobs: {summary} after {time.monotonic() - started:.2f} s ({polls} polls)"
        )
        self._fail_with([problem for _, problem in problems], "problems while waiting")

    @keyword("Every Poll Should Return Its Own Job")
    def every_poll_should_return_its_own_job(self, jobs: Batch) -> None:
        """Polls every job of the batch once more, all at once: each answer is that job, 200 and terminal."""
        ready = [job for job in jobs.jobs if job.id is not None]
        answers = polling.all_at_once(
            [partial(self._poll, job, f"poll of job {job.id}") for job in ready], BATCH_WORKERS
        )
        problems = [
            p for job, a in zip(ready, answers, strict=True) if (p := polling.own_job_problem(job, a))
        ]
        self._fail_with(problems, f"of {len(ready)} polls did not return their own job")
        logger.info(f"{len(ready)} polls at once, each returned its own job")
