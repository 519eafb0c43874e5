"""Benchmark the fake gateway: N jobs submitted and polled to the end by many concurrent clients.

Starts `python -m fakegateway serve` on a free loopback port (or uses --url), drives it with an
aiohttp client, and prints median/p95/p99 request latency and jobs per second. It measures and
never asserts: timings depend on the machine.

Usage: python benchmarks/bench_fakegateway.py [--jobs 2000] [--clients 64] [--poll-interval 0.025]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
BODY = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello in one word."}]}
SUBMIT = "/v1/async/chat/completions"


@dataclass
class Tally:
    submit_ms: list[float] = field(default_factory=list)
    poll_ms: list[float] = field(default_factory=list)
    completed: int = 0
    failed: int = 0
    errors: int = 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def one_job(session: aiohttp.ClientSession, url: str, poll_interval: float, tally: Tally) -> None:
    started = time.perf_counter()
    async with session.post(url + SUBMIT, json=BODY) as response:
        body = await response.json()
    tally.submit_ms.append((time.perf_counter() - started) * 1000)
    if response.status != 202:
        tally.errors += 1
        return
    job_url = f"{url}{SUBMIT}/{body['id']}"
    while True:
        await asyncio.sleep(poll_interval)  # the polling cadence a client would use
        started = time.perf_counter()
        async with session.get(job_url) as response:
            body = await response.json()
        tally.poll_ms.append((time.perf_counter() - started) * 1000)
        if response.status == 200:
            if body["status"] == "completed":
                tally.completed += 1
            else:
                tally.failed += 1
            return
        if response.status != 202:
            tally.errors += 1
            return


async def drive(url: str, jobs: int, clients: int, poll_interval: float) -> tuple[Tally, float]:
    tally = Tally()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(jobs):
        queue.put_nowait(index)

    async def client(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            queue.get_nowait()
            await one_job(session, url, poll_interval, tally)

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        return tally, time.perf_counter() - started


def start_gateway() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fakegateway", "serve", "--port", "0", "--log-file", "/dev/null"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"serving on (http://\S+)", line)
    if not match:
        process.kill()
        raise SystemExit(f"the gateway did not start: {line.strip()}")
    return process, match.group(1)


def report(tally: Tally, seconds: float, jobs: int, clients: int) -> str:
    requests = tally.submit_ms + tally.poll_ms
    lines = [
        f"{jobs} jobs, {clients} concurrent clients, {len(requests)} requests in {seconds:.2f} s",
        f"jobs/s: {tally.completed / seconds:.0f} completed ({tally.failed} failed, {tally.errors} errors)",
        f"requests/s: {len(requests) / seconds:.0f}",
    ]
    for name, values in (("all", requests), ("submit", tally.submit_ms), ("poll", tally.poll_ms)):
        if values:
            lines.append(
                f"{name:>6} latency ms: median {statistics.median(values):.2f}  "
                f"p95 {percentile(values, 0.95):.2f}  p99 {percentile(values, 0.99):.2f}  "
                f"max {max(values):.2f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--poll-interval", type=float, default=0.025, metavar="SECONDS")
    parser.add_argument("--url", help="benchmark a running gateway instead of starting one")
    args = parser.parse_args(argv)
    process = None
    url = args.url
    if url is None:
        process, url = start_gateway()
    try:
        tally, seconds = asyncio.run(drive(url, args.jobs, args.clients, args.poll_interval))
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
    print(report(tally, seconds, args.jobs, args.clients))
    return 0 if tally.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
