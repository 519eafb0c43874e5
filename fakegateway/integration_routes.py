"""Provider-compatible integration routes and their `x-bf-async` / `x-bf-async-id` headers (contract §8)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from uuid import uuid4

from aiohttp import web

from fakegateway import contract
from fakegateway.async_routes import access_problem, request_id_of, scope_of
from fakegateway.bodies import BodyError, json_object
from fakegateway.envelope import error_body, error_response, json_response
from fakegateway.faults import Faults
from fakegateway.gateway import GATEWAY, Gateway
from fakegateway.keys import key_source, virtual_key
from fakegateway.providers import Outcome, anthropic_route
from fakegateway.store import COMPLETED, FAILED, JobRow, now
from fakegateway.ttl import TTL_HEADER, result_ttl
from fakegateway.webhook_routes import WEBHOOK_HEADER, resolve_submit_webhook

ASYNC_HEADER = "x-bf-async"
ASYNC_ID_HEADER = "x-bf-async-id"
CANONICAL_PATHS = ("/openai/v1/responses", "/anthropic/v1/messages")
EXTRA_PREFIXES = ("litellm", "langchain", "pydanticai")
# What the OpenAI Responses statuses would be if the stub spoke OpenAI's lifecycle (a regression).
OPENAI_STATUSES = {"pending": "queued", "processing": "in_progress"}
SYNC_STREAM_MESSAGE = "streaming is not supported by the fake gateway"
MODEL_MISSING = "model is required"


class Flavour(StrEnum):
    OPENAI = "openai"
    ANTHROPIC = "anthropic"


@dataclass(frozen=True)
class IntegrationRoute:
    path: str
    request_type: str
    flavour: Flavour
    # Bifrost sets an async converter on the Responses and Messages routes only.
    supports_async: bool

    @property
    def default_provider(self) -> str:
        return self.flavour.value


def _routes() -> tuple[IntegrationRoute, ...]:
    routes: list[IntegrationRoute] = []
    for prefix in ("/openai", "/litellm", "/langchain", "/pydanticai"):
        for path in ("/v1/responses", "/responses", "/openai/responses"):
            routes.append(IntegrationRoute(prefix + path, "responses", Flavour.OPENAI, True))
        for path in ("/v1/chat/completions", "/chat/completions"):
            routes.append(IntegrationRoute(prefix + path, "chat_completion", Flavour.OPENAI, False))
    for prefix in ("/anthropic", "/litellm", "/langchain", "/pydanticai"):
        # Bifrost registers the Messages route config twice: `/v1/messages` and `/v1/messages/{path:*}`.
        for path in ("/v1/messages", "/v1/messages/{path:.*}"):
            routes.append(IntegrationRoute(prefix + path, "responses", Flavour.ANTHROPIC, True))
    return tuple(routes)


INTEGRATION_ROUTES = _routes()


def _error(gateway: Gateway, route: IntegrationRoute, status: int, message: str) -> web.Response:
    if route.flavour is Flavour.OPENAI or (
        400 <= status < 500 and gateway.faults.on("error-envelope-missing")
    ):
        return error_response(status, message, gateway.faults)
    return json_response(status, anthropic_route.error_to_anthropic(error_body(status, message)))


def _async_lost(faults: Faults, route: IntegrationRoute) -> bool:
    """Regressions that drop the async converter from some of the routes that have it."""
    if route.path.split("/")[1] in EXTRA_PREFIXES:
        return faults.on("integration-prefixes-sync")
    if route.path in CANONICAL_PATHS:
        return False
    if route.flavour is Flavour.OPENAI:
        return faults.on("integration-alias-sync")
    return faults.on("integration-messages-subpath-sync")


def _wants_async(faults: Faults, value: str | None) -> bool:
    """Bifrost creates a job for any non-empty `x-bf-async` value (the regression: only `true`)."""
    if faults.on("integration-async-true-only"):
        return (value or "").strip().lower() == "true"
    return bool(value)


def _shaped(gateway: Gateway, route: IntegrationRoute) -> IntegrationRoute:
    """The route whose async converter shapes the stub and the completed body."""
    if route.flavour is Flavour.ANTHROPIC and gateway.faults.on("anthropic-openai-shape"):
        return replace(route, flavour=Flavour.OPENAI)  # the regression: the Responses converter
    return route


def _stub(route: IntegrationRoute, row: JobRow, faults: Faults, *, retrieved: bool = False) -> dict[str, Any]:
    """What an in-flight job looks like on the route: Bifrost's status values, the job id."""
    prefixed = retrieved and faults.on("integration-inflight-id-prefixed")
    if route.flavour is Flavour.OPENAI:
        status = row.status
        if faults.on("integration-openai-statuses"):
            status = OPENAI_STATUSES.get(status, status)
        job_id = f"resp_{row.id}" if prefixed else row.id
        if faults.on("integration-stub-bare"):
            return {"id": job_id, "status": status}
        created = int(row.created_at.timestamp())
        return {
            "id": job_id,
            "object": "response",
            "created_at": created,
            "status": status,
            "model": "",
            "output": [],
        }
    # Anthropic's message has no status field, so the stub cannot say how far the job is.
    return {
        "id": f"msg_{row.id}" if prefixed else row.id,
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "",
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 0, "output_tokens": 0},
    }


