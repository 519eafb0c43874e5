"""BIFROST_EXPECT end to end: for every capability, a fake gateway lacking it (a fault switch, a mode
or an option of `python -m fakegateway run`) makes the tests that need it skip without the
declaration (exit 0, each skip counted by reason on the console and in the report) and fail with it
(exit non-zero, the reason in the message). A few tests per capability, capabilities combined per
gateway: four gateways, two robot runs each, and one pabot run for the skip counts across processes.
"""

from __future__ import annotations

import html
import re
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from suite_inventory import SuiteTest
from test_suite_runs import BIN, ROOT, Run, clean_env, log_html_strings, run, with_fake

import variables

PLAIN_KEYS = ("plain-primary-key-0001", "plain-alternate-key-0002")  # keys without the sk-bf- prefix
NINE_ENDPOINTS = ",".join(e for e in variables.ENDPOINT_NAMES if e not in ("rerank", "ocr"))
DECLARED = "BIFROST_EXPECT has {}, but "


@dataclass(frozen=True)
class Lacking:
    """A gateway that lacks some capabilities; per test, the capability it needs and how a failure
    under the declaration reads. `opposite` tests pass undeclared and skip once the key mode is declared."""

    fake: tuple[str, ...]
    env: dict[str, str]
    tests: dict[str, tuple[str, str]]
    opposite: frozenset[str] = field(default_factory=frozenset)

    @property
    def declaration(self) -> str:
        return ",".join(sorted({capability for capability, _ in self.tests.values()}))


def declared(capability: str, reason: str) -> tuple[str, str]:
    return capability, DECLARED.format(capability) + reason


