"""Fault matrix: run the whole suite against the clean fake gateway and once per fault switch.

Each run starts its own fake gateway (``python -m fakegateway run``) with both keys and
``BIFROST_REQUIRE_GATEWAY=1``, runs Robot once, and reads ``output.xml``. A fault is *detected*
when every test that ``tests/fault_expectations.toml`` names for it fails. The clean run must not
fail at all. The table goes to the console and, as Markdown, to ``results/fault-matrix.md``.

Usage: python tools/fault_matrix.py [--workers N] [--only FAULT]... [--output-dir DIR]
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from robot.api import ExecutionResult

ROOT = Path(__file__).resolve().parent.parent
EXPECTATIONS = ROOT / "tests" / "fault_expectations.toml"
CLEAN = "(clean)"

# The quick start's settings, tightened so that a fault that makes every poll wait (a hang, a
# job that never finishes) costs seconds, not minutes.
MATRIX_ENV = {
    "BIFROST_REQUIRE_GATEWAY": "1",
    "ASYNC_EXPIRY_TTL": "2s",
    "BIFROST_POLL_TIMEOUT": "4s",
    # 3 s, not less: 50 simultaneous submits (the concurrency test) must be answered while six
    # suite runs share two cores; 1 s made that test flake on a loaded machine.
    "BIFROST_HTTP_TIMEOUT": "3s",
}
# Runs known to take longest go first, so they do not set the wall time.
SLOW_FIRST = (
    "poll-hang",
    "job-stuck",
    "poll-reset",
    "expired-served",
    "webhook-missing",
    "webhook-not-retried",
)


@dataclass(frozen=True)
class Expectation:
    names: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    why_not: str = ""

    def selects(self, test: TestResult) -> bool:
        by_name = any(fnmatch.fnmatchcase(test.name, pattern) for pattern in self.names)
        by_tag = any(all(tag in test.tags for tag in combo.split("&")) for combo in self.tags)
        return by_name or by_tag


@dataclass(frozen=True)
class TestResult:
    name: str
    status: str
    tags: frozenset[str]


@dataclass
class RunResult:
    fault: str
    seconds: float
    returncode: int
    tests: list[TestResult] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> list[TestResult]:
        return [t for t in self.tests if t.status == "FAIL"]


@dataclass
class Verdict:
    fault: str
    run: RunResult
    expected: list[TestResult]
    missed: list[TestResult]
    unexpected: list[TestResult]

    @property
    def detected(self) -> bool:
        if self.fault == CLEAN:
            return not self.run.failed and not self.run.error and bool(self.run.tests)
        return bool(self.expected) and not self.missed and not self.run.error


def load_expectations(path: Path = EXPECTATIONS) -> dict[str, Expectation]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        fault: Expectation(tuple(spec.get("names", ())), tuple(spec.get("tags", ())), spec.get("why_not", ""))
        for fault, spec in data.items()
    }


def list_faults() -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "fakegateway", "faults"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


def run_suite(fault: str, out_dir: Path, suites: Iterable[str] = ("suites",), label: str = "") -> RunResult:
    run_dir = out_dir / (label or ("clean" if fault == CLEAN else fault))
    run_dir.mkdir(parents=True, exist_ok=True)
    gateway = [sys.executable, "-m", "fakegateway", "run"]
    if fault != CLEAN:
        gateway += ["--fault", fault]
    # One Robot process per run is cheapest; the faults that make every poll wait get pabot, so
    # that their waits overlap instead of setting the matrix's wall time.
    runner = [sys.executable, "-m", "robot"]
    if fault in SLOW_FIRST:
        runner = [sys.executable, "-m", "pabot.pabot", "--processes", "4", "--pabotconsole", "none"]
    robot = [
        *runner, "--argumentfile", "robot.args",
        "--outputdir", str(run_dir), "--log", "NONE", "--report", "NONE", "--xunit", "NONE",
        "--console", "none", *suites,
    ]  # fmt: skip
    # pabot deletes every pabot_temp_* file in the temp dir when it starts: give each run its own.
    tmp = run_dir / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, **MATRIX_ENV, "TMPDIR": str(tmp)}
    started = time.monotonic()
    done = subprocess.run(
        [*gateway, "--", *robot], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    result = RunResult(fault, time.monotonic() - started, done.returncode)
    output = run_dir / "output.xml"
    if not output.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()
        result.error = tail[-1] if tail else f"no output.xml (exit {done.returncode})"
        return result
    result.tests = [
        TestResult(t.name, t.status, frozenset(str(tag) for tag in t.tags))
        for t in ExecutionResult(str(output)).suite.all_tests
    ]
    return result


def judge(run: RunResult, expectation: Expectation | None) -> Verdict:
    if run.fault == CLEAN or expectation is None:
        return Verdict(run.fault, run, [], [], run.failed)
    expected = [t for t in run.tests if expectation.selects(t)]
    missed = [t for t in expected if t.status != "FAIL"]
    unexpected = [t for t in run.failed if t not in expected]
    return Verdict(run.fault, run, expected, missed, unexpected)


def not_expected_anywhere(verdicts: list[Verdict], expectations: dict[str, Expectation]) -> list[str]:
    """Tests that no fault names as an expected catcher (entries selecting everything aside)."""
    specific = [e for e in expectations.values() if e.names != ("*",)]
    return sorted({t.name for t in verdicts[0].run.tests if not any(e.selects(t) for e in specific)})


def never_failed(verdicts: list[Verdict]) -> list[str]:
    """Tests that no fault makes fail: candidates for a new fault, or tests asserting too little."""
    all_tests = {t.name for v in verdicts for t in v.run.tests}
    failing = {t.name for v in verdicts if v.fault != CLEAN for t in v.run.failed}
    return sorted(all_tests - failing)


def markdown(verdicts: list[Verdict], untouched: list[str], unclaimed: list[str], wall: float) -> str:
    lines = [
        "# Fault matrix",
        "",
        f"{sum(v.detected for v in verdicts if v.fault != CLEAN)} of "
        f"{sum(v.fault != CLEAN for v in verdicts)} faults detected by their expected tests; "
        f"clean run: {'no failures' if verdicts[0].detected else 'FAILURES'}; wall time {wall:.0f} s.",
        "",
        "| fault | tests failed | expected to fail | detected | seconds | other failures |",
        "|---|---:|---:|:---:|---:|---|",
    ]
    for v in verdicts:
        other = ", ".join(t.name for t in v.unexpected[:3]) + (" …" if len(v.unexpected) > 3 else "")
        if v.run.error:
            other = f"run error: {v.run.error}"
        lines.append(
            f"| {v.fault} | {len(v.run.failed)} | {len(v.expected)} | {'yes' if v.detected else 'NO'} "
            f"| {v.run.seconds:.1f} | {other} |"
        )
    lines += ["", f"## Tests no fault makes fail ({len(untouched)})", ""]
    lines += [f"- {name}" for name in untouched] or ["(none)"]
    lines += ["", f"## Tests that are no fault's expected catcher ({len(unclaimed)})", ""]
    lines += [f"- {name}" for name in unclaimed] or ["(none)"]
    return "\n".join(lines) + "\n"


def run_matrix(faults: list[str], workers: int, out_dir: Path) -> tuple[list[Verdict], float]:
    expectations = load_expectations()
    order = [CLEAN, *sorted(faults, key=lambda f: (f not in SLOW_FIRST, f))]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda f: run_suite(f, out_dir), order))
    wall = time.monotonic() - started
    by_fault = {r.fault: r for r in runs}
    verdicts = [judge(by_fault[f], expectations.get(f)) for f in [CLEAN, *sorted(faults)]]
    return verdicts, wall


def clean_runs(count: int, workers: int, out_dir: Path) -> int:
    """Flake hunt: the clean suite `count` times; a single failure is a defect to explain."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda i: run_suite(CLEAN, out_dir, label=f"clean-{i}"), range(1, count + 1)))
    failures = [(i, t.name) for i, r in enumerate(runs, 1) for t in r.failed]
    errors = [(i, r.error) for i, r in enumerate(runs, 1) if r.error or not r.tests]
    for i, name in failures:
        print(f"run {i}: FAIL {name}")
    for i, error in errors:
        print(f"run {i}: run error: {error or 'no tests'}")
    tests = sum(len(r.tests) for r in runs)
    print(
        f"{count} clean runs, {tests} test results, {len(failures)} failures, "
        f"{len(errors)} run errors, {time.monotonic() - started:.0f} s"
    )
    return 0 if not failures and not errors else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=6, help="suite runs at once (default 6)")
    parser.add_argument("--only", action="append", default=[], metavar="FAULT", help="run only this fault")
    parser.add_argument("--output-dir", type=Path, default=ROOT / "results" / "fault-matrix")
    parser.add_argument(
        "--clean-runs",
        type=int,
        default=0,
        metavar="N",
        help="instead of the matrix: run the clean suite N times and report any failure",
    )
    args = parser.parse_args(argv)
    if args.clean_runs:
        return clean_runs(args.clean_runs, args.workers, args.output_dir)
    faults = list_faults()
    unknown = sorted(set(args.only) - set(faults))
    if unknown:
        parser.error(f"unknown fault(s): {', '.join(unknown)}")
    chosen = args.only or faults
    missing = sorted(set(chosen) - set(load_expectations()))
    verdicts, wall = run_matrix(chosen, args.workers, args.output_dir)
    untouched = never_failed(verdicts) if not args.only else []
    unclaimed = not_expected_anywhere(verdicts, load_expectations())
    report = markdown(verdicts, untouched, unclaimed, wall)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir.parent / "fault-matrix.md").write_text(report, encoding="utf-8")
    print(f"{'fault':32} {'failed':>6} {'detected':>8} {'seconds':>8}")
    for v in verdicts:
        print(f"{v.fault:32} {len(v.run.failed):>6} {'yes' if v.detected else 'NO':>8} {v.run.seconds:>8.1f}")
    for v in verdicts:
        for t in v.missed:
            print(f"NOT DETECTED: {v.fault}: expected test passed or skipped: {t.name} ({t.status})")
        if v.run.error:
            print(f"RUN ERROR: {v.fault}: {v.run.error}")
    if missing:
        print(f"no expectation for: {', '.join(missing)}")
    print(f"wall time {wall:.0f} s; table in {args.output_dir.parent / 'fault-matrix.md'}")
    ok = all(v.detected for v in verdicts) and not missing
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
