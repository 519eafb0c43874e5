"""A failed test's replay snippet, pasted into bash, shows the same failure against another gateway.

Each case runs one test under a fault switch, takes the replay from the failed step in output.xml,
and runs it with bash against a fresh fake gateway with the same fault: a new port and new keys,
given only through the environment (`fakegateway run` exports BIFROST_BASE_URL and the keys).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from robot.api import ExecutionResult

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    # fault: (test, what the replay's last answer must show, what the replay must capture)
    "poll-html": (
        "Chat Completions Job Reaches A Terminal State (with VK)",
        ["The replay's last answer: HTTP 200", "<!doctype html>"],
        "ID_1=$(take id)",
    ),
    "cross-key-allowed": (
        "VK-Scoped Job Polled With A Different Key Returns 404",
        ["The replay's last answer: HTTP 20"],  # 200 or 202 (the job may still run): served, not 404
        "ID_1=$(take id)",
    ),
}


def messages(item: object) -> list[str]:
    found: list[str] = []
    for child in getattr(item, "body", []):
        if getattr(child, "type", "") == "MESSAGE":
            found.append(child.message)
        else:
            found += messages(child)
    return found


def fake(fault: str, *command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIFROST_", "ASYNC_"))}
    return subprocess.run(
        [sys.executable, "-m", "fakegateway", "run", "--fault", fault, "--", *command],
        cwd=cwd, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=180,
        check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(CASES))
def test_a_pasted_replay_shows_the_same_failure_on_a_fresh_gateway(fault: str, tmp_path: Path) -> None:
    name, shows, capture = CASES[fault]
    robot = [sys.executable, "-m", "robot", "--argumentfile", "robot.args", "--outputdir", str(tmp_path),
             "--console", "none", "--test", name, "suites"]  # fmt: skip
    fake(fault, *robot)
    test = next(iter(ExecutionResult(str(tmp_path / "output.xml")).suite.all_tests))
    assert test.status == "FAIL", test.message
    failed_step = next(step for step in test.body if getattr(step, "status", "") == "FAIL")
    snippet = next(m for m in messages(failed_step) if m.startswith("# Replay of "))
    assert capture in snippet.splitlines()
    assert "sk-bf-" not in snippet.replace("sk-bf-unknown-key-for-replay", "")  # keys only as variables
    script = tmp_path / "replay.sh"
    script.write_text(snippet + "\n", encoding="utf-8")
    done = fake(fault, "bash", str(script), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "The test failed with: " in done.stdout
    for text in shows:
        assert text in done.stdout.split("The test failed with: ", 1)[1], done.stdout[-3000:]
