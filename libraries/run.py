"""Run keywords: the configuration check, the session, the gateway preflight, the report metadata,
the per-test preconditions and the curl reproduction of a failed test."""

from __future__ import annotations

import json
import os
import platform
from importlib.metadata import version
from typing import Any

import requests
from robot.api import logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn

from libraries.core import Core, Job, json_or_none, text_of
from variables import ENDPOINT_NAMES

TAG_NEEDS = {
    "requires-vk": ("vk_set", "BIFROST_VK is not set: with-VK and key-scoped tests need a virtual key"),
    "with-vk": ("vk_set", "BIFROST_VK is not set: with-VK and key-scoped tests need a virtual key"),
    "requires-alt-vk": ("alt_vk_set", "BIFROST_ALT_VK is not set: cross-key tests need a second virtual key"),
    "requires-failing-model": (
        "failing_model",
        "ASYNC_FAILING_MODEL is not set: failed-job tests need a model the provider rejects",
    ),
    "requires-slow-model": (
        "slow_model",
        "ASYNC_SLOW_MODEL is not set: in-flight tests need a model whose jobs take a while",
    ),
}


class RunKeywords(Core):
    def __init__(self) -> None:
        super().__init__()
        self._enforcement: str | None = None

    @keyword("Configuration Should Be Valid")
    def configuration_should_be_valid(self) -> None:
        """Stops the whole run with Fatal Error when a setting is unusable or a secret came from
        ``--variable``.

        Nothing has been sent to the gateway at that point. The message names each bad variable
        and its value (never a secret's value).
        """
        errors = self.configuration_errors()
        if errors:
            message = self.masker("Invalid configuration: " + "; ".join(errors))
            logger.error(message)  # at the top of the console and the log's errors, then the run stops
            BuiltIn().fatal_error(message)
        logger.info(f"Configuration OK: gateway {self.config.base_url}")

    @keyword("Gateway Session Settings")
    def gateway_session_settings(self) -> dict[str, Any]:
        """``Create Session`` arguments: the base URL, ``BIFROST_HTTP_TIMEOUT``, no retries, and the
        ``X-Bifrost-Setup-Token`` header when ``BIFROST_SETUP_TOKEN`` is set."""
        token = os.environ.get("BIFROST_SETUP_TOKEN", "").strip()
        headers = {"X-Bifrost-Setup-Token": token} if token else {}
        return {
            "url": self.config.base_url,
            "timeout": self.config.http_timeout,
            "max_retries": 0,
            "headers": headers,
        }

    @keyword("Record Every Exchange Of The Session")
    def record_every_exchange_of_the_session(self) -> None:
        """Mounts the recording transport on the session: no retries, and every exchange kept for the
        curl reproduction of a failed test."""
        self.watch_session()

    @keyword("Gateway Should Be Healthy")
    def gateway_should_be_healthy(self, outcome: str, response: requests.Response | str) -> None:
        """Judges ``GET /health`` (the result of ``Run Keyword And Ignore Error``). Unreachable or 5xx:
        every test is skipped with the reason, or fails with ``BIFROST_REQUIRE_GATEWAY``."""
        base = self.config.base_url
        problem = None
        if outcome != "PASS" or not isinstance(response, requests.Response):
            reason = (
                self.exchanges[-1].error if self.exchanges and self.exchanges[-1].error else str(response)
            )
            problem = f"Bifrost gateway not reachable at {base} ({reason})"
        elif response.status_code >= 500:
            body = json_or_none(response)
            error = body.get("error") if isinstance(body, dict) else None
            detail = f": {error.get('message', '')}" if isinstance(error, dict) else ""
            problem = (
                f"Bifrost gateway at {base} is unhealthy: GET /health answered {response.status_code}{detail}"
            )
        if problem and self.config.require_gateway:
            raise self.fail(f"{problem} (BIFROST_REQUIRE_GATEWAY is set, so this fails the run)")
        if problem or not isinstance(response, requests.Response):
            raise self.skip(problem or "no answer from GET /health")
        body = json_or_none(response)
        components = body.get("components", {}) if isinstance(body, dict) else {}
        self.set_metadata(
            "Health Components", json.dumps(components, sort_keys=True) if components else "(none)"
        )

    @keyword("Async Inference Should Be Enabled")
    def async_inference_should_be_enabled(self, response: requests.Response) -> None:
        """Fails the run with one reason when a malformed submit answered 404 ``Route not found``
        (a gateway without async routes); a gateway with them answers 400 without creating a job."""
        if response.status_code == 404 and "route not found" in text_of(response).lower():
            raise self.fail(
                f"Async inference is not enabled on {self.config.base_url}: POST /v1/async/chat/completions"
                " answered 404 Route not found (Bifrost registers the async routes only when a logs store"
                " is configured, and in older builds the governance plugin)"
            )

    @keyword("Record Virtual Key Enforcement")
    def record_virtual_key_enforcement(self, job: Job, result: dict[str, Any] | None = None) -> str:
        """From an anonymous chat job: if it failed with status_code 401 the gateway enforces keys,
        and global-mode tests are skipped with that reason. Returns a one-line description."""
        self._enforcement = None
        if result is None:
            answer = job.response.status_code if job.response is not None else "nothing"
            outcome = f"not determined (anonymous submit answered {answer})"
        elif result.get("status") == "failed" and result.get("status_code") == 401:
            self._enforcement = (
                "the gateway enforces virtual keys (an anonymous chat job failed with status_code 401),"
                " so global-mode tests are skipped"
            )
            outcome = "on: anonymous jobs fail with 401"
        else:
            outcome = "off: anonymous jobs run"
        self.set_metadata("Virtual Key Enforcement", outcome)
        return outcome

    @keyword("Record Run Metadata")
    def record_run_metadata(self) -> None:
        """Puts gateway URL, versions, key presence and poll settings at the top of the report."""
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
                f"interval {cfg.poll_interval:g} s, timeout {cfg.poll_timeout:g} s, HTTP timeout"
                f" {cfg.http_timeout:g} s, expiry TTL {cfg.expiry_ttl} s, default TTL {cfg.default_ttl} s"
            ),
            "Robot Framework": version("robotframework"),
            "Python": platform.python_version(),
        }
        for name, value in items.items():
            self.set_metadata(name, value)

    @keyword("Check Test Preconditions")
    def check_test_preconditions(self) -> None:
        """Skips the current test, with a clear reason, when its tags need what this run lacks."""
        tags = {str(tag).lower() for tag in BuiltIn().get_variable_value("@{TEST TAGS}", [])}
        for tag in sorted(tags & set(TAG_NEEDS)):
            setting, reason = TAG_NEEDS[tag]
            if not getattr(self.config, setting):
                raise self.skip(reason)
        missing = sorted(t for t in tags if t in ENDPOINT_NAMES and t not in self.config.endpoints)
        if missing:
            raise self.skip(f"endpoint {', '.join(missing)} not in ASYNC_ENDPOINTS (older builds have 9)")
        if "global" in tags and self._enforcement:
            raise self.skip(self._enforcement)

    @keyword("Log Reproduction If Test Failed")
    def log_reproduction_if_test_failed(self) -> None:
        """Logs every request of a failed test as curl, with the response it got (secrets as variables)."""
        if BuiltIn().get_variable_value("${TEST STATUS}") == "FAIL" and self.exchanges:
            logger.info(self.reproduction())
