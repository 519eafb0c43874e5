"""Fault matrix: the whole suite against the clean fake gateway, each fault's expected catchers under it.

Each run starts its own fake gateway (``python -m fakegateway run``) with both keys and
``BIFROST_REQUIRE_GATEWAY=1``, runs Robot once, and reads ``output.xml``. A fault is *detected*
when every test that ``tests/fault_expectations.toml`` names for it fails. The clean run must not
fail at all. A fault's run selects only its expected catchers (``--full`` runs the whole suite per
fault, to list the tests no fault makes fail). The table goes to the console and, as Markdown, to
``results/fault-matrix.md``, with the behaviours of ``tests/behaviours.toml`` each fault proves.

Usage: python tools/fault_matrix.py [--workers N] [--only FAULT]... [--full] [--output-dir DIR]
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile
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
    # Settings for this fault's run, over MATRIX_ENV: a fault that removes a capability only skips
    # its tests unless the run declares it (`env = { BIFROST_EXPECT = "webhooks" }`).
    env: tuple[tuple[str, str], ...] = ()
    # The behaviours of tests/behaviours.toml this fault breaks (`behaviours = ["TTL-04"]`).
    behaviours: tuple[str, ...] = ()

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
        fault: Expectation(
            tuple(spec.get("names", ())),
            tuple(spec.get("tags", ())),
            spec.get("why_not", ""),
            tuple((str(name), str(value)) for name, value in spec.get("env", {}).items()),
            tuple(spec.get("behaviours", ())),
        )
        for fault, spec in data.items()
    }


def list_faults() -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "fakegateway", "faults"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


def inventory() -> list[TestResult]:
    """Every test's name and tags, from a dry run (about a second, no gateway)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from suite_inventory import dry_run

    with tempfile.TemporaryDirectory() as tmp:
        return [TestResult(t.name, "NOT RUN", frozenset(t.tags)) for t in dry_run(Path(tmp)).tests]


def catchers(expectation: Expectation | None, tests: list[TestResult]) -> list[str] | None:
    """The names of a fault's expected catchers, or None for the whole suite."""
    if expectation is None or "*" in expectation.names:
        return None
    return sorted({t.name for t in tests if expectation.selects(t)})


def run_suite(
    fault: str,
    out_dir: Path,
    suites: Iterable[str] = ("suites",),
    label: str = "",
    only: list[str] | None = None,
    settings: tuple[tuple[str, str], ...] = (),
) -> RunResult:
    run_dir = out_dir / (label or ("clean" if fault == CLEAN else fault))
    run_dir.mkdir(parents=True, exist_ok=True)
    selection: list[str] = []
    if only is not None:
        if not only:
            return RunResult(fault, 0.0, 0, error="its expectation selects no test")
        argfile = run_dir / "selection.args"
        argfile.write_text("".join(f"--test {_literal(name)}\n" for name in only), encoding="utf-8")
        selection = ["--argumentfile", str(argfile)]
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
        "--console", "none", *selection, *suites,
    ]  # fmt: skip
    # pabot deletes every pabot_temp_* file in the temp dir when it starts: give each run its own.
    tmp = run_dir / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, **MATRIX_ENV, **dict(settings), "TMPDIR": str(tmp)}
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


