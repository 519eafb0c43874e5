"""Unit tests of the extended tests' Python side: request variants, result shapes, observed
polls and their invariants, concurrent batches, the recased key and its masking."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from libraries import core, endpoints, envelope, keys, polling  # noqa: E402
from libraries.core import GatewayError, Job  # noqa: E402
from libraries.early import EarlyKeywords  # noqa: E402
from libraries.masking import Masker, secrets_from_environment  # noqa: E402
from variables import ENDPOINT_NAMES, load_config  # noqa: E402

CFG = load_config({})
JOB = "3f2a6c1e-8d4b-4a7e-9c2f-1b5d7e9a0c3d"
CREATED = "2026-01-01T00:00:00.000000Z"
DONE = {"completed_at": "2026-01-01T00:00:01Z", "expires_at": "2026-01-01T01:00:01Z"}


def raw_answer(status: int, body: bytes, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Content-Type"] = content_type
    response.request = requests.Request("GET", f"http://gw/v1/async/chat/completions/{JOB}").prepare()
    return response


def answer(status: int, body: dict[str, Any], content_type: str = "application/json") -> requests.Response:
    return raw_answer(status, json.dumps(body).encode(), content_type)


def job(status: str, **extra: Any) -> dict[str, Any]:
    return {"id": JOB, "status": status, "created_at": CREATED, **extra}


def completed(**extra: Any) -> dict[str, Any]:
    body = job("completed", status_code=200, result={"choices": [{"message": {}}]}, **DONE)
    return {**body, **extra}


def watched(*polls: requests.Response) -> polling.Journey:
    submit = answer(202, job("pending"))
    return polling.Journey(JOB, submit=submit, polls=list(polls))


# ---------------------------------------------------------------------- request variants
@pytest.mark.parametrize(
    ("name", "field"), [(e.name, f) for e in endpoints.CATALOGUE.values() for f in e.required]
)
def test_each_required_field_can_be_left_out(name: str, field: str) -> None:
    payload = endpoints.payload(name, "missing-" + field.replace(" ", "-"), CFG)
    full = endpoints.payload(name, "default", CFG)
    if payload.json is not None:
        assert full.json is not None
        if field == "document type":
            assert "type" not in payload.json["document"] and "image_url" in payload.json["document"]
        else:
            assert field not in payload.json and set(full.json) - set(payload.json) == {field}
    else:
        assert payload.fields == full.fields and payload.files == ()


@pytest.mark.parametrize("name", [e.name for e in endpoints.CATALOGUE.values() if e.streams])
def test_a_missing_field_can_come_with_a_stream_request(name: str) -> None:
    field = endpoints.endpoint(name).required[-1].replace(" ", "-")
    payload = endpoints.payload(name, f"missing-{field}+stream", CFG)
    if payload.json is not None:
        assert payload.json.get("stream") is True or payload.json.get("stream_format") == "sse"
    else:
        assert payload.fields is not None and payload.fields["stream"] == "true"


def test_stream_ignored_only_where_there_is_no_stream_check() -> None:
    unchecked = [n for n in ENDPOINT_NAMES if not endpoints.endpoint(n).streams]
    assert unchecked == ["embeddings", "image-variations", "rerank", "ocr"]
    assert endpoints.payload("rerank", "stream-ignored", CFG).json["stream"] is True  # type: ignore[index]
    assert endpoints.payload("image-variations", "stream-ignored", CFG).fields["stream"] == "true"  # type: ignore[index]
    with pytest.raises(ValueError, match="has a stream check"):
        endpoints.payload("chat-completions", "stream-ignored", CFG)


def test_multipart_missing_model_keeps_the_file_and_unknown_fields_are_refused() -> None:
    payload = endpoints.payload("transcriptions", "missing-model", CFG)
    assert payload.fields == {} and payload.files == (endpoints.audio_part(),)
    with pytest.raises(ValueError, match="does not require 'voice'"):
        endpoints.payload("chat-completions", "missing-voice", CFG)


def test_integration_bodies() -> None:
    assert endpoints.anthropic_body("anthropic/claude", stream=True)["stream"] is True
    assert endpoints.anthropic_body("anthropic/claude")["messages"][0]["role"] == "user"


# ---------------------------------------------------------------------- result shapes
GOOD_RESULTS: dict[str, dict[str, Any]] = {
    "text-completions": {"choices": [{"text": " hi"}]},
    "chat-completions": {"choices": [{"message": {"role": "assistant", "content": "hi"}}]},
    "responses": {"output": [{"type": "message"}]},
    "embeddings": {"data": [{"embedding": [0.1, -0.2]}]},
    "speech": {"audio": "SUQz"},
    "transcriptions": {"text": "hello"},
    "image-generations": {"data": [{"url": "https://img/1.png"}]},
    "image-edits": {"data": [{"b64_json": "iVBOR"}]},
    "image-variations": {"data": [{"b64_json": "iVBOR"}]},
    "rerank": {"results": [{"index": 0, "relevance_score": 0.9}, {"index": 2, "relevance_score": 0.5}]},
    "ocr": {"pages": [{"index": 0, "markdown": "# Page"}]},
}


@pytest.mark.parametrize("name", ENDPOINT_NAMES)
def test_good_results_pass_and_empty_ones_fail(name: str) -> None:
    envelope.check_result_shape(name, {"result": GOOD_RESULTS[name]}, "job")
    with pytest.raises(AssertionError, match=r"job: result"):
        envelope.check_result_shape(name, {"result": {}}, "job")


@pytest.mark.parametrize(
    ("name", "result", "message"),
    [
        ("rerank", {"results": [{"relevance_score": 0.2}, {"relevance_score": 0.7}]}, "highest first"),
        ("image-edits", {"data": [{"revised_prompt": "x"}]}, "b64_json or url"),
        ("embeddings", {"data": [{"embedding": []}]}, "with an embedding; result.data.0. is"),
        ("chat-completions", {"choices": [{"text": "hi"}]}, "with a message; result.choices.0. is"),
        ("speech", {"audio": ""}, "base64 audio"),
    ],
)
def test_wrong_results_name_the_field(name: str, result: dict[str, Any], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        envelope.check_result_shape(name, {"result": result}, "job")


def test_a_null_result_fails() -> None:
    with pytest.raises(AssertionError, match="should be an object"):
        envelope.check_result_shape("ocr", {"result": None}, "job")


# ---------------------------------------------------------------------- observed polls
def test_a_clean_journey_keeps_every_invariant() -> None:
    seen = watched(
        answer(202, job("pending")),
        answer(202, job("processing")),
        answer(200, completed()),
        answer(200, completed()),
    )
    assert polling.check_in_flight(seen) == 2
    polling.check_identity(seen)
    polling.check_status_order(seen)
    polling.check_terminal_repeats(seen)
    polling.check_json_content_type(seen)
    assert seen.statuses() == ["pending", "processing", "completed"]


@pytest.mark.parametrize(
    ("polls", "check", "message"),
    [
        (
            [answer(200, job("pending")), answer(200, completed())],
            polling.check_in_flight,
            r"^poll 1 of 2: GET \S+ answered 200 for a pending job, expected 202$",
        ),
        (
            [answer(202, job("processing", status_code=200)), answer(200, completed())],
            polling.check_in_flight,
            "status_code",
        ),
        (
            [answer(200, completed()), answer(202, job("processing"))],
            polling.check_status_order,
            "went back",
        ),
        (
            [answer(200, completed()), answer(200, completed(status="failed"))],
            polling.check_status_order,
            "went back",
        ),
        (
            [answer(200, completed()), answer(202, job("processing"))],
            polling.check_terminal_repeats,
            "differs",
        ),
        (
            [answer(200, completed()), answer(200, completed(id="other"))],
            polling.check_identity,
            "differs",
        ),
        (
            [answer(200, completed()), answer(200, completed(created_at="2026-01-01T00:00:00.5Z"))],
            polling.check_identity,
            "created_at changed",
        ),
        (
            [answer(200, completed(completed_at="2025-12-31T23:59:59Z"))],
            polling.check_identity,
            "before created_at",
        ),
        ([answer(200, completed(), "text/plain")], polling.check_json_content_type, "text/plain"),
        ([answer(200, completed())], polling.check_terminal_repeats, "only 1 poll"),
    ],
)
def test_each_broken_invariant_is_named(polls: list[requests.Response], check: Any, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check(watched(*polls))


def test_finished_polls_may_differ_only_in_request_id() -> None:
    seen = watched(answer(200, completed(request_id="a")), answer(200, completed(request_id="b")))
    polling.check_terminal_repeats(seen)


def test_observe_polls_three_more_times_after_the_job_ends() -> None:
    answers = [answer(202, job("processing"))] * 2 + [answer(200, completed())] * 4
    seen = polling.Journey(JOB, submit=answer(202, job("pending")))
    polling.wait_until_terminal(
        lambda: answers.pop(0),
        seen,
        timeout=5,
        interval=0.5,
        judge=False,
        after_terminal=3,
        sleep=lambda _: None,
    )
    assert len(seen.polls) == 6 and not answers
    assert len(seen.split()[1]) == 4


def test_observe_gives_up_at_the_deadline_with_the_statuses() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += max(seconds, 0.1)

    with pytest.raises(
        GatewayError, match=r"not terminal after 1 s \(BIFROST_POLL_TIMEOUT\): pending → processing"
    ):
        polling.wait_until_terminal(
            lambda: answer(202, job("processing")),
            polling.Journey(JOB, submit=answer(202, job("pending"))),
            timeout=1,
            interval=0.5,
            judge=False,
            clock=lambda: now[0],
            sleep=sleep,
        )


@pytest.mark.parametrize(
    ("polls", "check", "message"),
    [
        (
            [answer(202, job("queued")), answer(200, completed())],
            polling.check_status_order,
            r"^poll 1 of 2 \(GET /v1/async/chat/completions/\S+ answered 202\): unknown job status 'queued'$",
        ),
        (
            [answer(200, completed(created_at="2026-01-01T00:00:02Z"))],
            polling.check_identity,
            r"^poll 1 of 1 .*: created_at 2026-01-01T00:00:02Z differs from"
            r" 2026-01-01T00:00:00.000000Z on submit$",
        ),
        (
            [answer(200, completed()), answer(200, completed(expires_at="2026-01-01T02:00:00Z"))],
            polling.check_identity,
            r"^poll 2 of 2 .*: expires_at changed to 2026-01-01T02:00:00Z after it was set$",
        ),
        (
            [answer(202, job("processing", result={"x": 1})), answer(200, completed())],
            polling.check_in_flight,
            r"^poll 1 of 2 .*: a processing job should not have result yet",
        ),
        (
            [answer(200, completed()), answer(500, completed())],
            polling.check_terminal_repeats,
            r"^poll 2 of 2 .* answered 500\): differs from the first poll after the job ended"
            r" \(HTTP 200 → 500;"
            r" fields changed: none\)$",
        ),
        (
            [answer(200, completed()), answer(200, completed(result={"other": 1}))],
            polling.check_terminal_repeats,
            r"fields changed: result\)$",
        ),
    ],
)
def test_broken_invariants_name_the_poll(polls: list[requests.Response], check: Any, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check(watched(*polls))


def test_created_at_may_differ_from_the_submit_by_its_precision() -> None:
    polling.check_identity(watched(answer(200, completed(created_at="2026-01-01T00:00:00.9Z"))))


def test_the_submit_answer_needs_a_json_content_type_too() -> None:
    seen = polling.Journey(
        JOB, submit=answer(202, job("pending"), "text/plain"), polls=[answer(200, completed())]
    )
    with pytest.raises(
        AssertionError, match=r"^submit: Content-Type is 'text/plain', expected application/json$"
    ):
        polling.check_json_content_type(seen)


@pytest.mark.parametrize(
    ("kind", "is_json"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/problem+json", True),
        ("text/json", False),
        ("text/html", False),
        ("", False),
    ],
)
def test_json_content_types(kind: str, is_json: bool) -> None:
    assert core.is_json(kind) is is_json


def test_a_job_never_seen_terminal_has_no_terminal_polls() -> None:
    seen = watched(answer(202, job("pending")), raw_answer(502, b"<html>bad gateway</html>", "text/html"))
    assert seen.statuses() == ["pending", "HTTP 502"]
    assert repr(seen) == f"<job {JOB}: 2 polls, statuses pending → HTTP 502>"
    with pytest.raises(GatewayError, match="502 with text/html instead of JSON"):
        seen.split()[1]
    never = watched(answer(202, job("pending")))
    with pytest.raises(AssertionError, match=f"job {JOB} was never seen terminal: pending"):
        never.split()


def test_observe_fails_at_once_on_an_unusable_answer() -> None:
    answers = [answer(202, job("pending")), raw_answer(200, b"<!doctype html><p>login</p>", "text/html")]
    with pytest.raises(GatewayError, match="answered 200 with text/html instead of JSON"):
        polling.wait_until_terminal(
            lambda: answers.pop(0),
            polling.Journey(JOB, submit=answer(202, job("pending"))),
            timeout=5,
            interval=0.5,
            judge=False,
            sleep=lambda _: None,
        )
    assert answers == []


def test_observe_can_stop_at_the_first_terminal_poll() -> None:
    waits: list[float] = []
    answers = [answer(202, job("processing")), answer(200, completed()), answer(200, completed())]
    seen = polling.Journey(JOB, submit=answer(202, job("pending")))
    polling.wait_until_terminal(
        lambda: answers.pop(0),
        seen,
        timeout=5,
        interval=0.5,
        judge=False,
        after_terminal=1,
        sleep=waits.append,
    )
    assert len(seen.polls) == 3 and seen.statuses() == ["processing", "completed"]
    assert waits == pytest.approx([0.05, 0.1, polling.AFTER_TERMINAL_GAP])


def test_error_messages_are_found_at_either_level() -> None:
    assert envelope.error_message({"error": {"message": "rate limited"}}) == "rate limited"
    assert envelope.error_message({"message": "flat"}) == "flat"
    assert envelope.error_message({"error": {"message": " "}}) is None
    assert envelope.error_message("text") is None


# ---------------------------------------------------------------------- concurrent batches
def test_jobs_are_spread_over_every_endpoint() -> None:
    names = polling.spread(list(ENDPOINT_NAMES), 50)
    assert len(names) == 50 and set(names) == set(ENDPOINT_NAMES)
    ids = polling.request_ids(50)
    assert len(set(ids)) == 50


def batch_job(request_id: str = "r1", job_id: str = JOB) -> Job:
    return Job("chat-completions", job_id, response=answer(202, job("pending", request_id=request_id)))


def test_a_poll_must_return_its_own_job() -> None:
    own = batch_job()
    assert polling.own_job_problem(own, answer(200, completed(request_id="r1"))) is None
    other = polling.own_job_problem(own, answer(200, completed(id="other-job")))
    assert other is not None and "instead of" in other
    # request_id may be per request on some builds: never compared.
    assert polling.own_job_problem(own, answer(200, completed(request_id="r2"))) is None
    unfinished = polling.own_job_problem(own, answer(202, job("processing")))
    assert unfinished is not None and "finished job" in unfinished


def test_batch_polling_reports_wrong_in_flight_answers_and_timeouts() -> None:
    jobs = [batch_job(), batch_job()]
    answers = iter([answer(200, job("processing")), answer(202, job("pending"))])
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += 1.0

    problems, _ = polling.poll_until_terminal(
        jobs,
        lambda _: next(answers, answer(202, job("pending"))),
        timeout=2,
        interval=0.5,
        workers=2,
        clock=lambda: now[0],
        sleep=sleep,
    )
    assert any("answered 200 for a processing job, expected 202" in p for _, p in problems)
    assert any("not terminal after 2 s" in p for _, p in problems)


def test_own_job_problems_for_unusable_answers_and_errors() -> None:
    own = batch_job()
    assert polling.own_job_problem(own, requests.ConnectionError("GET /x → connection refused")) == (
        "GET /x → connection refused"
    )
    html = polling.own_job_problem(own, raw_answer(502, b"<html>\n bad gateway</html>", "text/html"))
    assert html == (
        f"GET /v1/async/chat/completions/{JOB} answered 502 with text/html instead of JSON:"
        " '<html> bad gateway</html>'"
    )
    listed = polling.own_job_problem(own, raw_answer(200, b"[]"))
    assert listed is not None and listed.endswith("answered 200 with JSON list instead of an object: '[]'")
    # A finished job answers 200: a terminal envelope with another HTTP status is not its own answer.
    wrong_status = polling.own_job_problem(own, answer(202, completed()))
    assert wrong_status == (
        f"GET /v1/async/chat/completions/{JOB} answered 202 with status 'completed' for a finished job"
    )


def test_submit_problems_name_each_bad_submit_and_each_shared_id() -> None:
    refused = answer(400, {"error": {"message": "bad"}})
    jobs = [batch_job(), batch_job(), Job("ocr", None, response=refused), Job("ocr", None)]
    answers = [jobs[0].response, jobs[1].response, refused, requests.Timeout("POST /x → no response")]
    assert polling.submit_problems(jobs, answers) == [  # type: ignore[arg-type]
        f"GET /v1/async/chat/completions/{JOB} answered 400, expected 202 with a job id:"
        ' \'{"error": {"message": "bad"}}\'',
        "POST /x → no response",
        f"job id {JOB} was given to 2 jobs",
    ]


def test_batches_and_spreads() -> None:
    group = polling.Batch([batch_job(), batch_job(), Job("ocr", None)])
    assert repr(group) == str(group) == "<3 jobs: chat-completions ×2, ocr ×1>"
    with pytest.raises(ValueError, match="no endpoints"):
        polling.spread([], 3)
    assert polling.spread(["a", "b"], 5) == ["a", "b", "a", "b", "a"]


def test_all_at_once_keeps_call_order_and_returns_exceptions() -> None:
    def boom() -> int:
        raise requests.ConnectionError("refused")

    results = polling.all_at_once([lambda: 1, boom, lambda: 3], workers=8)
    assert results[0] == 1 and results[2] == 3
    assert isinstance(results[1], requests.ConnectionError) and str(results[1]) == "refused"
    assert polling.all_at_once([lambda: "only"], workers=0) == ["only"]


def test_batch_polling_until_every_job_ends() -> None:
    first, second = batch_job("r1"), batch_job("r2", "second-job")
    refused = Job("ocr", None, response=answer(400, {"error": {"message": "bad"}}))  # no job id: not polled
    script = {
        JOB: [answer(202, job("pending")), answer(200, completed())],
        "second-job": [
            answer(202, job("processing")),
            answer(202, job("processing")),
            answer(200, completed(id="second-job")),
        ],
    }
    waits: list[float] = []
    problems, polls = polling.poll_until_terminal(
        [first, second, refused],
        lambda one: script[str(one.id)].pop(0),
        timeout=5,
        interval=0.5,
        workers=2,
        sleep=waits.append,
    )
    # Each job is polled until its own end and no further: every scripted answer used, none missing.
    assert problems == [] and polls == 5 and script == {JOB: [], "second-job": []}
    assert first.envelope["status"] == second.envelope["status"] == "completed"
    assert second.envelope["id"] == "second-job" and first.terminal is not None
    assert refused.terminal is None and refused.envelope == {}
    assert waits == pytest.approx([0.05, 0.1, 0.2])


def test_jobs_started_early_are_followed_all_at_once_and_a_poll_problem_stays_with_its_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """40 jobs whose polls take 0.1 s each (a loaded machine): followed one after another, the last
    would be seen 4 s after its end, past a short TTL (a CI flake); in rounds, all at once, within one."""
    library = EarlyKeywords()
    jobs = [batch_job(job_id=f"job-{index}") for index in range(40)]
    library.started = {(f"Suite.Test {n}", "start"): ([], one, None) for n, one in enumerate(jobs)}
    ends = time.monotonic() + 0.3

    def poll(one: Job, what: str) -> requests.Response:
        time.sleep(0.1)
        if one.id == "job-7":
            return answer(404, {"error": {"message": "job not found or expired"}})
        return answer(200, completed(id=one.id)) if time.monotonic() >= ends else answer(202, job("pending"))

    monkeypatch.setattr(library, "_poll", poll)
    library.follow_the_jobs_started_early()
    seen = [one.seen_terminal_at for one in jobs if one.id != "job-7"]
    assert None not in seen and max(seen) - ends < 1.0  # type: ignore[operator]
    assert jobs[7].terminal is None and "answered 404" in str(jobs[7].failure)
    assert [one.failure for one in jobs if one.id != "job-7"] == [None] * 39


def test_jobs_started_early_are_polled_while_the_starts_go_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many starts on a slow gateway (each 0.3 s, none alone longer than the 0.5 s poll interval): once
    the interval has passed since the last round, the jobs started so far are polled once, so a job that
    ended is seen before the last start (a short-TTL job otherwise expired unseen: a flake under load)."""
    library = EarlyKeywords()
    jobs = iter([batch_job(job_id=f"job-{index}") for index in range(5)])

    class Starts:
        def run_keyword(self, name: str, *arguments: str) -> Job:
            time.sleep(0.3)
            return next(jobs)

    monkeypatch.setattr("libraries.early.BuiltIn", Starts)
    monkeypatch.setattr(library, "_poll", lambda one, what: answer(200, completed(id=one.id)))
    for index in range(5):
        library.start_job_early(f"Suite.Test {index}", "Submit Accepted Job")
    ended = time.monotonic()
    first = library.started[("Suite.Test 0", "submitacceptedjob")][1]
    last = library.started[("Suite.Test 4", "submitacceptedjob")][1]
    assert first.seen_terminal_at is not None and last.seen_terminal_at is None
    assert first.seen_terminal_at < ended - 0.5  # seen during the starts, not after them


