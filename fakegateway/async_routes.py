"""`/v1/async/*`: submit and poll (contract §2, §3, §5, §6, §7)."""

from __future__ import annotations

import asyncio
import re
from uuid import UUID, uuid4

from aiohttp import web

from fakegateway import contract
from fakegateway.bodies import BodyError, Submission, read_submission
from fakegateway.contract import BodyKind, Endpoint
from fakegateway.envelope import (
    dumps,
    error_response,
    html_shell,
    job_envelope,
    json_response,
    submit_envelope,
)
from fakegateway.gateway import GATEWAY, Gateway
from fakegateway.keys import key_id as id_of_key
from fakegateway.keys import key_source, virtual_key
from fakegateway.store import FAILED, PENDING, PROCESSING, JobRow, add_seconds, now, rfc3339
from fakegateway.ttl import TTL_HEADER, result_ttl
from fakegateway.webhook_routes import WEBHOOK_HEADER, resolve_submit_webhook

# The one request id of `request-id-shared`, made once per process.
_SHARED_REQUEST_ID = str(uuid4())
# What `status-openai-words` calls the in-flight statuses.
_OPENAI_WORDS = {PENDING: "queued", PROCESSING: "in_progress"}


def request_id_of(request: web.Request, gateway: Gateway) -> str:
    """The caller's x-request-id, or a fresh UUID per request (contract §2)."""
    sent = request.headers.get("x-request-id")
    if sent and not gateway.faults.on("request-id-ignored"):
        return sent
    if gateway.faults.on("request-id-shared"):
        return _SHARED_REQUEST_ID
    return str(uuid4())


# What `stream-rejected-everywhere` calls the endpoints that Bifrost gives no stream check.
_UNCHECKED_STREAM_NOUNS = {
    "embedding": "embeddings",
    "image_variation": "image variations",
    "rerank": "rerank",
    "ocr": "ocr",
}


def _stream_problem(gateway: Gateway, endpoint: Endpoint, submission: Submission) -> str | None:
    fault = "speech-stream-accepted" if endpoint.request_type == "speech" else "stream-accepted"
    if gateway.faults.on(fault):
        return None
    if (
        endpoint.stream_message is None
        and gateway.faults.on("stream-rejected-everywhere")
        and contract.stream_requested(endpoint, submission.fields)
    ):
        return f"stream is not supported for async {_UNCHECKED_STREAM_NOUNS[endpoint.request_type]}"
    problem = contract.stream_problem(endpoint, submission.fields)
    if problem and endpoint.request_type == "image_generation" and gateway.faults.on("stream-message-wrong"):
        # The regression: the integration routes' wording copied into one async handler.
        return contract.INTEGRATION_STREAM
    return problem


def validation_problem(gateway: Gateway, endpoint: Endpoint, submission: Submission) -> str | None:
    """Bifrost's order: body checks (model, files, fields), then the stream check."""
    faults = gateway.faults
    if faults.on("stream-before-validation") and (problem := _stream_problem(gateway, endpoint, submission)):
        return problem
    fields = submission.fields
    if endpoint.body is BodyKind.JSON and (problem := contract.shape_problem(endpoint, fields)):
        return problem
    if not faults.on("missing-model-accepted") and (
        problem := contract.model_problem(
            endpoint, fields, late_resolution=gateway.config.late_model_resolution
        )
    ):
        if problem == contract.MODEL_FORMAT and faults.on("model-format-message-wrong"):
            return contract.MODEL_REQUIRED
        return problem
    file_fields = [part.field for part in submission.files]
    if not faults.on("missing-file-accepted") and (problem := contract.file_problem(endpoint, file_fields)):
        return problem
    if not faults.on("missing-field-accepted") and (problem := contract.field_problem(endpoint, fields)):
        if endpoint.request_type == "embedding" and faults.on("field-message-wrong"):
            # The regression: the responses handler's message copied into the embeddings one.
            return "input is required for responses"
        return problem
    return _stream_problem(gateway, endpoint, submission)


def _body_error_message(gateway: Gateway, endpoint: Endpoint, exc: BodyError) -> str:
    """The 400 message of a body that cannot be read (contract §5), or a fault's wrong one."""
    faults = gateway.faults
    if faults.on("malformed-json-message-raw") and endpoint.body is BodyKind.JSON and exc.__cause__:
        # The regression: the decoder's own text, neither Bifrost's generic nor its older wording.
        return str(exc.__cause__)
    if (
        faults.on("multipart-parse-error-hidden")
        and endpoint.request_type == "transcription"
        and exc.message.startswith(contract.MULTIPART_PREFIX)
    ):
        return contract.FILE_REQUIRED
    return exc.message