GATEWAYS = {
    # An older build, with keys that lack the sk-bf- prefix and a run without the optional models.
    "older-build": Lacking(
        fake=(
            *("--fault", "webhooks-api-missing", "--fault", "request-id-missing"),
            *("--fault", "rerank-ocr-missing"),
            *("--virtual-key", PLAIN_KEYS[0], "--virtual-key", PLAIN_KEYS[1]),
        ),
        env={
            "ASYNC_ENDPOINTS": NINE_ENDPOINTS,
            "ASYNC_FAILING_MODEL": "",
            "ASYNC_SLOW_MODEL": "",
            "ASYNC_EMBEDDINGS_MODEL": "openai/text-embedding-3-small-fail-500",
        },
        tests={
            "Completed Job Sends One Signed Notification With A Thin Payload": declared(
                "webhooks", "the gateway has no webhook support: GET /api/webhooks answered 404"
            ),
            "Tampered Body Or Wrong Secret Fails Signature Verification": declared(
                "webhooks", "the gateway has no webhook support: GET /api/webhooks answered 404"
            ),
            "Submit Echoes The Sent X-Request-Id As The Request Id": declared(
                "request-id", "the gateway's job envelope has no request_id"
            ),
            "Jobs Submitted Without X-Request-Id Each Get Their Own Request Id": declared(
                "request-id", "the gateway's job envelope has no request_id"
            ),
            "Rerank Submit Returns 202 With Pending Envelope (global)": declared(
                "rerank", "endpoint rerank not in ASYNC_ENDPOINTS"
            ),
            "OCR Submit Returns 202 With Pending Envelope (global)": declared(
                "ocr", "endpoint ocr not in ASYNC_ENDPOINTS"
            ),
            "Failed Chat Completions Job Reports The Provider Error": declared(
                "failing-model", "ASYNC_FAILING_MODEL is not set"
            ),
            "Slow Job Answers 202 Without Terminal Fields Until It Completes": declared(
                "slow-model", "ASYNC_SLOW_MODEL is not set"
            ),
            "Completed Embeddings Job Result Has Data With Embeddings": declared(
                "models", "the embeddings job ended 'failed' (status_code 500)"
            ),
            "Bearer Virtual Key Job Polled With The Same Key Succeeds": declared(
                "vk-prefix", "BIFROST_VK lacks the sk-bf- prefix"
            ),
        },
    ),
    # No keys, a pre-declared webhook endpoint (so no /api/webhooks), no key enforcement.
    "keyless": Lacking(
        fake=("--no-keys", "--webhook", "suite=http://127.0.0.1:{port}/hooks/suite"),
        env={},
        tests={
            "Chat Completions Job Reaches A Terminal State (with VK)": declared(
                "vk", "BIFROST_VK is not set"
            ),
            "VK-Scoped Job Polled With A Different Key Returns 404": declared(
                "alt-vk", "BIFROST_ALT_VK is not set"
            ),
            "Receiver Answering 404 Gets Exactly One Attempt": declared(
                "webhooks-api", "BIFROST_WEBHOOK_NAME is set"
            ),
            # Declared, the enforcement tests run, and the anonymous job that completes fails them.
            "Anonymous Chat Completions Job Is Refused By A Gateway That Enforces Virtual Keys": (
                "enforcement",
                "ended 'completed' (status_code 200), expected failed with status_code 401",
            ),
        },
        opposite=frozenset({"Chat Completions Job Reaches A Terminal State (global)"}),
    ),
    "enforcing": Lacking(
        fake=("--enforce-virtual-keys",),
        env={},
        tests={
            "Completed Chat Completions Job Has A Non-Empty Choices List (global)": declared(
                "anonymous", "the chat-completions job ended 'failed' (status_code 401)"
            ),
        },
        opposite=frozenset(
            {"Job With A Valid Virtual Key Completes On A Gateway That Enforces Virtual Keys"}
        ),
    ),
    "unhealthy": Lacking(
        fake=("--fault", "health-503"),
        env={},
        tests={
            "Chat Completions Job Reaches A Terminal State (global)": declared(
                "gateway", "Bifrost gateway at"
            )
        },
    ),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def robot_run(gateway: Lacking, outdir: Path, **settings: str) -> Run:
    fake = [option.format(port=free_port()) for option in gateway.fake]
    selection = [part for name in [*gateway.tests, *gateway.opposite] for part in ("--test", name)]
    command = [
        *with_fake(*fake), str(BIN / "robot"), "--argumentfile", "robot.args", "--outputdir", str(outdir),
        "--console", "dotted", *selection, "suites",
    ]  # fmt: skip
    env = clean_env(ASYNC_EXPIRY_TTL="2s", BIFROST_POLL_TIMEOUT="10s", **gateway.env, **settings)
    outdir.mkdir()
    return run(command, env, outdir)


def skip_lines(outcome: Run) -> list[str]:
    """What the skip summary should say: `<count> skipped: <reason>` per reason, from the results."""
    reasons = Counter(
        " ".join(t.message.removeprefix("Skipped in parent suite setup:\n").split())
        for t in outcome.result.suite.all_tests
        if t.status == "SKIP"
    )
    return [f"{count} skipped: {reason}" for reason, count in reasons.items()]


def report_metadata(outdir: Path) -> str:
    """The texts of report.html as a reader sees them (formatting, links and escapes undone)."""
    texts = log_html_strings((outdir / "report.html").read_text(encoding="utf-8"))
    return html.unescape(re.sub(r"<[^>]+>", "", "\n".join(texts)))


@pytest.mark.slow  # two robot runs: seconds each on a busy machine
@pytest.mark.parametrize("name", sorted(GATEWAYS))
def test_a_missing_capability_skips_undeclared_and_fails_declared(
    name: str, tmp_path: Path, suite_tests: list[SuiteTest]
) -> None:
    gateway = GATEWAYS[name]
    known = {t.name for t in suite_tests}
    assert not [t for t in [*gateway.tests, *gateway.opposite] if t not in known], (
        "a selected test was renamed"
    )

    first_look = robot_run(gateway, tmp_path / "undeclared")
    statuses = first_look.statuses()
    console = first_look.console
    assert first_look.returncode == 0, console[-3000:]
    assert {t: statuses.get(t) for t in gateway.tests} == dict.fromkeys(gateway.tests, "SKIP"), statuses
    assert {t: statuses.get(t) for t in gateway.opposite} == dict.fromkeys(gateway.opposite, "PASS"), statuses
    # Skips said out loud: each reason with its count, on the console and at the top of the report.
    lines = skip_lines(first_look)
    assert lines and all(line in console for line in lines), (lines, console[-2000:])
    assert all(line in report_metadata(first_look.outdir) for line in lines)
    assert "Skipped Tests" in report_metadata(first_look.outdir)

    known_build = robot_run(gateway, tmp_path / "declared", BIFROST_EXPECT=gateway.declaration)
    results = {t.name: t for t in known_build.result.suite.all_tests}
    assert known_build.returncode == len(gateway.tests), known_build.console[-3000:]
    for test, (_capability, reason) in gateway.tests.items():
        assert results[test].status == "FAIL", (test, results[test].status, results[test].message)
        assert reason in results[test].message, (test, results[test].message)
    assert {t: results[t].status for t in gateway.opposite} == dict.fromkeys(gateway.opposite, "SKIP")
    assert "Expected Capabilities" in report_metadata(known_build.outdir)


def test_every_capability_is_proven_here() -> None:
    proven = {capability for gateway in GATEWAYS.values() for capability, _ in gateway.tests.values()}
    # Every endpoint is a capability through the same precondition; rerank and ocr stand for them.
    assert set(variables.CAPABILITIES) - set(variables.ENDPOINT_NAMES) <= proven
    assert {"rerank", "ocr"} <= proven


@pytest.mark.slow
def test_skips_are_counted_across_pabot_processes(tmp_path: Path) -> None:
    """The older build under pabot, each test in a process of its own: the counts are the merged run's."""
    gateway = GATEWAYS["older-build"]
    fake = [option.format(port=free_port()) for option in gateway.fake]
    selection = [part for name in gateway.tests for part in ("--test", name)]
    command = [
        *with_fake(*fake), str(BIN / "pabot"), "--testlevelsplit", "--processes", "3",
        "--argumentfile", str(ROOT / "robot.args"), "--pythonpath", str(ROOT),
        "--outputdir", str(tmp_path), *selection, str(ROOT / "suites"),
    ]  # fmt: skip
    outcome = run(command, clean_env(ASYNC_EXPIRY_TTL="2s", **gateway.env), tmp_path)
    assert outcome.returncode == 0, outcome.console[-3000:]
    lines = skip_lines(outcome)
    assert any(line.startswith("2 skipped: ") for line in lines), lines  # two tests, two processes
    assert all(line in outcome.console for line in lines), (lines, outcome.console[-2000:])
    assert all(line in report_metadata(tmp_path) for line in lines)
