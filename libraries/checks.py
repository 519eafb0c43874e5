"""Check keywords, which send nothing: "Response ..." checks take a response or a job (its submit answer);
finished-job checks a job after `Wait Until Job Is Terminal`; watched-job checks what it observed.
Checks that only compare a field or two are resource keywords (resources/*.resource), reading bodies
with `Answer Body`.
"""

from __future__ import annotations

import statistics
from typing import Any

from requests import Response
from robot.api import logger
from robot.api.deco import keyword

from libraries import endpoints, envelope, polling
from libraries.core import (
    Core,
    Job,
    answered,
    content_type,
    is_json,
    json_object,
    json_or_none,
    label,
    short,
    snippet,
)
from libraries.polling import Journey


def _answer(value: Job | Response) -> Response:
    response = value.response if isinstance(value, Job) else value
    if not isinstance(response, Response):
        raise AssertionError(f"{value} has no answer to check")
    return response


def _status_is(status: int, expected: object) -> bool:
    """Whether an HTTP status is `expected`: a number, or a class such as ``4xx``."""
    text = str(expected).strip().lower()
    if text.endswith("xx") and text[:1].isdigit():
        return status // 100 == int(text[0])
    return text.isdigit() and status == int(text)


def _failing_status(code: object, wanted: int | None, what: str) -> None:
    """A failed job's status_code: ASYNC_FAILING_STATUS when set, else any 4xx or 5xx."""
    if wanted is not None and code != wanted:
        raise AssertionError(f"{what} is {code!r}, expected {wanted} (ASYNC_FAILING_STATUS)")
    if not isinstance(code, int) or not 400 <= code <= 599:
        raise AssertionError(f"{what} is {code!r}, expected the provider's 4xx or 5xx")


NO_REQUEST_ID = "the gateway's job envelope has no request_id (older Bifrost builds)"