def _send_outcome(
    gateway: Gateway, route: IntegrationRoute, outcome: Outcome, *, failed_status: int
) -> web.Response:
    if outcome.status_code == 200 and outcome.result is not None:
        result = outcome.result
        if route.flavour is Flavour.ANTHROPIC:
            result = anthropic_route.responses_result_to_anthropic_message(result)
        return json_response(200, result)
    error = outcome.error or error_body(failed_status, "provider returned no result")
    if route.flavour is Flavour.ANTHROPIC:
        error = anthropic_route.error_to_anthropic(error)
    return json_response(failed_status, error)


async def handle(request: web.Request, route: IntegrationRoute) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    faults = gateway.faults
    async_allowed = (route.supports_async and not _async_lost(faults, route)) or faults.on(
        "integration-async-any-route"
    )
    job_id = request.headers.get(ASYNC_ID_HEADER)
    if job_id:
        # The retrieve header is read before the body, which may be empty or anything.
        if faults.on("integration-retrieve-needs-body"):
            try:
                json_object(await request.read())
            except BodyError as exc:
                return _error(gateway, route, 400, exc.message)
        if not async_allowed:
            return _error(gateway, route, 400, contract.INTEGRATION_UNSUPPORTED)
        return _retrieve(gateway, route, request, job_id)

    wants_async = _wants_async(faults, request.headers.get(ASYNC_HEADER))
    try:
        body = json_object(await request.read())
    except BodyError as exc:
        if wants_async and faults.on("integration-async-before-body"):
            # The regression acts on x-bf-async before the body is known: a job from nothing.
            if not async_allowed:
                return _error(gateway, route, 400, contract.INTEGRATION_UNSUPPORTED)
            return _create(gateway, route, request, f"{route.default_provider}/unknown", {})
        return _error(gateway, route, 400, exc.message)
    raw_model = body.get("model")
    if not isinstance(raw_model, str) or not raw_model:
        return _error(gateway, route, 400, MODEL_MISSING)
    model = raw_model if "/" in raw_model else f"{route.default_provider}/{raw_model}"
    params = (
        anthropic_route.messages_to_responses_params(body) if route.flavour is Flavour.ANTHROPIC else body
    )
    params = {**params, "model": model}
    streaming = body.get("stream") is True

    if wants_async:
        if streaming and not faults.on("integration-stream-accepted"):
            return _error(gateway, route, 400, contract.INTEGRATION_STREAM)
        if not async_allowed:
            return _error(gateway, route, 400, contract.INTEGRATION_UNSUPPORTED)
        return _create(gateway, route, request, model, params)

    if streaming:
        return _error(gateway, route, 400, SYNC_STREAM_MESSAGE)
    key = virtual_key(request.headers, faults)
    key_id = None if key is None else gateway.keys.resolve(key)
    if key is not None and key_id is None:
        # Governance refuses unknown keys inside the synchronous call.
        message = "virtual key not found. The provided virtual key does not exist or has been revoked."
        return _error(gateway, route, 401, message)
    outcome = await gateway.executor.call_provider(
        route.request_type, model, params, [], virtual_key_id=key_id
    )
    return _send_outcome(gateway, route, outcome, failed_status=outcome.status_code or 500)


