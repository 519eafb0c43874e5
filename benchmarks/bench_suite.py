"""Benchmark the full suite against the fake gateway: serial robot versus pabot set-ups.

For each set-up it reports the wall time, the longest single test of that same run (the critical
path) and their ratio, the CPU time of the run, HTTP requests per job and polls per job (from the
gateway's request log and the suite's journey lines), and the peak memory of each Robot process.
It measures; it asserts nothing. Results go to the console and to results/benchmark-suite.md.

Usage: python benchmarks/bench_suite.py [--expiry-ttl 2s] [--only NAME]... [--repeat N]
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

SETUPS: dict[str, list[str]] = {
    "robot, serial": [PY, "-m", "robot", *ROBOT_OPTIONS],
    "pabot 2, ordering groups": [*PABOT, "--testlevelsplit", "--processes", "2", "--ordering",
                                 "suites.ordering", *ROBOT_OPTIONS],
    "pabot 4, ordering groups": [*PABOT, "--testlevelsplit", "--processes", "4", "--ordering",
                                 "suites.ordering", *ROBOT_OPTIONS],
    "pabot 6, ordering groups": [*PABOT, "--testlevelsplit", "--processes", "6", "--ordering",
                                 "suites.ordering", *ROBOT_OPTIONS],
    "pabot 8, ordering groups": [*PABOT, "--testlevelsplit", "--processes", "8", "--ordering",
                                 "suites.ordering", *ROBOT_OPTIONS],
    "pabot 4, by suite": [*PABOT, "--processes", "4", *ROBOT_OPTIONS],
}  # fmt: skip

JOURNEY = re.compile(r"\bin (?P<seconds>[0-9.]+) s \((?P<polls>\d+) polls?\)")
SUBMIT = re.compile(r"\bPOST /v1/async/\S+ 202\b")
POLL = re.compile(r"\bGET /v1/async/\S+/[^/\s]+ \d{3}\b")
ASYNC_REQUEST = re.compile(r"\b(GET|POST) /v1/async/")


@dataclass
class Measurement:
    setup: str
    wall: float
    critical_path: float
    critical_test: str
    cpu: float
    tests: int
    failed: int
    requests_per_job: float
    polls_per_fast_job: float
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


def measure(setup: str, expiry_ttl: str) -> Measurement:
    out_dir = Path(tempfile.mkdtemp(prefix="bench-suite-"))
    log_file = out_dir / "gateway.log"
    env = {**os.environ, "ASYNC_EXPIRY_TTL": expiry_ttl, "TMPDIR": str(out_dir)}
    command = [PY, "-m", "fakegateway", "run", "--log-file", str(log_file), "--",
               *SETUPS[setup], "--outputdir", str(out_dir), "suites"]  # fmt: skip
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
    fast = [int(j["polls"]) for j in journeys if float(j["seconds"]) <= 0.5]
    log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
    jobs = len(SUBMIT.findall(log))
    return Measurement(
        setup=setup,
        wall=wall,
        critical_path=longest.elapsed_time.total_seconds(),
        critical_test=longest.name,
        cpu=cpu,
        tests=len(tests),
        failed=sum(t.status == "FAIL" for t in tests),
        requests_per_job=len(ASYNC_REQUEST.findall(log)) / jobs if jobs else 0.0,
        polls_per_fast_job=statistics.mean(fast) if fast else 0.0,
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


def table(rows: list[Measurement], serial_wall: float | None) -> str:
    lines = [
        "| set-up | wall s | critical path s | wall / critical | vs serial | CPU s | tests (failed) "
        "| HTTP requests per job | polls per fast job | peak MB per Robot process |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in rows:
        speedup = f"{serial_wall / m.wall:.1f}×" if serial_wall else "–"
        lines.append(
            f"| {m.setup} | {m.wall:.1f} | {m.critical_path:.1f} | {m.wall / m.critical_path:.2f} "
            f"| {speedup} "
            f"| {m.cpu:.1f} | {m.tests} ({m.failed}) | {m.requests_per_job:.2f} | {m.polls_per_fast_job:.2f} "
            f"| {m.peak_rss_mb:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--expiry-ttl", default="2s", help="ASYNC_EXPIRY_TTL for the runs (default 2s)")
    parser.add_argument("--only", action="append", choices=sorted(SETUPS), help="run only this set-up")
    parser.add_argument("--repeat", type=int, default=1, help="runs per set-up; the median wall is kept")
    args = parser.parse_args(argv)
    rows = []
    for setup in args.only or list(SETUPS):
        runs = sorted((measure(setup, args.expiry_ttl) for _ in range(args.repeat)), key=lambda m: m.wall)
        rows.append(runs[len(runs) // 2])
        print(f"{setup}: {rows[-1].wall:.1f} s", flush=True)
    serial = next((m.wall for m in rows if m.setup == "robot, serial"), None)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine}; ASYNC_EXPIRY_TTL={args.expiry_ttl}; "
        f"median of {args.repeat} run(s).\n\n{table(rows, serial)}\n"
    )
    print(text)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "benchmark-suite.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
