"""tools/schedule.py: the ordering file from measured durations (pure functions, no Robot run)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import schedule  # noqa: E402


def durations() -> dict[str, float]:
    slow = {f"Top.Ttl.Expiry {n}": 12.0 for n in range(3)}
    fast = {f"Top.Submit.Fast {n}": 0.5 for n in range(40)}
    return {**slow, **fast, "Top.Webhooks.Retry": 10.0}


def test_the_longest_tests_come_first_each_alone_then_even_groups() -> None:
    items, _wall = schedule.best_plan(durations(), processes=8)
    alone = [item for item in items if len(item.tests) == 1]
    assert [item.tests[0][0] for item in items[:4]] == [
        "Top.Ttl.Expiry 0", "Top.Ttl.Expiry 1", "Top.Ttl.Expiry 2", "Top.Webhooks.Retry",
    ]  # fmt: skip
    assert all(item.seconds >= 10 for item in alone)
    groups = [item.seconds for item in items if len(item.tests) > 1]
    assert groups and max(groups) - min(groups) <= 0.5  # even total time
    assert sorted(name for item in items for name, _ in item.tests) == sorted(durations())


def test_the_simulated_wall_is_the_longest_test_when_processes_suffice() -> None:
    _items, wall = schedule.best_plan(durations(), processes=8)
    assert 12.0 <= wall <= 12.0 + 2 * schedule.ITEM_OVERHEAD


def test_makespan_follows_pabots_queue() -> None:
    items = [schedule.Item([("a", 4.0)]), schedule.Item([("b", 1.0)]), schedule.Item([("c", 1.0)])]
    assert schedule.makespan(items, processes=2, overhead=0.0) == 4.0
    assert schedule.makespan(items, processes=1, overhead=0.5) == 7.5


def test_ordering_lines_use_braces_for_groups_only() -> None:
    assert schedule.Item([("x", 1.0)]).lines() == ["--test x"]
    assert schedule.Item([("x", 1.0), ("y", 1.0)]).lines() == ["{", "--test x", "--test y", "}"]


def test_a_partial_run_keeps_the_durations_of_the_tests_it_did_not_see() -> None:
    known = {"Top.A": 12.0, "Top.B": 0.5, "Top.Gone": 3.0}
    merged = schedule.merge(known, {"Top.B": 0.7, "Top.Other": 9.0}, ["Top.A", "Top.B", "Top.New"])
    assert merged == {"Top.A": 12.0, "Top.B": 0.7, "Top.New": 6.0}  # New: the median of 12, 0.7, 3, 9


def test_durations_round_trip_through_their_file(tmp_path: Path) -> None:
    store = tmp_path / "x.ordering.durations"
    schedule.write_durations(store, {"Top.Suite.Test One (global)": 1.234, "Top.B": 2.0})
    assert schedule.read_durations(store) == {"Top.Suite.Test One (global)": 1.23, "Top.B": 2.0}
    assert schedule.read_durations(tmp_path / "missing") == {}


def test_the_shipped_orderings_schedule_exactly_the_suites_tests() -> None:
    tests = set(schedule.suite_tests())
    for ordering in ("suites.ordering", "quickstart.ordering"):
        lines = (ROOT / ordering).read_text(encoding="utf-8").splitlines()
        named = {line.removeprefix("--test ") for line in lines if line.startswith("--test ")}
        assert named == tests, f"{ordering}: run tools/schedule.py --update {ordering} (see README)"
        stored = schedule.read_durations(ROOT / f"{ordering}.durations")
        assert set(stored) == tests, f"{ordering}.durations is not current"
