"""`/v1/async/*`: submit and poll (contract §2, §3, §5, §6, §7)."""

from __future__ import annotations

import asyncio
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
from fakegateway.keys import virtual_key
from fakegateway.store import PROCESSING, JobRow, now
from fakegateway.ttl import TTL_HEADER, result_ttl
from fakegateway.webhook_routes import WEBHOOK_HEADER, resolve_submit_webhook

# The one request id of `request-id-shared`, made once per process.
_SHARED_REQUEST_ID = str(uuid4())


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
    return contract.stream_problem(endpoint, submission.fields)


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
        return problem
    file_fields = [part.field for part in submission.files]
    if not faults.on("missing-file-accepted") and (problem := contract.file_problem(endpoint, file_fields)):
        return problem
    if not faults.on("missing-field-accepted") and (problem := contract.field_problem(endpoint, fields)):
        return problem
    return _stream_problem(gateway, endpoint, submission)


async def submit(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    faults = gateway.faults
    if faults.on("submit-500"):
        return error_response(500, "failed to create async job: database is locked", faults)
    body = await request.read()
    try:
        submission = read_submission(endpoint, request.headers.get("content-type", ""), body)
    except BodyError as exc:
        if not (endpoint.body is BodyKind.JSON and faults.on("malformed-json-accepted")):
            return error_response(400, exc.message, faults)
        # The regression: the job is created anyway, and fails for want of a model.
        submission = Submission({})
    else:
        if problem := validation_problem(gateway, endpoint, submission):
            return error_response(400, problem, faults)

    model = submission.model
    if not model and faults.on("missing-model-accepted"):
        model = endpoint.default_model

    key = virtual_key(request.headers, faults)
    key_id = None
    if key is not None:
        key_id = gateway.keys.resolve(key)
        if key_id is None and faults.on("unknown-key-accepted"):
            key_id = id_of_key(key)
        if key_id is None:
            message = endpoint.submit_error_prefix + contract.VK_NOT_FOUND
            return error_response(endpoint.submit_error_status, message, faults)

    ttl = result_ttl(request.headers.get(TTL_HEADER), gateway.config.default_ttl, faults)
    if ttl is None:
        return error_response(400, f"invalid {TTL_HEADER} header", faults)

    webhook_endpoint_id = None
    if webhook_name := request.headers.get(WEBHOOK_HEADER, "").strip():
        webhook_endpoint_id, problem = resolve_submit_webhook(gateway, webhook_name)
        if problem:
            message = endpoint.submit_error_prefix + problem
            return error_response(endpoint.submit_error_status, message, faults)
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
    if faults.on("submit-waits-for-provider"):
        # The regression: the job runs in the handler, as a synchronous gateway's call would.
        await gateway.executor.settled(row.id)
    return json_response(200 if faults.on("submit-200") else 202, submit_envelope(row, faults))


def access_problem(
    gateway: Gateway, row: JobRow, request: web.Request, *, integration: bool = False
) -> str | None:
    """RetrieveJob's key checks, in Bifrost's order; None when the caller may read the job."""
    faults = gateway.faults
    key = virtual_key(request.headers, faults, poll=True)
    if row.virtual_key_id is None:
        # Public jobs are readable by anyone; the caller's key is not even looked up.
        return contract.JOB_NOT_FOUND if key is not None and faults.on("public-job-hidden") else None
    if key is None:
        return None if faults.on("anonymous-poll-allowed") else contract.VK_REQUIRED
    caller = gateway.keys.resolve(key)
    if caller is None:
        return None if faults.on("unknown-key-poll-allowed") else contract.VK_NOT_FOUND
    cross_key_allowed = faults.on("cross-key-allowed") or (
        integration and faults.on("integration-cross-key-allowed")
    )
    if caller != row.virtual_key_id and not cross_key_allowed:
        return contract.VK_MISMATCH
    return None


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
        return error_response(500 if faults.on("unknown-job-500") else 404, contract.JOB_NOT_FOUND, faults)
    if problem := access_problem(gateway, row, request):
        return error_response(404, problem, faults)
    if row.request_type != endpoint.request_type and not faults.on("wrong-type-served"):
        return error_response(404, contract.TYPE_MISMATCH, faults)
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
    status = 200 if terminal else 202
    if terminal and faults.on("terminal-poll-202"):
        status = 202
    if not terminal and faults.on("pending-poll-200"):
        status = 200
    text = dumps(body)
    if faults.on("poll-truncated"):
        text = text[: len(text) // 2]
    content_type = "text/plain" if faults.on("content-type-text") else "application/json"
    return web.Response(status=status, text=text, content_type=content_type)
