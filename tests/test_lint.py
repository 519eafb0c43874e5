"""Static gates: the same linters a developer runs, so CI fails on a lint finding."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON_PATHS = ["libraries", "variables.py", "fakegateway", "tests", "benchmarks", "tools"]
ROBOT_PATHS = ["suites", "resources"]


def _existing(paths: list[str]) -> list[str]:
    return [p for p in paths if (ROOT / p).exists()]


LINTERS = {
    "ruff-check": [str(BIN / "ruff"), "check", *_existing(PYTHON_PATHS)],
    "ruff-format": [str(BIN / "ruff"), "format", "--check", *_existing(PYTHON_PATHS)],
    "mypy-strict": [str(BIN / "mypy")],
    "robocop-check": [str(BIN / "robocop"), "check", *_existing(ROBOT_PATHS)],
    "robocop-format": [str(BIN / "robocop"), "format", "--check", "--diff", *_existing(ROBOT_PATHS)],
}


@pytest.mark.parametrize("name", sorted(LINTERS))
def test_linter_is_clean(name: str) -> None:
    command = LINTERS[name]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{name} reports findings:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