def test_one_round_of_batch_polling_records_the_ended_jobs_and_leaves_the_others() -> None:
    ended, running = batch_job("r1"), batch_job("r2", "running-job")
    script = {JOB: answer(200, completed()), "running-job": answer(202, job("processing"))}
    problems, polls = polling.poll_until_terminal(
        [ended, running], lambda one: script[str(one.id)], timeout=0, interval=0.5, workers=2, late=False
    )
    assert (problems, polls) == ([], 2)
    assert ended.envelope["status"] == "completed" and running.terminal is None


def test_batch_polling_reports_errors_and_unusable_answers_and_stops_polling_those_jobs() -> None:
    jobs = [batch_job(job_id=f"job-{index}") for index in range(3)]

    def poll(one: Job) -> requests.Response:
        if one.id == "job-0":
            raise requests.ConnectionError("GET /v1/async/chat/completions/job-0 → connection refused")
        if one.id == "job-1":
            return raw_answer(502, b"<html>bad gateway</html>", "text/html")
        return answer(200, completed())

    problems, polls = polling.poll_until_terminal(
        jobs, poll, timeout=5, interval=0.5, workers=3, sleep=lambda _: None
    )
    assert problems == [
        (jobs[0], "GET /v1/async/chat/completions/job-0 → connection refused"),
        (
            jobs[1],
            f"GET /v1/async/chat/completions/{JOB} answered 502 with text/html instead of JSON:"
            " '<html>bad gateway</html>'",
        ),
    ]
    assert polls == 3 and [one.terminal is not None for one in jobs] == [False, False, True]


# ---------------------------------------------------------------------- the recased key
def test_the_recased_key_is_sent_masked_and_replayable(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-bf-0123456789abcdef"
    monkeypatch.setenv("BIFROST_VK", key)
    headers = keys.key_headers(keys.RECASED, "bearer")
    assert headers == {"Authorization": "Bearer SK-BF-0123456789abcdef"}
    assert keys.placeholders()["SK-BF-0123456789abcdef"] == "SK-BF-${BIFROST_VK:6}"
    masker = Masker(secrets_from_environment())
    assert masker(headers["Authorization"]) == "Bearer SK-BF-…cdef"
    monkeypatch.setenv("BIFROST_VK", "SK-BF-0123456789abcdef")
    assert keys.key_value(keys.RECASED) == key


def test_the_recased_key_skips_without_a_prefixed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from robot.api import SkipExecution

    monkeypatch.setenv("BIFROST_VK", "plain-key-0123456789")
    with pytest.raises(SkipExecution, match="lacks the sk-bf- prefix"):
        keys.key_headers(keys.RECASED, "bearer")
    monkeypatch.delenv("BIFROST_VK")
    with pytest.raises(SkipExecution, match="BIFROST_VK is not set"):
        keys.key_headers(keys.RECASED, "bearer")
