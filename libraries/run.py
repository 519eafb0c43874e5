"""Run keywords: the configuration check, the session, the gateway preflight, the report metadata,
the per-test preconditions and the gateway timings."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
from importlib.metadata import version
from typing import Any

import requests
from robot.api import logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn

from libraries.core import Core, Job, json_or_none, text_of
from variables import ANONYMOUS_TAGS, CAPABILITIES, ENDPOINT_NAMES, KEY_MODES, TAG_NEEDS


class RunKeywords(Core):
    def __init__(self) -> None:
        super().__init__()
        self.findings: dict[str, Any] = {}

    @keyword("Configuration Should Be Valid")
    def configuration_should_be_valid(self) -> None:
        """Stops the run before anything is sent if a setting is unusable or a secret is a ``--variable``."""
        errors = self.configuration_errors()
        if errors:
            message = self.masker("Invalid configuration: " + "; ".join(errors))
            logger.error(message)  # at the top of the console and the log's errors, then the run stops
            BuiltIn().fatal_error(message)
        logger.info(f"Configuration OK: gateway {self.config.base_url}")

    @keyword("Gateway Session Settings")
    def gateway_session_settings(self) -> dict[str, Any]:
        """``Create Session`` arguments: URL, timeout, no retries, ``X-Bifrost-Setup-Token`` if set."""
        token = os.environ.get("BIFROST_SETUP_TOKEN", "").strip()
        headers = {"X-Bifrost-Setup-Token": token} if token else {}
        return dict(
            url=self.config.base_url, timeout=self.config.http_timeout, max_retries=0, headers=headers
        )

    @keyword("Record Every Exchange Of The Session")
    def record_every_exchange_of_the_session(self, session: requests.Session) -> None:
        """Takes ``Create Session``'s session for the waits and mounts the recording transport on it: no
        retries, every exchange kept for a failed test's replay."""
        self.watch_session(session)

    @keyword("Fail For No Answer")
    def fail_for_no_answer(self, method: str, path: str, error: str) -> None:
        """Fails in one line naming the request and what the transport saw (refused, timed out, cut
        short): ``Send`` calls it when RequestsLibrary raised instead of returning an answer."""
        last = self.exchanges[-1] if self.exchanges else None
        if last and last.response is None and last.error and last.request.method == method.upper():
            error = last.error  # else nothing was sent (a bad argument): RequestsLibrary's own words
        raise self.fail(f"{method.upper()} {path} → {error}")

    # The preflight runs once per run (PabotLib's Run Setup Only Once): its judges record findings
    # instead of raising, the findings are shared as a parallel value, and every process applies
    # them with Apply Gateway Findings (skip, fail, metadata, key enforcement) the same way.
    @keyword("Judge Gateway Health")
    def judge_gateway_health(self, outcome: str, response: requests.Response | str) -> bool:
        """Records what ``GET /health`` showed; returns whether the gateway is usable (reachable, not 5xx)."""
        base = self.config.base_url
        body = json_or_none(response) if isinstance(response, requests.Response) else None
        body = body if isinstance(body, dict) else {}
        if outcome != "PASS" or not isinstance(response, requests.Response):
            error = self.exchanges[-1].error if self.exchanges and self.exchanges[-1].error else response
            reason = f"Bifrost gateway not reachable at {base} ({error})"
        elif response.status_code >= 500:
            detail = f": {body['error'].get('message', '')}" if isinstance(body.get("error"), dict) else ""
            reason = (
                f"Bifrost gateway at {base} is unhealthy: GET /health answered {response.status_code}{detail}"
            )
        else:
            components = body.get("components", {})
            self.findings = {
                "verdict": "ok",
                "health": json.dumps(components, sort_keys=True) if components else "(none)",
            }
            return True
        self.findings = {"verdict": "unreachable", "reason": reason}
        return False

    @keyword("Judge Async Routes")
    def judge_async_routes(self, response: requests.Response) -> bool:
        """Returns and records whether the async routes exist (a malformed submit not 404 Route not found)."""
        if response.status_code == 404 and "route not found" in text_of(response).lower():
            self.findings["verdict"] = "fail"
            self.findings["reason"] = (
                f"Async inference is not enabled on {self.config.base_url}: POST /v1/async/chat/completions"
                " answered 404 Route not found (Bifrost registers the async routes only when a logs store"
                " is configured, and in older builds the governance plugin)"
            )
            return False
        return True

    @keyword("Judge Virtual Key Enforcement")
    def judge_virtual_key_enforcement(self, job: Job, result: dict[str, Any] | None = None) -> None:
        """Records whether virtual keys are enforced: an anonymous chat job (or its submit) got a 401."""
        answer = job.response.status_code if job.response is not None else None
        enforcing = answer == 401 or (
            result is not None and result.get("status") == "failed" and result.get("status_code") == 401
        )
        if enforcing:
            self.findings["enforcement"] = "on: an anonymous chat job failed with status_code 401"
        elif result is None:
            self.findings["enforcement"] = f"not determined: an anonymous submit answered {answer}"
        else:
            self.findings["enforcement"] = "off: anonymous jobs run"

    @keyword("Virtual Key Enforcement Is Declared")
    def virtual_key_enforcement_is_declared(self) -> bool:
        """Whether BIFROST_EXPECT declares enforcement or anonymous; then no anonymous job probes it."""
        declared = [mode for mode in KEY_MODES if mode in self.config.expect]
        if declared:
            state = "on" if declared == ["enforcement"] else "off"
            self.findings["enforcement"] = f"{state}: declared by BIFROST_EXPECT, not probed"
        return bool(declared)

    @keyword("Gateway Findings")
    def gateway_findings(self) -> str:
        """What the preflight found, as text to share with the other pabot processes."""
        return json.dumps(self.findings)

    @keyword("Apply Gateway Findings")
    def apply_gateway_findings(self, findings: str) -> None:
        """Applies the preflight's findings in this process: skip, fail, metadata, key enforcement."""
        found = (
            json.loads(findings) if findings else {"verdict": "fail", "reason": "the preflight did not run"}
        )
        self.findings = found
        if "health" in found:
            self.set_metadata("Health Components", found["health"])
        if "enforcement" in found:
            self.set_metadata("Virtual Key Enforcement", found["enforcement"])
        self.enforcing = str(found.get("enforcement", "")).startswith("on")
        if found["verdict"] == "unreachable" and not self.config.require_gateway:
            raise self.missing("gateway", found["reason"])
        if found["verdict"] == "unreachable":
            raise self.fail(f"{found['reason']} (BIFROST_REQUIRE_GATEWAY is set, so this fails the run)")
        if found["verdict"] != "ok":
            raise self.fail(found["reason"])

    @keyword("Add Gateway Timings")
    def add_gateway_timings(self, shared: str) -> str:
        """Returns ``shared`` (the run's job timings so far, as JSON text) with this process's added."""
        rows = json.loads(shared) if shared else []
        return json.dumps([*rows, *self.timings])

    @keyword("Report Gateway Timings")
    def report_gateway_timings(self, shared: str) -> None:
        """Submit and time-to-terminal statistics per endpoint, as ``Gateway Timings`` metadata and logged."""
        rows = [(str(e), str(kind), float(sec)) for e, kind, sec in (json.loads(shared) if shared else [])]
        table = timings_table(rows)
        self.set_metadata("Gateway Timings", table)
        logger.info(f"Gateway timings of the whole run ({len(rows)} measurements):\n{table}")

    @keyword("Record Run Metadata")
    def record_run_metadata(self) -> None:
        """Puts gateway URL, versions, key presence and poll settings at the top of the report."""
        cfg = self.config
        state = {True: "set", False: "not set"}
        items = {
            "Gateway": cfg.base_url,
            "Virtual Keys": f"BIFROST_VK {state[cfg.vk_set]}, BIFROST_ALT_VK {state[cfg.alt_vk_set]}",
            "Endpoints": ", ".join(cfg.endpoints),
            "Expected Capabilities": ", ".join(n for n in CAPABILITIES if n in cfg.expect)
            or "none declared (BIFROST_EXPECT): what is missing skips",
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
    def check_test_preconditions(self, tags: set[str] | None = None) -> None:
        """Skips the current test (or one with ``tags``), with a clear reason, when its tags need what
        this run lacks."""
        tags = (
            tags
            if tags is not None
            else {str(tag).lower() for tag in BuiltIn().get_variable_value("@{TEST TAGS}", [])}
        )
        for tag in sorted(tags & set(TAG_NEEDS)):
            setting, capability, reason = TAG_NEEDS[tag]
            if not getattr(self.config, setting):
                raise self.missing(capability, reason)
        if missing := sorted(t for t in tags if t in ENDPOINT_NAMES and t not in self.config.endpoints):
            capability = next((name for name in missing if name in self.config.expect), missing[0])
            reason = f"endpoint {', '.join(missing)} not in ASYNC_ENDPOINTS (older builds have 9)"
            raise self.missing(capability, reason)
        how = str(self.findings.get("enforcement", "")).partition(": ")[2]
        if tags & ANONYMOUS_TAGS and self.enforcing:
            reason = (
                f"the gateway enforces virtual keys ({how}), so tests that need anonymous access are skipped"
            )
            raise self.missing("anonymous", reason)
        if "requires-enforcement" in tags and not self.enforcing:
            raise self.missing("enforcement", f"the gateway does not enforce virtual keys ({how})")
        if "webhooks-api" in tags and self.hooks.predeclared:
            raise self.missing(
                "webhooks-api",
                "BIFROST_WEBHOOK_NAME is set: this test creates its own endpoints through /api/webhooks,"
                " which the declared-endpoint mode does not use",
            )


def _stats(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return f"{len(ordered)} | {statistics.median(ordered):.2f} | {p95:.2f} | {ordered[-1]:.2f}"


def timings_table(rows: list[tuple[str, str, float]]) -> str:
    """A Robot documentation table: per endpoint, submit and time-to-terminal statistics (seconds)."""
    if not rows:
        return "no jobs measured"
    lines = [
        "| *endpoint* | *submits* | *submit median s* | *submit p95 s* | *submit max s* "
        "| *jobs* | *to terminal median s* | *to terminal p95 s* | *to terminal max s* |"
    ]
    for name in [e for e in ENDPOINT_NAMES if any(row[0] == e for row in rows)]:
        submit = [sec for e, kind, sec in rows if e == name and kind == "submit"]
        terminal = [sec for e, kind, sec in rows if e == name and kind == "terminal"]
        lines.append(f"| {name} | {_stats(submit)} | {_stats(terminal)} |")
    return "\n".join(lines)
