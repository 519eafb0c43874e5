"""Every fault switch has a check that passes on a clean gateway and fails with the fault on."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from conftest import ALT_VK, NIL_UUID, UNKNOWN_VK, VK, GatewayFactory, RunningGateway, path_of, wait_for

from fakegateway.faults import FAULTS, Faults, UnknownFaultError

Check = Callable[[RunningGateway], None]
CHECKS: dict[str, Check] = {}
# How a check may fail on a faulty gateway: an assertion, a transport error, a body that is not JSON,
# or a condition not met by its deadline.
CAUGHT = (AssertionError, requests.RequestException, ValueError, pytest.fail.Exception)
DEADLINE_S = 2.0
SLOW_MODEL = "openai/gpt-4o-mini-delay-400ms"
INTEGRATION = "/openai/v1/responses"
ANTHROPIC = "/anthropic/v1/messages"
MESSAGES_BODY = {
    "model": "anthropic/claude-3-5-haiku-latest",
    "max_tokens": 16,
    "messages": [{"role": "user", "content": "hi"}],
}


def check(*names: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        for name in names:
            assert name not in CHECKS, name
            CHECKS[name] = function
        return function

    return register


def finished(
    gw: RunningGateway,
    request_type: str = "chat_completion",
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> tuple[str, requests.Response]:
    job_id = gw.submit_ok(request_type, headers, **kw)
    return job_id, gw.wait_terminal(request_type, job_id, headers, deadline_s=DEADLINE_S)


def ttl_seconds(gw: RunningGateway, header: str) -> float:
    _, response = finished(gw, headers={"x-bf-async-job-result-ttl": header})
    assert response.status_code == 200, response.text
    body = response.json()
    return (
        datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(body["completed_at"])
    ).total_seconds()


def not_found(response: requests.Response) -> None:
    assert response.status_code == 404, response.status_code


def readable(response: requests.Response) -> None:
    assert response.status_code in (200, 202), response.status_code


# health
@check("health-503")
def _health(gw: RunningGateway) -> None:
    assert gw.get("/health").status_code == 200


@check("health-not-ok")
def _health_body(gw: RunningGateway) -> None:
    assert gw.get("/health").json()["status"] == "ok"


# routes Bifrost does not have (contract §1)
@check("generic-jobs-api")
def _generic_jobs(gw: RunningGateway) -> None:
    job_id = gw.submit_ok()
    for path in (f"/v1/async/jobs/{job_id}", "/v1/async/jobs"):
        response = gw.get(path)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
        assert job_id not in response.text


@check("cancel-route")
def _cancel(gw: RunningGateway) -> None:
    job_id = gw.submit_ok()
    assert gw.request("DELETE", f"{path_of('chat_completion')}/{job_id}").status_code == 405
    assert gw.post(f"{path_of('chat_completion')}/{job_id}/cancel").status_code == 404
    readable(gw.poll("chat_completion", job_id))


@check("extra-async-routes")
def _extra_routes(gw: RunningGateway) -> None:
    for name in ("batches", "files", "containers", "videos", "count_tokens"):
        not_found(gw.post(f"/v1/async/{name}", json={"model": "openai/gpt-4o-mini"}))


# status matrix (contract §3) and error envelope (contract §4)
@check("submit-error-status-swapped")
def _submit_error_status(gw: RunningGateway) -> None:
    assert gw.submit("chat_completion", {"x-bf-vk": UNKNOWN_VK}).status_code == 400
    assert gw.submit("text_completion", {"x-bf-vk": UNKNOWN_VK}).status_code == 500


@check("submit-error-unprefixed")
def _submit_error_prefix(gw: RunningGateway) -> None:
    message = gw.submit("responses", {"x-bf-vk": UNKNOWN_VK}).json()["error"]["message"]
    assert message == "Failed to create async job: virtual key not found", message


@check("failed-poll-error-status")
def _failed_poll_status(gw: RunningGateway) -> None:
    _, response = finished(gw, model="openai/gpt-4o-mini-fail-429")
    assert response.status_code == 200 and response.json()["status"] == "failed"


@check("submit-get-405")
def _submit_get(gw: RunningGateway) -> None:
    response = gw.get(path_of("chat_completion"))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")


@check("submit-any-method")
def _submit_methods(gw: RunningGateway) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        assert gw.request(method, path_of("chat_completion"), json={}).status_code == 405


@check("error-bifrost-true", "error-status-code-500", "error-content-type-text")
def _error_fields(gw: RunningGateway) -> None:
    response = gw.poll("chat_completion", NIL_UUID)
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["is_bifrost_error"] is False and body["status_code"] == 404


# submit
@check("submit-200", "submit-500")
def _submit_status(gw: RunningGateway) -> None:
    assert gw.submit().status_code == 202


@check("id-not-uuid")
def _uuid(gw: RunningGateway) -> None:
    job_id = gw.submit().json()["id"]
    assert len(job_id.split("-")) == 5 and str(uuid.UUID(job_id)) == job_id


@check("created-at-missing", "created-at-stale")
def _created_at(gw: RunningGateway) -> None:
    body = gw.submit().json()
    assert "created_at" in body
    assert datetime.now(UTC) - datetime.fromisoformat(body["created_at"]) < timedelta(seconds=30)


@check("submit-waits-for-provider")
def _submit_returns_at_once(gw: RunningGateway) -> None:
    # The job takes 1.5 s; a submit that waits for it answers after the job is done.
    submitted = gw.submit(model="openai/gpt-4o-mini-delay-1500ms")
    assert submitted.status_code == 202
    assert submitted.elapsed.total_seconds() < 1.0
    assert gw.poll("chat_completion", submitted.json()["id"]).json()["status"] in ("pending", "processing")


@check("expires-at-on-submit", "submit-not-pending")
def _submit_envelope(gw: RunningGateway) -> None:
    body = gw.submit().json()
    assert body["status"] == "pending"
    assert "expires_at" not in body and "completed_at" not in body


# lifecycle
@check("pending-poll-200")
def _pending_poll(gw: RunningGateway) -> None:
    response = gw.poll("chat_completion", gw.submit_ok(model=SLOW_MODEL))
    assert response.json()["status"] in ("pending", "processing")
    assert response.status_code == 202


@check("terminal-poll-202", "job-stuck")
def _terminal_poll(gw: RunningGateway) -> None:
    _, response = finished(gw)
    assert response.status_code == 200 and response.json()["status"] == "completed"


@check("null-result")
def _result(gw: RunningGateway) -> None:
    _, response = finished(gw)
    assert isinstance(response.json().get("result"), dict)


@check("failed-status-code-zero")
def _failed_status(gw: RunningGateway) -> None:
    _, response = finished(gw, model="openai/gpt-4o-mini-fail-429")
    assert response.json().get("status_code") == 429


@check("expires-before-completion", "completed-at-missing")
def _terminal_times(gw: RunningGateway) -> None:
    _, response = finished(gw)
    body = response.json()
    assert "completed_at" in body and "expires_at" in body
    assert datetime.fromisoformat(body["expires_at"]) > datetime.fromisoformat(body["completed_at"])


@check("id-mismatch")
def _id(gw: RunningGateway) -> None:
    job_id, response = finished(gw)
    assert response.json()["id"] == job_id


@check("unknown-job-500", "odd-id-500")
def _unknown(gw: RunningGateway) -> None:
    not_found(gw.poll("chat_completion", NIL_UUID))
    not_found(gw.poll("chat_completion", "not-a-uuid"))


@check("wrong-type-served")
def _wrong_type(gw: RunningGateway) -> None:
    not_found(gw.poll("chat_completion", gw.submit_ok("text_completion")))


@check("empty-choices")
def _choices(gw: RunningGateway) -> None:
    _, response = finished(gw)
    assert response.json()["result"]["choices"]


@check("status-backwards")
def _status_backwards(gw: RunningGateway) -> None:
    job_id, _ = finished(gw)
    for _ in range(3):
        response = gw.poll("chat_completion", job_id)
        assert (response.status_code, response.json()["status"]) == (200, "completed")


@check("content-type-text")
def _content_type(gw: RunningGateway) -> None:
    _, response = finished(gw)
    assert response.headers["Content-Type"].startswith("application/json")


@check("cross-talk")
def _cross_talk(gw: RunningGateway) -> None:
    first, _ = finished(gw)
    finished(gw)
    assert gw.poll("chat_completion", first).json()["id"] == first


@check("rerank-unsorted")
def _rerank(gw: RunningGateway) -> None:
    _, response = finished(gw, "rerank")
    scores = [r["relevance_score"] for r in response.json()["result"]["results"]]
    assert len(set(scores)) > 1 and scores == sorted(scores, reverse=True)


@check("request-id-ignored")
def _request_id(gw: RunningGateway) -> None:
    assert gw.submit(headers={"x-request-id": "trace-7"}).json()["request_id"] == "trace-7"


@check("request-id-shared")
def _request_id_generated(gw: RunningGateway) -> None:
    ids = {gw.submit().json()["request_id"] for _ in range(3)}
    assert len(ids) == 3 and all(ids)


# job envelope (issue 19, contract §2)
TTL_HEADER = "x-bf-async-job-result-ttl"
FAILING_MODEL = "openai/gpt-4o-mini-fail-429"
STORED_ONLY = {"request_type", "response", "virtual_key_id", "webhook_endpoint_id", "result_ttl"}


def seconds_between(body: dict[str, Any], start: str, end: str) -> float:
    return (datetime.fromisoformat(body[end]) - datetime.fromisoformat(body[start])).total_seconds()


@check("id-uuid-v1")
def _uuid_v4(gw: RunningGateway) -> None:
    assert uuid.UUID(gw.submit().json()["id"]).version == 4


@check("status-openai-words", "completed-at-in-flight", "status-code-in-flight")
def _in_flight_fields(gw: RunningGateway) -> None:
    submitted = gw.submit(model=SLOW_MODEL).json()
    polled = gw.poll("chat_completion", submitted["id"]).json()
    for body in (submitted, polled):
        assert body["status"] in ("pending", "processing"), body
        assert not {"completed_at", "expires_at", "status_code", "result", "error"} & set(body), body


@check("created-at-restamped", "end-times-zone-shifted")
def _time_relations(gw: RunningGateway) -> None:
    submitted = gw.submit().json()
    body = gw.wait_terminal("chat_completion", submitted["id"]).json()
    assert body["created_at"] == submitted["created_at"]
    assert seconds_between(body, "created_at", "completed_at") >= 0


@check("expires-at-missing", "ttl-from-submit")
def _expires_from_completion(gw: RunningGateway) -> None:
    body = finished(gw, headers={TTL_HEADER: "120"}, model=SLOW_MODEL)[1].json()
    assert "expires_at" in body and seconds_between(body, "completed_at", "expires_at") == 120


@check("expires-at-on-submit-with-ttl")
def _no_expiry_at_submit(gw: RunningGateway) -> None:
    body = gw.submit(headers={TTL_HEADER: "120"}).json()
    assert set(body) == {"id", "request_id", "status", "created_at"}, body


@check("completed-status-code-zero", "error-on-completed", "result-raw-text")
def _completed_fields(gw: RunningGateway) -> None:
    body = finished(gw)[1].json()
    assert body.get("status_code") == 200 and "error" not in body and isinstance(body["result"], dict), body


@check("result-on-failed", "failed-error-flat", "failed-ttl-ignored")
def _failed_fields(gw: RunningGateway) -> None:
    body = finished(gw, headers={TTL_HEADER: "120"}, model=FAILING_MODEL)[1].json()
    assert body["status"] == "failed" and "result" not in body, body
    error = body["error"]
    assert isinstance(error, dict) and error["error"]["message"], error
    assert error["status_code"] == body["status_code"]
    assert seconds_between(body, "completed_at", "expires_at") == 120


@check("stored-fields-leak")
def _stored_fields(gw: RunningGateway) -> None:
    submitted = gw.submit(headers={"x-bf-vk": VK})
    polled = gw.wait_terminal("chat_completion", submitted.json()["id"], {"x-bf-vk": VK})
    for body in (submitted.json(), polled.json()):
        assert not STORED_ONLY & set(body), body


# ttl
@check("ttl-ignored", "ttl-minutes")
def _ttl_custom(gw: RunningGateway) -> None:
    assert ttl_seconds(gw, "120") == 120


@check("ttl-zero-honoured")
def _ttl_zero(gw: RunningGateway) -> None:
    assert ttl_seconds(gw, "0") == 3600


@check("ttl-negative-honoured")
def _ttl_negative(gw: RunningGateway) -> None:
    assert ttl_seconds(gw, "-1") == 3600


@check("ttl-invalid-rejected")
def _ttl_invalid(gw: RunningGateway) -> None:
    assert gw.submit(headers={"x-bf-async-job-result-ttl": "not-a-number"}).status_code == 202


@check("expired-served")
def _expired(gw: RunningGateway) -> None:
    job_id, _ = finished(gw, headers={"x-bf-async-job-result-ttl": "1"})
    wait_for(lambda: gw.poll("chat_completion", job_id), lambda r: r.status_code == 404, DEADLINE_S)


# storage, TTL and retrieval (issue 19, contract §6)
@check("ttl-default-ignored")
def _ttl_default(gw: RunningGateway) -> None:
    assert ttl_seconds(gw, "") == 3600


@check("key-looked-up-after-webhook")
def _key_before_webhook(gw: RunningGateway) -> None:
    response = gw.submit(headers={"x-bf-vk": UNKNOWN_VK, "x-bf-async-webhook": "no-such-endpoint"})
    assert response.status_code == 400
    assert "virtual key not found" in response.json()["error"]["message"]


@check("type-mismatch-as-not-found")
def _type_mismatch_message(gw: RunningGateway) -> None:
    job_id = gw.submit_ok("text_completion")
    assert gw.poll("chat_completion", job_id).json()["error"]["message"] == "operation type mismatch"


@check("not-found-raw-db-error")
def _not_found_message(gw: RunningGateway) -> None:
    assert gw.poll("chat_completion", NIL_UUID).json()["error"]["message"] == "job not found or expired"


# auth
@check("unknown-key-accepted")
def _unknown_key(gw: RunningGateway) -> None:
    assert gw.submit(headers={"x-bf-vk": UNKNOWN_VK}).status_code == 400


@check("cross-key-allowed", "anonymous-poll-allowed", "unknown-key-poll-allowed")
def _scoped(gw: RunningGateway) -> None:
    job_id = gw.submit_ok(headers={"x-bf-vk": VK})
    not_found(gw.poll("chat_completion", job_id, {"x-bf-vk": ALT_VK}))
    not_found(gw.poll("chat_completion", job_id))
    not_found(gw.poll("chat_completion", job_id, {"x-bf-vk": UNKNOWN_VK}))


@check("public-job-hidden")
def _public(gw: RunningGateway) -> None:
    readable(gw.poll("chat_completion", gw.submit_ok(), {"x-bf-vk": VK}))


@check("bearer-poll-ignored")
def _bearer_poll(gw: RunningGateway) -> None:
    bearer = {"Authorization": f"Bearer {VK}"}
    readable(gw.poll("chat_completion", gw.submit_ok(headers=bearer), bearer))


def _header_format_is_a_key(header: dict[str, str]) -> Check:
    def run(gw: RunningGateway) -> None:
        job_id = gw.submit_ok(headers=header)
        not_found(gw.poll("chat_completion", job_id))
        readable(gw.poll("chat_completion", job_id, header))

    return run


check("bearer-ignored")(_header_format_is_a_key({"Authorization": f"Bearer {VK}"}))
check("x-api-key-ignored")(_header_format_is_a_key({"x-api-key": VK}))
check("goog-key-ignored")(_header_format_is_a_key({"x-goog-api-key": VK}))
check("api-key-ignored")(_header_format_is_a_key({"api-key": VK}))


@check("vk-prefix-case-sensitive")
def _recased_prefix(gw: RunningGateway) -> None:
    # SK-BF-… is still a virtual key; the gateway does not know it in that case, so it is refused.
    recased = VK[:6].upper() + VK[6:]
    for name, value in (
        ("Authorization", f"Bearer {recased}"),
        ("x-api-key", recased),
        ("x-goog-api-key", recased),
        ("api-key", recased),
    ):
        assert gw.submit(headers={name: value}).status_code == 400, name


# auth: virtual-key scoping (contract §7, and §6's key checks on polls)
NOT_A_VK = "sk-proj-not-a-virtual-key-0000"  # a provider-style key: no sk-bf- prefix


def message(response: requests.Response) -> str:
    text = response.json()["error"]["message"]
    assert isinstance(text, str)
    return text


def refused(response: requests.Response, text: str) -> None:
    not_found(response)
    assert message(response) == text, response.text


@check("vk-required-message-hidden", "vk-unknown-message-mismatch", "vk-mismatch-message-not-found")
def _scoped_poll_messages(gw: RunningGateway) -> None:
    job_id = gw.submit_ok(headers={"x-bf-vk": VK})
    refused(gw.poll("chat_completion", job_id), "virtual key is required")
    refused(gw.poll("chat_completion", job_id, {"x-bf-vk": UNKNOWN_VK}), "virtual key not found")
    refused(gw.poll("chat_completion", job_id, {"x-bf-vk": ALT_VK}), "virtual key mismatch")


@check("vk-checked-before-job-lookup")
def _job_looked_up_first(gw: RunningGateway) -> None:
    refused(gw.poll("chat_completion", NIL_UUID, {"x-bf-vk": UNKNOWN_VK}), "job not found or expired")


@check("type-checked-before-vk")
def _keys_checked_before_type(gw: RunningGateway) -> None:
    refused(gw.poll("embedding", gw.submit_ok(headers={"x-bf-vk": VK})), "virtual key is required")


@check("x-bf-vk-prefix-required")
def _x_bf_vk_as_is(gw: RunningGateway) -> None:
    response = gw.submit(headers={"x-bf-vk": NOT_A_VK})
    assert response.status_code == 400 and message(response) == "virtual key not found", response.text


def _unprefixed_is_public(header: dict[str, str]) -> Check:
    def run(gw: RunningGateway) -> None:
        readable(gw.poll("chat_completion", gw.submit_ok(headers=header)))

    return run


check("unprefixed-bearer-is-a-key")(_unprefixed_is_public({"Authorization": f"Bearer {NOT_A_VK}"}))
check("unprefixed-x-api-key-is-a-key")(_unprefixed_is_public({"x-api-key": NOT_A_VK}))
check("unprefixed-goog-key-is-a-key")(_unprefixed_is_public({"x-goog-api-key": NOT_A_VK}))
check("unprefixed-api-key-is-a-key")(_unprefixed_is_public({"api-key": NOT_A_VK}))


@check("unknown-key-submit-500", "unknown-key-submit-400")
def _unknown_key_status(gw: RunningGateway) -> None:
    statuses = {t: gw.submit(t, {"x-bf-vk": UNKNOWN_VK}).status_code for t in ("embedding", "rerank")}
    assert statuses == {"embedding": 400, "rerank": 500}, statuses


@check("unknown-key-message-generic", "responses-key-error-unprefixed")
def _unknown_key_message(gw: RunningGateway) -> None:
    assert message(gw.submit("embedding", {"x-bf-vk": UNKNOWN_VK})) == "virtual key not found"
    responses = message(gw.submit("responses", {"x-bf-vk": UNKNOWN_VK}))
    assert responses == "Failed to create async job: virtual key not found", responses


@check("own-key-refused")
def _own_key(gw: RunningGateway) -> None:
    readable(gw.poll("chat_completion", gw.submit_ok(headers={"x-bf-vk": VK}), {"x-bf-vk": VK}))


@check("key-scoped-by-header")
def _scoped_by_key_not_header(gw: RunningGateway) -> None:
    job_id = gw.submit_ok(headers={"x-api-key": VK})
    readable(gw.poll("chat_completion", job_id, {"x-bf-vk": VK}))


@check("public-job-needs-key", "public-job-unknown-key-refused")
def _public_to_anyone(gw: RunningGateway) -> None:
    job_id = gw.submit_ok()
    readable(gw.poll("chat_completion", job_id))
    readable(gw.poll("chat_completion", job_id, {"x-bf-vk": UNKNOWN_VK}))


@check("enforce-gap")
def _enforced_alike(gw: RunningGateway) -> None:
    # Whether or not the gateway enforces virtual keys, every route must treat anonymous jobs alike.
    outcomes = {
        request_type: finished(gw, request_type)[1].json()["status_code"]
        for request_type in ("chat_completion", "responses", "embedding", "text_completion")
    }
    assert len(set(outcomes.values())) == 1, outcomes


@check("enforce-refuses-valid-keys")
def _valid_key_runs(gw: RunningGateway) -> None:
    _, response = finished(gw, headers={"x-bf-vk": VK})
    assert response.json()["status"] == "completed", response.text


# validation
def _rejected(response: requests.Response, message: str) -> None:
    assert response.status_code == 400, response.status_code
    assert response.json()["error"]["message"] == message


@check("stream-accepted")
def _stream(gw: RunningGateway) -> None:
    _rejected(gw.submit(extra={"stream": True}), "stream is not supported for async chat completions")
    _rejected(
        gw.submit("image_edit", extra={"stream": "true"}), "stream is not supported for async image edits"
    )


@check("stream-rejected-everywhere")
def _stream_ignored(gw: RunningGateway) -> None:
    for request_type in ("embedding", "rerank", "ocr"):
        gw.submit_ok(request_type, extra={"stream": True})
    gw.submit_ok("image_variation", extra={"stream": "true"})


@check("speech-stream-accepted")
def _speech_stream(gw: RunningGateway) -> None:
    _rejected(gw.submit("speech", extra={"stream_format": "sse"}), "stream is not supported for async speech")


@check("malformed-json-accepted")
def _malformed(gw: RunningGateway) -> None:
    response = gw.post(
        path_of("chat_completion"), data=b"{invalid json", headers={"Content-Type": "application/json"}
    )
    _rejected(response, "Invalid request payload")


@check("missing-model-accepted")
def _missing_model(gw: RunningGateway) -> None:
    _rejected(gw.submit(drop=("model",)), "model should be in provider/model format")


@check("missing-file-accepted")
def _missing_file(gw: RunningGateway) -> None:
    _rejected(gw.submit("transcription", drop=("file",)), "file is required")


@check("missing-field-accepted")
def _missing_field(gw: RunningGateway) -> None:
    _rejected(gw.submit(drop=("messages",)), "messages is required for chat completion")


@check("wrong-method-200")
def _wrong_method(gw: RunningGateway) -> None:
    assert gw.post(f"{path_of('chat_completion')}/{NIL_UUID}").status_code in (404, 405)


@check("error-envelope-missing")
def _error_envelope(gw: RunningGateway) -> None:
    body = gw.poll("chat_completion", NIL_UUID).json()
    assert body["is_bifrost_error"] is False and body["error"]["message"]


@check("stream-before-validation")
def _stream_order(gw: RunningGateway) -> None:
    _rejected(
        gw.submit(drop=("messages",), extra={"stream": True}), "messages is required for chat completion"
    )


@check("submit-before-validation")
def _submit_after_validation(gw: RunningGateway) -> None:
    unknown = {"x-bf-vk": UNKNOWN_VK}
    _rejected(gw.submit(headers=unknown, drop=("messages",)), "messages is required for chat completion")
    streaming = gw.submit(headers=unknown, extra={"stream": True})
    _rejected(streaming, "stream is not supported for async chat completions")
    _rejected(
        gw.submit(headers={"x-bf-async-webhook": "no-such-endpoint"}, drop=("messages",)),
        "messages is required for chat completion",
    )


@check("refused-submit-creates-job")
def _refused_creates_nothing(gw: RunningGateway) -> None:
    before = gw.state.store.count()
    _rejected(gw.submit(drop=("messages",)), "messages is required for chat completion")
    assert gw.state.store.count() == before


@check("malformed-json-message-raw")
def _malformed_message(gw: RunningGateway) -> None:
    headers = {"Content-Type": "application/json"}
    response = gw.post(path_of("embedding"), data=b"{invalid json", headers=headers)
    _rejected(response, "Invalid request payload")


@check("model-format-message-wrong")
def _model_format_message(gw: RunningGateway) -> None:
    _rejected(gw.submit(model="gpt-4o-mini"), "model should be in provider/model format")


@check("multipart-parse-error-hidden")
def _multipart_parse_error(gw: RunningGateway) -> None:
    response = gw.post(path_of("transcription"), json={"model": "openai/whisper-1"})
    assert response.status_code == 400, response.status_code
    assert response.json()["error"]["message"].startswith("failed to parse multipart form: ")


@check("field-message-wrong")
def _field_message(gw: RunningGateway) -> None:
    _rejected(gw.submit("embedding", drop=("input",)), "input is required for embeddings")


@check("stream-message-wrong")
def _stream_message(gw: RunningGateway) -> None:
    _rejected(
        gw.submit("image_generation", extra={"stream": True}),
        "stream is not supported for async image generations",
    )


# integration routes
def _create(gw: RunningGateway, headers: dict[str, str] | None = None, **body: Any) -> requests.Response:
    payload = {"model": "openai/gpt-4o-mini", "input": "hi", **body}
    return gw.post(INTEGRATION, {"x-bf-async": "true", **(headers or {})}, json=payload)


def _retrieve(gw: RunningGateway, job_id: str, headers: dict[str, str] | None = None) -> requests.Response:
    return gw.post(INTEGRATION, {"x-bf-async-id": job_id, **(headers or {})}, json={})


@check("integration-create-202")
def _integration_create(gw: RunningGateway) -> None:
    assert _create(gw).status_code == 200


@check("integration-unknown-200")
def _integration_unknown(gw: RunningGateway) -> None:
    not_found(_retrieve(gw, NIL_UUID))


@check("integration-stream-accepted")
def _integration_stream(gw: RunningGateway) -> None:
    assert _create(gw, stream=True).status_code == 400


@check("integration-cross-key-allowed")
def _integration_cross_key(gw: RunningGateway) -> None:
    not_found(_retrieve(gw, _create(gw, {"x-bf-vk": VK}).json()["id"], {"x-bf-vk": ALT_VK}))


@check("integration-failed-200")
def _integration_failed(gw: RunningGateway) -> None:
    job_id = _create(gw, model="openai/gpt-4o-mini-fail-429").json()["id"]
    response = wait_for(lambda: _retrieve(gw, job_id), lambda r: r.json().get("id") != job_id, DEADLINE_S)
    assert response.status_code == 429


@check("integration-async-any-route")
def _integration_any_route(gw: RunningGateway) -> None:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    assert gw.post("/openai/v1/chat/completions", {"x-bf-async": "true"}, json=body).status_code == 400


@check("integration-type-unchecked")
def _integration_type(gw: RunningGateway) -> None:
    not_found(_retrieve(gw, gw.submit_ok("chat_completion")))


@check("integration-jobs-separate")
def _integration_shared(gw: RunningGateway) -> None:
    assert _retrieve(gw, gw.submit_ok("responses")).status_code == 200
    readable(gw.poll("responses", _create(gw).json()["id"]))


def _completed_responses_job(gw: RunningGateway, path: str, body: dict[str, Any]) -> str:
    """A job made on an integration route, once /v1/async/responses shows it completed."""
    response = gw.post(path, {"x-bf-async": "true"}, json=body)
    job_id = response.json()["id"]
    assert isinstance(job_id, str)
    assert gw.wait_terminal("responses", job_id, deadline_s=DEADLINE_S).json()["status"] == "completed"
    return job_id


@check("integration-completed-stub")
def _integration_completed(gw: RunningGateway) -> None:
    job_id = _completed_responses_job(gw, INTEGRATION, {"model": "openai/gpt-4o-mini", "input": "hi"})
    body = _retrieve(gw, job_id).json()
    assert body["id"] != job_id and body["output"]
    job_id = _completed_responses_job(gw, ANTHROPIC, MESSAGES_BODY)
    body = gw.post(ANTHROPIC, {"x-bf-async-id": job_id}, json={}).json()
    assert body["id"] != job_id and body["content"]


@check("anthropic-openai-shape")
def _anthropic_shape(gw: RunningGateway) -> None:
    stub = gw.post(ANTHROPIC, {"x-bf-async": "true"}, json=MESSAGES_BODY).json()
    assert "object" not in stub and "status" not in stub and "output" not in stub
    gw.wait_terminal("responses", stub["id"], deadline_s=DEADLINE_S)
    body = gw.post(ANTHROPIC, {"x-bf-async-id": stub["id"]}, json={}).json()
    assert (body["type"], body["role"]) == ("message", "assistant") and body["content"]
    assert "object" not in body and "output" not in body


@check("integration-webhook-ignored")
def _integration_webhook(gw: RunningGateway) -> None:
    # Without a receiver, the refusal of a name no endpoint has is what shows the header was read.
    headers = {"x-bf-async": "true", "x-bf-async-webhook": "no-such-endpoint"}
    for route, body in (
        (INTEGRATION, {"model": "openai/gpt-4o-mini", "input": "hi"}),
        (ANTHROPIC, MESSAGES_BODY),
    ):
        assert gw.post(route, headers, json=body).status_code == 400, route


def _created_id(response: requests.Response) -> str:
    """The job id of a successful integration create (200 with a UUID)."""
    assert response.status_code == 200, response.text
    job_id = response.json()["id"]
    assert str(uuid.UUID(job_id)) == job_id, job_id
    return str(job_id)


def _create_on(gw: RunningGateway, path: str, headers: dict[str, str] | None = None) -> requests.Response:
    body = MESSAGES_BODY if "/messages" in path else {"model": "openai/gpt-4o-mini", "input": "hi"}
    return gw.post(path, {"x-bf-async": "true", **(headers or {})}, json=body)


@check("integration-alias-sync")
def _integration_alias(gw: RunningGateway) -> None:
    for path in ("/openai/responses", "/openai/openai/responses"):
        _created_id(_create_on(gw, path))


@check("integration-messages-subpath-sync")
def _integration_messages_subpath(gw: RunningGateway) -> None:
    _created_id(_create_on(gw, ANTHROPIC + "/acceptance"))


@check("integration-prefixes-sync")
def _integration_prefixes(gw: RunningGateway) -> None:
    for prefix in ("/litellm", "/langchain", "/pydanticai"):
        _created_id(_create_on(gw, prefix + "/v1/responses"))
        _created_id(_create_on(gw, prefix + "/v1/messages"))


@check("integration-async-true-only")
def _integration_any_value(gw: RunningGateway) -> None:
    _created_id(_create_on(gw, INTEGRATION, {"x-bf-async": "yes"}))


@check("integration-async-before-body")
def _integration_body_first(gw: RunningGateway) -> None:
    headers = {"x-bf-async": "true", "Content-Type": "application/json"}
    for path in (INTEGRATION, ANTHROPIC, "/openai/v1/chat/completions"):
        response = gw.post(path, headers, data="{invalid json")
        assert response.status_code == 400, path
        assert "id" not in response.json(), path
        assert response.json()["error"]["message"] != "async operation is not supported on this route"


@check("integration-unknown-key-accepted")
def _integration_unknown_key(gw: RunningGateway) -> None:
    response = _create(gw, {"x-bf-vk": UNKNOWN_VK})
    assert response.status_code == 400 and "id" not in response.json(), response.text


@check("integration-stub-bare", "integration-openai-statuses")
def _integration_stub(gw: RunningGateway) -> None:
    stub = _create(gw).json()
    assert stub.get("object") == "response" and stub.get("status") in ("pending", "processing"), stub


@check("integration-create-foreign-id")
def _integration_create_id(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw))
    readable(gw.poll("responses", job_id))


@check("integration-inflight-id-prefixed")
def _integration_inflight_id(gw: RunningGateway) -> None:
    for path in (INTEGRATION, ANTHROPIC):
        body = MESSAGES_BODY if path == ANTHROPIC else {"model": "openai/gpt-4o-mini", "input": "hi"}
        job_id = _created_id(gw.post(path, {"x-bf-async": "true"}, json={**body, "model": SLOW_MODEL}))
        assert gw.post(path, {"x-bf-async-id": job_id}, json={}).json()["id"] == job_id, path


@check("integration-retrieve-needs-body")
def _integration_retrieve_body(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw))
    for data in ("", "{invalid json"):
        assert gw.post(INTEGRATION, {"x-bf-async-id": job_id}, data=data).status_code == 200


@check("integration-get-retrieve")
def _integration_get(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw))
    response = gw.get(INTEGRATION, {"x-bf-async-id": job_id})
    assert not response.headers["Content-Type"].startswith("application/json"), response.text


@check("integration-expired-served")
def _integration_expired(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw, {"x-bf-async-job-result-ttl": "1"}))
    gw.wait_terminal("responses", job_id)
    wait_for(lambda: gw.poll("responses", job_id), lambda r: r.status_code == 404, DEADLINE_S)
    not_found(_retrieve(gw, job_id))


@check("integration-anonymous-retrieve-allowed", "integration-unknown-key-retrieve-allowed")
def _integration_scoped_retrieve(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw, {"x-bf-vk": VK}))
    not_found(_retrieve(gw, job_id))
    not_found(_retrieve(gw, job_id, {"x-bf-vk": UNKNOWN_VK}))


@check("integration-retrieve-key-ignored")
def _integration_own_key(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw, {"x-bf-vk": VK}))
    assert _retrieve(gw, job_id, {"x-bf-vk": VK}).status_code == 200


@check("integration-public-job-hidden")
def _integration_public_job(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw))
    assert _retrieve(gw, job_id, {"x-bf-vk": VK}).status_code == 200


@check("integration-key-formats-ignored")
def _integration_key_formats(gw: RunningGateway) -> None:
    job_id = _created_id(_create_on(gw, ANTHROPIC, {"x-api-key": VK}))
    not_found(gw.post(ANTHROPIC, {"x-bf-async-id": job_id}, json={}))


@check("integration-404-names-cause")
def _integration_404_message(gw: RunningGateway) -> None:
    response = _retrieve(gw, gw.submit_ok("chat_completion"))
    not_found(response)
    assert response.json()["error"]["message"] == "job not found or expired"


@check("integration-completed-job-id")
def _integration_provider_id(gw: RunningGateway) -> None:
    job_id = _completed_responses_job(gw, INTEGRATION, {"model": "openai/gpt-4o-mini", "input": "hi"})
    assert _retrieve(gw, job_id).json()["id"] not in ("", job_id)


@check("integration-failed-generic-error", "integration-anthropic-error-raw")
def _integration_failed_error(gw: RunningGateway) -> None:
    body = {**MESSAGES_BODY, "model": "openai/gpt-4o-mini-fail-429"}
    job_id = _created_id(gw.post(ANTHROPIC, {"x-bf-async": "true"}, json=body))
    stored = gw.wait_terminal("responses", job_id).json()["error"]["error"]["message"]
    answer = gw.post(ANTHROPIC, {"x-bf-async-id": job_id}, json={}).json()
    assert answer.get("type") == "error" and answer["error"]["message"] == stored, answer


@check("integration-ttl-ignored")
def _integration_ttl(gw: RunningGateway) -> None:
    job_id = _created_id(_create(gw, {"x-bf-async-job-result-ttl": "120"}))
    body = gw.wait_terminal("responses", job_id).json()
    ttl = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(body["completed_at"])
    assert abs(ttl.total_seconds() - 120) < 5, ttl


# misbehaving transport
@check("poll-hang", "poll-html", "poll-truncated", "poll-reset")
def _poll_transport(gw: RunningGateway) -> None:
    response = gw.poll("chat_completion", gw.submit_ok(), timeout=1.0)
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["status"] in ("pending", "processing", "completed")


# capabilities that disappear (issue 21): an older build's shape, which BIFROST_EXPECT turns into failures
@check("webhooks-api-missing")
def _webhooks_api(gw: RunningGateway) -> None:
    response = gw.get("/api/webhooks")
    assert response.status_code == 200 and isinstance(response.json().get("endpoints"), list), response.text


@check("request-id-missing")
def _request_id_present(gw: RunningGateway) -> None:
    job_id, response = finished(gw, headers={"x-request-id": "trace-8"})
    assert gw.poll("chat_completion", job_id).json().get("request_id") == "trace-8"
    assert response.json().get("request_id") == "trace-8"


@check("rerank-ocr-missing")
def _newer_endpoints(gw: RunningGateway) -> None:
    for request_type in ("rerank", "ocr"):
        assert gw.submit(request_type).status_code == 202
        readable(gw.poll(request_type, gw.submit_ok(request_type)))


# Webhook faults need a receiver; tests/test_fake_webhooks.py has a check for each of them.
NON_WEBHOOK_FAULTS = sorted(name for name in FAULTS if not name.startswith("webhook-"))


def test_every_fault_has_a_check() -> None:
    assert sorted(CHECKS) == NON_WEBHOOK_FAULTS


@pytest.mark.parametrize("name", NON_WEBHOOK_FAULTS)
def test_fault_is_caught_by_its_check(
    name: str, gateway: RunningGateway, gateway_factory: GatewayFactory
) -> None:
    CHECKS[name](gateway)
    faulty = gateway_factory(name)
    with pytest.raises(CAUGHT):
        CHECKS[name](faulty)


def test_fault_names_are_kebab_case_with_one_line_descriptions() -> None:
    assert len(FAULTS) >= 15
    for name, description in FAULTS.items():
        assert name == name.lower() and " " not in name and "_" not in name
        assert description and "\n" not in description


def test_unknown_fault_is_refused() -> None:
    with pytest.raises(UnknownFaultError):
        Faults(["no-such-fault"])
    with pytest.raises(KeyError):
        Faults().on("no-such-fault")
