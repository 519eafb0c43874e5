"""Benchmark the full suite against the fake gateway at a given job latency and process counts.

The fake's ``--job-latency`` gives every job a provider's pace (0 is the fake's own speed). At a
provider's pace the run is what users meet against Bifrost: webhook retries at whole seconds
(``--webhook-backoff-scale 1``), the suite's default quiet window (``BIFROST_WEBHOOK_QUIET`` 8 s) and
``ASYNC_EXPIRY_TTL`` at its default 10 s; at 0 it is the quick start (the ``run`` defaults, 2 s). For each
latency and set-up it reports the wall time, the longest single test of that same run, the sum of
all test times, wall / longest, the CPU time of the run, the Robot processes it started, polls per
job and how long after a job ended the poll that saw it came (from the suite's journey lines), and
the peak memory of each Robot process. It measures; it asserts nothing. Results go to the console and to
results/benchmark-suite.md.

Usage: python benchmarks/bench_suite.py [--job-latency 0 --job-latency 1500ms ...]
       [--processes 8 --processes 16 ...] [--serial] [--expiry-ttl 2s] [--repeat N]
       [--ordering FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from robot.api import ExecutionResult

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PABOT = [PY, "-m", "pabot.pabot", "--pabotconsole", "none"]
ROBOT_OPTIONS = ["--argumentfile", "robot.args", "--console", "none", "--log", "NONE", "--report", "NONE"]

SERIAL = "robot, serial"


def fake_pace(latency: str) -> bool:
    return latency in ("0", "0s", "0ms")


def setup_command(setup: str, latency: str, ordering: str | None = None) -> list[str]:
    """``robot, serial`` or ``pabot N`` with the README's schedule: ``quickstart.ordering`` for the
    fake's own pace, ``suites.ordering`` for a provider's (or ``ordering``)."""
    if setup == SERIAL:
        return [PY, "-m", "robot", *ROBOT_OPTIONS]
    ordering = ordering or ("quickstart.ordering" if fake_pace(latency) else "suites.ordering")
    pabot = [*PABOT, "--testlevelsplit", "--processes", setup.split()[1], "--ordering", ordering]
    return [*pabot, *ROBOT_OPTIONS]


JOURNEY = re.compile(
    r"\bin (?P<seconds>[0-9.]+) s \((?P<polls>\d+) polls?"
    r"(, seen (?P<after>-?[0-9.]+) s after completed_at)?\)"
)


@dataclass
class Measurement:
    latency: str
    setup: str
    wall: float
    critical_path: float
    critical_test: str
    test_sum: float
    cpu: float
    processes: int
    tests: int
    failed: int
    polls_per_job: float
    seen_after: float
    peak_rss_mb: float


class RobotMemoryWatcher:
    """Samples the peak resident memory (VmHWM) of every Robot process while a run lasts."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> RobotMemoryWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    cmdline = (status.parent / "cmdline").read_bytes()
                    head = b" ".join(cmdline.split(b"\0")[:3])
                    if self.marker.encode() not in cmdline or b"robot" not in head:
                        continue
                    if b"fakegateway" in head or b"pabot" in head:
                        continue
                    for line in status.read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            kb = int(line.split()[1])
                            pid = int(status.parent.name)
                            self.peaks[pid] = max(self.peaks.get(pid, 0), kb)
                except (OSError, ValueError):
                    continue