class CheckKeywords(Core):
    def _ended(self, job: Job, wanted: str = "", code: int | None = None) -> tuple[Response, dict[str, Any]]:
        """The finished job's terminal poll and envelope; fails unless it ended `wanted` (with `code`)."""
        if job.terminal is None:
            raise self.fail(f"{job} has not been waited for: use Wait Until Job Is Terminal first")
        result = job.envelope
        if wanted and (result.get("status") != wanted or code not in (None, result.get("status_code"))):
            expected = wanted if code is None else f"{wanted} with status_code {code}"
            ended = f"job {job.id} ended {result.get('status')!r} (status_code {result.get('status_code')!r})"
            raise self.fail(f"{label(job.terminal)}: {ended}, expected {expected}: {short(result)}")
        return job.terminal, result

    def _completed(self, job: Job) -> dict[str, Any]:
        """The completed job's envelope; skips, as upstream does, when the job did not complete."""
        status, code = (self._ended(job)[1].get(name) for name in ("status", "status_code"))
        if status != "completed":
            refused = job.key == "none" and code == 401  # an anonymous job on a gateway that enforces keys
            ended = f"the {job.endpoint} job ended {status!r} (status_code {code})"
            raise self.missing(
                "anonymous" if refused else "models", f"{ended}, so its result shape cannot be checked"
            )
        return job.envelope

    def _json_content_type(self, answer: Response) -> None:
        if not is_json(content_type(answer)):
            raise self.fail(f"{answered(answer)} with Content-Type {content_type(answer)!r}, not JSON")

    def _error_envelope(self, answer: Response) -> None:
        self.check(envelope.check_error_envelope, json_or_none(answer), label(answer))

    # ------------------------------------------------------------------ any answer
    @keyword("Answer Body")
    def answer_body(self, response: Job | Response) -> dict[str, Any]:
        """The JSON object of a response (or of a job's submit answer); fails naming what came instead."""
        body: dict[str, Any] = self.check(json_object, _answer(response))
        return body

    @keyword("Response Status Should Be")
    def response_status_should_be(self, response: Job | Response, *expected: str) -> None:
        """The status of a response (or of a job's submit answer) is one of ``expected``, e.g. ``4xx``."""
        answer = _answer(response)
        if not any(_status_is(answer.status_code, item) for item in expected):
            wanted = " or ".join(map(str, expected))
            raise self.fail(f"{answered(answer)}, expected {wanted}: {snippet(answer, 200)}")

    @keyword("Response Should Be An Error With Status")
    def response_should_be_an_error_with_status(self, response: Job | Response, *expected: str) -> None:
        """The status is one of ``expected`` and the body is Bifrost's error envelope with a message."""
        self.response_status_should_be(response, *expected)
        self._error_envelope(_answer(response))

    @keyword("Response Should Be Refused Without A Job")
    def response_should_be_refused_without_a_job(self, response: Job | Response, *expected: str) -> None:
        """The status is one of ``expected``, the body is an error envelope, and it names no job."""
        self.response_should_be_an_error_with_status(response, *expected)
        answer = _answer(response)
        body = json_object(answer)
        if body.get("id") or body.get("status") in envelope.RANK:
            raise self.fail(f"{answered(answer)}, expected an error, not a job envelope: {short(body)}")

    @keyword("Error Message Should Name")
    def error_message_should_name(self, response: Job | Response, field: str) -> None:
        """The error envelope's message names ``field`` (any letter case) and is not the stream message."""
        answer = _answer(response)
        self._error_envelope(answer)
        message = envelope.error_message(json_object(answer)) or ""
        if field.lower() not in message.lower():
            raise self.fail(f"{answered(answer)} with {message!r}, which does not name {field!r}")
        if field.lower() != "stream" and "stream" in message.lower():
            raise self.fail(f"{answered(answer)} with {message!r}: the stream check ran before validation")

    # ------------------------------------------------------------------ submit answers
    @keyword("Submit Answer Should Be 202 With A Pending Envelope")
    def submit_answer_should_be_202_with_a_pending_envelope(self, job: Job) -> None:
        """202 as JSON: a UUID-shaped id, ``pending``, a fresh created_at, no completed_at or expires_at."""
        answer = _answer(job)
        self.response_status_should_be(answer, "202")
        self._json_content_type(answer)
        self.check(envelope.check_pending_envelope, json_object(answer), label(answer))

    @keyword("Integration Create Should Answer 200 With A Job Id")
    def integration_create_should_answer_200_with_a_job_id(self, job: Job) -> None:
        """An async create answers 200 (not 202) with a UUID-shaped top-level ``id``."""
        self.response_status_should_be(job, "200")
        self.check(envelope.check_job_id, json_object(_answer(job)), label(_answer(job)))

    @keyword("Submit Answer Should Echo The Request Id")
    def submit_answer_should_echo_the_request_id(self, job: Job, request_id: str) -> None:
        """``request_id`` equals the ``x-request-id`` sent; skips when the envelope has no request_id."""
        self.response_status_should_be(job, "202")
        body = json_object(_answer(job))
        if "request_id" not in body:
            raise self.missing("request-id", NO_REQUEST_ID)
        if body["request_id"] != request_id:
            raise self.fail(f"{label(_answer(job))}: request_id {body['request_id']!r}, sent {request_id!r}")

    @keyword("Median Submit Time Should Be Within The Submit Budget")
    def median_submit_time_should_be_within_the_submit_budget(self, *jobs: Job) -> None:
        """The median time the submits took to answer is at most ``BIFROST_SUBMIT_BUDGET``."""
        seconds = sorted(_answer(job).elapsed.total_seconds() for job in jobs)
        median, budget = statistics.median(seconds), self.config.submit_budget
        shown = f"submits answered in {', '.join(f'{value:.2f} s' for value in seconds)}"
        if median > budget:
            raise self.fail(
                f"{shown}: the median {median:.2f} s is over BIFROST_SUBMIT_BUDGET ({budget:g} s)"
            )
        logger.info(f"{shown} (median {median:.2f} s, budget {budget:g} s)")

    @keyword("Request Ids Should Be Distinct")
    def request_ids_should_be_distinct(self, *jobs: Job) -> None:
        """Every submit answer has a non-empty ``request_id`` of its own; skips when envelopes have none."""
        bodies = [(job, json_object(_answer(job))) for job in jobs]
        if not any("request_id" in body for _, body in bodies):
            raise self.missing("request-id", NO_REQUEST_ID)
        seen: dict[str, Job] = {}
        for job, body in bodies:
            request_id = body.get("request_id")
            if not isinstance(request_id, str) or not request_id:
                raise self.fail(
                    f"{label(_answer(job))}: request_id is {request_id!r}, expected one of its own"
                )
            if request_id in seen:
                raise self.fail(f"{job} and {seen[request_id]} got the same request_id {request_id!r}")
            seen[request_id] = job
        logger.info(f"{len(seen)} jobs, {len(seen)} different request ids")

    # ------------------------------------------------------------------ polls and finished jobs
    @keyword("Poll Answer Should Match The Job State")
    def poll_answer_should_match_the_job_state(self, response: Response, job: Job | str) -> None:
        """The poll shows this job: 202 while ``pending`` or ``processing``, then 200."""
        job_id = job.id if isinstance(job, Job) else job
        body = json_object(response)
        if body.get("id") != job_id:
            raise self.fail(
                f"{answered(response)} with job {body.get('id')!r}, not {job_id!r}: {snippet(response)}"
            )
        if problem := envelope.poll_problem(response, body):
            raise self.fail(problem)

    @keyword("Terminal Envelope Should Be Consistent")
    def terminal_envelope_should_be_consistent(self, job: Job) -> None:
        """The terminal poll answered 200 as JSON: same id, completed_at < expires_at, a result or error."""
        last, result = self._ended(job)
        if last.status_code != 200:
            raise self.fail(f"{answered(last)} for a {result.get('status')} job, expected 200")
        self._json_content_type(last)
        self.check(envelope.check_terminal_envelope, result, job.id, label(last))

    @keyword("Job TTL Should Be")
    def job_ttl_should_be(self, job: Job, *expected: int, tolerance: float = 60) -> None:
        """``expires_at`` − ``completed_at`` is one of ``expected`` seconds, within ``tolerance``."""
        wanted = [int(e) for e in expected]
        ttl = self.check(envelope.check_ttl, self._ended(job)[1], wanted, float(tolerance), f"job {job.id}")
        logger.info(f"TTL {ttl:g} s")

    @keyword("Result Should Hold A Non-Empty List")
    def result_should_hold_a_non_empty_list(self, job: Job, field: str) -> None:
        """``result.<field>`` is a non-empty JSON array; skips (as upstream) unless the job completed."""
        self.check(envelope.non_empty_list, self._completed(job).get("result"), field, f"job {job.id}")

    @keyword("Completed Job Result Should Have The Endpoint Shape")
    def completed_job_result_should_have_the_endpoint_shape(self, job: Job) -> None:
        """The result holds what the endpoint returns; skips (as upstream) unless the job completed."""
        name = endpoints.endpoint(job.endpoint).name
        self.check(envelope.check_result_shape, name, self._completed(job), f"job {job.id} ({name})")
        logger.info(f"result has {envelope.SHAPES[name].description}")

    @keyword("Job Should Have ${outcome:Completed|Failed}")
    def job_should_have_ended(self, outcome: str, job: Job) -> None:
        """The finished job ended ``completed`` or ``failed`` (a job without a model may, on newer builds)."""
        self._ended(job, outcome.lower())

    @keyword("Job Should Have Failed With Status Code")
    def job_should_have_failed_with_status_code(self, job: Job, status_code: int) -> None:
        """The finished job ended ``failed`` with this ``status_code`` and an error."""
        last, result = self._ended(job, "failed", int(status_code))
        if result.get("error") is None:
            ended = f"job {job.id} ended 'failed' (status_code {status_code})"  # as _ended checked
            raise self.fail(f"{label(last)}: {ended} without an error: {short(result)}")

    @keyword("Failed Job Should Report The Provider Error")
    def failed_job_should_report_the_provider_error(self, job: Job) -> None:
        """Failed, polled with 200: the provider's status_code, an error message, the end times, no result."""
        last, result = self._ended(job, "failed")
        where = label(last)
        if last.status_code != 200:
            raise self.fail(f"{answered(last)} for a failed job, expected 200")
        self.check(
            _failing_status, result.get("status_code"), self.config.failing_status, f"{where}: status_code"
        )
        if envelope.error_message(result.get("error")) is None:
            raise self.fail(f"{where}: a failed job's error should carry a message: {short(result)}")
        self.check(envelope.check_terminal_envelope, result, job.id, where)
        if not envelope.is_absent(result, "result"):
            raise self.fail(f"{where}: a failed job should have no result: {short(result)}")

    @keyword("Retrieve Should Answer With The Job Error Status")
    def retrieve_should_answer_with_the_job_error_status(self, response: Response, job: Job) -> None:
        """The failed job, retrieved on its integration route, answers its error's status; skips otherwise."""
        result = self._ended(job)[1]
        if result.get("status") != "failed":
            raise self.missing(
                "failing-model",
                f"the Responses job with ASYNC_FAILING_MODEL ended {result.get('status')!r}, so there is no"
                " failed job to retrieve",
            )
        code = result.get("status_code")
        self.check(_failing_status, code, self.config.failing_status, f"job {job.id}: status_code")
        if response.status_code != code:
            raise self.fail(
                f"{answered(response)}, expected the job's status_code {code}: {snippet(response)}"
            )

    # ------------------------------------------------------------------ a watched job
    @keyword("In-Flight Polls Should Answer 202 Without Terminal Fields")
    def in_flight_polls_should_answer_202_without_terminal_fields(self, watched: Journey) -> None:
        """Each poll before the job ended: 202, pending or processing, no terminal fields; skips if none."""
        count = self.check(polling.check_in_flight, watched)
        if count == 0:
            raise self.missing(
                "slow-model",
                f"job {watched.job_id} ended before the first poll: ASYNC_SLOW_MODEL is not slow enough to"
                " see it in flight",
            )
        logger.info(f"{count} in-flight polls answered 202 without terminal fields")

    @keyword("Observed Job Should Have Completed")
    def observed_job_should_have_completed(self, watched: Journey) -> None:
        """The first terminal poll answered 200 with ``completed`` and a result."""
        first = watched.split()[1][0]
        body = json_object(first)
        if first.status_code != 200 or body.get("status") != "completed":
            raise self.fail(
                f"{answered(first)} with status {body.get('status')!r}, expected 200 and completed"
            )
        self.check(envelope.check_terminal_envelope, body, watched.job_id, label(first))

    @keyword("Job Id And Times Should Stay The Same Across Polls")
    def job_id_and_times_should_stay_the_same_across_polls(self, watched: Journey) -> None:
        """``id`` and ``created_at`` never change; completed_at and expires_at never change once set."""
        self.check(polling.check_identity, watched)

    @keyword("Job Status Should Never Go Backwards")
    def job_status_should_never_go_backwards(self, watched: Journey) -> None:
        """pending → processing → completed/failed, in that order, and a final status stays final."""
        self.check(polling.check_status_order, watched)

    @keyword("Repeated Polls Of The Finished Job Should Be Identical")
    def repeated_polls_of_the_finished_job_should_be_identical(self, watched: Journey) -> None:
        """Every poll after the job ended answers the same status code and the same envelope."""
        self.check(polling.check_terminal_repeats, watched)

    @keyword("Every Answer About The Job Should Be JSON")
    def every_answer_about_the_job_should_be_json(self, watched: Journey) -> None:
        """The submit answer and every poll carry ``Content-Type: application/json``."""
        self.check(polling.check_json_content_type, watched)
