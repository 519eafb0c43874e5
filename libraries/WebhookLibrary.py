"""Keywords for Bifrost's async webhooks: a receiver, endpoints, signed notifications, retries.

The suite either manages its own endpoints through ``/api/webhooks`` (one per test, pointing at
its receiver) or uses one endpoint declared on the gateway (``BIFROST_WEBHOOK_NAME`` and
``BIFROST_WEBHOOK_SECRET``). Tests name endpoints; only this library knows their secrets, and
every ``whsec_`` value is masked (``whsec_…abcd``) in what it logs.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from robot.api import Failure, SkipExecution, logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from libraries import endpoints, keys
from libraries.config import Config, load_config
from libraries.masking import Masker, secrets_from_environment
from libraries.polling import wait_until_terminal
from libraries.transport import Exchange, GatewayError, Transport, curl_command, render_response
from libraries.webhooks import (
    COMPLETED_EVENT,
    EVENTS,
    FAILED_EVENT,
    SECRET_VARIABLES,
    Delivery,
    Receiver,
    SecretMasker,
    SignatureError,
    WebhookConfig,
    check_fresh_timestamp,
    check_headers,
    check_history,
    check_payload,
    check_redacted,
    env_secret,
    header_values,
    load_webhook_config,
    mask_secret,
    unwrap_endpoint,
    verify,
)

API = "/api/webhooks"
WEBHOOK_HEADER = "x-bf-async-webhook"
CHAT = "chat-completions"
UNKNOWN_NAME = "acceptance-suite-no-such-endpoint"
# The suite's endpoints: short backoff (Bifrost's minimum), a few retries, a short attempt timeout.
KNOBS = {
    "max_retries": 3,
    "retry_backoff_initial_seconds": 1,
    "retry_backoff_max_seconds": 2,
    "attempt_timeout_seconds": 5,
}


@dataclass
class EndpointState:
    """What the suite knows about one endpoint; the secret never leaves this library."""

    name: str
    secret: str
    id: str = ""
    path: str = ""
    created: dict[str, Any] = field(default_factory=dict)
    previous_secrets: list[str] = field(default_factory=list)
    custom_headers: dict[str, str] = field(default_factory=dict)
    managed: bool = True


@library(scope="GLOBAL", version="1.0", listener="SELF")
class WebhookLibrary:
    """Receives, verifies and checks webhook notifications from the gateway at ``BIFROST_BASE_URL``.

    The receiver listens on ``BIFROST_WEBHOOK_LISTEN`` (default an ephemeral loopback port) and is
    advertised as ``BIFROST_WEBHOOK_URL`` when that is set. ``BIFROST_WEBHOOK_QUIET`` (default 8 s:
    the suite's 1-2 s backoff plus Bifrost's 5 s queue scan) is the longest gap between two attempts:
    how long the suite watches for a notification that must not come, and allows for each retry.
    """

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self) -> None:
        self._config: Config | None = None
        self._webhooks: WebhookConfig | None = None
        self._masker = SecretMasker(
            Masker(secrets_from_environment([keys.UNKNOWN_KEY])), [env_secret(n) for n in SECRET_VARIABLES]
        )
        self._transport: Transport | None = None
        self._receiver: Receiver | None = None
        self._skip_reason: str | None = None
        self._ready = False
        self._endpoints: dict[str, EndpointState] = {}
        self._created: list[str] = []
        self._exchanges: list[Exchange] = []
        self._jobs: dict[str, dict[str, Any]] = {}
        self._job_keys: dict[str, str] = {}
        self._test_jobs: list[str] = []

    # ----------------------------------------------------------------- listener
    def start_test(self, data: object, result: object) -> None:
        self._exchanges = []
        self._test_jobs = []

    def log_message(self, message: Any) -> None:
        if isinstance(getattr(message, "message", None), str):
            message.message = self._masker(message.message)

    def end_keyword(self, data: Any, result: Any) -> None:
        if isinstance(getattr(result, "message", None), str):
            result.message = self._masker(result.message)

    def end_test(self, data: Any, result: Any) -> None:
        result.message = self._masker(result.message)

    # ----------------------------------------------------------------- plumbing
    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config()
        return self._config

    @property
    def webhooks(self) -> WebhookConfig:
        if self._webhooks is None:
            self._webhooks = load_webhook_config()
        return self._webhooks

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            extra: dict[str, str] = {}
            if token := env_secret("BIFROST_SETUP_TOKEN"):
                extra["X-Bifrost-Setup-Token"] = token
            self._transport = Transport(self.config.base_url, self.config.http_timeout, Masker([]), extra)
        return self._transport

    @property
    def receiver(self) -> Receiver:
        if self._receiver is None or not self._receiver.running:
            raise Failure("the webhook receiver is not running (Check Webhook Test Preconditions starts it)")
        return self._receiver

    def _fail(self, message: str) -> Failure:
        return Failure(self._masker(message))

    def _send(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        payload: endpoints.Payload | None = None,
        quiet: bool = False,
    ) -> Exchange:
        all_headers = dict(headers or {})
        if path.startswith(API) and (token := env_secret("BIFROST_ADMIN_TOKEN")):
            all_headers["Authorization"] = f"Bearer {token}"
        return self._keep(self.transport.send(method, path, all_headers, payload, json_body=body), quiet)

    def _keep(self, exchange: Exchange, quiet: bool = False) -> Exchange:
        """Records an exchange for the reproduction and logs it once (Robot's thread only)."""
        self._exchanges.append(exchange)
        summary = self._masker(exchange.summary())
        (logger.debug if quiet else logger.info)(summary)
        logger.debug(self._masker(render_response(exchange, 2000)))
        return exchange

    def _answer(self, exchange: Exchange, *expected: int) -> dict[str, Any]:
        """The JSON object of an answer with one of the expected statuses, else a clear failure."""
        if exchange.error:
            raise self._fail(f"{exchange.label} → {exchange.error}")
        if exchange.status not in expected:
            wanted = " or ".join(str(s) for s in expected)
            raise self._fail(
                f"{exchange.label} answered {exchange.status}, expected {wanted}: {exchange.snippet(300)}"
            )
        try:
            return exchange.json_object()
        except GatewayError as err:
            raise self._fail(str(err)) from None

    def _check(self, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except AssertionError as err:
            raise self._fail(str(err)) from None

    def _endpoint(self, name: str) -> EndpointState:
        state = self._endpoints.get(name)
        if state is None:
            raise self._fail(f"the suite knows no webhook endpoint named {name!r}")
        return state

    def _key_role(self) -> str:
        # A gateway that enforces keys fails anonymous jobs; the primary key avoids that when set.
        return "primary" if self.config.vk_set else "none"

    # ----------------------------------------------------------------- suite setup and teardown
    @keyword("Webhook Support Should Be Available")
    def webhook_support_should_be_available(self) -> None:
        """Checks the webhook variables, then how the suite gets an endpoint; skips the suite without one.

        A declared endpoint (``BIFROST_WEBHOOK_NAME`` + ``BIFROST_WEBHOOK_SECRET``) is used as it is.
        Otherwise ``GET /api/webhooks`` must answer 200: 404 (older builds) or 401/403 without
        ``BIFROST_ADMIN_TOKEN`` skip every webhook test with that reason.
        """
        cfg = self.webhooks
        if cfg.errors:
            raise self._fail("Invalid webhook configuration: " + "; ".join(cfg.errors))
        if cfg.predeclared:
            state = EndpointState(cfg.endpoint_name, env_secret("BIFROST_WEBHOOK_SECRET"), managed=False)
            self._endpoints[state.name] = state
            self._describe(
                f"declared endpoint {cfg.endpoint_name!r} (tests that need their own endpoints skip)"
            )
            self._ready = True
            return
        exchange = self._send("GET", f"{API}?limit=1")
        reason = self._unsupported(exchange)
        if reason:
            self._skip_reason = reason
            self._describe(f"skipped: {reason}")
            raise SkipExecution(self._masker(reason))
        self._describe("endpoints managed by the suite through /api/webhooks")
        self._ready = True

    def _unsupported(self, exchange: Exchange) -> str | None:
        if exchange.error:
            raise self._fail(f"{exchange.label} → {exchange.error}")
        status = exchange.status
        declare = "or declare one with BIFROST_WEBHOOK_NAME + BIFROST_WEBHOOK_SECRET"
        if status == 404:
            return (
                f"the gateway has no webhook support: GET {API} answered 404 (older builds);"
                f" {declare} if it has webhooks configured another way"
            )
        if status in (401, 403):
            if self.webhooks.admin_token_set:
                raise self._fail(f"GET {API} answered {status} although BIFROST_ADMIN_TOKEN is set")
            return (
                f"GET {API} answered {status}: set BIFROST_ADMIN_TOKEN to manage webhook endpoints, {declare}"
            )
        if status != 200 or not isinstance(exchange.json_or_none(), dict):
            what = exchange.content_type or "no content type"
            return f"GET {API} answered {status} ({what}), not the webhook API (older builds)"
        return None

    def _describe(self, mode: str) -> None:
        cfg = self.webhooks
        listen = f"{cfg.listen_host}:{cfg.listen_port or 'ephemeral'}"
        advertised = f", advertised as {cfg.public_url}" if cfg.public_url else ""
        BuiltIn().set_suite_metadata(
            "Webhooks", f"{mode}; receiver on {listen}{advertised}; quiet window {cfg.quiet:g} s"
        )

    @keyword("Stop The Webhook Receiver")
    def stop_the_webhook_receiver(self) -> None:
        """Deletes endpoints the suite left behind and stops the receiver."""
        for name in list(self._created):
            self._delete(name)
        if self._receiver is not None:
            self._receiver.stop()
            self._receiver = None

    # ----------------------------------------------------------------- per test
    @keyword("Check Webhook Test Preconditions")
    def check_webhook_test_preconditions(self) -> None:
        """Skips tests that need their own endpoints when an endpoint is declared; starts the receiver."""
        if self._skip_reason:
            raise SkipExecution(self._masker(self._skip_reason))
        if not self._ready:
            raise self._fail("webhook support was not checked (Webhook Support Should Be Available)")
        tags = {str(tag).lower() for tag in BuiltIn().get_variable_value("@{TEST TAGS}", [])}
        if "webhooks-api" in tags and self.webhooks.predeclared:
            raise SkipExecution(
                "BIFROST_WEBHOOK_NAME is set: this test creates its own endpoints through /api/webhooks,"
                " which the declared-endpoint mode does not use"
            )
        self._start_receiver()

    def _start_receiver(self) -> None:
        if self._receiver is not None and self._receiver.running:
            return
        cfg = self.webhooks
        receiver = Receiver(cfg.listen_host, cfg.listen_port)
        try:
            receiver.start()
        except OSError as err:
            raise self._fail(
                f"cannot start the webhook receiver on {cfg.listen_host}:{cfg.listen_port}"
                f" (BIFROST_WEBHOOK_LISTEN): {err.strerror or err}"
            ) from None
        self._receiver = receiver
        logger.info(f"Webhook receiver listening on {receiver.url} (advertised as {self._base_url()})")

    def _base_url(self) -> str:
        return self.webhooks.public_url or self.receiver.url

    @keyword("Finish Webhook Test")
    def finish_webhook_test(self) -> None:
        """Deletes the test's endpoints; a failed test logs its requests as curl and what the receiver got."""
        failed = BuiltIn().get_variable_value("${TEST STATUS}") == "FAIL"
        if failed:
            self._log_reproduction()
        for name in list(self._created):
            self._delete(name)

    def _log_reproduction(self) -> None:
        placeholders = keys.placeholders()
        for variable in ("BIFROST_ADMIN_TOKEN", "BIFROST_SETUP_TOKEN"):
            if value := env_secret(variable):
                placeholders[value] = f"${variable}"
        blocks = [f"Reproduction of {len(self._exchanges)} request(s), in order:"]
        for number, exchange in enumerate(self._exchanges, start=1):
            blocks.append(
                f"# {number}. {exchange.label}\n{curl_command(exchange, placeholders)}\n\n"
                f"# response:\n{render_response(exchange)}"
            )
        if self._receiver is not None:
            paths = {self._endpoints[n].path for n in self._created if n in self._endpoints}
            got = self._receiver.deliveries(lambda d: d.path in paths or d.job_id in self._test_jobs)
            blocks.append(f"# The receiver got {len(got)} notification(s) for this test:")
            for delivery in got:
                head = "\n".join(f"{n}: {v}" for n, v in delivery.headers.items())
                body = (
                    json.dumps(delivery.json, indent=2) if delivery.json is not None else repr(delivery.body)
                )
                blocks.append(f"# {delivery.summary()}\n{head}\n\n{body}")
        logger.info(self._masker("\n\n".join(blocks)))

    # ----------------------------------------------------------------- endpoints
    def _new_name(self) -> str:
        return f"acceptance-{secrets.token_hex(4)}"

    @keyword("Create Webhook Endpoint")
    def create_webhook_endpoint(
        self,
        events: str = "all",
        include_response: bool = False,
        disabled: bool = False,
        custom_header: bool = False,
    ) -> str:
        """Creates an endpoint pointing at the receiver and returns its name (deleted after the test).

        ``events`` is ``all``, ``completed`` or ``failed``. With ``custom_header`` the endpoint sends
        ``X-Acceptance-Token`` with a random value, so tests can follow what happens to it.
        """
        return self._create(events, bool(include_response), bool(disabled), bool(custom_header))

    def _create(
        self,
        events: str = "all",
        include_response: bool = False,
        disabled: bool = False,
        custom_header: bool = False,
    ) -> str:
        name = self._new_name()
        path = f"/hooks/{name}"
        chosen = {
            "all": list(EVENTS),
            "completed": [COMPLETED_EVENT],
            "failed": [FAILED_EVENT],
        }.get(events.strip().lower())
        if chosen is None:
            raise self._fail(f"unknown events {events!r}; use all, completed or failed")
        headers = {"X-Acceptance-Token": f"token-{secrets.token_hex(6)}"} if custom_header else {}
        body = {
            "name": name,
            "url": self._base_url() + path,
            "events": chosen,
            "include_response": bool(include_response),
            "allow_private_network": True,
            "disabled": bool(disabled),
            "headers": headers,
            **KNOBS,
        }
        created = self._answer(self._send("POST", API, body), 201)
        secret = created.get("secret")
        if not isinstance(secret, str) or not secret.startswith("whsec_"):
            raise self._fail(f"POST {API} answered 201 without a whsec_ secret: {str(created)[:300]}")
        self._masker.add(secret)
        endpoint = self._check(unwrap_endpoint, created)
        state = EndpointState(
            name, secret, str(endpoint.get("id", "")), path, created, custom_headers=dict(headers)
        )
        self._endpoints[name] = state
        self._created.append(name)
        logger.info(f"Endpoint {name} ({state.id}) for {', '.join(chosen)}; secret {mask_secret(secret)}")
        return name

    @keyword("Webhook Endpoint For Delivery Checks")
    def webhook_endpoint_for_delivery_checks(self) -> str:
        """The declared endpoint, or a new one subscribed to both events (thin payload)."""
        if self.webhooks.predeclared:
            return self.webhooks.endpoint_name
        return self._create()

    def _delete(self, name: str) -> None:
        state = self._endpoints.get(name)
        if name in self._created:
            self._created.remove(name)
        if state is None or not state.managed or not state.id:
            return
        exchange = self._send("DELETE", f"{API}/{state.id}", quiet=True)
        if exchange.error or exchange.status not in (200, 204, 404):
            logger.warn(self._masker(f"could not delete webhook endpoint {name}: {exchange.summary()}"))

    @keyword("Receiver Should Answer")
    def receiver_should_answer(self, endpoint: str, *statuses: int) -> None:
        """The receiver answers the endpoint's next notifications with ``statuses`` in order, then 204."""
        state = self._endpoint(endpoint)
        self.receiver.answer(state.path, *(int(s) for s in statuses))
        logger.info(f"Receiver answers {state.path} with {', '.join(str(s) for s in statuses)}, then 204")

    @keyword("Receiver Should Always Answer")
    def receiver_should_always_answer(self, endpoint: str, status: int) -> None:
        """The receiver answers every notification to the endpoint with ``status``."""
        state = self._endpoint(endpoint)
        self.receiver.answer(state.path, default=int(status))

    @keyword("Rotate Webhook Secret")
    def rotate_webhook_secret(self, endpoint: str) -> None:
        """Rotates the endpoint's signing secret; the library keeps the new one (and the old)."""
        state = self._endpoint(endpoint)
        answer = self._answer(self._send("POST", f"{API}/{state.id}/rotate-secret"), 200)
        secret = answer.get("secret")
        if not isinstance(secret, str) or not secret.startswith("whsec_"):
            raise self._fail(f"rotate-secret answered without a whsec_ secret: {str(answer)[:200]}")
        if secret == state.secret:
            raise self._fail("rotate-secret answered with the same secret as before")
        self._masker.add(secret)
        state.previous_secrets.append(state.secret)
        state.secret = secret
        logger.info(
            f"Secret of {endpoint} rotated: {mask_secret(state.previous_secrets[-1])} → {mask_secret(secret)}"
        )

    # ----------------------------------------------------------------- jobs
    def _submission(self, webhook: str | None, model: str | None = None) -> Any:
        """A chat submit, ready to send: a call that returns the exchange without logging it."""
        payload = endpoints.fixture(CHAT, self.config, model)
        headers = keys.key_headers(self._key_role())
        if webhook is not None:
            headers[WEBHOOK_HEADER] = webhook
        path = endpoints.endpoint(CHAT).path
        return lambda: self.transport.send("POST", path, headers, payload)

    def _submit(self, webhook: str | None, model: str | None = None) -> Exchange:
        return self._keep(self._submission(webhook, model)())

    def _job_id(self, exchange: Exchange) -> str:
        body = self._answer(exchange, 202)
        job_id = body.get("id")
        if not isinstance(job_id, str) or not job_id:
            raise self._fail(f"{exchange.label} answered 202 without a job id: {exchange.snippet()}")
        self._job_keys[job_id] = self._key_role()
        self._test_jobs.append(job_id)
        return job_id

    @keyword("Submit Chat Job Notifying")
    def submit_chat_job_notifying(self, endpoint: str, model: str | None = None) -> str:
        """Submits the chat fixture with ``x-bf-async-webhook: <endpoint>``; requires 202, returns the id."""
        return self._job_id(self._submit(endpoint, model or None))

    @keyword("Submit Chat Job Without Webhook")
    def submit_chat_job_without_webhook(self) -> str:
        """Submits the chat fixture without the webhook header; requires 202, returns the id."""
        return self._job_id(self._submit(None))

    @keyword("Submit Chat Jobs Notifying")
    def submit_chat_jobs_notifying(self, endpoint: str, count: int = 10) -> list[str]:
        """Submits ``count`` chat jobs at once (one thread each) naming the endpoint; returns their ids."""
        send = self._submission(endpoint)
        with ThreadPoolExecutor(max_workers=int(count)) as pool:
            answers = list(pool.map(lambda _: send(), range(int(count))))
        # Logged here, on Robot's thread, once every submit has answered.
        job_ids = [self._job_id(self._keep(exchange)) for exchange in answers]
        logger.info(f"{len(job_ids)} jobs submitted at once, all answered 202")
        return job_ids

    @keyword("Submit Chat Job Naming Webhook")
    def submit_chat_job_naming_webhook(self, name: str) -> Exchange:
        """Submits the chat fixture with ``x-bf-async-webhook: <name>`` and returns the exchange."""
        return self._submit(name)

    @keyword("Unknown Webhook Name")
    def unknown_webhook_name(self) -> str:
        """A webhook endpoint name no gateway has."""
        return UNKNOWN_NAME

    @keyword("Submit Should Be Refused Naming The Webhook")
    def submit_should_be_refused_naming_the_webhook(
        self, response: Exchange, name: str, reason: str | None = None
    ) -> None:
        """The submit answered 400 with an error envelope naming the endpoint (and ``reason``)."""
        body = self._answer(response, 400)
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        if not isinstance(message, str) or name not in message:
            raise self._fail(
                f"{response.label} answered 400 but the message does not name {name!r}: {message!r}"
            )
        if reason and reason.lower() not in message.lower():
            raise self._fail(
                f"{response.label} answered 400 but the message does not say {reason!r}: {message!r}"
            )
        logger.info(f"Refused as expected: {message}")

    @keyword("Wait Until Webhook Job Is Terminal")
    def wait_until_webhook_job_is_terminal(self, job_id: str) -> dict[str, Any]:
        """Polls the chat job until it is completed or failed and returns its envelope."""
        path = endpoints.endpoint(CHAT).poll_path(job_id)
        headers = keys.key_headers(self._job_keys.get(job_id, self._key_role()))
        try:
            envelope, _, journey = wait_until_terminal(
                lambda: self._send("GET", path, headers=headers, quiet=True),
                job=f"job {job_id}",
                timeout=self.config.poll_timeout,
                interval=self.config.poll_interval,
            )
        except GatewayError as err:
            raise self._fail(str(err)) from None
        self._jobs[job_id] = envelope
        logger.info(f"Job {job_id}: {journey.line()}")
        return envelope

    def _job(self, job_id: str) -> dict[str, Any]:
        return self._jobs.get(job_id) or self.wait_until_webhook_job_is_terminal(job_id)

    # ----------------------------------------------------------------- waiting for notifications
    def _deadline(self, retries: int = 0) -> float:
        """How long a notification may take: the poll timeout, plus the quiet window per retry.

        The quiet window is by definition the longest gap between two attempts (backoff, jitter and
        Bifrost's queue scan), so it bounds each retry both ways.
        """
        return self.config.poll_timeout + self.webhooks.quiet * retries

    def _wait(self, job_id: str, count: int, retries: int = 0) -> list[Delivery]:
        got, reached = self.receiver.wait_for(lambda d: d.job_id == job_id, count, self._deadline(retries))
        if not reached:
            raise self._fail(
                f"{len(got)} of {count} notification(s) for job {job_id} arrived within"
                f" {self._deadline(retries):g} s: {[d.summary() for d in got]}"
            )
        for delivery in got:
            logger.info(self._masker(delivery.summary()))
        return got[:count]

    def _quiet(self, job_id: str, expected: int, since: float) -> list[Delivery]:
        until = since + self.webhooks.quiet
        got = self.receiver.watch_quietly(lambda d: d.job_id == job_id, expected, until)
        if len(got) > expected:
            raise self._fail(
                f"{len(got)} notifications arrived for job {job_id}, expected {expected}:"
                f" {[d.summary() for d in got]}"
            )
        return got

    @keyword("Wait For The Notification Of")
    def wait_for_the_notification_of(self, job_id: str) -> Delivery:
        """Waits for the job's first notification and returns it."""
        return self._wait(job_id, 1)[0]

    @keyword("Only One Notification Should Arrive For")
    def only_one_notification_should_arrive_for(self, job_id: str) -> Delivery:
        """Waits for the job's notification, then watches ``BIFROST_WEBHOOK_QUIET`` for a second one."""
        (first,) = self._wait(job_id, 1)
        self._quiet(job_id, 1, first.received_at)
        logger.info(f"No further notification for job {job_id} within {self.webhooks.quiet:g} s")
        return first

    @keyword("Each Job Should Get Exactly One Signed Notification")
    def each_job_should_get_exactly_one_signed_notification(self, job_ids: list[str], endpoint: str) -> None:
        """Every job gets one signed notification about itself, and no second one within the quiet window."""
        wanted = set(job_ids)
        got, reached = self.receiver.wait_for(lambda d: d.job_id in wanted, len(wanted), self._deadline())
        missing = wanted - {d.job_id for d in got}
        if not reached or missing:
            raise self._fail(f"{len(missing)} of {len(wanted)} jobs got no notification: {sorted(missing)}")
        last = max(d.received_at for d in got)
        everything = self.receiver.watch_quietly(
            lambda d: d.job_id in wanted, len(wanted), last + self.webhooks.quiet
        )
        counts = {job_id: sum(d.job_id == job_id for d in everything) for job_id in wanted}
        if extra := {job_id: n for job_id, n in counts.items() if n != 1}:
            raise self._fail(f"jobs with more than one notification (job id: count): {extra}")
        for delivery in everything:
            self.notification_should_be_signed_with_the_endpoint_secret(delivery, endpoint)
        ids = {d.webhook_id for d in everything}
        if len(ids) != len(wanted):
            raise self._fail(f"{len(wanted)} notifications carry only {len(ids)} distinct webhook ids")
        logger.info(f"{len(wanted)} jobs, {len(everything)} notifications, one each, all signed")

    @keyword("No Notification Should Arrive For")
    def no_notification_should_arrive_for(self, job_id: str) -> None:
        """The job is terminal; nothing about it reaches the receiver within ``BIFROST_WEBHOOK_QUIET``."""
        self._job(job_id)
        self._quiet(job_id, 0, time.monotonic())
        logger.info(f"No notification for job {job_id} within {self.webhooks.quiet:g} s, as expected")

    @keyword("Wait For Notification Attempts")
    def wait_for_notification_attempts(self, job_id: str, count: int) -> list[Delivery]:
        """Waits for ``count`` attempts to deliver the job's notification (retries included)."""
        return self._wait(job_id, int(count), retries=int(count) - 1)

    @keyword("No Further Attempt Should Arrive For")
    def no_further_attempt_should_arrive_for(self, job_id: str, count: int) -> None:
        """After ``count`` attempts, none more within ``BIFROST_WEBHOOK_QUIET`` of the last one."""
        got = self.receiver.deliveries(lambda d: d.job_id == job_id)
        self._quiet(job_id, int(count), got[-1].received_at if got else time.monotonic())
        logger.info(f"Job {job_id}: {count} attempt(s) and no more")

    # ----------------------------------------------------------------- checks on notifications
    @keyword("Notification Should Be Signed With The Endpoint Secret")
    def notification_should_be_signed_with_the_endpoint_secret(
        self, delivery: Delivery, endpoint: str
    ) -> None:
        """The ``v1`` signature verifies with the endpoint's current secret (Standard Webhooks)."""
        state = self._endpoint(endpoint)
        try:
            verify(state.secret, delivery.headers, delivery.body)
        except SignatureError as err:
            raise self._fail(f"{delivery.summary()}: {err}") from None
        logger.info(f"{delivery.summary()}: signature verified with {mask_secret(state.secret)}")

    @keyword("Notification Should Not Verify With The Previous Secret")
    def notification_should_not_verify_with_the_previous_secret(
        self, delivery: Delivery, endpoint: str
    ) -> None:
        """After a rotation, the notification's signature does not verify with the old secret."""
        state = self._endpoint(endpoint)
        if not state.previous_secrets:
            raise self._fail(f"endpoint {endpoint} has no previous secret (rotate it first)")
        try:
            verify(state.previous_secrets[-1], delivery.headers, delivery.body)
        except SignatureError:
            logger.info(f"{delivery.summary()}: does not verify with the previous secret, as expected")
            return
        raise self._fail(f"{delivery.summary()} is still signed with the secret from before the rotation")

    @keyword("Tampered Notification Should Fail Verification")
    def tampered_notification_should_fail_verification(self, delivery: Delivery, endpoint: str) -> None:
        """The genuine notification verifies; a changed body, id or timestamp, or a wrong secret, does not."""
        state = self._endpoint(endpoint)
        self._check(verify, state.secret, delivery.headers, delivery.body)
        wrong_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        self._masker.add(wrong_secret)
        changed = dict(delivery.headers)
        cases = {
            "a changed body": (state.secret, delivery.headers, delivery.body.replace(b'"', b"'", 1)),
            "an added byte": (state.secret, delivery.headers, delivery.body + b" "),
            "a wrong secret": (wrong_secret, delivery.headers, delivery.body),
            "another webhook-id": (state.secret, {**changed, "webhook-id": "msg_forged"}, delivery.body),
            "another timestamp": (
                state.secret,
                {**changed, "webhook-timestamp": str(int(changed.get("webhook-timestamp", "0") or 0) + 1)},
                delivery.body,
            ),
        }
        for what, (secret, headers, body) in cases.items():
            try:
                verify(secret, headers, body)
            except SignatureError as err:
                logger.info(f"With {what}: refused ({err})")
                continue
            raise self._fail(f"{delivery.summary()}: the signature still verified with {what}")

    @keyword("Notification Timestamp Should Be Fresh")
    def notification_timestamp_should_be_fresh(self, delivery: Delivery) -> None:
        """``webhook-timestamp`` is whole Unix seconds within 5 minutes of its arrival."""
        skew = self._check(check_fresh_timestamp, delivery)
        logger.info(f"webhook-timestamp is {skew:+.1f} s from the arrival time")

    @keyword("Notification Should Carry A Thin Payload")
    def notification_should_carry_a_thin_payload(self, delivery: Delivery, event: str) -> None:
        """Headers and the thin payload: event, job id, status, times, ``result_url``, nothing inlined."""
        job = self._job(str(delivery.job_id))
        self._check(check_headers, delivery, event)
        self._check(check_payload, delivery, job, event)
        logger.info(f"Payload: {json.dumps(delivery.json)[:1000]}")

    @keyword("Failed Notification Should Carry The Status Code")
    def failed_notification_should_carry_the_status_code(self, delivery: Delivery) -> None:
        """``async_job.failed`` with the job's ``status_code`` (``ASYNC_FAILING_STATUS`` when set)."""
        job = self._job(str(delivery.job_id))
        if job.get("status") != "failed":
            raise self._fail(
                f"job {job.get('id')} with ASYNC_FAILING_MODEL ended {job.get('status')!r}, expected failed"
            )
        self._check(check_headers, delivery, FAILED_EVENT)
        self._check(check_payload, delivery, job, FAILED_EVENT)
        wanted = self.config.failing_status
        code = delivery.data.get("status_code")
        if wanted is not None and code != wanted:
            raise self._fail(
                f"{delivery.summary()}: data.status_code is {code!r},"
                f" expected {wanted} (ASYNC_FAILING_STATUS)"
            )
        logger.info(f"Failed-job notification with status_code {code}")

    @keyword("Notification Should Inline The Job Result")
    def notification_should_inline_the_job_result(self, delivery: Delivery) -> None:
        """With ``include_response``, ``data.response`` is the completed job's result."""
        job = self._job(str(delivery.job_id))
        self._check(check_headers, delivery, COMPLETED_EVENT)
        self._check(check_payload, delivery, job, COMPLETED_EVENT, thin=False)
        inline = delivery.data.get("response")
        if inline != job.get("result"):
            shown = json.dumps(inline)[:300] if inline is not None else "absent"
            raise self._fail(f"{delivery.summary()}: data.response is {shown}, expected the job's result")

    @keyword("Result Url Should Serve The Job")
    def result_url_should_serve_the_job(self, delivery: Delivery) -> None:
        """``GET <result_url>`` (relative to ``BIFROST_BASE_URL``) answers 200 with the notified job."""
        url = delivery.data.get("result_url")
        if not isinstance(url, str) or not url:
            raise self._fail(f"{delivery.summary()}: data.result_url is missing")
        base = self.config.base_url
        path = url[len(base) :] if url.startswith(base) else url
        if not path.startswith("/"):
            raise self._fail(f"{delivery.summary()}: result_url {url!r} is neither relative nor on {base}")
        job_id = str(delivery.job_id)
        headers = keys.key_headers(self._job_keys.get(job_id, self._key_role()))
        served = self._answer(self._send("GET", path, headers=headers), 200)
        if served.get("id") != job_id or served.get("status") != delivery.data.get("status"):
            raise self._fail(
                f"GET {path} served job {served.get('id')!r} ({served.get('status')}),"
                f" not the notified job {job_id} ({delivery.data.get('status')})"
            )

    @keyword("Attempts Should Share One Webhook Id")
    def attempts_should_share_one_webhook_id(self, deliveries: list[Delivery], endpoint: str) -> None:
        """Every attempt carries the same ``webhook-id`` and a valid signature."""
        ids = {d.webhook_id for d in deliveries}
        if len(ids) != 1 or "" in ids:
            raise self._fail(f"the attempts carry webhook ids {sorted(ids)}, expected one and the same")
        for delivery in deliveries:
            self.notification_should_be_signed_with_the_endpoint_secret(delivery, endpoint)
        answered = ", ".join(str(d.answered) for d in deliveries)
        logger.info(f"{len(deliveries)} attempts, webhook-id {ids.pop()}, answered {answered}")

    @keyword("Deliveries History Should List")
    def deliveries_history_should_list(self, endpoint: str, job_id: str, *attempts: str) -> None:
        """``GET /api/webhooks/{id}/deliveries`` lists the job's attempts in order: ``outcome:status`` each.

        The history is written after each attempt, so it is polled until it has them all.
        """
        state = self._endpoint(endpoint)
        expected = [(a.split(":")[0], int(a.split(":")[1])) for a in attempts]
        rows = self._history_until(state, job_id, lambda rows: len(rows) >= len(expected))
        self._check(check_history, rows, job_id, expected)
        logger.info(f"History of job {job_id}: {', '.join(attempts)}")

    def _history_until(
        self, state: EndpointState, job_id: str, enough: Any, interval: float = 0.1
    ) -> list[dict[str, Any]]:
        """The job's history rows, oldest first, polled until ``enough(rows)`` or the poll timeout.

        Bifrost writes a row after each attempt ends, so the receiver can see an attempt first.
        """
        deadline = time.monotonic() + self.config.poll_timeout
        while True:
            body = self._answer(self._send("GET", f"{API}/{state.id}/deliveries", quiet=True), 200)
            rows = [
                r
                for r in body.get("deliveries") or []
                if isinstance(r, dict) and r.get("async_job_id") == job_id
            ]
            rows.sort(key=lambda r: (str(r.get("created_at")), int(r.get("attempt_no") or 0)))
            if enough(rows) or time.monotonic() > deadline:
                return rows
            time.sleep(interval)

    # ----------------------------------------------------------------- management API
    @keyword("Endpoint Secret Should Have Been Shown Once")
    def endpoint_secret_should_have_been_shown_once(self, endpoint: str) -> None:
        """Create answered a ``whsec_`` secret; the endpoint object, GET and list never show it, and
        header values come back ``<REDACTED>``."""
        state = self._endpoint(endpoint)
        self._check(check_redacted, self._check(unwrap_endpoint, state.created), state.secret, f"POST {API}")
        shown = self._answer(self._send("GET", f"{API}/{state.id}"), 200)
        self._check(
            check_redacted, self._check(unwrap_endpoint, shown), state.secret, f"GET {API}/{state.id}"
        )
        listed = self._answer(self._send("GET", f"{API}?search={state.name}"), 200)
        items = [e for e in listed.get("endpoints") or [] if isinstance(e, dict) and e.get("id") == state.id]
        if not items:
            raise self._fail(f"GET {API}?search={state.name} does not list the endpoint")
        self._check(check_redacted, items[0], state.secret, f"GET {API}")
        names = ", ".join(header_values(items[0])) or "none"
        logger.info(f"Secret shown once ({mask_secret(state.secret)}); redacted headers: {names}")

    @keyword("Creating The Same Endpoint Again Should Be Refused With 409")
    def creating_the_same_endpoint_again_should_be_refused_with_409(self, endpoint: str) -> None:
        """A second endpoint with the same name answers 409."""
        state = self._endpoint(endpoint)
        body = {"name": state.name, "url": self._base_url() + state.path, "events": list(EVENTS)}
        self._answer(self._send("POST", API, {**body, "allow_private_network": True}), 409)

    @keyword("A Plain Http Endpoint Without Private Network Opt-In Should Be Refused With 400")
    def a_plain_http_endpoint_without_private_network_opt_in_should_be_refused_with_400(self) -> None:
        """An ``http://`` URL needs ``allow_private_network``; without it the create answers 400."""
        name = self._new_name()
        body = {"name": name, "url": "http://127.0.0.1:9/never", "events": [COMPLETED_EVENT]}
        exchange = self._send("POST", API, body)
        if exchange.status == 201:  # keep the gateway clean even when the check fails
            created = unwrap_endpoint(exchange.json_or_none())
            self._endpoints[name] = EndpointState(name, "", str(created.get("id", "")))
            self._created.append(name)
        self._answer(exchange, 400)

    @keyword("Replace Webhook Endpoint With Its Shown Definition")
    def replace_webhook_endpoint_with_its_shown_definition(self, endpoint: str) -> None:
        """GETs the endpoint and PUTs it back as shown, ``<REDACTED>`` header values included."""
        state = self._endpoint(endpoint)
        shown = self._check(unwrap_endpoint, self._answer(self._send("GET", f"{API}/{state.id}"), 200))
        self._answer(self._send("PUT", f"{API}/{state.id}", shown), 200)

    @keyword("Send A Test Notification")
    def send_a_test_notification(self, endpoint: str, event: str = COMPLETED_EVENT) -> Delivery:
        """``POST /api/webhooks/{id}/test``: 200 ``delivered``; returns the sample the receiver got."""
        state = self._endpoint(endpoint)
        started = time.monotonic()
        answer = self._answer(self._send("POST", f"{API}/{state.id}/test", {"event": event}), 200)
        status = answer.get("receiver_status_code")
        if answer.get("delivered") is not True or not (isinstance(status, int) and 200 <= status < 300):
            raise self._fail(f"the test notification was not delivered: {json.dumps(answer)[:300]}")
        got, reached = self.receiver.wait_for(
            lambda d: d.path == state.path and d.received_at >= started, 1, self.config.http_timeout
        )
        if not reached:
            raise self._fail(
                f"the gateway says the test notification was delivered, but {state.path} got none"
            )
        self._test_jobs.append(str(got[0].job_id))
        logger.info(got[0].summary())
        return got[0]

    @keyword("Notification Should Carry The Custom Header")
    def notification_should_carry_the_custom_header(self, delivery: Delivery, endpoint: str) -> None:
        """The endpoint's custom header arrives with the value it was created with."""
        state = self._endpoint(endpoint)
        for name, value in state.custom_headers.items():
            got = delivery.headers.get(name.lower())
            if got != value:
                raise self._fail(
                    f"{delivery.summary()}: header {name} is {got!r}, expected the stored {value!r}"
                )

    @keyword("Redeliver The Notification Of")
    def redeliver_the_notification_of(self, endpoint: str, job_id: str) -> str:
        """``POST /api/webhooks/deliveries/{delivery id}/redeliver`` for the job's first attempt; 202.

        Returns the webhook id the gateway reports.
        """
        state = self._endpoint(endpoint)
        rows = self._history_until(state, job_id, lambda rows: bool(rows))
        if not rows:
            raise self._fail(f"the deliveries history of {endpoint} has no attempt for job {job_id}")
        delivery_id = rows[0].get("id")
        answer = self._answer(self._send("POST", f"{API}/deliveries/{delivery_id}/redeliver"), 202)
        return str(answer.get("webhook_id", ""))

    @keyword("Redelivery Should Reuse The Webhook Id")
    def redelivery_should_reuse_the_webhook_id(self, job_id: str, first: Delivery, reported: str) -> None:
        """The redelivered notification (and the API's answer) carry the first notification's webhook id."""
        second = self._wait(job_id, 2)[1]
        ids = {"the first notification": first.webhook_id, "the redeliver answer": reported}
        ids["the redelivered notification"] = second.webhook_id
        if len(set(ids.values())) != 1:
            raise self._fail(f"redelivery changed the webhook id: {ids}")
        logger.info(f"Redelivered with webhook-id {first.webhook_id}")