def _literal(name: str) -> str:
    """A test name as a Robot name pattern that matches only itself."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def judge(run: RunResult, expectation: Expectation | None) -> Verdict:
    if run.fault == CLEAN or expectation is None:
        return Verdict(run.fault, run, [], [], run.failed)
    expected = [t for t in run.tests if expectation.selects(t)]
    missed = [t for t in expected if t.status != "FAIL"]
    unexpected = [t for t in run.failed if t not in expected]
    return Verdict(run.fault, run, expected, missed, unexpected)


def not_expected_anywhere(tests: list[TestResult], expectations: dict[str, Expectation]) -> list[str]:
    """Tests that no fault names as an expected catcher (entries selecting everything aside)."""
    specific = [e for e in expectations.values() if e.names != ("*",)]
    return sorted({t.name for t in tests if not any(e.selects(t) for e in specific)})


def never_failed(verdicts: list[Verdict]) -> list[str]:
    """Tests no fault makes fail (a --full run): candidates for a new fault, or tests asserting too little."""
    all_tests = {t.name for v in verdicts for t in v.run.tests}
    failing = {t.name for v in verdicts if v.fault != CLEAN for t in v.run.failed}
    return sorted(all_tests - failing)


def proven_behaviours(verdicts: list[Verdict], expectations: dict[str, Expectation]) -> dict[str, list[str]]:
    """Behaviour ID -> the detected faults that break it and failed a test tagged with it."""
    proven: dict[str, list[str]] = {}
    for v in verdicts:
        if v.fault == CLEAN or not v.detected:
            continue
        for bid in expectations[v.fault].behaviours if v.fault in expectations else ():
            if any(f"behaviour:{bid}".lower() in {tag.lower() for tag in t.tags} for t in v.expected):
                proven.setdefault(bid, []).append(v.fault)
    return proven


def markdown(
    verdicts: list[Verdict],
    untouched: list[str],
    unclaimed: list[str],
    wall: float,
    proven: dict[str, list[str]] | None = None,
) -> str:
    faults = [v for v in verdicts if v.fault != CLEAN]
    clean = [v for v in verdicts if v.fault == CLEAN]
    clean_text = "not run" if not clean else ("no failures" if clean[0].detected else "FAILURES")
    lines = [
        "# Fault matrix",
        "",
        f"{sum(v.detected for v in faults)} of {len(faults)} faults detected by their expected tests; "
        f"clean run: {clean_text}; wall time {wall:.0f} s.",
        "",
        "| fault | tests run | tests failed | expected to fail | detected | seconds | other failures |",
        "|---|---:|---:|---:|:---:|---:|---|",
    ]
    for v in verdicts:
        other = ", ".join(t.name for t in v.unexpected[:3]) + (" …" if len(v.unexpected) > 3 else "")
        if v.run.error:
            other = f"run error: {v.run.error}"
        lines.append(
            f"| {v.fault} | {len(v.run.tests)} | {len(v.run.failed)} | {len(v.expected)} "
            f"| {'yes' if v.detected else 'NO'} | {v.run.seconds:.1f} | {other} |"
        )
    if proven is not None:
        lines += ["", f"## Behaviours proven by a detected fault ({len(proven)})", ""]
        lines += [f"- {bid}: {', '.join(f)}" for bid, f in sorted(proven.items())] or ["(none)"]
    if untouched:
        lines += ["", f"## Tests no fault makes fail ({len(untouched)})", ""]
        lines += [f"- {name}" for name in untouched]
    lines += ["", f"## Tests that are no fault's expected catcher ({len(unclaimed)})", ""]
    lines += [f"- {name}" for name in unclaimed] or ["(none)"]
    return "\n".join(lines) + "\n"


def run_matrix(
    faults: list[str],
    workers: int,
    out_dir: Path,
    full: bool = False,
    clean: bool = True,
    tests: list[TestResult] | None = None,
) -> tuple[list[Verdict], float]:
    """The clean run (unless clean=False) and one run per fault: its expected catchers (among `tests`,
    the suite's inventory), or all (full)."""
    expectations = load_expectations()
    tests = [] if full else (tests if tests is not None else inventory())
    order = [*([CLEAN] if clean else []), *sorted(faults, key=lambda f: (f not in SLOW_FIRST, f))]

    def run(fault: str) -> RunResult:
        expectation = None if fault == CLEAN else expectations.get(fault)
        only = None if full or fault == CLEAN else catchers(expectation, tests)
        return run_suite(fault, out_dir, only=only, settings=expectation.env if expectation else ())

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(run, order))
    wall = time.monotonic() - started
    by_fault = {r.fault: r for r in runs}
    verdicts = [judge(by_fault[f], expectations.get(f)) for f in order if f == CLEAN]
    verdicts += [judge(by_fault[f], expectations.get(f)) for f in sorted(faults)]
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
    parser.add_argument(
        "--only", action="append", default=[], metavar="FAULT",
        help="run only this fault, against its expected catchers, with no clean run",
    )  # fmt: skip
    parser.add_argument(
        "--full", action="store_true", help="run the whole suite per fault, not only its catchers"
    )
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
    expectations = load_expectations()
    missing = sorted(set(chosen) - set(expectations))
    tests = inventory()
    verdicts, wall = run_matrix(
        chosen, args.workers, args.output_dir, full=args.full, clean=not args.only, tests=tests
    )
    untouched = never_failed(verdicts) if args.full and not args.only else []
    unclaimed = not_expected_anywhere(tests, expectations)
    proven = proven_behaviours(verdicts, expectations)
    report = markdown(verdicts, untouched, unclaimed, wall, proven)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir.parent / "fault-matrix.md").write_text(report, encoding="utf-8")
    print(f"{'fault':36} {'run':>5} {'failed':>6} {'detected':>8} {'seconds':>8}  behaviours")
    claims = {fault: expectation.behaviours for fault, expectation in expectations.items()}
    for v in verdicts:
        print(
            f"{v.fault:36} {len(v.run.tests):>5} {len(v.run.failed):>6} {'yes' if v.detected else 'NO':>8} "
            f"{v.run.seconds:>8.1f}  {','.join(claims.get(v.fault, ()))}"
        )
    for v in verdicts:
        for t in v.missed:
            print(f"NOT DETECTED: {v.fault}: expected test passed or skipped: {t.name} ({t.status})")
        if v.fault == CLEAN:
            for t in v.run.failed:
                print(f"CLEAN FAILURE: {t.name}")
        if v.run.error:
            print(f"RUN ERROR: {v.fault}: {v.run.error}")
    unproven = [
        f"{v.fault}: {bid}" for v in verdicts if v.fault != CLEAN and v.detected
        for bid in claims.get(v.fault, ()) if v.fault not in proven.get(bid, [])
    ]  # fmt: skip
    for line in unproven:
        print(f"NOT PROVEN: {line} (no expected catcher tagged with it failed)")
    if missing:
        print(f"no expectation for: {', '.join(missing)}")
    table = args.output_dir.parent / "fault-matrix.md"
    print(f"{len(proven)} behaviours proven; wall time {wall:.0f} s; table in {table}")
    ok = all(v.detected for v in verdicts) and not missing and not unproven
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
