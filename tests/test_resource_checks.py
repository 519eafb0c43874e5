"""The check keywords that live in resources/ pass good answers and fail bad ones with one line naming the
problem: tests/resource_checks.robot, run in this process (no gateway, no robot start: under a second)."""

from __future__ import annotations

from pathlib import Path

import robot
from robot.api import ExecutionResult

ROOT = Path(__file__).resolve().parent.parent


def test_the_resource_checks_judge_made_up_answers(tmp_path: Path) -> None:
    options = {"outputdir": str(tmp_path), "log": "NONE", "report": "NONE", "console": "none"}
    paths = [str(ROOT), str(ROOT / "tests")]
    robot.run(str(ROOT / "tests" / "resource_checks.robot"), pythonpath=paths, **options)
    result = ExecutionResult(str(tmp_path / "output.xml"))
    failed = [f"{t.name}: {t.message}" for t in result.suite.all_tests if t.status != "PASS"]
    assert len(result.suite.tests) >= 9, "tests/resource_checks.robot did not run"
    assert not failed, "\n".join(failed)
