"""Keywords for Bifrost's async inference API: submit, poll, wait, and check what comes back.

Tests name keys by role (`primary`, `alternate`, `unknown`, `none`) or by mode (`global`,
`with-vk`); only this library knows the values, reads them from the environment, and masks them
in everything it logs.
"""

from __future__ import annotations

import json
import os
import platform
import time
import uuid
from functools import partial
from importlib.metadata import version
from typing import Any

from robot.api import Failure, SkipExecution, logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from libraries import batch, endpoints, envelope, keys, observation, shapes
from libraries.config import ENDPOINT_NAMES, Config, load_config
from libraries.masking import Masker, secrets_from_environment
from libraries.polling import wait_until_terminal
from libraries.transport import Exchange, GatewayError, Transport, curl_command, file_notes, render_response
from libraries.webhooks import load_webhook_config

NIL_JOB_ID = "00000000-0000-0000-0000-000000000000"
TTL_HEADER = "x-bf-async-job-result-ttl"
EXPIRY_MARGIN = 10.0  # seconds past the TTL before a still-served job counts as not expired (upstream's)
EXPIRY_POLL = 0.25
# The expiry edge: the gateway stamps completion before the suite sees it, so on the suite's
# clock the job has expired by "seen terminal + TTL"; the margin covers timestamp rounding.
EXPIRY_EDGE_MARGIN = 2.0
BATCH_WORKERS = 50
ODD_JOB_IDS = {
    "not-a-uuid": "not-a-job-id",
    "overlong": "-".join([NIL_JOB_ID] * 7),  # 258 characters
    # Decodes to "odd job ✓": a space and a non-ASCII character, neither of them a path separator.
    "url-encoded": "odd%20job%20%E2%9C%93",
}


