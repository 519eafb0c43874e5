"""Write pabot's ordering file from the test durations of earlier runs.

    python tools/schedule.py results/output.xml [more output.xml ...] --processes 8 > suites.ordering

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
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from robot.api import ExecutionResult, ResultVisitor

# Seconds a pabot item costs besides its tests: starting Robot and the suite setup.
ITEM_OVERHEAD = 0.7
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


def plan(seconds: dict[str, float], processes: int, group_target: float) -> list[Item]:
    """Tests at least `group_target` long alone; the rest packed into groups of about that much."""
    ordered = sorted(seconds.items(), key=lambda pair: (-pair[1], pair[0]))
    alone = [Item([pair]) for pair in ordered if pair[1] >= group_target]
    rest = [pair for pair in ordered if pair[1] < group_target]
    count = max(1, round(sum(s for _, s in rest) / group_target)) if rest else 0
    groups = [Item() for _ in range(count)]
    for pair in rest:  # longest first into the emptiest group, counting a suite's setup once per group
        min(groups, key=lambda g: g.seconds + _new_suite_cost(g, pair[0])).tests.append(pair)
    items = alone + sorted((g for g in groups if g.tests), key=lambda g: -g.seconds)
    return items


def best_plan(seconds: dict[str, float], processes: int) -> tuple[list[Item], float]:
    longest = max(seconds.values())
    total = sum(seconds.values())
    shares = (longest, longest / 2, longest / 4, total / processes, total / (2 * processes))
    candidates = {round(max(0.2, share), 2) for share in (*shares, total / (4 * processes))}
    scored = []
    for target in sorted(candidates):
        items = plan(seconds, processes, target)
        scored.append((makespan(items, processes), target, items))
    wall, _target, items = min(scored, key=lambda row: (row[0], len(row[2])))
    return items, wall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outputs", nargs="+", type=Path, help="output.xml files of earlier runs")
    parser.add_argument("--processes", type=int, default=8, help="pabot processes the schedule is for")
    args = parser.parse_args(argv)
    seconds = durations(args.outputs)
    if not seconds:
        parser.error("no tests in the given outputs")
    items, wall = best_plan(seconds, args.processes)
    print("\n".join(line for item in items for line in item.lines()))
    longest, total = max(seconds.values()), sum(seconds.values())
    print(
        f"# {len(seconds)} tests in {len(items)} items for {args.processes} processes: longest test"
        f" {longest:.1f} s, all tests {total:.1f} s, simulated wall {wall:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