def _submit_job_refusal(
    request: web.Request, gateway: Gateway, endpoint: Endpoint
) -> tuple[web.StreamResponse | None, str | None, str | None]:
    """SubmitJob's lookups, the virtual key then the webhook endpoint (contract §6; the fault
    `key-looked-up-after-webhook` swaps them): (a refusal, the key id, the webhook endpoint id)."""
    faults = gateway.faults
    webhook_endpoint_id, webhook_refusal = None, None
    if webhook_name := request.headers.get(WEBHOOK_HEADER, "").strip():
        webhook_endpoint_id, problem = resolve_submit_webhook(gateway, webhook_name)
        webhook_refusal = submit_error(gateway, endpoint, problem) if problem else None
    if webhook_refusal is not None and faults.on("key-looked-up-after-webhook"):
        return webhook_refusal, None, None
    found = key_source(request.headers, faults)
    key_id = None
    if found is not None:
        key, header = found
        key_id = gateway.keys.resolve(key)
        if key_id is None and faults.on("unknown-key-accepted"):
            key_id = id_of_key(key)
        if key_id is None:
            return _unknown_key_refusal(gateway, endpoint), None, None
        key_id = scope_of(gateway, key_id, header)
    return webhook_refusal, key_id, webhook_endpoint_id


async def submit(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    faults = gateway.faults
    if faults.on("submit-500"):
        return error_response(500, "failed to create async job: database is locked", faults)
    if faults.on("submit-before-validation"):
        # The regression: SubmitJob's lookups (virtual key, webhook) run before the body is checked.
        refusal, _, _ = _submit_job_refusal(request, gateway, endpoint)
        if refusal is not None:
            return refusal
    body = await request.read()
    refused = None
    try:
        submission = read_submission(endpoint, request.headers.get("content-type", ""), body)
    except BodyError as exc:
        if not (endpoint.body is BodyKind.JSON and faults.on("malformed-json-accepted")):
            return error_response(400, _body_error_message(gateway, endpoint, exc), faults)
        # The regression: the job is created anyway, and fails for want of a model.
        submission = Submission({})
    else:
        if problem := validation_problem(gateway, endpoint, submission):
            if not faults.on("refused-submit-creates-job"):
                return error_response(400, problem, faults)
            # The regression: the refusal is answered, but only after the job was created.
            refused = problem

    model = submission.model
    if not model and faults.on("missing-model-accepted"):
        model = endpoint.default_model

    refusal, key_id, webhook_endpoint_id = _submit_job_refusal(request, gateway, endpoint)
    if refusal is not None:
        return refusal

    ttl = result_ttl(request.headers.get(TTL_HEADER), gateway.config.default_ttl, faults)
    if ttl is None:
        return error_response(400, f"invalid {TTL_HEADER} header", faults)

    if faults.on("webhook-result-url-absolute"):
        gateway.dispatcher.origin = f"{request.scheme}://{request.host}"

    row = gateway.executor.submit(
        request_type=endpoint.request_type,
        model=model,
        params=submission.fields,
        files=submission.files,
        virtual_key_id=key_id,
        ttl=ttl,
        request_id=request_id_of(request, gateway),
        webhook_endpoint_id=webhook_endpoint_id,
    )
    if refused is not None:
        return error_response(400, refused, faults)
    if faults.on("submit-waits-for-provider"):
        # The regression: the job runs in the handler, as a synchronous gateway's call would.
        await gateway.executor.settled(row.id)
    envelope = submit_envelope(row, faults)
    if request.headers.get(TTL_HEADER) and faults.on("expires-at-on-submit-with-ttl"):
        envelope["expires_at"] = rfc3339(add_seconds(row.created_at, row.result_ttl))
    return json_response(200 if faults.on("submit-200") else 202, envelope)


def _unknown_key_refusal(gateway: Gateway, endpoint: Endpoint) -> web.Response:
    """SubmitJob's "virtual key not found", with the endpoint's status and message prefix (§3, §7)."""
    faults = gateway.faults
    status = endpoint.submit_error_status
    if faults.on("submit-error-status-swapped"):
        status = 500 if status == 400 else 400
    if faults.on("unknown-key-submit-500"):
        status = 500
    if faults.on("unknown-key-submit-400"):
        status = 400
    prefix = "" if faults.on("submit-error-unprefixed") else endpoint.submit_error_prefix
    if prefix and faults.on("responses-key-error-unprefixed"):
        prefix = ""
    message = contract.VK_NOT_FOUND
    if not prefix and faults.on("unknown-key-message-generic"):
        message = "failed to create async job"
    return error_response(status, prefix + message, faults)


def scope_of(gateway: Gateway, key_id: str, header: str) -> str:
    """The identity a job is scoped to: the key's id (`key-scoped-by-header` adds the header)."""
    if gateway.faults.on("key-scoped-by-header") and header != "x-bf-vk":
        return f"{key_id}@{header}"
    return key_id


def submit_error(gateway: Gateway, endpoint: Endpoint, problem: str) -> web.Response:
    """A SubmitJob error: 400 or 500 by endpoint; responses prefixes its message (contract §3)."""
    faults = gateway.faults
    status = endpoint.submit_error_status
    if faults.on("submit-error-status-swapped"):
        status = 500 if status == 400 else 400
    prefix = "" if faults.on("submit-error-unprefixed") else endpoint.submit_error_prefix
    return error_response(status, prefix + problem, faults)


def access_problem(
    gateway: Gateway, row: JobRow, request: web.Request, *, integration: bool = False
) -> str | None:
    """RetrieveJob's key checks, in Bifrost's order; None when the caller may read the job."""
    faults = gateway.faults
    found = key_source(request.headers, faults, poll=True)
    if row.virtual_key_id is None:
        # Public jobs are readable by anyone; the caller's key is not even looked up.
        if found is None:
            return contract.VK_REQUIRED if faults.on("public-job-needs-key") else None
        if faults.on("public-job-unknown-key-refused") and gateway.keys.resolve(found[0]) is None:
            return contract.VK_NOT_FOUND
        return contract.JOB_NOT_FOUND if faults.on("public-job-hidden") else None
    if found is None:
        if faults.on("anonymous-poll-allowed"):
            return None
        return contract.JOB_NOT_FOUND if faults.on("vk-required-message-hidden") else contract.VK_REQUIRED
    key, header = found
    caller = gateway.keys.resolve(key)
    if caller is None:
        if faults.on("unknown-key-poll-allowed"):
            return None
        return contract.VK_MISMATCH if faults.on("vk-unknown-message-mismatch") else contract.VK_NOT_FOUND
    caller = scope_of(gateway, caller, header)
    cross_key_allowed = faults.on("cross-key-allowed") or (
        integration and faults.on("integration-cross-key-allowed")
    )
    if faults.on("own-key-refused") and caller == row.virtual_key_id:
        return contract.VK_MISMATCH
    if caller != row.virtual_key_id and not cross_key_allowed:
        return contract.VK_NOT_FOUND if faults.on("vk-mismatch-message-not-found") else contract.VK_MISMATCH
    return None


def _unknown_caller_key(gateway: Gateway, request: web.Request) -> bool:
    key = virtual_key(request.headers, gateway.faults, poll=True)
    return key is not None and gateway.keys.resolve(key) is None


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


async def poll(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    faults = gateway.faults
    # Transport faults end the handler as a cancelled one, so aiohttp writes nothing at all.
    if faults.on("poll-hang"):
        await gateway.stopping.wait()  # released at shutdown, so stopping the gateway stays quick
        raise asyncio.CancelledError
    if faults.on("poll-reset"):
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError
    if faults.on("poll-html"):
        return html_shell()

    job_id = request.match_info["job_id"]
    if faults.on("odd-id-500") and not _is_uuid(job_id):
        return error_response(500, "invalid input syntax for type uuid", faults)
    row = gateway.store.find(job_id, at=now(), include_expired=faults.on("expired-served"))
    if row is None:
        if faults.on("vk-checked-before-job-lookup") and _unknown_caller_key(gateway, request):
            return error_response(404, contract.VK_NOT_FOUND, faults)
        message = "record not found" if faults.on("not-found-raw-db-error") else contract.JOB_NOT_FOUND
        return error_response(500 if faults.on("unknown-job-500") else 404, message, faults)
    vague = faults.on("type-mismatch-as-not-found")
    type_message = contract.JOB_NOT_FOUND if vague else contract.TYPE_MISMATCH
    wrong_type = row.request_type != endpoint.request_type and not faults.on("wrong-type-served")
    if wrong_type and faults.on("type-checked-before-vk"):
        return error_response(404, type_message, faults)
    if problem := access_problem(gateway, row, request):
        return error_response(404, problem, faults)
    if wrong_type:
        return error_response(404, type_message, faults)
    if faults.on("integration-jobs-separate") and row.id in gateway.integration_job_ids:
        return error_response(404, contract.JOB_NOT_FOUND, faults)
    webhook_name = request.headers.get(WEBHOOK_HEADER, "").strip()
    if webhook_name and faults.on("webhook-poll-header-read"):
        # The regression: the poll resolves the header as a submit does, and notifies on a finished job.
        webhook_endpoint_id, problem = resolve_submit_webhook(gateway, webhook_name)
        if problem:
            return error_response(400, problem, faults)
        if webhook_endpoint_id is not None and row.terminal:
            gateway.dispatcher.job_finished(row, webhook_endpoint_id)
    return send_job(gateway, _served_row(gateway, row))


def _served_row(gateway: Gateway, row: JobRow) -> JobRow:
    if gateway.faults.on("cross-talk") and row.terminal:
        return gateway.store.latest_completed(row.request_type) or row
    return row


def send_job(gateway: Gateway, row: JobRow) -> web.StreamResponse:
    """A poll answer: 202 while the job is in flight, 200 once it is terminal."""
    faults = gateway.faults
    body = job_envelope(row, faults)
    terminal = row.terminal
    if terminal and faults.on("status-backwards") and gateway.count_poll(row.id) % 2 == 0:
        body = {k: v for k, v in body.items() if k in ("id", "request_id", "created_at")}
        body["status"] = PROCESSING
        terminal = False
    if faults.on("id-mismatch"):
        body["id"] = str(uuid4())
    if faults.on("created-at-restamped"):
        body["created_at"] = rfc3339(now())
    if faults.on("status-openai-words") and body.get("status") in _OPENAI_WORDS:
        body["status"] = _OPENAI_WORDS[body["status"]]
    status = 200 if terminal else 202
    if terminal and row.status == FAILED and faults.on("failed-poll-error-status"):
        status = row.status_code or 500
    if terminal and faults.on("terminal-poll-202"):
        status = 202
    if not terminal and faults.on("pending-poll-200"):
        status = 200
    text = dumps(body)
    if faults.on("poll-truncated"):
        text = text[: len(text) // 2]
    content_type = "text/plain" if faults.on("content-type-text") else "application/json"
    return web.Response(status=status, text=text, content_type=content_type)


# ---------------------------------------------------------------------- routes Bifrost does not have
# Only faults answer on these; without one, the fallback answers as Bifrost's router does.
_GENERIC_JOB = re.compile(r"^/v1/async/jobs/([^/]+)$")
_CANCEL = re.compile(r"^(/v1/async/.+)/([^/]+)/cancel$")
_EXTRA_SUBMIT_PATHS = frozenset(
    f"/v1/async/{name}" for name in ("batches", "files", "containers", "videos", "count_tokens")
)


async def unregistered_route(request: web.Request) -> web.StreamResponse | None:
    """A fault's answer on a path without a route, or None for the router's own answer."""
    gateway = request.app[GATEWAY]
    faults, path, method = gateway.faults, request.path, request.method
    if method == "GET" and faults.on("generic-jobs-api"):
        if path == "/v1/async/jobs":
            rows = gateway.store.latest(limit=50)
            return json_response(200, {"jobs": [job_envelope(row, faults) for row in rows]})
        if match := _GENERIC_JOB.match(path):
            row = gateway.store.find(match.group(1), at=now())
            if row is not None and access_problem(gateway, row, request) is None:
                return send_job(gateway, row)
    match = _CANCEL.match(path) if method == "POST" and faults.on("cancel-route") else None
    if match and match.group(1) in contract.BY_PATH:
        return await cancel(request, match.group(2))
    if method == "POST" and faults.on("extra-async-routes") and path in _EXTRA_SUBMIT_PATHS:
        envelope = {"id": str(uuid4()), "status": "pending", "created_at": rfc3339(now())}
        return json_response(202, envelope)
    return None


async def cancel(request: web.Request, job_id: str) -> web.StreamResponse:
    """The `cancel-route` fault: the job is deleted, as a cancel API would."""
    gateway = request.app[GATEWAY]
    row = gateway.store.find(job_id, at=now())
    if row is None or access_problem(gateway, row, request) is not None:
        return error_response(404, contract.JOB_NOT_FOUND, gateway.faults)
    gateway.store.delete(job_id)
    return json_response(200, {"id": job_id, "status": "cancelled"})
