"""The Robot suite's tests as a dry run sees them (names, tags, files), and the committed baseline.

A dry run needs no gateway and takes about a second. It runs without any BIFROST_*/ASYNC_*
variable, so what it lists does not depend on the caller's environment.
Not a test module: test_suite_names.py, test_suite_runs.py and conftest.py import it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from robot.api import ExecutionResult

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "suites"
BASELINE = ROOT / "tests" / "suite_tests.txt"
UPDATE_COMMAND = "python tests/test_suite_names.py --update"
# `behaviour:<ID>` tags name the contract statements a test checks (tests/behaviours.toml); the
# catalogue's self-test (test_behaviours.py) keeps them, so the baseline leaves them out.
BEHAVIOUR_TAG = "behaviour:"

# (short name, sorted tags): one line of the baseline.
Entry = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class SuiteTest:
    """One Robot test: its short name, its tags, its long name and the file that defines it."""

    name: str
    tags: frozenset[str]
    full_name: str
    source: Path

    @property
    def entry(self) -> Entry:
        """The baseline's view: the name and the vocabulary tags (behaviour tags are the catalogue's)."""
        return (self.name, tuple(sorted(t for t in self.tags if not t.startswith(BEHAVIOUR_TAG))))

    def has_any(self, tags: set[str] | frozenset[str]) -> bool:
        return bool(self.tags & tags)

    def under(self, folder: Path) -> bool:
        return self.source.resolve().is_relative_to(folder.resolve())


@dataclass(frozen=True)
class DryRun:
    suite_name: str
    tests: list[SuiteTest]


def dry_run(outdir: Path) -> DryRun:
    """`robot --dryrun` of suites/ into `outdir`, read back with ExecutionResult; every test, any status."""
    outdir.mkdir(parents=True, exist_ok=True)
    output = outdir / "dryrun.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIFROST_", "ASYNC_"))}
    command = [
        sys.executable, "-m", "robot", "--dryrun", "--pythonpath", str(ROOT), "--output", str(output),
        "--log", "NONE", "--report", "NONE", "--console", "quiet", str(SUITES),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if not output.exists():
        raise RuntimeError(f"the dry run wrote no output (exit {done.returncode}):\n{done.stderr[-3000:]}")
    result = ExecutionResult(str(output))
    tests = [
        SuiteTest(t.name, frozenset(t.tags), t.full_name, Path(str(t.source))) for t in result.suite.all_tests
    ]
    return DryRun(result.suite.name, tests)


def format_entry(entry: Entry) -> str:
    name, tags = entry
    return f"{name}\t{','.join(tags)}"


def parse_line(line: str) -> Entry:
    name, _, tags = line.partition("\t")
    return (name, tuple(tags.split(",")) if tags else ())


def baseline_lines() -> list[str]:
    return BASELINE.read_text(encoding="utf-8").splitlines()


def read_baseline() -> set[Entry]:
    return {parse_line(line) for line in baseline_lines() if line}


def render(tests: list[SuiteTest]) -> str:
    """The baseline file's text for these tests: one sorted line per test."""
    return "".join(f"{line}\n" for line in sorted(format_entry(t.entry) for t in tests))
