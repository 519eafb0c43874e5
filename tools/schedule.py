"""Write pabot's ordering file from the test durations of earlier runs.

    python tools/schedule.py results/output.xml [more output.xml ...] --processes 16 --update suites.ordering

Durations accumulate: the ordering's durations file (`suites.ordering.durations`, beside it) keeps
every test's last measured duration, so a run of a few tests updates those and keeps the others;
tests no longer in the suite drop out, new tests without a measurement get the median duration.

Long waits are known by what the tests do, whatever a run measured: a test tagged `slow`,
`webhooks` or `requires-slow-model` waits long (a TTL, a quiet window, retries, a slow job). Each
`{ }` group is one Robot process (a *lane*), and the lanes of long waits come first:

- the tests whose jobs a suite setup starts early (resources/early.resource names their behaviour
  keywords) wait together, so those started by one setup share a lane (the top setup starts the
  webhook suites' jobs with its own); a start that itself waits for its job (`Run ...`) holds up
  that setup, so each such test gets a lane of its own;
- a long test that waits on its own (not started early) adds its whole time to a lane: it joins
  one that stays within the longest lane, else opens a new one;
- the other tests fill the lanes, least loaded first, within the longest lane, then new lanes.

Measured durations only size the lanes. With several outputs, a test's duration is its longest one.
"""

from __future__ import annotations

import argparse
import heapq
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from robot.api import ExecutionResult, ResultVisitor
from robot.running import ResourceFileBuilder, TestSuiteBuilder
from robot.utils import normalize

ROOT = Path(__file__).resolve().parent.parent
# Tags of the tests that wait long: TTL expiry, webhook quiet windows and retries, slow-model jobs.
LONG_WAIT_TAGS = frozenset({"slow", "webhooks", "requires-slow-model"})
REGISTRY = ROOT / "resources" / "early.resource"  # &{STARTED EARLY}: behaviour keyword=start keyword
# The suite setup whose jobs the top setup starts with its own (Start Jobs Early, webhook_suites).
STARTED_BY_THE_TOP = "preparethewebhooksuite"

# Seconds a pabot item costs besides its tests: starting Robot, the suite setup and teardown.
ITEM_OVERHEAD = 1.0


@dataclass
class Item:
    tests: list[tuple[str, float]] = field(default_factory=list)
    together: set[str] = field(default_factory=set)  # tests whose waits overlap (started early)

    @property
    def suites(self) -> set[str]:
        return {name.rsplit(".", 1)[0] for name, _ in self.tests}

    @property
    def seconds(self) -> float:
        overlapping = [s for n, s in self.tests if n in self.together]
        return max(overlapping, default=0.0) + sum(s for n, s in self.tests if n not in self.together)

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


def read_durations(path: Path) -> dict[str, float]:
    """`<seconds>\t<full test name>` lines, as `write_durations` writes them."""
    if not path.exists():
        return {}
    rows = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {name: float(seconds) for seconds, name in rows}


def write_durations(path: Path, seconds: dict[str, float]) -> None:
    path.write_text("".join(f"{s:.2f}\t{n}\n" for n, s in sorted(seconds.items())), encoding="utf-8")


@dataclass(frozen=True)
class Test:
    name: str
    long: bool  # tagged as a long wait
    start: str = ""  # its start keyword, when a suite setup starts its job early
    setup: str = ""  # the suite whose setup starts it


def inventory(root: Path = ROOT) -> list[Test]:
    """Every test of suites/: full name, whether it waits long, and who starts its job early."""
    registry = [v for v in ResourceFileBuilder().build(root / REGISTRY.relative_to(ROOT)).variables]
    pairs = [str(item).split("=", 1) for v in registry if v.name == "&{STARTED EARLY}" for item in v.value]
    starts = {_norm(behaviour): start for behaviour, start in pairs}
    found: list[Test] = []

    def walk(suite: object, setup: str) -> None:
        own = suite.setup.name and _norm(suite.setup.name) != STARTED_BY_THE_TOP  # type: ignore[attr-defined]
        setup = suite.full_name if own else setup  # type: ignore[attr-defined]
        for test in suite.tests:  # type: ignore[attr-defined]
            step = next(
                (starts[_norm(k.name)] for k in test.body if _norm(getattr(k, "name", "") or "") in starts),
                "",
            )
            long = bool({str(t).lower() for t in test.tags} & LONG_WAIT_TAGS)
            found.append(Test(test.full_name, long, step, setup if step else ""))
        for child in suite.suites:  # type: ignore[attr-defined]
            walk(child, setup)

    walk(TestSuiteBuilder().build(str(root / "suites")), "")
    return found


