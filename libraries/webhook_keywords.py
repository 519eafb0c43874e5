"""Webhook keywords: the receiver, endpoint handles, the ``/api/webhooks`` requests and the checks.

Resource keywords send every request; these build them and judge the answers. Only waits reach out
from Python: for notifications on the receiver, and for the deliveries history to catch up. The suite
makes its own endpoints (``acceptance-<run>-…``, deleted by the suite teardown) or uses the one
declared with ``BIFROST_WEBHOOK_NAME``; only an endpoint handle holds a secret. ``BIFROST_WEBHOOK_QUIET``
(default 8 s) is the longest gap between two attempts: how long the suite watches for a notification
that must not come, and what it allows for each retry.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from requests import Response
from robot.api import logger
from robot.api.deco import keyword

from libraries import endpoints
from libraries import webhook_checks as wh
from libraries.core import Core, Job, Request, json_object, json_or_none, label, received_at, snippet
from libraries.webhook_checks import Webhook
from libraries.webhook_receiver import Delivery, Receiver, env_secret, mask_secret

API = "/api/webhooks"
WEBHOOK_HEADER = "x-bf-async-webhook"
HISTORY_POLL = 0.1


def _terminal(job: Job) -> dict[str, Any]:
    if job.terminal is None:
        raise AssertionError(f"{job} is not known to be terminal: wait until the job is terminal first")
    return job.envelope


class WebhookKeywords(Core):
    def __init__(self) -> None:
        super().__init__()
        self._receiver: Receiver | None = None
        self._prefix = f"acceptance-{secrets.token_hex(3)}-"  # the names of this run's endpoints

    @property
    def receiver(self) -> Receiver:
        if self._receiver is None:
            raise self.fail("the webhook receiver is not running (the webhook suite setup starts it)")
        return self._receiver

    def _answer(self, response: Response, *expected: int) -> dict[str, Any]:
        """The JSON object of an answer with one of the ``expected`` statuses, or a failure naming it."""
        if response.status_code not in expected:
            wanted = " or ".join(str(status) for status in expected)
            problem = f"answered {response.status_code}, expected {wanted}"
            raise self.fail(f"{label(response)} {problem}: {snippet(response, 300)}")
        body: dict[str, Any] = self.check(json_object, response)
        return body

    # ------------------------------------------------------------------ suite setup and teardown
    @keyword("Declared Webhook Endpoint")
    def declared_webhook_endpoint(self) -> Webhook | None:
        """The endpoint declared with ``BIFROST_WEBHOOK_NAME`` + ``BIFROST_WEBHOOK_SECRET``, or None."""
        if not self.hooks.predeclared:
            return None
        return Webhook(self.hooks.endpoint_name, secret=env_secret("BIFROST_WEBHOOK_SECRET"))

    @keyword("Webhook Api Request")
    def webhook_api_request(self, method: str, path: str = "", body: Any = None, **fields: Any) -> Request:
        """``<method> /api/webhooks<path>`` (``path`` may end in a query) with ``body``, or the named
        ``fields``, as JSON; with ``Authorization: Bearer $BIFROST_ADMIN_TOKEN`` when that is set."""
        return self._api(method, path, body if body is not None else fields or None)

    def _api(self, method: str, path: str, body: Any = None) -> Request:
        token = env_secret("BIFROST_ADMIN_TOKEN")
        arguments: dict[str, Any] = {"headers": {"Authorization": f"Bearer {token}"} if token else {}}
        if body is not None:
            arguments["json"] = body
        return Request(method.upper(), API + path, arguments)

    @keyword("Webhook Api Should Be Available")
    def webhook_api_should_be_available(self, response: Response) -> None:
        """``GET /api/webhooks`` answered 200 with a JSON object. 404 (older builds), 401/403 without
        ``BIFROST_ADMIN_TOKEN`` or another answer skip every webhook test with the reason."""
        kind = str(response.headers.get("Content-Type", ""))
        args = (response.status_code, json_or_none(response), kind, self.hooks.admin_token_set)
        if reason := self.check(wh.api_unavailable, *args):
            self.set_metadata("Webhooks", f"unavailable: {reason}")
            raise self.missing("webhooks", reason)

    @keyword("Start The Webhook Receiver")
    def start_the_webhook_receiver(self) -> None:
        """Starts the receiver on ``BIFROST_WEBHOOK_LISTEN`` (advertised as ``BIFROST_WEBHOOK_URL`` when
        that is set) and puts the webhook mode in the report's metadata."""
        cfg = self.hooks
        if self._receiver is None:
            receiver = Receiver(cfg.listen_host, cfg.listen_port)
            try:
                receiver.start()
            except OSError as err:
                raise self.fail(
                    f"cannot start the webhook receiver on {cfg.listen_host}:{cfg.listen_port}"
                    f" (BIFROST_WEBHOOK_LISTEN): {err.strerror or err}"
                ) from None
            self._receiver = receiver
        mode = (
            f"declared endpoint {cfg.endpoint_name!r}" if cfg.predeclared else "endpoints made by the suite"
        )
        where = f"receiver on {self.receiver.url}, advertised as {self._base_url()}"
        self.set_metadata("Webhooks", f"{mode}; {where}; quiet window {cfg.quiet:g} s")
        logger.info(f"Webhook {where}")

    def _base_url(self) -> str:
        return self.hooks.public_url or self.receiver.url

    @keyword("Stop The Webhook Receiver")
    def stop_the_webhook_receiver(self) -> None:
        """Stops the receiver (the suite teardown)."""
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None

    @keyword("Endpoints Of This Run Request")
    def endpoints_of_this_run_request(self) -> Request:
        """``GET /api/webhooks?search=<the name prefix of this run's endpoints>``."""
        return self._api("GET", f"?search={self._prefix}")

    @keyword("Deletes For The Endpoints Of This Run")
    def deletes_for_the_endpoints_of_this_run(self, listing: Response) -> list[Request]:
        """A ``DELETE /api/webhooks/{id}`` per endpoint of this run the listing shows (none unless 200)."""
        ids = wh.ids_named(json_or_none(listing), self._prefix) if listing.status_code == 200 else []
        logger.info(f"{len(ids)} webhook endpoint(s) of this run to delete")
        return [self._api("DELETE", f"/{endpoint_id}") for endpoint_id in ids]

    # ------------------------------------------------------------------ endpoints
    @keyword("New Webhook Endpoint")
    def new_webhook_endpoint(
        self,
        events: str = "all",
        include_response: bool = False,
        disabled: bool = False,
        custom_header: bool = False,
        private_network: bool = True,
    ) -> Webhook:
        """A handle for an endpoint to create (``${endpoint.spec}`` is the create body) that delivers to
        the receiver at ``/hooks/<name>``. ``events``: ``all``, ``completed`` or ``failed``;
        ``custom_header`` adds ``X-Acceptance-Token``; ``private_network=${False}`` leaves out
        ``allow_private_network``, which a plain ``http://`` URL needs."""
        name = self._prefix + secrets.token_hex(4)
        path = f"/hooks/{name}"
        options = {"include_response": include_response, "disabled": disabled, "custom_header": custom_header}
        spec = wh.endpoint_spec(
            name, self._base_url() + path, events, **options, private_network=private_network
        )
        return Webhook(name, path, spec)

    @keyword("Webhook Endpoint Should Be Created")
    def webhook_endpoint_should_be_created(self, endpoint: Webhook, response: Response) -> None:
        """The create answered 201 with the endpoint and a ``whsec_`` secret: both go on the handle."""
        body = self._answer(response, 201)
        endpoint.secret = self.check(wh.new_secret, body, label(response))
        self.add_secret(endpoint.secret)
        endpoint.id, endpoint.response = str(self.check(wh.unwrap_endpoint, body).get("id", "")), response
        events = ", ".join(endpoint.spec["events"])
        logger.info(f"Created {endpoint} for {events}, secret {mask_secret(endpoint.secret)}")

    @keyword("Endpoint Secret Should Be Rotated")
    def endpoint_secret_should_be_rotated(self, endpoint: Webhook, response: Response) -> None:
        """``rotate-secret`` answered 200 with a new ``whsec_`` secret: the handle holds it (and the old)."""
        secret = self.check(wh.new_secret, self._answer(response, 200), label(response), endpoint.secret)
        self.add_secret(secret)
        endpoint.previous_secrets.append(endpoint.secret)
        endpoint.secret = secret
        logger.info(f"Secret of {endpoint} rotated to {mask_secret(secret)}")

    @keyword("Endpoint Should Hide Its Secret")
    def endpoint_should_hide_its_secret(self, endpoint: Webhook, response: Response) -> None:
        """The endpoint as a create, GET or list answer shows it: no secret, header values ``<REDACTED>``."""
        body = self._answer(response, 201 if response is endpoint.response else 200)
        shown = self.check(wh.shown_endpoint, body, endpoint.id, label(response))
        self.check(wh.check_redacted, shown, endpoint.secret, label(response))
        logger.info(
            f"{label(response)}: no secret; redacted headers: {', '.join(wh.header_values(shown)) or 'none'}"
        )

    @keyword("Replace Request From The Shown Definition")
    def replace_request_from_the_shown_definition(self, endpoint: Webhook, shown: Response) -> Request:
        """``PUT /api/webhooks/{id}`` with the endpoint exactly as the GET answer shows it."""
        return self._api("PUT", f"/{endpoint.id}", self.check(wh.unwrap_endpoint, self._answer(shown, 200)))

    # ------------------------------------------------------------------ submits and the receiver
    @keyword("Receiver Should Answer")
    def receiver_should_answer(self, endpoint: Webhook, *statuses: int) -> None:
        """The receiver answers the endpoint's next notifications with ``statuses`` in order, then 204."""
        self.receiver.answer(endpoint.path, *(int(s) for s in statuses))
        logger.info(f"Receiver answers {endpoint.path} with {', '.join(map(str, statuses))}, then 204")

    @keyword("Receiver Should Always Answer")
    def receiver_should_always_answer(self, endpoint: Webhook, status: int) -> None:
        """The receiver answers every notification to the endpoint with ``status``."""
        self.receiver.answer(endpoint.path, default=int(status))
        logger.info(f"Receiver answers {endpoint.path} with {status} every time")

    # ------------------------------------------------------------------ waits on the receiver
    def _arrived(
        self, match: Callable[[Delivery], bool], count: int, timeout: float, what: str
    ) -> list[Delivery]:
        """Waits for ``count`` matching notifications, logging one line for each."""
        got: list[Delivery] = self.check(self.receiver.expect, match, count, timeout, what)
        for delivery in got:
            logger.info(f"Received {delivery.summary()}")
        return got

    def _of(self, job: Job, count: int, retries: int = 0) -> list[Delivery]:
        # Each retry may take up to the quiet window (the longest gap between attempts).
        timeout = self.config.poll_timeout + self.hooks.quiet * retries
        return self._arrived(
            lambda d: d.job_id == job.id, count, timeout, f"notification(s) for job {job.id}"
        )

    def _quiet(self, job: Job, count: int, since: float) -> None:
        what, until = f"notifications for job {job.id}", since + self.hooks.quiet
        self.check(self.receiver.expect_no_more, lambda d: d.job_id == job.id, count, until, what)
        logger.info(f"No further notification for job {job.id} within {self.hooks.quiet:g} s")

    @keyword("Wait For The Notification Of")
    def wait_for_the_notification_of(self, job: Job) -> Delivery:
        """Waits for the job's first notification (up to ``BIFROST_POLL_TIMEOUT``) and returns it."""
        return self._of(job, 1)[0]

    @keyword("Only One Notification Should Arrive For")
    def only_one_notification_should_arrive_for(self, job: Job) -> Delivery:
        """Waits for the job's notification, then watches ``BIFROST_WEBHOOK_QUIET`` for a second one."""
        (first,) = self._of(job, 1)
        self._quiet(job, 1, first.received_at)
        return first

    @keyword("Wait For Notification Attempts")
    def wait_for_notification_attempts(self, job: Job, count: int) -> list[Delivery]:
        """Waits for ``count`` attempts to deliver the job's notification (retries included)."""
        return self._of(job, int(count), retries=int(count) - 1)

    @keyword("No Further Attempt Should Arrive For")
    def no_further_attempt_should_arrive_for(self, job: Job, count: int) -> None:
        """After ``count`` attempts, none more within ``BIFROST_WEBHOOK_QUIET`` of the last one."""
        got = self.receiver.deliveries(lambda d: d.job_id == job.id)
        self._quiet(job, int(count), got[-1].received_at if got else time.monotonic())

    @keyword("No Notification Should Arrive For")
    def no_notification_should_arrive_for(self, job: Job) -> None:
        """The job is terminal; nothing about it arrives within ``BIFROST_WEBHOOK_QUIET`` of its end."""
        self.check(_terminal, job)
        self._quiet(job, 0, job.seen_terminal_at or time.monotonic())

    @keyword("Wait For Notification Number")
    def wait_for_notification_number(self, jobs: list[Job], number: int) -> tuple[Job, Delivery]:
        """Waits until ``number`` notifications about the jobs have arrived and returns the job and the
        notification that arrived ``number``-th (1 first), so each can be read as soon as it arrives."""
        by_id = {str(job.id): job for job in jobs}
        wanted = int(number)
        what = f"notifications for {len(by_id)} jobs"
        got: list[Delivery] = self.check(
            self.receiver.expect, lambda d: d.job_id in by_id, wanted, self.config.poll_timeout, what
        )
        delivery = got[wanted - 1]
        logger.info(f"Received {delivery.summary()}")
        return by_id[str(delivery.job_id)], delivery

    @keyword("Each Job Should Get Exactly One Signed Notification")
    def each_job_should_get_exactly_one_signed_notification(self, jobs: list[Job], endpoint: Webhook) -> None:
        """Each job gets one signed notification of its own, and no second one within the quiet window."""
        wanted = {str(job.id) for job in jobs}
        got = self._arrived(
            lambda d: d.job_id in wanted, len(wanted), self.config.poll_timeout, "notifications"
        )
        until = max(d.received_at for d in got) + self.hooks.quiet
        every = self.receiver.watch_quietly(lambda d: d.job_id in wanted, len(wanted), until)
        self.check(wh.check_one_each, every, wanted)
        for delivery in every:
            self.check(wh.check_signed, delivery, endpoint.secret)

    @keyword("Wait For The Test Notification")
    def wait_for_the_test_notification(self, endpoint: Webhook, response: Response) -> Delivery:
        """The sample a test fire (``response``, its answer) sent to the endpoint; returns it."""
        sent = received_at(response) - response.elapsed.total_seconds()
        what = f"test notification to {endpoint.path}"
        return self._arrived(
            lambda d: d.path == endpoint.path and d.received_at >= sent, 1, self.config.http_timeout, what
        )[0]

    @keyword("Wait For The Redelivery Of")
    def wait_for_the_redelivery_of(self, first: Delivery) -> Delivery:
        """The notification that arrives again for the job of ``first``, after it; returns it."""
        what = f"redelivery for job {first.job_id}"
        return self._arrived(
            lambda d: d.job_id == first.job_id and d.number > first.number, 1, self.config.poll_timeout, what
        )[0]

    # ------------------------------------------------------------------ the deliveries history
    @keyword("Wait For The Deliveries History Of")
    def wait_for_the_deliveries_history_of(self, endpoint: Webhook, job: Job, attempts: int) -> list[Any]:
        """Polls ``GET /api/webhooks/{id}/deliveries`` until it lists ``attempts`` attempts for the job
        (Bifrost writes a row after each attempt) or ``BIFROST_POLL_TIMEOUT`` passes; returns the job's
        rows, oldest first."""
        request = self._api("GET", f"/{endpoint.id}/deliveries")
        deadline = time.monotonic() + self.config.poll_timeout
        while True:
            response = self.send("GET", request.path, f"history of {endpoint}", **request.arguments)
            rows = wh.history_rows(self._answer(response, 200), str(job.id))
            if len(rows) >= int(attempts) or time.monotonic() >= deadline:
                break
            time.sleep(HISTORY_POLL)
        seen = ", ".join(f"{r.get('outcome')}:{r.get('status_code')}" for r in rows) or "nothing"
        logger.info(f"{label(response)} lists for job {job.id}: {seen}")
        return rows

    @keyword("Delivery Attempts Should Be")
    def delivery_attempts_should_be(self, rows: list[Any], job: Job, *attempts: str) -> None:
        """The job's history rows are attempts 1..n with these ``outcome:status``, under one webhook id."""
        expected = [(a.split(":")[0], int(a.split(":")[1])) for a in attempts]
        self.check(wh.check_history, rows, str(job.id), expected)

    # ------------------------------------------------------------------ checks on notifications
    @keyword("Notification Should Be Signed With The Endpoint Secret")
    def notification_should_be_signed_with_the_endpoint_secret(
        self, delivery: Delivery, endpoint: Webhook
    ) -> None:
        """The ``v1`` signature verifies with the endpoint's current secret (Standard Webhooks)."""
        self.check(wh.check_signed, delivery, endpoint.secret)
        logger.info(f"{delivery.summary()}: signature verified with {mask_secret(endpoint.secret)}")

    @keyword("Notification Should Not Verify With The Previous Secret")
    def notification_should_not_verify_with_the_previous_secret(
        self, delivery: Delivery, endpoint: Webhook
    ) -> None:
        """After a rotation, the notification's signature does not verify with the old secret."""
        self.check(wh.check_not_signed_with, delivery, endpoint.previous_secrets)

    @keyword("Tampered Notification Should Fail Verification")
    def tampered_notification_should_fail_verification(self, delivery: Delivery, endpoint: Webhook) -> None:
        """The genuine notification verifies; a changed body, id or timestamp, or a wrong secret, does not."""
        self.check(wh.check_signed, delivery, endpoint.secret)
        logger.info("\n".join(self.check(wh.tampering_refusals, delivery, endpoint.secret)))

    @keyword("Notification Timestamp Should Be Fresh")
    def notification_timestamp_should_be_fresh(self, delivery: Delivery) -> None:
        """``webhook-timestamp`` is whole Unix seconds within 5 minutes of its arrival."""
        skew = self.check(wh.check_fresh_timestamp, delivery)
        logger.info(f"webhook-timestamp is {skew:+.1f} s from its arrival")

    @keyword("Notification Should Carry A Thin Payload")
    def notification_should_carry_a_thin_payload(self, delivery: Delivery, job: Job, event: str) -> None:
        """Headers and the thin payload of the terminal job: event, id, status, times, ``result_url``."""
        self.check(wh.check_headers, delivery, event)
        self.check(wh.check_payload, delivery, self.check(_terminal, job), event)
        logger.info(f"Payload: {json.dumps(delivery.json)[:1000]}")

    @keyword("Failed Notification Should Carry The Status Code")
    def failed_notification_should_carry_the_status_code(self, delivery: Delivery, job: Job) -> None:
        """``async_job.failed`` with the job's ``status_code`` (``ASYNC_FAILING_STATUS`` when set)."""
        code = self.check(wh.check_failed, delivery, self.check(_terminal, job), self.config.failing_status)
        logger.info(f"Failed-job notification with status_code {code}")

    @keyword("Notification Should Inline The Job Result")
    def notification_should_inline_the_job_result(self, delivery: Delivery, job: Job) -> None:
        """With ``include_response``, ``data.response`` is the completed job's result."""
        self.check(wh.check_inlined, delivery, self.check(_terminal, job))

    @keyword("Result Url Request")
    def result_url_request(self, delivery: Delivery, job: Job) -> Request:
        """``GET <data.result_url>`` (relative to ``BIFROST_BASE_URL``) with the job's own key."""
        path = self.check(wh.result_path, delivery, self.config.base_url, fetch=True)
        return Request("GET", path, {"headers": self.key_headers(job.key, job.key_format)}, job.endpoint)

    @keyword("Result Url Should Be The Poll Path Of")
    def result_url_should_be_the_poll_path_of(self, delivery: Delivery, job: Job) -> None:
        """``data.result_url`` is the job's poll path (``/v1/async/responses/{id}`` for a job created on
        the integration route), relative or on any origin."""
        expected = endpoints.endpoint(job.endpoint).poll_path(str(job.id))
        if self.check(wh.result_path, delivery, self.config.base_url) != expected:
            url = delivery.data.get("result_url")
            raise self.fail(f"{delivery.summary()}: result_url is {url!r}, expected the poll path {expected}")
        logger.info(f"result_url is the poll path {expected}")
