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
from importlib.metadata import version
from typing import Any

from robot.api import Failure, SkipExecution, logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from libraries import endpoints, envelope, keys
from libraries.config import ENDPOINT_NAMES, Config, load_config
from libraries.masking import Masker, secrets_from_environment
from libraries.polling import wait_until_terminal
from libraries.transport import Exchange, GatewayError, Transport, curl_command, file_notes, render_response

NIL_JOB_ID = "00000000-0000-0000-0000-000000000000"
TTL_HEADER = "x-bf-async-job-result-ttl"
EXPIRY_MARGIN = 10.0  # seconds past the TTL before a still-served job counts as not expired (upstream's)
EXPIRY_POLL = 0.25


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
        if self.config.errors:
            message = "Invalid configuration: " + "; ".join(self.config.errors)
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
    ) -> Exchange:
        """Submits the endpoint's fixture (or a ``variant``) and returns the exchange.

        ``key`` is a role (``primary``, ``alternate``, ``unknown``, ``none``) or a mode
        (``global``, ``with-vk``); ``key_format`` is ``x-bf-vk``, ``bearer``, ``x-api-key``,
        ``x-goog-api-key`` or ``api-key``. ``ttl`` is sent as ``x-bf-async-job-result-ttl``.
        Variants: ``default``, ``stream``, ``malformed-json``, ``missing-model``, ``missing-file``.
        """
        target = endpoints.endpoint(endpoint)
        headers = {TTL_HEADER: str(ttl)} if ttl is not None else {}
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
        target = endpoints.endpoint(endpoint)
        seen = self._terminal_seen.get(job_id)
        if seen is None:
            raise self._fail(f"job {job_id} was not seen terminal: call Wait Until Job Is Terminal first")
        deadline = seen + ttl + EXPIRY_MARGIN
        path = target.poll_path(job_id)
        polls = 0
        while True:
            exchange = self._require_answer(self._send("GET", path, key, quiet=True))
            polls += 1
            after = exchange.received_at - seen
            if exchange.status == 404:
                logger.info(
                    f"Job {job_id} answered 404 {after:.2f} s after it was seen terminal"
                    f" (TTL {ttl} s, {polls} polls)"
                )
                return
            if exchange.status != 200:
                raise self._fail(
                    f"{exchange.label} answered {exchange.status} {after:.1f} s after the job was seen"
                    " terminal"
                    f" (expected 200 until expiry, then 404): {exchange.snippet()}"
                )
            if time.monotonic() >= deadline:
                raise self._fail(
                    f"{exchange.label} still answers 200 {after:.1f} s after the job was seen terminal;"
                    f" with a TTL of {ttl} s it should answer 404 by then (margin {EXPIRY_MARGIN:g} s)"
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
    @keyword("Create Integration Job")
    def create_integration_job(self, key: str = "none", stream: bool = False) -> Exchange:
        """POSTs the Responses request with ``x-bf-async: true`` to ``BIFROST_INTEGRATION_PATH``."""
        body = endpoints.integration_body(self.config.integration_model, stream)
        return self._send(
            "POST",
            self.config.integration_path,
            key,
            headers={"x-bf-async": "true"},
            payload=endpoints.Payload(json=body),
        )

    @keyword("Retrieve Integration Job")
    def retrieve_integration_job(self, job_id: str, key: str = "none") -> Exchange:
        """POSTs ``{}`` with ``x-bf-async-id: <job id>`` to ``BIFROST_INTEGRATION_PATH``."""
        return self._send(
            "POST",
            self.config.integration_path,
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


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()
