"""Contract tests over HTTP: the integration routes and their x-bf-async / x-bf-async-id headers (§8)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Any

import pytest
from conftest import ALT_VK, NIL_UUID, UNKNOWN_VK, VK, GatewayFactory, RunningGateway, wait_for

OPENAI = "/openai/v1/responses"
ANTHROPIC = "/anthropic/v1/messages"
RESPONSES_BODY = {"model": "openai/gpt-4o-mini", "input": "Say hello in one word."}
MESSAGES_BODY = {
    "model": "anthropic/claude-3-5-haiku-latest",
    "max_tokens": 32,
    "messages": [{"role": "user", "content": "Say hello in one word."}],
}
ASYNC = {"x-bf-async": "true"}


def create(
    gateway: RunningGateway, path: str = OPENAI, body: Any = None, headers: dict[str, str] | None = None
) -> str:
    default = MESSAGES_BODY if path == ANTHROPIC else RESPONSES_BODY
    response = gateway.post(path, {**ASYNC, **(headers or {})}, json=body or default)
    assert response.status_code == 200, response.text
    job_id = response.json()["id"]
    uuid.UUID(job_id)
    return str(job_id)


def retrieve(
    gateway: RunningGateway, job_id: str, path: str = OPENAI, headers: dict[str, str] | None = None
) -> Any:
    return gateway.post(path, {"x-bf-async-id": job_id, **(headers or {})}, json={})


def retrieve_finished(
    gateway: RunningGateway, job_id: str, path: str = OPENAI, headers: dict[str, str] | None = None
) -> Any:
    """Retrieve until the answer is no longer the in-flight stub (whose id is the job id)."""
    return wait_for(
        lambda: retrieve(gateway, job_id, path, headers),
        lambda r: r.status_code != 200 or r.json().get("id") != job_id,
    )


def assert_not_found(response: Any) -> None:
    assert response.status_code == 404, response.text
    assert response.json()["error"]["message"] == "job not found or expired"


@pytest.mark.parametrize("model", ["openai/gpt-4o-mini", "gpt-4o-mini"])
def test_openai_create_answers_200_with_a_pending_responses_stub(gateway: RunningGateway, model: str) -> None:
    response = gateway.post(OPENAI, ASYNC, json={"model": model, "input": "hi"})
    assert response.status_code == 200
    body = response.json()
    assert uuid.UUID(body["id"]).version == 4
    assert body["object"] == "response"
    assert body["status"] == "pending"


def test_openai_retrieve_stub_then_provider_response(gateway: RunningGateway) -> None:
    job_id = create(gateway, body={"model": "openai/gpt-4o-mini-delay-300ms", "input": "hi"})
    in_flight = retrieve(gateway, job_id)
    assert in_flight.status_code == 200
    assert in_flight.json()["id"] == job_id
    assert in_flight.json()["status"] in ("pending", "processing")
    done = retrieve_finished(gateway, job_id)
    assert done.status_code == 200
    body = done.json()
    assert body["id"] != job_id and body["id"].startswith("resp_")
    assert body["object"] == "response"
    assert body["status"] == "completed"
    assert body["output"]


def test_retrieve_ignores_the_body(gateway: RunningGateway) -> None:
    job_id = create(gateway)
    response = gateway.post(OPENAI, {"x-bf-async-id": job_id}, data=b"{not json")
    assert response.status_code == 200


def test_jobs_are_shared_between_async_and_integration_routes(gateway: RunningGateway) -> None:
    from_async = gateway.submit_ok("responses")
    assert retrieve_finished(gateway, from_async).json()["object"] == "response"
    from_route = create(gateway)
    body = gateway.wait_terminal("responses", from_route).json()
    assert body["status"] == "completed" and body["result"]["object"] == "response"


@pytest.mark.parametrize("job_id", [NIL_UUID, "nope"])
def test_retrieve_unknown_job_is_404(gateway: RunningGateway, job_id: str) -> None:
    assert_not_found(retrieve(gateway, job_id))


def test_retrieve_of_another_type_is_404(gateway: RunningGateway) -> None:
    assert_not_found(retrieve(gateway, gateway.submit_ok("chat_completion")))


def test_retrieve_key_rules_all_answer_not_found(gateway: RunningGateway) -> None:
    job_id = create(gateway, headers={"x-bf-vk": VK})
    assert_not_found(retrieve(gateway, job_id))
    assert_not_found(retrieve(gateway, job_id, headers={"x-bf-vk": ALT_VK}))
    assert_not_found(retrieve(gateway, job_id, headers={"x-bf-vk": UNKNOWN_VK}))
    assert retrieve(gateway, job_id, headers={"x-bf-vk": VK}).status_code == 200
    assert retrieve(gateway, job_id, headers={"Authorization": f"Bearer {VK}"}).status_code == 200


def test_retrieve_of_an_expired_job_is_404(gateway: RunningGateway) -> None:
    job_id = create(gateway, headers={"x-bf-async-job-result-ttl": "1"})
    finished = gateway.wait_terminal("responses", job_id).json()
    ttl = datetime.fromisoformat(finished["expires_at"]) - datetime.fromisoformat(finished["completed_at"])
    assert ttl.total_seconds() == 1
    wait_for(lambda: retrieve(gateway, job_id), lambda r: r.status_code == 404, 5)


def test_create_with_unknown_key_is_400(gateway: RunningGateway) -> None:
    response = gateway.post(OPENAI, {**ASYNC, "x-bf-vk": UNKNOWN_VK}, json=RESPONSES_BODY)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "failed to create async job"


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
def test_async_stream_is_rejected(gateway: RunningGateway, path: str) -> None:
    body = {**(MESSAGES_BODY if path == ANTHROPIC else RESPONSES_BODY), "stream": True}
    response = gateway.post(path, ASYNC, json=body)
    assert response.status_code == 400
    text = response.text
    assert "streaming is not supported for async requests" in text


@pytest.mark.parametrize("header", [ASYNC, {"x-bf-async-id": NIL_UUID}])
def test_async_headers_on_the_chat_route_are_refused(gateway: RunningGateway, header: dict[str, str]) -> None:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    response = gateway.post("/openai/v1/chat/completions", header, json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "async operation is not supported on this route"


def test_failed_job_answers_with_the_stored_error_status(gateway: RunningGateway) -> None:
    job_id = create(gateway, body={"model": "openai/gpt-4o-mini-fail-429", "input": "hi"})
    response = retrieve_finished(gateway, job_id)
    assert response.status_code == 429
    body = response.json()
    assert body["status_code"] == 429 and body["error"]["message"]


def test_create_with_bad_body_is_400(gateway: RunningGateway) -> None:
    assert gateway.post(OPENAI, ASYNC, data=b"{oops").status_code == 400
    assert gateway.post(OPENAI, ASYNC, json={"input": "no model"}).status_code == 400


def test_anthropic_create_stub_has_no_status_and_completes_as_a_message(gateway: RunningGateway) -> None:
    response = gateway.post(ANTHROPIC, ASYNC, json=MESSAGES_BODY)
    assert response.status_code == 200
    stub = response.json()
    assert "status" not in stub
    job_id = stub["id"]
    uuid.UUID(job_id)
    body = retrieve_finished(gateway, job_id, ANTHROPIC).json()
    assert body["type"] == "message" and body["role"] == "assistant"
    assert body["content"][0]["type"] == "text"
    assert body["id"] != job_id


def test_anthropic_failed_job_uses_anthropic_error_format(gateway: RunningGateway) -> None:
    body = {**MESSAGES_BODY, "model": "anthropic/claude-3-5-haiku-latest-fail-529"}
    job_id = create(gateway, ANTHROPIC, body)
    response = retrieve_finished(gateway, job_id, ANTHROPIC)
    assert response.status_code == 529
    assert response.json()["type"] == "error"
    assert_anthropic_not_found = retrieve(gateway, NIL_UUID, ANTHROPIC)
    assert assert_anthropic_not_found.status_code == 404
    assert assert_anthropic_not_found.json()["error"]["message"] == "job not found or expired"


def test_anthropic_and_openai_routes_share_responses_jobs(gateway: RunningGateway) -> None:
    job_id = create(gateway, ANTHROPIC)
    assert retrieve_finished(gateway, job_id, OPENAI).json()["object"] == "response"


@pytest.mark.parametrize("path", ["/litellm/v1/responses", "/openai/responses", "/langchain/v1/messages"])
def test_other_prefixes_support_async(gateway: RunningGateway, path: str) -> None:
    body = MESSAGES_BODY if path.endswith("messages") else RESPONSES_BODY
    response = gateway.post(path, ASYNC, json=body)
    assert response.status_code == 200


def test_without_the_header_the_routes_answer_synchronously(gateway: RunningGateway) -> None:
    responses = gateway.post(OPENAI, json=RESPONSES_BODY)
    assert responses.status_code == 200 and responses.json()["status"] == "completed"
    message = gateway.post(ANTHROPIC, json=MESSAGES_BODY)
    assert message.status_code == 200 and message.json()["type"] == "message"
    chat = gateway.post(
        "/openai/v1/chat/completions",
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert chat.status_code == 200 and chat.json()["choices"]
    failing = gateway.post(OPENAI, json={"model": "openai/gpt-4o-mini-fail-503", "input": "hi"})
    assert failing.status_code == 503
    refused = gateway.post(OPENAI, {"x-bf-vk": UNKNOWN_VK}, json=RESPONSES_BODY)
    assert refused.status_code == 401


def test_integration_ttl_header_is_honoured(gateway: RunningGateway) -> None:
    job_id = create(gateway, headers={"x-bf-async-job-result-ttl": "120"})
    body = gateway.wait_terminal("responses", job_id).json()
    ttl = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(body["completed_at"])
    assert ttl.total_seconds() == 120


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
def test_a_synchronous_call_that_outlasts_the_provider_timeout_answers_504(
    gateway_factory: GatewayFactory, path: str
) -> None:
    running = gateway_factory(provider_timeout=0.5)
    slow = "openai/gpt-4o-mini-delay-2000ms" if path == OPENAI else "anthropic/claude-delay-2000ms"
    body = {**(MESSAGES_BODY if path == ANTHROPIC else RESPONSES_BODY), "model": slow}
    started = time.monotonic()
    response = running.post(path, json=body)
    assert time.monotonic() - started < 1.8
    assert response.status_code == 504
    if path == ANTHROPIC:
        assert response.json()["type"] == "error" and response.json()["error"]["type"] == "api_error"
    else:
        error = response.json()
        assert error["status_code"] == 504 and error["error"]["type"] == "request_timed_out"


@pytest.mark.parametrize("model", ["mistral/mistral-small-latest", "cohere/command-r-plus"])
def test_responses_route_serves_cohere_and_mistral_models(gateway: RunningGateway, model: str) -> None:
    answer = gateway.post(OPENAI, json={"model": model, "input": "Say hello"})
    assert answer.status_code == 200 and answer.json()["status"] == "completed"
    assert answer.json()["output"][0]["content"][0]["text"] == "Echo: Say hello"
    job_id = create(gateway, body={"model": model, "input": "hi"})
    assert retrieve_finished(gateway, job_id).json()["status"] == "completed"
