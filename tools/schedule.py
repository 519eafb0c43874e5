"""Write pabot's ordering file from the test durations of earlier runs.

    python tools/schedule.py results/output.xml [more output.xml ...] --processes 16 --update suites.ordering

Durations accumulate: the ordering's durations file (`suites.ordering.durations`, beside it) keeps
every test's last measured duration, so a run of a few tests updates those and keeps the others;
tests no longer in the suite drop out, new tests without a measurement get the median duration.

The longest tests go first, each alone; the rest are packed into `{ }` groups of even total time,
longest groups first. Each group is one Robot process, and a Robot process costs about 0.6 CPU-s
to start, so small tests are grouped rather than run one per process. The grouping is chosen by
simulating pabot's queue (each process takes the next item when it is free) for several group
sizes and keeping the one that finishes first. With several outputs, a test's duration is its
longest one.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from robot.api import ExecutionResult, ResultVisitor

# Seconds a pabot item costs besides its tests: starting Robot, the suite setup and teardown.
ITEM_OVERHEAD = 1.0
# CPU seconds a pabot item costs (Robot's start, the suite setup and teardown, the output merge),
# as measured on 2 busy cores.
ITEM_CPU = 1.5
# Seconds a suite costs a process the first time it runs there (parsing, its setup).
SUITE_COST = 0.3


@dataclass
class Item:
    tests: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.tests)

    def lines(self) -> list[str]:
        tests = [f"--test {name}" for name, _ in self.tests]
        return tests if len(tests) == 1 else ["{", *tests, "}"]


class _Durations(ResultVisitor):  # type: ignore[misc]
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def visit_test(self, test: object) -> None:
        name = str(test.full_name)  # type: ignore[attr-defined]
        elapsed = float(test.elapsed_time.total_seconds())  # type: ignore[attr-defined]
        self.seconds[name] = max(elapsed, self.seconds.get(name, 0.0))


def durations(outputs: Sequence[Path]) -> dict[str, float]:
    found: dict[str, float] = {}
    for output in outputs:
        visitor = _Durations()
        ExecutionResult(str(output)).visit(visitor)
        for name, seconds in visitor.seconds.items():
            found[name] = max(seconds, found.get(name, 0.0))
    return found


def makespan(items: Sequence[Item], processes: int, overhead: float = ITEM_OVERHEAD) -> float:
    """When the last process finishes, if each free process takes the next item in order."""
    free = [0.0] * processes
    for item in items:
        start = heapq.heappop(free)
        heapq.heappush(free, start + item.seconds + overhead)
    return max(free)


def _suite(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _new_suite_cost(group: Item, name: str) -> float:
    """A group that has no test of this test's suite yet pays for that suite's setup again."""
    return 0.0 if any(_suite(other) == _suite(name) for other, _ in group.tests) else SUITE_COST


def plan(seconds: dict[str, float], alone_from: float, groups: int) -> list[Item]:
    """Tests of at least `alone_from` seconds alone, longest first; the rest packed (longest first,
    into the emptiest group) into `groups` groups, longest group first."""
    ordered = sorted(seconds.items(), key=lambda pair: (-pair[1], pair[0]))
    alone = [Item([pair]) for pair in ordered if pair[1] >= alone_from]
    packed = [Item() for _ in range(groups)]
    for pair in (pair for pair in ordered if pair[1] < alone_from):
        min(packed, key=lambda g: g.seconds + _new_suite_cost(g, pair[0])).tests.append(pair)
    return alone + sorted((g for g in packed if g.tests), key=lambda g: -g.seconds)


def best_plan(seconds: dict[str, float], processes: int) -> tuple[list[Item], float]:
    """The plan pabot's queue would finish first (fewest items on a tie): either groups only, or
    the tests of a third, half or three quarters of the longest or more alone and the rest in up
    to two groups per process. Long waits against few processes favour running alone; the CPU of
    starting many Robot processes on few cores favours groups."""
    longest = max(seconds.values())
    cores = os.cpu_count() or 1
    scored = []
    for share in (math.inf, 0.75, 0.5, 0.33):
        for groups in range(1, 2 * processes + 1):
            items = plan(seconds, share * longest, groups)
            # Starting Robot is CPU work: on few cores, many items cost more than their waits save.
            wall = max(makespan(items, processes), len(items) * ITEM_CPU / cores)
            # On a tie: fewer items, then the long tests alone (a group ends no sooner than its
            # longest test, and that one starts only when the group does).
            scored.append((round(wall, 1), len(items), math.isinf(share), items))
    wall, _count, _grouped, items = min(scored, key=lambda row: row[:3])
    return items, wall


def read_durations(path: Path) -> dict[str, float]:
    """`<seconds>\t<full test name>` lines, as `write_durations` writes them."""
    if not path.exists():
        return {}
    rows = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {name: float(seconds) for seconds, name in rows}


def write_durations(path: Path, seconds: dict[str, float]) -> None:
    path.write_text("".join(f"{s:.2f}\t{n}\n" for n, s in sorted(seconds.items())), encoding="utf-8")


def suite_tests() -> list[str]:
    """Every test's full name, from a dry run of suites/ (about a second, no gateway)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from suite_inventory import dry_run

    with tempfile.TemporaryDirectory() as tmp:
        return [t.full_name for t in dry_run(Path(tmp)).tests]


def merge(known: dict[str, float], measured: dict[str, float], tests: list[str]) -> dict[str, float]:
    """Every current test's duration: measured now, else known before, else the median."""
    both = {**known, **measured}
    median = statistics.median(both.values()) if both else 1.0
    return {name: both.get(name, median) for name in tests}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outputs", nargs="+", type=Path, help="output.xml files of earlier runs")
    parser.add_argument("--processes", type=int, default=8, help="pabot processes the schedule is for")
    parser.add_argument(
        "--update", type=Path, required=True, metavar="ORDERING",
        help="the ordering file to rewrite (its durations file beside it keeps the tests a run did not see)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    measured = durations(args.outputs)
    if not measured:
        parser.error("no tests in the given outputs")
    store = args.update.with_name(args.update.name + ".durations")
    known = read_durations(store)
    tests = suite_tests()
    seconds = merge(known, measured, tests)
    items, wall = best_plan(seconds, args.processes)
    args.update.write_text(
        "\n".join(line for item in items for line in item.lines()) + "\n", encoding="utf-8"
    )
    write_durations(store, seconds)
    now = sum(1 for name in tests if name in measured)
    kept = sum(1 for name in tests if name in known and name not in measured)
    longest, total = max(seconds.values()), sum(seconds.values())
    print(
        f"{args.update}: {len(seconds)} tests ({now} measured now, {kept} kept from {store.name},"
        f" {len(tests) - now - kept} new at the median) in {len(items)} items for {args.processes}"
        f" processes; longest test {longest:.1f} s, all tests {total:.1f} s, simulated wall {wall:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