def measure(setup: str, expiry_ttl: str | None, latency: str, ordering: str | None = None) -> Measurement:
    out_dir = Path(tempfile.mkdtemp(prefix="bench-suite-"))
    env = {**os.environ, "TMPDIR": str(out_dir)}
    pace = ["--job-latency", latency]
    if fake_pace(latency):
        env["ASYNC_EXPIRY_TTL"] = expiry_ttl or "2s"
    else:  # Bifrost's whole-second retries and the suite's own quiet window and expiry TTL
        env.update(ASYNC_EXPIRY_TTL=expiry_ttl or "10s", BIFROST_WEBHOOK_QUIET="8s")
        pace += ["--webhook-backoff-scale", "1"]
    command = [PY, "-m", "fakegateway", "run", *pace, "--",
               *setup_command(setup, latency, ordering), "--outputdir", str(out_dir), "suites"]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with RobotMemoryWatcher(str(out_dir)) as watcher:
        subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    result = ExecutionResult(str(out_dir / "output.xml"))
    tests = list(result.suite.all_tests)
    longest = max(tests, key=lambda t: t.elapsed_time.total_seconds())
    journeys = [j for message in _messages(result) if (j := JOURNEY.search(message))]
    seen = [float(j["after"]) for j in journeys if j["after"] is not None]
    return Measurement(
        latency=latency,
        setup=setup,
        wall=wall,
        critical_path=longest.elapsed_time.total_seconds(),
        critical_test=longest.name,
        test_sum=sum(t.elapsed_time.total_seconds() for t in tests),
        cpu=cpu,
        processes=len(list((out_dir / "pabot_results").glob("*"))) or 1,
        tests=len(tests),
        failed=sum(t.status == "FAIL" for t in tests),
        polls_per_job=statistics.mean(int(j["polls"]) for j in journeys) if journeys else 0.0,
        seen_after=statistics.median(seen) if seen else 0.0,
        peak_rss_mb=max(watcher.peaks.values(), default=0) / 1024,
    )


def _messages(result: ExecutionResult) -> list[str]:
    found: list[str] = []

    def walk(item: object) -> None:
        for child in getattr(item, "body", ()):
            message = getattr(child, "message", None)
            if isinstance(message, str) and getattr(child, "type", "") == "MESSAGE":
                found.append(message)
            walk(child)
        for fixture in ("setup", "teardown"):
            part = getattr(item, fixture, None)
            if part:
                walk(part)

    for test in result.suite.all_tests:
        walk(test)
    return found


def table(rows: list[Measurement]) -> str:
    lines = [
        "| job latency | set-up | wall s | longest test s | sum of tests s | wall / longest | CPU s "
        "| Robot processes | tests (failed) | polls per job | seen after end s (median) "
        "| peak MB per Robot process |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in rows:
        lines.append(
            f"| {m.latency} | {m.setup} | {m.wall:.1f} | {m.critical_path:.1f} | {m.test_sum:.0f} "
            f"| {m.wall / m.critical_path:.2f} | {m.cpu:.1f} | {m.processes} | {m.tests} ({m.failed}) "
            f"| {m.polls_per_job:.2f} | {m.seen_after:.2f} | {m.peak_rss_mb:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--job-latency", action="append", help="fake job latency (repeatable; default 0)")
    parser.add_argument(
        "--processes", action="append", type=int, help="pabot processes (repeatable; default 8)"
    )
    parser.add_argument("--serial", action="store_true", help="also run robot serially")
    parser.add_argument(
        "--expiry-ttl", help="ASYNC_EXPIRY_TTL for the runs (default 2s at the fake's pace, else 10s)"
    )
    parser.add_argument("--ordering", help="pabot's ordering file (default: the README's for the pace)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per set-up; the median wall is kept")
    args = parser.parse_args(argv)
    setups = ([SERIAL] if args.serial else []) + [f"pabot {n}" for n in args.processes or [8]]
    rows = []
    for latency in args.job_latency or ["0"]:
        for setup in setups:
            runs = sorted(
                (measure(setup, args.expiry_ttl, latency, args.ordering) for _ in range(args.repeat)),
                key=lambda m: m.wall,
            )
            rows.append(runs[len(runs) // 2])
            m = rows[-1]
            print(f"latency {latency}, {setup}: {m.wall:.1f} s, longest {m.critical_path:.1f} s"
                  f" ({m.critical_test}), {m.cpu:.1f} CPU-s, {m.failed} failed", flush=True)  # fmt: skip
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine}; "
        f"ASYNC_EXPIRY_TTL={args.expiry_ttl or 'default'}; "
        f"median of {args.repeat} run(s).\n\n{table(rows)}\n"
    )
    print(text)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "benchmark-suite.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