def _create(
    gateway: Gateway, route: IntegrationRoute, request: web.Request, model: str, params: dict[str, Any]
) -> web.Response:
    faults = gateway.faults
    if faults.on("integration-key-formats-ignored"):
        key = request.headers.get("x-bf-vk") or None  # the regression reads x-bf-vk only
        found = (key, "x-bf-vk") if key else None
    else:
        found = key_source(request.headers, faults)
    key_id = None
    if found is not None:
        key_id = gateway.keys.resolve(found[0])
        if key_id is None and not faults.on("integration-unknown-key-accepted"):
            return _error(gateway, route, 400, contract.INTEGRATION_CREATE_FAILED)
        if key_id is not None:
            key_id = scope_of(gateway, key_id, found[1])
    ttl = result_ttl(request.headers.get(TTL_HEADER), gateway.config.default_ttl, faults)
    if faults.on("integration-ttl-ignored"):
        ttl = gateway.config.default_ttl
    if ttl is None:
        return _error(gateway, route, 400, f"invalid {TTL_HEADER} header")
    # SubmitJob resolves the webhook reference for integration creates too (contract §8, §9);
    # the route answers its generic refusal, whatever the reason.
    webhook_endpoint_id = None
    webhook_name = request.headers.get(WEBHOOK_HEADER, "").strip()
    if webhook_name and not faults.on("integration-webhook-ignored"):
        webhook_endpoint_id, problem = resolve_submit_webhook(gateway, webhook_name)
        if problem:
            return _error(gateway, route, 400, contract.INTEGRATION_CREATE_FAILED)
    row = gateway.executor.submit(
        request_type=route.request_type,
        model=model,
        params=params,
        files=[],
        virtual_key_id=key_id,
        ttl=ttl,
        request_id=request_id_of(request, gateway),
        webhook_endpoint_id=webhook_endpoint_id,
    )
    if faults.on("integration-jobs-separate"):
        gateway.integration_job_ids.add(row.id)
    stub = _stub(_shaped(gateway, route), row, faults)
    if faults.on("integration-create-foreign-id"):
        stub["id"] = str(uuid4())  # the regression: a UUID, but not the job's
    return json_response(202 if faults.on("integration-create-202") else 200, stub)


def _retrieve(gateway: Gateway, route: IntegrationRoute, request: web.Request, job_id: str) -> web.Response:
    faults = gateway.faults
    expired_served = faults.on("expired-served") or faults.on("integration-expired-served")
    row = gateway.store.find(job_id, at=now(), include_expired=expired_served)
    if row is None:
        if faults.on("integration-unknown-200"):
            return json_response(200, _stub(route, _phantom(job_id), faults))
        return _error(gateway, route, 404, contract.JOB_NOT_FOUND)
    # Whatever the reason (key, type), the caller only learns that there is no such job.
    problem = _key_problem(gateway, row, request)
    if not (row.request_type == route.request_type or faults.on("integration-type-unchecked")):
        problem = problem or contract.TYPE_MISMATCH
    # The regression keeps the route's own jobs apart from those of /v1/async/responses.
    if faults.on("integration-jobs-separate") and row.id not in gateway.integration_job_ids:
        problem = problem or contract.JOB_NOT_FOUND
    if problem:
        named = problem if faults.on("integration-404-names-cause") else contract.JOB_NOT_FOUND
        return _error(gateway, route, 404, named)
    if row.status == COMPLETED and not faults.on("integration-completed-stub"):
        result = None if row.response is None else _decode(row.response)
        if result is not None and faults.on("integration-completed-job-id"):
            result = {**result, "id": row.id}
        return _send_outcome(gateway, _shaped(gateway, route), Outcome(200, result, None), failed_status=500)
    if row.status == FAILED:
        status = 200 if faults.on("integration-failed-200") else (row.status_code or 500)
        error = None if row.error is None else _decode(row.error)
        if faults.on("integration-failed-generic-error"):
            error = error_body(status, "async job failed")
        if faults.on("integration-anthropic-error-raw"):
            route = replace(route, flavour=Flavour.OPENAI)  # the regression: no error converter
        return _send_outcome(gateway, route, Outcome(row.status_code, None, error), failed_status=status)
    return json_response(200, _stub(_shaped(gateway, route), row, faults, retrieved=True))


def _key_problem(gateway: Gateway, row: JobRow, request: web.Request) -> str | None:
    """RetrieveJob's key checks as the integration routes apply them (and their regressions)."""
    faults = gateway.faults
    if faults.on("integration-retrieve-key-ignored") and row.virtual_key_id is not None:
        return contract.VK_REQUIRED  # the regression never passes the caller's key on
    problem = access_problem(gateway, row, request, integration=True)
    if problem == contract.VK_REQUIRED and faults.on("integration-anonymous-retrieve-allowed"):
        return None
    if problem == contract.VK_NOT_FOUND and faults.on("integration-unknown-key-retrieve-allowed"):
        return None
    if row.virtual_key_id is None and faults.on("integration-public-job-hidden"):
        return contract.JOB_NOT_FOUND if virtual_key(request.headers, faults, poll=True) else problem
    return problem


def _decode(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {"value": value}


def _phantom(job_id: str) -> JobRow:
    return JobRow(job_id, None, "responses", "pending", None, 0, 0, None, None, now(), None, None)