@library(scope="GLOBAL", version="1.0", listener="SELF")
class GatewayLibrary:
    """Submits and polls async jobs on the gateway named by ``BIFROST_BASE_URL``.

    Every request goes through one pooled HTTP session with ``BIFROST_HTTP_TIMEOUT`` and no
    retries. Each exchange is logged once (masked); a failing test gets a curl reproduction.
    """

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self) -> None:
        self._config: Config | None = None
        self._masker = Masker(secrets_from_environment([keys.UNKNOWN_KEY]))
        self._transport: Transport | None = None
        self._exchanges: list[Exchange] = []
        self._terminal_seen: dict[str, float] = {}
        self._terminal_exchange: dict[str, Exchange] = {}
        self._enforcement: str | None = None

    # ----------------------------------------------------------------- listener
    def start_test(self, data: object, result: object) -> None:
        self._exchanges = []
        self._terminal_seen.clear()
        self._terminal_exchange.clear()

    # ----------------------------------------------------------------- plumbing
    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config()
        return self._config

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._check_config()
            extra: dict[str, str] = {}
            token = _env("BIFROST_SETUP_TOKEN")
            if token:
                extra["X-Bifrost-Setup-Token"] = token
            self._transport = Transport(self.config.base_url, self.config.http_timeout, self._masker, extra)
        return self._transport

    def _check_config(self) -> None:
        # The webhook settings are checked here too, so any bad value stops the run before a request.
        errors = [*self.config.errors, *load_webhook_config().errors]
        if errors:
            message = "Invalid configuration: " + "; ".join(errors)
            # Printed at the top of the console and in the log's errors, then the run stops.
            logger.error(message)
            BuiltIn().fatal_error(message)

    def _send(
        self,
        method: str,
        path: str,
        key: str = "none",
        key_format: str = "x-bf-vk",
        headers: dict[str, str] | None = None,
        payload: endpoints.Payload | None = None,
        quiet: bool = False,
    ) -> Exchange:
        all_headers = {**keys.key_headers(key, key_format), **(headers or {})}
        exchange = self.transport.send(method, path, all_headers, payload)
        self._exchanges.append(exchange)
        summary = self._masker(exchange.summary())
        if quiet:
            logger.debug(summary)
        else:
            logger.info(summary)
        logger.debug(self._masker(self._details(exchange)))
        return exchange

    def _details(self, exchange: Exchange) -> str:
        request_headers = ", ".join(f"{n}: {v}" for n, v in exchange.request_headers.items()) or "(none)"
        return f"request headers: {request_headers}\nresponse:\n{render_response(exchange, 2000)}"

    def _fail(self, message: str) -> Failure:
        return Failure(self._masker(message))

    def _require_answer(self, exchange: Exchange) -> Exchange:
        if exchange.error:
            raise GatewayError(self._masker(f"{exchange.label} → {exchange.error}"))
        return exchange

    # ----------------------------------------------------------------- run preparation
    @keyword("Configuration Should Be Valid")
    def configuration_should_be_valid(self) -> None:
        """Stops the whole run with Fatal Error when an environment variable is unusable.

        Nothing has been sent to the gateway at that point. The message names each bad variable
        and its value (never a key value).
        """
        self._check_config()
        logger.info(f"Configuration OK: gateway {self.config.base_url}")

    @keyword("Open Gateway Session")
    def open_gateway_session(self) -> None:
        """Creates the pooled HTTP session used by every request of this process."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        transport = self.transport
        logger.info(
            f"Session to {transport.base_url}: timeout {transport.timeout:g} s per request, no retries,"
            " connections reused"
        )

    @keyword("Gateway Should Be Healthy")
    def gateway_should_be_healthy(self) -> dict[str, Any]:
        """Checks ``GET /health``. Unreachable or 5xx: every test is skipped with the reason.

        With ``BIFROST_REQUIRE_GATEWAY`` set the run fails instead. Returns the health components.
        """
        exchange = self._send("GET", "/health")
        problem: str | None = None
        if exchange.error:
            problem = f"Bifrost gateway not reachable at {self.config.base_url} ({exchange.error})"
        elif exchange.status is not None and exchange.status >= 500:
            body = exchange.json_or_none()
            detail = ""
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                detail = f": {body['error'].get('message', '')}"
            problem = (
                f"Bifrost gateway at {self.config.base_url} is unhealthy:"
                f" GET /health answered {exchange.status}{detail}"
            )
        if problem:
            if self.config.require_gateway:
                raise self._fail(f"{problem} (BIFROST_REQUIRE_GATEWAY is set, so this fails the run)")
            raise SkipExecution(self._masker(problem))
        body = exchange.json_or_none()
        components = body.get("components", {}) if isinstance(body, dict) else {}
        if not isinstance(components, dict):
            components = {"components": components}
        self._metadata(
            "Health Components", json.dumps(components, sort_keys=True) if components else "(none)"
        )
        return components

    @keyword("Async Inference Should Be Enabled")
    def async_inference_should_be_enabled(self) -> None:
        """Fails the run with one reason when the gateway has no async routes.

        Sends malformed JSON to the chat submit route: a gateway with async inference answers
        400 without creating a job; one without it answers 404 ``Route not found``.
        """
        payload = endpoints.Payload(raw=b"{invalid json")
        exchange = self._require_answer(self._send("POST", "/v1/async/chat/completions", payload=payload))
        if exchange.status == 404 and "route not found" in exchange.text.lower():
            raise self._fail(
                f"Async inference is not enabled on {self.config.base_url}: POST /v1/async/chat/completions"
                " answered 404 Route not found (Bifrost registers the async routes only when a logs store"
                " is configured, and in older builds the governance plugin)"
            )

    @keyword("Detect Virtual Key Enforcement")
    def detect_virtual_key_enforcement(self) -> str:
        """Submits one anonymous chat job; if it fails with status_code 401 the gateway enforces keys.

        Global-mode tests are then skipped with that reason. Returns a one-line description.
        """
        outcome = self._detect_enforcement()
        self._metadata("Virtual Key Enforcement", outcome)
        return outcome

    def _detect_enforcement(self) -> str:
        self._enforcement = None
        exchange = self._send("POST", "/v1/async/chat/completions", payload=self._payload("chat-completions"))
        job_id = self._job_id_or_none(exchange)
        if exchange.status != 202 or job_id is None:
            return f"not determined (anonymous submit answered {exchange.status})"
        try:
            result = self._wait(endpoints.endpoint("chat-completions"), job_id, "none", "x-bf-vk", exchange)
        except AssertionError as err:
            return f"not determined ({err})"
        if result.get("status") == "failed" and result.get("status_code") == 401:
            self._enforcement = (
                "the gateway enforces virtual keys (an anonymous chat job failed with status_code 401),"
                " so global-mode tests are skipped"
            )
            return "on: anonymous jobs fail with 401"
        return "off: anonymous jobs run"

    @keyword("Record Run Metadata")
    def record_run_metadata(self) -> None:
        """Puts gateway URL, versions, key presence and poll settings at the top of the report.

        The health components and key enforcement are added by the preflight keywords.
        """
        cfg = self.config
        key_state = ", ".join(
            f"{name} {'set' if present else 'not set'}"
            for name, present in (("BIFROST_VK", cfg.vk_set), ("BIFROST_ALT_VK", cfg.alt_vk_set))
        )
        items = {
            "Gateway": cfg.base_url,
            "Virtual Keys": key_state,
            "Endpoints": ", ".join(cfg.endpoints),
            "Polling": (
                f"interval {cfg.poll_interval:g} s, timeout {cfg.poll_timeout:g} s,"
                f" HTTP timeout {cfg.http_timeout:g} s, expiry TTL {cfg.expiry_ttl} s,"
                f" default TTL {cfg.default_ttl} s"
            ),
            "Robot Framework": version("robotframework"),
            "Python": platform.python_version(),
        }
        for name, value in items.items():
            self._metadata(name, value)

    def _metadata(self, name: str, value: str) -> None:
        BuiltIn().set_suite_metadata(name, self._masker(value), top=True)

    # ----------------------------------------------------------------- per test
    @keyword("Check Test Preconditions")
    def check_test_preconditions(self) -> None:
        """Skips the current test, with a clear reason, when its tags need what this run lacks."""
        tags = {str(tag).lower() for tag in BuiltIn().get_variable_value("@{TEST TAGS}", [])}
        cfg = self.config
        if ("requires-vk" in tags or "with-vk" in tags) and not cfg.vk_set:
            raise SkipExecution("BIFROST_VK is not set: with-VK and key-scoped tests need a virtual key")
        if "requires-alt-vk" in tags and not cfg.alt_vk_set:
            raise SkipExecution("BIFROST_ALT_VK is not set: cross-key tests need a second virtual key")
        if "requires-failing-model" in tags and not cfg.failing_model:
            raise SkipExecution(
                "ASYNC_FAILING_MODEL is not set: failed-job tests need a model the provider rejects"
            )
        if "requires-slow-model" in tags and not cfg.slow_model:
            raise SkipExecution(
                "ASYNC_SLOW_MODEL is not set: in-flight tests need a model whose jobs take a while"
            )
        missing = sorted(t for t in tags if t in ENDPOINT_NAMES and t not in cfg.endpoints)
        if missing:
            raise SkipExecution(f"endpoint {', '.join(missing)} not in ASYNC_ENDPOINTS (older builds have 9)")
        if "global" in tags and self._enforcement:
            raise SkipExecution(self._enforcement)

    @keyword("Log Reproduction If Test Failed")
    def log_reproduction_if_test_failed(self) -> None:
        """Logs every request of a failed test as curl, with the response it got (keys masked)."""
        if BuiltIn().get_variable_value("${TEST STATUS}") != "FAIL" or not self._exchanges:
            return
        placeholders = keys.placeholders()
        token = _env("BIFROST_SETUP_TOKEN")
        if token:
            placeholders[token] = "$BIFROST_SETUP_TOKEN"
        blocks = [f"Reproduction of {len(self._exchanges)} request(s), in order:"]
        notes: list[str] = []
        for number, exchange in enumerate(self._exchanges, start=1):
            notes += [n for n in file_notes(exchange) if n not in notes]
            blocks.append(
                f"# {number}. {exchange.label}\n{curl_command(exchange, placeholders)}\n\n"
                f"# response:\n{render_response(exchange)}"
            )
        if any(keys.UNKNOWN_KEY in value for e in self._exchanges for value in e.request_headers.values()):
            notes.append(
                "# BIFROST_UNKNOWN_VK: any sk-bf- key the gateway does not have, e.g. sk-bf-unknown-key"
            )
        header = "\n".join(notes)
        logger.info(self._masker((header + "\n\n" if header else "") + "\n\n".join(blocks)))

    # ----------------------------------------------------------------- requests
    def _payload(
        self, endpoint_name: str, variant: str = "default", model: str | None = None
    ) -> endpoints.Payload:
        return endpoints.payload(endpoint_name, variant, self.config, model)

    @keyword("Submit Job")
    def submit_job(
        self,
        endpoint: str,
        key: str = "none",
        key_format: str = "x-bf-vk",
        ttl: str | None = None,
        variant: str = "default",
        model: str | None = None,
        request_id: str | None = None,
    ) -> Exchange:
        """Submits the endpoint's fixture (or a ``variant``) and returns the exchange.

        ``key`` is a role (``primary``, ``alternate``, ``unknown``, ``none``,
        ``primary-recased-prefix``) or a mode (``global``, ``with-vk``); ``key_format`` is
        ``x-bf-vk``, ``bearer``, ``x-api-key``, ``x-goog-api-key`` or ``api-key``. ``ttl`` is sent as
        ``x-bf-async-job-result-ttl``, ``request_id`` as ``x-request-id``. Variants: ``default``,
        ``stream``, ``malformed-json``, ``missing-model``, ``missing-file``, ``stream-ignored``,
        ``missing-<field>`` (e.g. ``missing-voice``), and any of them with ``+stream``.
        """
        target = endpoints.endpoint(endpoint)
        headers = {TTL_HEADER: str(ttl)} if ttl is not None else {}
        if request_id is not None:
            headers["x-request-id"] = request_id
        payload = self._payload(target.name, variant, model)
        return self._send("POST", target.path, key, key_format, headers, payload)

    @keyword("Job Id Of")
    def job_id_of(self, response: Exchange) -> str:
        """The job id of a submit response; fails when there is none (upstream's fatal check)."""
        self._require_answer(response)
        body = response.json_object()
        job_id = body.get("id")
        if not isinstance(job_id, str) or not job_id:
            raise self._fail(
                f"{response.label} answered {response.status} without a job id: {response.snippet()}"
            )
        return job_id

    def _job_id_or_none(self, response: Exchange) -> str | None:
        body = response.json_or_none()
        job_id = body.get("id") if isinstance(body, dict) else None
        return job_id if isinstance(job_id, str) and job_id else None

    @keyword("Poll Job Once")
    def poll_job_once(
        self, endpoint: str, job_id: str, key: str = "none", key_format: str = "x-bf-vk"
    ) -> Exchange:
        """Sends one ``GET <submit path>/<job id>`` and returns the exchange."""
        return self._send("GET", endpoints.endpoint(endpoint).poll_path(job_id), key, key_format)

    def _wait(
        self, target: endpoints.Endpoint, job_id: str, key: str, key_format: str, since: Exchange | None
    ) -> dict[str, Any]:
        path = target.poll_path(job_id)
        started = since.received_at if since is not None and since.received_at else None
        cfg = self.config
        try:
            result, last, journey = wait_until_terminal(
                lambda: self._send("GET", path, key, key_format, quiet=True),
                job=f"job {job_id} ({target.name})",
                timeout=cfg.poll_timeout,
                interval=cfg.poll_interval,
                started=started,
            )
        except GatewayError as err:
            raise self._fail(str(err)) from None
        self._terminal_seen[job_id] = last.received_at
        self._terminal_exchange[job_id] = last
        logger.info(f"Job {job_id} ({target.name}): {journey.line()}")
        return result

    @keyword("Wait Until Job Is Terminal")
    def wait_until_job_is_terminal(
        self, endpoint: str, job_id: str, key: str = "none", key_format: str = "x-bf-vk"
    ) -> dict[str, Any]:
        """Polls until the job is ``completed`` or ``failed`` and returns its envelope.

        The first poll comes soon (50 ms), then the wait doubles up to ``BIFROST_POLL_INTERVAL``.
        Fails at once when an in-flight poll does not answer 202 or the answer is not a job
        envelope, and after ``BIFROST_POLL_TIMEOUT`` with the status history. The journey is
        logged as one line; each poll only at DEBUG.
        """
        target = endpoints.endpoint(endpoint)
        since = next(
            (e for e in reversed(self._exchanges) if e.method == "POST" and e.path == target.path), None
        )
        return self._wait(target, job_id, key, key_format, since)

    @keyword("Wait Until Job Has Expired")
    def wait_until_job_has_expired(self, endpoint: str, job_id: str, ttl: int, key: str = "none") -> None:
        """Polls every 250 ms until the job answers 404, counting from when the suite saw it terminal.

        Passes on the first 404; fails if the job is still served ``ttl`` + 10 s later (on the
        suite's monotonic clock), or at once on an answer other than 200 or 404.
        """
        path = endpoints.endpoint(endpoint).poll_path(job_id)
        self._wait_for_expiry(lambda: self._send("GET", path, key, quiet=True), job_id, ttl, EXPIRY_MARGIN)

    def _seen_terminal(self, job_id: str) -> float:
        seen = self._terminal_seen.get(job_id)
        if seen is None:
            raise self._fail(f"job {job_id} was not seen terminal: call Wait Until Job Is Terminal first")
        return seen

    def _wait_for_expiry(
        self,
        send: Any,
        job_id: str,
        ttl: int,
        margin: float,
        *,
        gone: str = "404",
        first_poll_after: float = 0.0,
    ) -> None:
        """Polls until the job is gone (``404``, or any ``4xx``), within ``ttl`` + ``margin`` of the
        moment the suite saw it terminal; 200 means still served, anything else fails at once.
        """
        seen = self._seen_terminal(job_id)
        deadline = seen + ttl + margin
        time.sleep(max(0.0, seen + first_poll_after - time.monotonic()))
        polls = 0
        while True:
            exchange = self._require_answer(send())
            polls += 1
            after = exchange.received_at - seen
            status = exchange.status or 0
            if status == 404 or (gone == "4xx" and 400 <= status < 500):
                logger.info(
                    f"Job {job_id} answered {status} {after:.2f} s after it was seen terminal"
                    f" (TTL {ttl} s, {polls} polls)"
                )
                return
            if status != 200:
                raise self._fail(
                    f"{exchange.label} answered {status} {after:.1f} s after the job was seen"
                    " terminal"
                    f" (expected 200 until expiry, then {gone}): {exchange.snippet()}"
                )
            if time.monotonic() >= deadline:
                raise self._fail(
                    f"{exchange.label} still answers 200 {after:.1f} s after the job was seen terminal;"
                    f" with a TTL of {ttl} s it should answer {gone} by then (margin {margin:g} s)"
                )
            time.sleep(EXPIRY_POLL)

    @keyword("Send Request")
    def send_request(self, method: str, path: str, key: str = "none") -> Exchange:
        """Sends a bare request without a body (e.g. a wrong method) and returns the exchange."""
        return self._send(method.upper(), path, key)

    # ----------------------------------------------------------------- checks
    @keyword("Response Status Should Be")
    def response_status_should_be(self, response: Exchange, *expected: str) -> None:
        """Passes when the HTTP status is one of ``expected`` (numbers, or a class such as ``4xx``)."""
        self._require_answer(response)
        status = response.status or 0
        for item in expected:
            text = str(item).strip().lower()
            if text.endswith("xx") and text[:1].isdigit() and status // 100 == int(text[0]):
                return
            if text.isdigit() and status == int(text):
                return
        wanted = " or ".join(str(item) for item in expected)
        raise self._fail(f"{response.label} answered {status}, expected {wanted}: {response.snippet(200)}")

    @keyword("Response Should Be An Error With Status")
    def response_should_be_an_error_with_status(self, response: Exchange, *expected: str) -> None:
        """The status is one of ``expected`` and the body is Bifrost's error envelope with a message."""
        self.response_status_should_be(response, *expected)
        self._check(envelope.check_error_envelope, response.json_or_none(), response.label)

    def _check(self, check: Any, *args: Any) -> Any:
        try:
            return check(*args)
        except AssertionError as err:
            raise self._fail(str(err)) from None

    @keyword("Envelope Should Be Well Formed And Pending")
    def envelope_should_be_well_formed_and_pending(self, response: Exchange) -> dict[str, Any]:
        """A submit envelope: JSON, UUID-shaped id, ``pending``, fresh created_at, no terminal fields."""
        self._require_answer(response)
        self._json_content_type(response)
        body = response.json_object()
        self._check(envelope.check_pending_envelope, body, response.label)
        return body

    def _json_content_type(self, response: Exchange) -> None:
        content_type = response.content_type.lower()
        if not (content_type.startswith("application/json") or "+json" in content_type):
            raise self._fail(
                f"{response.label} answered {response.status} with Content-Type {response.content_type!r}"
                " instead of application/json"
            )

    @keyword("Poll Status Should Match The Job State")
    def poll_status_should_match_the_job_state(self, response: Exchange, job_id: str) -> None:
        """The poll shows the job: 202 while ``pending``/``processing``, 200 once ``completed``/``failed``.

        Anything else fails, as does an envelope of another job or a body that is not a job envelope.
        """
        self._require_answer(response)
        body = response.json_object()
        if body.get("id") != job_id:
            raise self._fail(
                f"{response.label} answered {response.status} with the envelope of job {body.get('id')!r},"
                f" not {job_id!r}: {response.snippet(200)}"
            )
        wanted = envelope.expected_poll_status(body)
        if wanted is None:
            raise self._fail(
                f"{response.label} answered {response.status} without a job status: {response.snippet(200)}"
            )
        if response.status != wanted:
            raise self._fail(
                f"{response.label} answered {response.status} for a {body.get('status')} job,"
                f" expected {wanted}"
            )

    @keyword("Terminal Envelope Should Be Consistent")
    def terminal_envelope_should_be_consistent(self, result: dict[str, Any], job_id: str) -> None:
        """The terminal poll answered 200, same id, completed_at < expires_at, a result or an error."""
        last = self._terminal_exchange.get(job_id)
        where = last.label if last is not None else f"job {job_id}"
        if last is not None:
            if last.status != 200:
                raise self._fail(
                    f"{where} answered {last.status} for a {result.get('status')} job, expected 200"
                )
            self._json_content_type(last)
        self._check(envelope.check_terminal_envelope, result, job_id, where)

    @keyword("Job TTL Should Be")
    def job_ttl_should_be(self, result: dict[str, Any], *expected: int, tolerance: float = 60) -> None:
        """``expires_at`` − ``completed_at`` is one of ``expected`` seconds, within ``tolerance``."""
        ttl = self._check(envelope.check_ttl, result, expected, tolerance, f"job {result.get('id')}")
        logger.info(f"TTL {ttl:g} s")

    @keyword("Result Should Hold A Non-Empty List")
    def result_should_hold_a_non_empty_list(self, result: dict[str, Any], field: str) -> None:
        """``result.<field>`` is a non-empty JSON array; skips (as upstream) unless the job completed."""
        if result.get("status") != "completed":
            raise SkipExecution(
                f"the job ended {result.get('status')!r}, so its result shape cannot be checked"
            )
        body = result.get("result")
        value = body.get(field) if isinstance(body, dict) else None
        if not isinstance(value, list) or not value:
            raise self._fail(
                f"job {result.get('id')}: result.{field} should be a non-empty array, got {value!r}"
            )

    @keyword("Missing Model Should Be Rejected")
    def missing_model_should_be_rejected(self, response: Exchange, endpoint: str, key: str = "none") -> None:
        """Either 400 at submit (older builds) or 202 and a job that ends ``failed`` (newest builds)."""
        self._require_answer(response)
        if response.status == 400:
            self._check(envelope.check_error_envelope, response.json_or_none(), response.label)
            return
        if response.status != 202:
            raise self._fail(
                f"{response.label} without a model answered {response.status}, expected 400, or 202 and a"
                f" job that fails: {response.snippet(200)}"
            )
        job_id = self.job_id_of(response)
        result = self._wait(endpoints.endpoint(endpoint), job_id, key, "x-bf-vk", response)
        if result.get("status") != "failed":
            raise self._fail(
                f"{response.label} without a model was accepted and the job ended {result.get('status')!r},"
                " expected failed"
            )

    # ----------------------------------------------------------------- integration route
    def _route(self, route: str) -> tuple[str, str]:
        """(path, default model) of an integration route by name."""
        cfg = self.config
        if route == "responses":
            return cfg.integration_path, cfg.integration_model
        if route == "anthropic":
            return cfg.anthropic_path, cfg.anthropic_model
        if route == "openai-chat":
            # The chat route next to the Responses route under test: the same integration prefix.
            prefix = cfg.integration_path.removesuffix("/v1/responses")
            if prefix == cfg.integration_path:
                prefix = "/openai"
            return f"{prefix}/v1/chat/completions", cfg.model("chat-completions")
        raise ValueError(f"unknown integration route {route!r}; use responses, anthropic or openai-chat")

    @keyword("Create Integration Job")
    def create_integration_job(
        self,
        key: str = "none",
        stream: bool = False,
        route: str = "responses",
        model: str | None = None,
        ttl: str | None = None,
    ) -> Exchange:
        """POSTs a request with ``x-bf-async: true`` to an integration route.

        ``route``: ``responses`` (``BIFROST_INTEGRATION_PATH``, an OpenAI Responses request),
        ``anthropic`` (``BIFROST_ANTHROPIC_PATH``, an Anthropic Messages request with
        ``BIFROST_ANTHROPIC_MODEL``) or ``openai-chat`` (the chat route beside the Responses one,
        which has no async support). ``ttl`` is sent as ``x-bf-async-job-result-ttl``.
        """
        path, default_model = self._route(route)
        chosen = model or default_model
        if route == "anthropic":
            body = endpoints.anthropic_body(chosen, stream)
        elif route == "openai-chat":
            body = endpoints.chat_body(chosen)
        else:
            body = endpoints.integration_body(chosen, stream)
        headers = {"x-bf-async": "true"}
        if ttl is not None:
            headers[TTL_HEADER] = str(ttl)
        return self._send("POST", path, key, headers=headers, payload=endpoints.Payload(json=body))

    @keyword("Retrieve Integration Job")
    def retrieve_integration_job(self, job_id: str, key: str = "none", route: str = "responses") -> Exchange:
        """POSTs ``{}`` with ``x-bf-async-id: <job id>`` to an integration route (see Create)."""
        return self._send(
            "POST",
            self._route(route)[0],
            key,
            headers={"x-bf-async-id": job_id},
            payload=endpoints.Payload(json={}),
        )

    @keyword("Integration Job Id Of")
    def integration_job_id_of(self, response: Exchange) -> str:
        """The UUID-shaped top-level ``id`` of an async create, which must answer 200 (not 202)."""
        self.response_status_should_be(response, "200")
        body = response.json_object()
        return self._check(envelope.check_job_id, body, response.label)  # type: ignore[no-any-return]

    @keyword("Nil Job Id")
    def nil_job_id(self) -> str:
        """The all-zero UUID, a job id no gateway has."""
        return NIL_JOB_ID

    @keyword("Masked")
    def masked(self, text: str) -> str:
        """``text`` with every known key value masked (``sk-bf-…abcd``)."""
        return self._masker(text)

    # ----------------------------------------------------------------- extended: failed jobs
    @keyword("Failed Job Should Report The Provider Error")
    def failed_job_should_report_the_provider_error(self, result: dict[str, Any], job_id: str) -> None:
        """The job ended ``failed``, polled with 200; ``status_code`` is the provider's
        (``ASYNC_FAILING_STATUS`` when set, else any 4xx/5xx); ``error`` has a message;
        ``completed_at`` and ``expires_at`` are set; there is no ``result``.
        """
        last = self._terminal_exchange.get(job_id)
        where = last.label if last is not None else f"job {job_id}"
        if result.get("status") != "failed":
            raise self._fail(
                f"{where}: the job with ASYNC_FAILING_MODEL ended {result.get('status')!r}, expected failed"
            )
        if last is not None and last.status != 200:
            raise self._fail(f"{where} answered {last.status} for a failed job, expected 200")
        self._check(self._failing_status_should_match, result.get("status_code"), f"{where}: status_code")
        if envelope.error_message(result.get("error")) is None:
            raise self._fail(
                f"{where}: a failed job's error should carry a message: {envelope.describe(result)}"
            )
        self._check(envelope.check_terminal_envelope, result, job_id, where)
        if not envelope.is_absent(result, "result"):
            raise self._fail(f"{where}: a failed job should have no result: {envelope.describe(result)}")

    def _failing_status_should_match(self, code: object, what: str) -> None:
        wanted = self.config.failing_status
        if wanted is not None and code != wanted:
            raise AssertionError(f"{what} is {code!r}, expected {wanted} (ASYNC_FAILING_STATUS)")
        if not isinstance(code, int) or not 400 <= code <= 599:
            raise AssertionError(f"{what} is {code!r}, expected the provider's 4xx or 5xx")

    @keyword("Retrieve Should Answer With The Job Error Status")
    def retrieve_should_answer_with_the_job_error_status(
        self, response: Exchange, result: dict[str, Any]
    ) -> None:
        """A failed job retrieved on the integration route answers with its stored error's status.

        Skips when the job did not fail (the failing model may be valid for the Responses API).
        """
        self._require_answer(response)
        if result.get("status") != "failed":
            raise SkipExecution(
                f"the Responses job with ASYNC_FAILING_MODEL ended {result.get('status')!r}, so there is no"
                " failed job to retrieve"
            )
        code = result.get("status_code")
        self._check(self._failing_status_should_match, code, f"job {result.get('id')}: status_code")
        if response.status != code:
            raise self._fail(
                f"{response.label} answered {response.status} for a job that failed with status_code {code};"
                f" expected {code}: {response.snippet(200)}"
            )

    # ----------------------------------------------------------------- extended: watching a job
    @keyword("Observe Job Until Terminal")
    def observe_job_until_terminal(
        self, endpoint: str, job_id: str, key: str = "none"
    ) -> observation.Observation:
        """Polls the job until it is terminal and three times more, judging nothing yet.

        Returns every poll (and the submit answer) for the invariant checks below.
        """
        target = endpoints.endpoint(endpoint)
        submit = self._last_submit(target)
        if submit is None:
            raise self._fail(f"no submit to {target.path} in this test: submit the job first")
        path = target.poll_path(job_id)
        try:
            watched = observation.observe(
                lambda: self._send("GET", path, key, quiet=True),
                job_id,
                submit,
                timeout=self.config.poll_timeout,
                interval=self.config.poll_interval,
            )
        except (GatewayError, AssertionError) as err:
            raise self._fail(str(err)) from None
        logger.info(
            f"Job {job_id} ({target.name}): {' → '.join(watched.statuses())} over {len(watched.polls)} polls"
        )
        return watched

    def _last_submit(self, target: endpoints.Endpoint) -> Exchange | None:
        return next(
            (e for e in reversed(self._exchanges) if e.method == "POST" and e.path == target.path), None
        )

    @keyword("In-Flight Polls Should Answer 202 Without Terminal Fields")
    def in_flight_polls_should_answer_202_without_terminal_fields(
        self, watched: observation.Observation
    ) -> None:
        """Each poll before the job ended: 202, pending or processing, none of completed_at,
        expires_at, status_code, result. Skips if the job ended before the first poll.
        """
        count = self._check(observation.check_in_flight, watched)
        if count == 0:
            raise SkipExecution(
                f"job {watched.job_id} ended before the first poll: ASYNC_SLOW_MODEL is not slow enough"
                " to see it in flight"
            )
        logger.info(f"{count} in-flight polls answered 202 without terminal fields")

    @keyword("Observed Job Should Have Completed")
    def observed_job_should_have_completed(self, watched: observation.Observation) -> None:
        """The first terminal poll answered 200 with ``completed`` and a result."""
        first = watched.terminal_polls()[0]
        body = first.json_object()
        if first.status != 200 or body.get("status") != "completed":
            raise self._fail(
                f"{first.label} answered {first.status} with status {body.get('status')!r};"
                " expected 200 and completed"
            )
        self._check(envelope.check_terminal_envelope, body, watched.job_id, first.label)

    @keyword("Job Id And Times Should Stay The Same Across Polls")
    def job_id_and_times_should_stay_the_same_across_polls(self, watched: observation.Observation) -> None:
        """``id`` and ``created_at`` never change; ``completed_at``/``expires_at`` never change once set
        and are not before ``created_at``.
        """
        self._check(observation.check_identity, watched)

    @keyword("Job Status Should Never Go Backwards")
    def job_status_should_never_go_backwards(self, watched: observation.Observation) -> None:
        """pending → processing → completed/failed, in that order, and a final status stays final."""
        self._check(observation.check_status_order, watched)

    @keyword("Repeated Polls Of The Finished Job Should Be Identical")
    def repeated_polls_of_the_finished_job_should_be_identical(
        self, watched: observation.Observation
    ) -> None:
        """Every poll after the job ended answers the same status code and the same envelope."""
        self._check(observation.check_terminal_repeats, watched)

    @keyword("Every Answer About The Job Should Be JSON")
    def every_answer_about_the_job_should_be_json(self, watched: observation.Observation) -> None:
        """The submit answer and every poll carry ``Content-Type: application/json``."""
        self._check(observation.check_json_content_type, watched)

    # ----------------------------------------------------------------- extended: result shape
    @keyword("Completed Job Result Should Have The Endpoint Shape")
    def completed_job_result_should_have_the_endpoint_shape(
        self, result: dict[str, Any], endpoint: str
    ) -> None:
        """The result holds what the endpoint returns (e.g. rerank ``results[]`` sorted by relevance).

        Skips, as upstream does, when the job did not complete.
        """
        name = endpoints.endpoint(endpoint).name
        if result.get("status") != "completed":
            raise SkipExecution(
                f"the {name} job ended {result.get('status')!r}, so its result shape cannot be checked"
            )
        self._check(shapes.check_result_shape, name, result, f"job {result.get('id')} ({name})")
        logger.info(f"result has {shapes.DESCRIPTIONS[name]}")

    # ----------------------------------------------------------------- extended: keys
    @keyword("Key Should Have Been Read As A Virtual Key")
    def key_should_have_been_read_as_a_virtual_key(self, response: Exchange, endpoint: str) -> None:
        """The submit treated the key as a virtual key: either refused it as unknown (400/500), or
        accepted it and scoped the job (an anonymous poll answers 404). A job that anyone can
        poll means the header was not read as a key at all.
        """
        self._require_answer(response)
        if response.status in (400, 500):
            self._check(envelope.check_error_envelope, response.json_or_none(), response.label)
            logger.info(f"{response.label} refused the key ({response.status}): it was read as a virtual key")
            return
        if response.status != 202:
            raise self._fail(
                f"{response.label} answered {response.status}, expected 202 (key known) or 400/500 (key"
                f" unknown): {response.snippet(200)}"
            )
        job_id = self.job_id_of(response)
        poll = self.poll_job_once(endpoint, job_id)
        if poll.status != 404:
            raise self._fail(
                f"{poll.label} without a key answered {poll.status}: the job is public, so the key was not"
                " read as a virtual key"
            )

    @keyword("Submit Should Be Refused Without A Job")
    def submit_should_be_refused_without_a_job(self, response: Exchange, *expected: str) -> None:
        """The status is one of ``expected``, the body is an error envelope, and it names no job."""
        self.response_should_be_an_error_with_status(response, *expected)
        body = response.json_object()
        if body.get("id") or body.get("status") in envelope.STATUSES:
            raise self._fail(
                f"{response.label} refused the submit but answered a job envelope: {response.snippet()}"
            )

    # ----------------------------------------------------------------- extended: validation
    @keyword("Error Message Should Name")
    def error_message_should_name(self, response: Exchange, field: str) -> None:
        """The error envelope's message names ``field`` (any letter case) and is not the stream message."""
        self._require_answer(response)
        self._check(envelope.check_error_envelope, response.json_or_none(), response.label)
        message = envelope.error_message(response.json_object()) or ""
        if field.lower() not in message.lower():
            raise self._fail(
                f"{response.label} answered {response.status} with {message!r}, which does not name {field!r}"
            )
        if field.lower() != "stream" and "stream" in message.lower():
            raise self._fail(
                f"{response.label} answered {response.status} with {message!r}: the stream check ran before"
                " validation"
            )

    @keyword("Speech Model Should Need A Voice")
    def speech_model_should_need_a_voice(self) -> None:
        """Skips when ``ASYNC_SPEECH_MODEL`` is an ElevenLabs model, whose voice the model picks."""
        model = self.config.model("speech")
        if model.partition("/")[0].lower() == "elevenlabs":
            raise SkipExecution(f"ASYNC_SPEECH_MODEL {model!r} is an ElevenLabs model, which needs no voice")

    @keyword("Every 4xx On The Async Routes Should Carry The Error Envelope")
    def every_4xx_on_the_async_routes_should_carry_the_error_envelope(self) -> None:
        """Provokes the 4xx answers of ``/v1/async/*`` (validation, unknown and wrong-type jobs, odd ids,
        an unknown route; with keys also a scoped job polled without one and an unknown key) and
        checks each one is a 4xx with Bifrost's error envelope and a non-empty message.
        """
        chat = endpoints.endpoint("chat-completions")
        text = self._send(
            "POST", endpoints.endpoint("text-completions").path, payload=self._payload("text-completions")
        )
        text_job = self.job_id_of(text)
        cases: list[tuple[str, Any]] = [
            ("malformed JSON", lambda: self.submit_job("chat-completions", variant="malformed-json")),
            ("stream: true", lambda: self.submit_job("chat-completions", variant="stream")),
            ("no messages", lambda: self.submit_job("chat-completions", variant="missing-messages")),
            ("no file", lambda: self.submit_job("transcriptions", variant="missing-file")),
            ("unknown job", lambda: self._send("GET", chat.poll_path(NIL_JOB_ID))),
            ("odd job id", lambda: self._send("GET", chat.poll_path(ODD_JOB_IDS["not-a-uuid"]))),
            ("wrong job type", lambda: self._send("GET", chat.poll_path(text_job))),
            (
                "unknown route",
                lambda: self._send(
                    "POST", "/v1/async/no-such-route", payload=self._payload("chat-completions")
                ),
            ),
        ]
        if self.config.vk_set:
            scoped = self.job_id_of(self.submit_job("chat-completions", key="primary"))
            cases.append(("scoped job without a key", lambda: self._send("GET", chat.poll_path(scoped))))
            cases.append(("unknown key", lambda: self.submit_job("chat-completions", key="unknown")))
        problems: list[str] = []
        for what, provoke in cases:
            exchange = self._require_answer(provoke())
            status = exchange.status or 0
            if not 400 <= status < 500:
                problems.append(f"{what}: {exchange.label} answered {status}, expected a 4xx")
                continue
            try:
                envelope.check_error_envelope(exchange.json_or_none(), exchange.label)
            except AssertionError as err:
                problems.append(f"{what}: {err}")
        if problems:
            raise self._fail(
                f"{len(problems)} of {len(cases)} 4xx answers are wrong:\n" + "\n".join(problems)
            )
        logger.info(f"{len(cases)} 4xx answers, each with the error envelope and a message")

    # ----------------------------------------------------------------- extended: job ids
    @keyword("Jobs Should Be Served Only On The Poll Path Of Their Type")
    def jobs_should_be_served_only_on_the_poll_path_of_their_type(self, key: str = "none") -> None:
        """Submits one job per endpoint under test and polls each on every poll path: 404 with the
        error envelope on the others, 200/202 with the job on its own.
        """
        names = list(self.config.endpoints)
        jobs = {name: self.job_id_of(self.submit_job(name, key=key)) for name in names}
        problems: list[str] = []
        for owner, job_id in jobs.items():
            for name in names:
                exchange = self._require_answer(self.poll_job_once(name, job_id, key=key))
                try:
                    if name == owner:
                        self.poll_status_should_match_the_job_state(exchange, job_id)
                    elif exchange.status != 404:
                        problems.append(
                            f"a {owner} job: {exchange.label} answered {exchange.status}, expected 404"
                        )
                    else:
                        envelope.check_error_envelope(exchange.json_or_none(), exchange.label)
                except AssertionError as err:
                    problems.append(f"a {owner} job: {err}")
        if problems:
            raise self._fail(f"{len(problems)} polls answered wrongly:\n" + "\n".join(problems))
        logger.info(f"{len(names)} jobs, each polled on {len(names)} paths: found only on its own")

    @keyword("Odd Job Id")
    def odd_job_id(self, kind: str) -> str:
        """A job id no gateway has, of an odd ``kind``: ``not-a-uuid``, ``overlong``, ``url-encoded``."""
        try:
            return ODD_JOB_IDS[kind]
        except KeyError:
            raise ValueError(f"unknown odd id kind {kind!r}; use {', '.join(ODD_JOB_IDS)}") from None

    # ----------------------------------------------------------------- extended: request id
    @keyword("Unique Request Id")
    def unique_request_id(self) -> str:
        """A fresh ``x-request-id`` value, recognisable in the gateway's logs."""
        return f"acceptance-{uuid.uuid4()}"

    @keyword("Envelope Should Echo The Request Id")
    def envelope_should_echo_the_request_id(self, response: Exchange, request_id: str) -> None:
        """``request_id`` equals the ``x-request-id`` sent; skips when the envelope has no request_id."""
        self.response_status_should_be(response, "202")
        body = response.json_object()
        if "request_id" not in body:
            raise SkipExecution("the gateway's job envelope has no request_id (older Bifrost builds)")
        if body["request_id"] != request_id:
            raise self._fail(
                f"{response.label}: request_id is {body['request_id']!r}, not the x-request-id sent"
                f" ({request_id!r})"
            )

    # ----------------------------------------------------------------- extended: concurrency
    def _batch_transport(self) -> Transport:
        main = self.transport
        return Transport(
            main.base_url, main.timeout, self._masker, main.extra_headers, pool_size=BATCH_WORKERS
        )

    @keyword("Submit Jobs All At Once")
    def submit_jobs_all_at_once(self, count: int, key: str = "none") -> batch.Batch:
        """Submits ``count`` jobs at the same moment, spread round-robin over the endpoints under
        test, each with its own ``x-request-id``. Returns the batch; fails unless every submit
        answered 202 with a job id and the ids are unique.
        """
        names = batch.spread(list(self.config.endpoints), int(count))
        ids = batch.request_ids(len(names))
        transport = self._batch_transport()
        all_headers = [{**keys.key_headers(key), "x-request-id": rid} for rid in ids]
        payloads = [self._payload(name) for name in names]
        started = time.monotonic()
        try:
            answers = batch.all_at_once(
                [
                    partial(transport.send, "POST", endpoints.endpoint(n).path, h, p)
                    for n, h, p in zip(names, all_headers, payloads, strict=True)
                ],
                BATCH_WORKERS,
            )
        finally:
            transport.close()
        elapsed = time.monotonic() - started
        jobs = batch.Batch([batch.BatchJob(n, rid, a) for n, rid, a in zip(names, ids, answers, strict=True)])
        problems: list[str] = []
        for job in jobs.jobs:
            job.job_id = self._job_id_or_none(job.submit)
            if job.submit.status != 202 or job.job_id is None:
                problems.append(f"{job.submit.summary()}: {job.submit.snippet()}")
                self._exchanges.append(job.submit)
        counts: dict[str, int] = {}
        for job in jobs.jobs:
            if job.job_id:
                counts[job.job_id] = counts.get(job.job_id, 0) + 1
        problems += [f"job id {job_id} was given to {n} jobs" for job_id, n in counts.items() if n > 1]
        logger.info(f"{len(jobs.jobs)} submits sent at once, answered within {elapsed:.2f} s: {jobs!r}")
        if problems:
            raise self._fail(
                f"{len(problems)} of {len(jobs.jobs)} submits went wrong:\n" + "\n".join(problems[:20])
            )
        return jobs

    @keyword("Wait Until Every Job Is Terminal")
    def wait_until_every_job_is_terminal(self, jobs: batch.Batch, key: str = "none") -> None:
        """Polls every job of the batch in rounds (all of a round at once) until all are completed
        or failed; in-flight polls must answer 202. Fails with every problem after the wait.
        """
        transport = self._batch_transport()
        headers = keys.key_headers(key)
        started = time.monotonic()
        try:
            problems = batch.poll_until_terminal(
                jobs.jobs,
                lambda job: transport.send("GET", job.poll_path, headers),
                timeout=self.config.poll_timeout,
                interval=self.config.poll_interval,
                workers=BATCH_WORKERS,
            )
        finally:
            transport.close()
        polls = sum(job.polls for job in jobs.jobs)
        outcomes: dict[str, int] = {}
        for job in jobs.jobs:
            status = str(job.body.get("status"))
            outcomes[status] = outcomes.get(status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
        logger.info(
            f"{len(jobs.jobs)} jobs: {summary} after {time.monotonic() - started:.2f} s ({polls} polls)"
        )
        if problems:
            self._exchanges += [job.last for job in jobs.jobs if job.last is not None and not job.terminal][
                :5
            ]
            raise self._fail(f"{len(problems)} problems while waiting:\n" + "\n".join(problems[:20]))

    @keyword("Every Poll Should Return Its Own Job")
    def every_poll_should_return_its_own_job(self, jobs: batch.Batch, key: str = "none") -> None:
        """Polls every finished job of the batch once more, all at once: each answer is that job
        (its id, and its request_id when the gateway has one), 200 and terminal.
        """
        transport = self._batch_transport()
        headers = keys.key_headers(key)
        ready = [job for job in jobs.jobs if job.job_id is not None]
        try:
            answers = batch.all_at_once(
                [partial(transport.send, "GET", job.poll_path, headers) for job in ready],
                BATCH_WORKERS,
            )
        finally:
            transport.close()
        problems: list[str] = []
        for job, exchange in zip(ready, answers, strict=True):
            problem = batch.own_job_problem(job, exchange)
            if problem:
                problems.append(problem)
                self._exchanges.append(exchange)
        if problems:
            raise self._fail(
                f"{len(problems)} of {len(ready)} polls did not return their own job:\n"
                + "\n".join(problems[:20])
            )
        logger.info(f"{len(ready)} polls at once, each returned its own job")

    # ----------------------------------------------------------------- extended: expiry edges
    @keyword("Job Should Be Served Right After It Finished")
    def job_should_be_served_right_after_it_finished(
        self, endpoint: str, job_id: str, ttl: int, key: str = "none"
    ) -> None:
        """A poll sent right after the suite saw the job end answers 200 with the job.

        Skips when that poll could not be made within the first half of the TTL.
        """
        seen = self._seen_terminal(job_id)
        exchange = self._require_answer(self.poll_job_once(endpoint, job_id, key=key))
        after = exchange.received_at - seen
        if after > int(ttl) / 2:
            raise SkipExecution(
                f"the poll answered {after:.1f} s after the job ended, not well inside its TTL of {ttl} s"
            )
        self.response_status_should_be(exchange, "200")
        self.poll_status_should_match_the_job_state(exchange, job_id)
        logger.info(f"served {after:.2f} s after the job ended (TTL {ttl} s)")

    @keyword("Job Should Be Gone Once Its TTL Has Passed")
    def job_should_be_gone_once_its_ttl_has_passed(
        self, endpoint: str, job_id: str, ttl: int, key: str = "none"
    ) -> None:
        """From TTL seconds after the suite saw the job end (monotonic clock), polls answer 404;
        fails if it is still served 2 s after that.
        """
        path = endpoints.endpoint(endpoint).poll_path(job_id)
        self._wait_for_expiry(
            lambda: self._send("GET", path, key, quiet=True),
            job_id,
            int(ttl),
            EXPIRY_EDGE_MARGIN,
            first_poll_after=float(ttl),
        )

    @keyword("Wait Until Integration Job Has Expired")
    def wait_until_integration_job_has_expired(
        self, job_id: str, ttl: int, key: str = "none", route: str = "responses"
    ) -> None:
        """Retrieves the job on the integration route every 250 ms until it answers a 4xx; fails if
        it is still served ``ttl`` + 10 s after the suite saw it terminal.
        """
        path = self._route(route)[0]
        self._wait_for_expiry(
            lambda: self._send(
                "POST",
                path,
                key,
                headers={"x-bf-async-id": job_id},
                payload=endpoints.Payload(json={}),
                quiet=True,
            ),
            job_id,
            int(ttl),
            EXPIRY_MARGIN,
            gone="4xx",
        )


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()
