"""Check keywords: what an answer or a job must look like. Each sends nothing.

Checks named "Submit Answer ..." read the submit answer on a job handle; "Response ..." checks
take any answer (a submit, a poll, an integration call: `${job.response}` or a RequestsLibrary
response); checks on a finished job take its handle after `Wait Until Job Is Terminal`.
"""

from __future__ import annotations

import statistics
from typing import Any

import requests
from robot.api import logger
from robot.api.deco import keyword

from libraries import endpoints, envelope, observation, shapes
from libraries.core import Core, Job, content_type, is_json, json_object, json_or_none, label, short, snippet
from libraries.observation import Observation


def _answer(value: Job | requests.Response) -> requests.Response:
    response = value.response if isinstance(value, Job) else value
    if not isinstance(response, requests.Response):
        raise AssertionError(f"{value} has no answer to check")
    return response


class CheckKeywords(Core):
    # ------------------------------------------------------------------ any answer
    @keyword("Response Status Should Be")
    def response_status_should_be(self, response: Job | requests.Response, *expected: str) -> None:
        """The HTTP status is one of ``expected`` (numbers, or a class such as ``4xx``).

        Takes a RequestsLibrary response or a job handle (its submit answer).
        """
        answer = _answer(response)
        status = answer.status_code
        for item in expected:
            text = str(item).strip().lower()
            if text.endswith("xx") and text[:1].isdigit() and status // 100 == int(text[0]):
                return
            if text.isdigit() and status == int(text):
                return
        wanted = " or ".join(str(item) for item in expected)
        raise self.fail(f"{label(answer)} answered {status}, expected {wanted}: {snippet(answer, 200)}")

    @keyword("Response Should Be An Error With Status")
    def response_should_be_an_error_with_status(
        self, response: Job | requests.Response, *expected: str
    ) -> None:
        """The status is one of ``expected`` and the body is Bifrost's error envelope with a message."""
        self.response_status_should_be(response, *expected)
        answer = _answer(response)
        self.check(envelope.check_error_envelope, json_or_none(answer), label(answer))

    @keyword("Response Should Be Refused Without A Job")
    def response_should_be_refused_without_a_job(
        self, response: Job | requests.Response, *expected: str
    ) -> None:
        """The status is one of ``expected``, the body is an error envelope, and it names no job."""
        self.response_should_be_an_error_with_status(response, *expected)
        body = json_object(_answer(response))
        if body.get("id") or body.get("status") in envelope.RANK:
            raise self.fail(
                f"{label(_answer(response))} refused the submit but answered a job envelope: {body}"
            )

    @keyword("Error Message Should Name")
    def error_message_should_name(self, response: Job | requests.Response, field: str) -> None:
        """The error envelope's message names ``field`` (any letter case) and is not the stream message."""
        answer = _answer(response)
        self.check(envelope.check_error_envelope, json_or_none(answer), label(answer))
        message = envelope.error_message(json_object(answer)) or ""
        if field.lower() not in message.lower():
            raise self.fail(
                f"{label(answer)} answered {answer.status_code} with {message!r}, which does not"
                f" name {field!r}"
            )
        if field.lower() != "stream" and "stream" in message.lower():
            raise self.fail(
                f"{label(answer)} answered {answer.status_code} with {message!r}: the stream check"
                " ran before validation"
            )

    def _json_content_type(self, answer: requests.Response) -> None:
        if not is_json(content_type(answer)):
            raise self.fail(
                f"{label(answer)} answered {answer.status_code} with Content-Type"
                f" {content_type(answer)!r} instead of application/json"
            )

    # ------------------------------------------------------------------ submit answers
    @keyword("Submit Answer Should Be 202 With A Pending Envelope")
    def submit_answer_should_be_202_with_a_pending_envelope(self, job: Job) -> None:
        """202, JSON, a UUID-shaped id, ``pending``, created_at within 30 s of the client clock, and
        no completed_at or expires_at yet."""
        answer = _answer(job)
        self.response_status_should_be(answer, "202")
        self._json_content_type(answer)
        self.check(envelope.check_pending_envelope, json_object(answer), label(answer))

    @keyword("Submit Answer Should Have A Job Id")
    def submit_answer_should_have_a_job_id(self, job: Job, *expected: str) -> None:
        """The submit answered with a job id (upstream's fatal check), and with one of ``expected``
        statuses when given."""
        if expected:
            self.response_status_should_be(job, *expected)
        if job.id is None:
            answer = _answer(job)
            raise self.fail(
                f"{label(answer)} answered {answer.status_code} without a job id: {snippet(answer)}"
            )

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
            raise self.skip("the gateway's job envelope has no request_id (older Bifrost builds)")
        if body["request_id"] != request_id:
            raise self.fail(
                f"{label(_answer(job))}: request_id is {body['request_id']!r}, not the x-request-id"
                f" sent ({request_id!r})"
            )

    @keyword("Key Was Accepted At Submit")
    def key_was_accepted_at_submit(self, job: Job) -> bool:
        """True when the submit accepted the key (202 with a job id); False when it refused it as
        unknown (400/500 with the error envelope), which shows it was read as a virtual key.
        """
        answer = _answer(job)
        if answer.status_code in (400, 500):
            self.check(envelope.check_error_envelope, json_or_none(answer), label(answer))
            logger.info(
                f"{label(answer)} refused the key ({answer.status_code}): it was read as a virtual key"
            )
            return False
        self.submit_answer_should_have_a_job_id(job)
        return True

    # ------------------------------------------------------------------ polls
    @keyword("Poll Answer Should Match The Job State")
    def poll_answer_should_match_the_job_state(self, response: requests.Response, job: Job | str) -> None:
        """The poll shows the job: 202 while ``pending``/``processing``, 200 once ``completed``/``failed``.

        Anything else fails, as does an envelope of another job or a body that is not a job envelope.
        """
        job_id = job.id if isinstance(job, Job) else job
        body = json_object(response)
        if body.get("id") != job_id:
            raise self.fail(
                f"{label(response)} answered {response.status_code} with the envelope of job"
                f" {body.get('id')!r}, not {job_id!r}: {snippet(response, 200)}"
            )
        if problem := envelope.poll_problem(response, body):
            raise self.fail(problem)

    # ------------------------------------------------------------------ finished jobs
    def _terminal(self, job: Job) -> tuple[requests.Response, dict[str, Any]]:
        if job.terminal is None:
            raise self.fail(f"{job} has not been waited for: use Wait Until Job Is Terminal first")
        return job.terminal, job.envelope

    @keyword("Terminal Envelope Should Be Consistent")
    def terminal_envelope_should_be_consistent(self, job: Job) -> None:
        """The terminal poll answered 200 as JSON: same id, completed_at < expires_at, a result or an
        error."""
        last, result = self._terminal(job)
        if last.status_code != 200:
            raise self.fail(
                f"{label(last)} answered {last.status_code} for a {result.get('status')} job, expected 200"
            )
        self._json_content_type(last)
        self.check(envelope.check_terminal_envelope, result, job.id, label(last))

    @keyword("Job TTL Should Be")
    def job_ttl_should_be(self, job: Job, *expected: int, tolerance: float = 60) -> None:
        """``expires_at`` − ``completed_at`` of the finished job is one of ``expected`` seconds, within
        ``tolerance``."""
        _, result = self._terminal(job)
        ttl = self.check(
            envelope.check_ttl, result, [int(e) for e in expected], float(tolerance), f"job {job.id}"
        )
        logger.info(f"TTL {ttl:g} s")

    def _completed(self, job: Job) -> dict[str, Any]:
        _, result = self._terminal(job)
        if result.get("status") != "completed":
            raise self.skip(
                f"the {job.endpoint} job ended {result.get('status')!r}, so its result shape"
                " cannot be checked"
            )
        return result

    @keyword("Result Should Hold A Non-Empty List")
    def result_should_hold_a_non_empty_list(self, job: Job, field: str) -> None:
        """``result.<field>`` is a non-empty JSON array; skips (as upstream) unless the job completed."""
        self.check(shapes.non_empty_list, self._completed(job).get("result"), field, f"job {job.id}")

    @keyword("Completed Job Result Should Have The Endpoint Shape")
    def completed_job_result_should_have_the_endpoint_shape(self, job: Job) -> None:
        """The result holds what the endpoint returns (e.g. rerank ``results[]`` sorted by relevance).

        Skips, as upstream does, when the job did not complete.
        """
        name = endpoints.endpoint(job.endpoint).name
        self.check(shapes.check_result_shape, name, self._completed(job), f"job {job.id} ({name})")
        logger.info(f"result has {shapes.SHAPES[name].description}")

    @keyword("Job Should Have Failed")
    def job_should_have_failed(self, job: Job) -> None:
        """The job ended ``failed`` (a job without a model, on builds that accept it at submit)."""
        _, result = self._terminal(job)
        if result.get("status") != "failed":
            raise self.fail(
                f"{label(_answer(job))} was accepted and the job ended {result.get('status')!r},"
                " expected failed"
            )

    @keyword("Failed Job Should Report The Provider Error")
    def failed_job_should_report_the_provider_error(self, job: Job) -> None:
        """The job ended ``failed``, polled with 200; ``status_code`` is the provider's
        (``ASYNC_FAILING_STATUS`` when set, else any 4xx/5xx); ``error`` has a message;
        ``completed_at`` and ``expires_at`` are set; there is no ``result``.
        """
        last, result = self._terminal(job)
        where = label(last)
        if result.get("status") != "failed":
            raise self.fail(
                f"{where}: the job with ASYNC_FAILING_MODEL ended {result.get('status')!r}, expected failed"
            )
        if last.status_code != 200:
            raise self.fail(f"{where} answered {last.status_code} for a failed job, expected 200")
        self.check(self._failing_status_should_match, result.get("status_code"), f"{where}: status_code")
        if envelope.error_message(result.get("error")) is None:
            raise self.fail(f"{where}: a failed job's error should carry a message: {short(result)}")
        self.check(envelope.check_terminal_envelope, result, job.id, where)
        if not envelope.is_absent(result, "result"):
            raise self.fail(f"{where}: a failed job should have no result: {short(result)}")

    def _failing_status_should_match(self, code: object, what: str) -> None:
        wanted = self.config.failing_status
        if wanted is not None and code != wanted:
            raise AssertionError(f"{what} is {code!r}, expected {wanted} (ASYNC_FAILING_STATUS)")
        if not isinstance(code, int) or not 400 <= code <= 599:
            raise AssertionError(f"{what} is {code!r}, expected the provider's 4xx or 5xx")

    @keyword("Retrieve Should Answer With The Job Error Status")
    def retrieve_should_answer_with_the_job_error_status(self, response: requests.Response, job: Job) -> None:
        """A failed job retrieved on the integration route answers with its stored error's status.

        Skips when the job did not fail (the failing model may be valid for the Responses API).
        """
        _, result = self._terminal(job)
        if result.get("status") != "failed":
            raise self.skip(
                f"the Responses job with ASYNC_FAILING_MODEL ended {result.get('status')!r}, so"
                " there is no failed job to retrieve"
            )
        code = result.get("status_code")
        self.check(self._failing_status_should_match, code, f"job {job.id}: status_code")
        if response.status_code != code:
            raise self.fail(
                f"{label(response)} answered {response.status_code} for a job that failed with"
                f" status_code {code}; expected {code}: {snippet(response, 200)}"
            )

    # ------------------------------------------------------------------ a watched job
    @keyword("In-Flight Polls Should Answer 202 Without Terminal Fields")
    def in_flight_polls_should_answer_202_without_terminal_fields(self, watched: Observation) -> None:
        """Each poll before the job ended: 202, pending or processing, none of completed_at,
        expires_at, status_code, result. Skips if the job ended before the first poll.
        """
        count = self.check(observation.check_in_flight, watched)
        if count == 0:
            raise self.skip(
                f"job {watched.job_id} ended before the first poll: ASYNC_SLOW_MODEL is not slow"
                " enough to see it in flight"
            )
        logger.info(f"{count} in-flight polls answered 202 without terminal fields")

    @keyword("Observed Job Should Have Completed")
    def observed_job_should_have_completed(self, watched: Observation) -> None:
        """The first terminal poll answered 200 with ``completed`` and a result."""
        first = watched.terminal_polls()[0]
        body = json_object(first)
        if first.status_code != 200 or body.get("status") != "completed":
            raise self.fail(
                f"{label(first)} answered {first.status_code} with status {body.get('status')!r};"
                " expected 200 and completed"
            )
        self.check(envelope.check_terminal_envelope, body, watched.job_id, label(first))

    @keyword("Job Id And Times Should Stay The Same Across Polls")
    def job_id_and_times_should_stay_the_same_across_polls(self, watched: Observation) -> None:
        """``id`` and ``created_at`` never change; ``completed_at``/``expires_at`` never change once set
        and are not before ``created_at``."""
        self.check(observation.check_identity, watched)

    @keyword("Job Status Should Never Go Backwards")
    def job_status_should_never_go_backwards(self, watched: Observation) -> None:
        """pending → processing → completed/failed, in that order, and a final status stays final."""
        self.check(observation.check_status_order, watched)

    @keyword("Repeated Polls Of The Finished Job Should Be Identical")
    def repeated_polls_of_the_finished_job_should_be_identical(self, watched: Observation) -> None:
        """Every poll after the job ended answers the same status code and the same envelope."""
        self.check(observation.check_terminal_repeats, watched)

    @keyword("Every Answer About The Job Should Be JSON")
    def every_answer_about_the_job_should_be_json(self, watched: Observation) -> None:
        """The submit answer and every poll carry ``Content-Type: application/json``."""
        self.check(observation.check_json_content_type, watched)

    @keyword("Speech Model Should Need A Voice")
    def speech_model_should_need_a_voice(self) -> None:
        """Skips when ``ASYNC_SPEECH_MODEL`` is an ElevenLabs model, whose voice the model picks."""
        model = self.config.model("speech")
        if model.partition("/")[0].lower() == "elevenlabs":
            raise self.skip(f"ASYNC_SPEECH_MODEL {model!r} is an ElevenLabs model, which needs no voice")

    @keyword("Answer Should Come Well Inside The TTL")
    def answer_should_come_well_inside_the_ttl(self, response: requests.Response, job: Job, ttl: int) -> None:
        """Skips when ``response`` came later than half the TTL after the suite saw the job end (too late to
        show the job is still served); otherwise logs how soon it came."""
        from libraries.core import received_at

        after = received_at(response) - float(job.seen_terminal_at or 0)
        if after > int(ttl) / 2:
            raise self.skip(
                f"the poll answered {after:.1f} s after the job ended, not well inside its TTL of {ttl} s"
            )
        logger.info(f"answered {after:.2f} s after the job ended (TTL {ttl} s)")

    @keyword("Job Should Have Completed")
    def job_should_have_completed(self, job: Job) -> None:
        """The finished job ended ``completed``."""
        last, result = self._terminal(job)
        if result.get("status") != "completed":
            raise self.fail(
                f"{label(last)}: the job ended {result.get('status')!r} (status_code"
                f" {result.get('status_code')!r}), expected completed: {short(result)}"
            )

    @keyword("Job Should Have Failed With Status Code")
    def job_should_have_failed_with_status_code(self, job: Job, status_code: int) -> None:
        """The finished job ended ``failed`` with this ``status_code`` and an error."""
        last, result = self._terminal(job)
        if result.get("status") != "failed" or result.get("status_code") != int(status_code):
            raise self.fail(
                f"{label(last)}: the job ended {result.get('status')!r} with status_code"
                f" {result.get('status_code')!r}, expected failed with {status_code}"
            )
        if result.get("error") is None:
            raise self.fail(f"{label(last)}: a failed job should carry an error: {short(result)}")

    @keyword("Request Ids Should Be Distinct")
    def request_ids_should_be_distinct(self, *jobs: Job) -> None:
        """Every submit answer carries a non-empty ``request_id`` of its own; skips when the gateway's
        envelopes have no request_id (older builds omit it)."""
        bodies = [(job, json_object(_answer(job))) for job in jobs]
        if not any("request_id" in body for _, body in bodies):
            raise self.skip("the gateway's job envelope has no request_id (older Bifrost builds omit it)")
        seen: dict[str, Job] = {}
        for job, body in bodies:
            request_id = body.get("request_id")
            if not isinstance(request_id, str) or not request_id:
                raise self.fail(
                    f"{label(_answer(job))}: request_id is {request_id!r}, expected one of its own"
                )
            if request_id in seen:
                raise self.fail(
                    f"{job} and {seen[request_id]} were submitted without x-request-id and got the same"
                    f" request_id {request_id!r}"
                )
            seen[request_id] = job
        logger.info(f"{len(seen)} jobs, {len(seen)} different request ids")

    @keyword("Median Submit Time Should Be Within The Submit Budget")
    def median_submit_time_should_be_within_the_submit_budget(self, *jobs: Job) -> None:
        """The median time the submits took to answer is at most ``BIFROST_SUBMIT_BUDGET``."""
        seconds = sorted(_answer(job).elapsed.total_seconds() for job in jobs)
        median = statistics.median(seconds)
        budget = self.config.submit_budget
        shown = ", ".join(f"{value:.2f} s" for value in seconds)
        if median > budget:
            raise self.fail(
                f"submits answered in {shown}: the median {median:.2f} s is over BIFROST_SUBMIT_BUDGET"
                f" ({budget:g} s); a submit should not wait for the provider"
            )
        logger.info(f"submits answered in {shown} (median {median:.2f} s, budget {budget:g} s)")

    @keyword("Retrieved Job Should Be A Completed Responses Object")
    def retrieved_job_should_be_a_completed_responses_object(self, response: requests.Response) -> None:
        """200 with an OpenAI Responses object: ``object`` response, ``status`` completed, a non-empty
        ``output`` (the in-flight stub has none)."""
        self.response_status_should_be(response, "200")
        body = json_object(response)
        output = body.get("output")
        if body.get("object") != "response" or body.get("status") != "completed" or not output:
            raise self.fail(
                f"{label(response)} answered a completed job with object {body.get('object')!r}, status"
                f" {body.get('status')!r} and output {output!r}; expected a completed Responses object:"
                f" {short(body)}"
            )

    @keyword("Retrieved Job Should Be A Completed Messages Object")
    def retrieved_job_should_be_a_completed_messages_object(self, response: requests.Response) -> None:
        """200 with an Anthropic Message: ``type`` message, ``role`` assistant, a non-empty ``content``
        list, and nothing of the OpenAI Responses shape."""
        self.response_status_should_be(response, "200")
        self.retrieved_job_should_not_be_openai_shaped(response)
        body = json_object(response)
        content = body.get("content")
        if body.get("type") != "message" or body.get("role") != "assistant" or not isinstance(content, list):
            raise self.fail(
                f"{label(response)} answered a completed job with type {body.get('type')!r} and role"
                f" {body.get('role')!r}; expected an Anthropic Message: {short(body)}"
            )
        if not content:
            raise self.fail(f"{label(response)}: the Message's content is empty: {short(body)}")

    @keyword("Retrieved Job Should Not Be OpenAI-Shaped")
    def retrieved_job_should_not_be_openai_shaped(self, response: requests.Response) -> None:
        """The Anthropic route's answer has no ``object`` of the OpenAI Responses shape and no ``output``."""
        body = json_object(response)
        openai = [name for name in ("object", "output") if body.get(name) not in (None, "", [])]
        if openai:
            raise self.fail(
                f"{label(response)} answered on the Anthropic route with {' and '.join(openai)}, the OpenAI"
                f" Responses shape: {short(body)}"
            )

    @keyword("Retrieved Job Should Be An Anthropic Error")
    def retrieved_job_should_be_an_anthropic_error(self, response: requests.Response) -> None:
        """An Anthropic error: ``type`` error and an ``error`` object with a message."""
        self.retrieved_job_should_not_be_openai_shaped(response)
        body = json_object(response)
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        if body.get("type") != "error" or not isinstance(message, str) or not message:
            raise self.fail(
                f"{label(response)} answered {response.status_code} without an Anthropic error (type error,"
                f" error.message): {short(body)}"
            )