def _norm(name: str) -> str:  # as Robot matches keyword names (libraries/early.py does the same)
    return str(normalize(name, ignore="_"))


def suite_tests() -> list[str]:
    """Every test's full name (parsed from suites/, no run)."""
    return [test.name for test in inventory()]


def lanes(tests: Sequence[Test], seconds: dict[str, float], most: int | None = None) -> list[Item]:
    """The plan: lanes of long waits first (see the module's documentation), longest lane first; with
    `most`, no new lane past that many: a test that fits nowhere joins the least loaded lane."""
    lanes: list[Item] = []
    families: dict[str, list[Test]] = {}
    for test in (t for t in tests if t.long and t.start):
        families.setdefault(test.setup, []).append(test)
    for family in families.values():
        waiting = [t for t in family if t.start.lower().startswith("run ")]
        rest = sorted((t for t in family if t not in waiting), key=lambda t: -seconds[t.name])
        group = [Item() for _ in range(max(1, len(waiting)))]
        for index, test in enumerate([*waiting, *rest]):
            group[index % len(group)].tests.append((test.name, seconds[test.name]))
            group[index % len(group)].together.add(test.name)
        lanes += group
    alone = sorted((t for t in tests if t.long and not t.start), key=lambda t: -seconds[t.name])
    others = sorted((t for t in tests if not t.long), key=lambda t: -seconds[t.name])
    for test in [*alone, *others]:
        limit = max([seconds[test.name], *(lane.seconds for lane in lanes)])
        fits = [lane for lane in lanes if lane.seconds + seconds[test.name] <= limit + 0.01]
        # A lane that already runs the test's suite first: each suite a process enters costs its setup
        # (the webhook suites' receiver and endpoints above all).
        suite = test.name.rsplit(".", 1)[0]
        lane = min(fits, key=lambda lane: (suite not in lane.suites, lane.seconds)) if fits else None
        if lane is None and most is not None and len(lanes) >= most:
            lane = min(lanes, key=lambda lane: lane.seconds)
        if lane is None:
            lanes.append(lane := Item())
        lane.tests.append((test.name, seconds[test.name]))
        if test.start:
            lane.together.add(test.name)
    return sorted(lanes, key=lambda lane: -lane.seconds)


def merge(known: dict[str, float], measured: dict[str, float], tests: list[str]) -> dict[str, float]:
    """Every current test's duration: measured now, else known before, else the median."""
    both = {**known, **measured}
    median = statistics.median(both.values()) if both else 1.0
    return {name: both.get(name, median) for name in tests}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outputs", nargs="+", type=Path, help="output.xml files of earlier runs")
    parser.add_argument(
        "--processes",
        type=int,
        help="the pabot processes the schedule is for: at most that many lanes"
        " (default: as many lanes as the long waits need)",
    )
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
    found = inventory()
    tests = [test.name for test in found]
    seconds = merge(known, measured, tests)
    items = lanes(found, seconds, args.processes)
    processes = args.processes or len(items)
    wall = makespan(items, processes)
    args.update.write_text(
        "\n".join(line for item in items for line in item.lines()) + "\n", encoding="utf-8"
    )
    write_durations(store, seconds)
    now = sum(1 for name in tests if name in measured)
    kept = sum(1 for name in tests if name in known and name not in measured)
    longest, total = max(seconds.values()), sum(seconds.values())
    print(
        f"{args.update}: {len(seconds)} tests ({now} measured now, {kept} kept from {store.name},"
        f" {len(tests) - now - kept} new at the median) in {len(items)} lanes (pabot --processes"
        f" {len(items)}); longest test {longest:.1f} s, all tests {total:.1f} s, simulated wall"
        f" {wall:.1f} s with {processes} processes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
