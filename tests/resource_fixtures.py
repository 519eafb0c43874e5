"""Made-up answers, jobs and notifications for tests/resource_checks.robot: the check keywords that live in
resources/ judged without a gateway (tests/test_resource_checks.py runs it)."""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from libraries.core import Job
from libraries.webhook_checks import Webhook
from libraries.webhook_receiver import Delivery, sign

SECRET = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


def answer(
    status: int, body: Any = None, method: str = "GET", path: str = "/v1/async/jobs/job-1"
) -> requests.Response:
    """A response to `method path` with `status` and `body` (JSON unless it is text)."""
    response = requests.Response()
    response.status_code = int(status)
    response._content = (body if isinstance(body, str) else json.dumps(body)).encode()
    response.headers["Content-Type"] = "text/html" if isinstance(body, str) else "application/json"
    response.request = requests.Request(method, "http://gateway" + path).prepare()
    return response


def job(submit: requests.Response | None = None, job_id: str | None = None, **envelope: Any) -> Job:
    """A handle whose submit answered `submit`; with an `envelope`, seen terminal by its poll."""
    handle = Job("chat-completions", job_id, response=submit)
    if envelope:
        handle.envelope = envelope
        handle.terminal = answer(200, envelope, path=f"/v1/async/chat/completions/{job_id}")
    return handle


def notification(
    job_id: str = "job-1", status: str = "completed", webhook_id: str = "msg_1", **headers: str
) -> Delivery:
    """A notification about `job_id` in `status`, signed, with `webhook_id` and extra (lower-case) headers."""
    body = json.dumps({"event": "async_job.completed", "data": {"job_id": job_id, "status": status}}).encode()
    stamp = str(int(time.time()))
    names = {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": sign(SECRET, webhook_id, stamp, body),
        **{name.replace("_", "-"): value for name, value in headers.items()},
    }
    return Delivery(1, "/hooks/x", names, body, 204, time.monotonic(), time.time())


def endpoint(**headers: str) -> Webhook:
    """An endpoint handle (its secret signs every notification above) created with these custom headers."""
    spec = {"headers": {name.replace("_", "-"): value for name, value in headers.items()}}
    return Webhook("acceptance-x", "/hooks/x", spec, id="ep-1", secret=SECRET)
