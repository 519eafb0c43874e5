"""tools/schedule.py: the ordering file from measured durations (pure functions, no Robot run)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import schedule  # noqa: E402


def inventory() -> list[schedule.Test]:
    ttl = [schedule.Test(f"Top.Ttl.Expiry {n}", True, "Submit A Job", "Top") for n in range(3)]
    edges = [schedule.Test(f"Top.Edges.Edge {n}", True, "Run A Job And Poll It", "Top") for n in range(2)]
    hooks = [
        schedule.Test(f"Top.Webhooks.Quiet {n}", True, "Submit To An Endpoint", "Top.Webhooks")
        for n in range(4)
    ]
    own = [schedule.Test("Top.Webhooks.Read At Once", True), schedule.Test("Top.Slow.Watch", True)]
    fast = [schedule.Test(f"Top.Submit.Fast {n}", False) for n in range(40)]
    return [*ttl, *edges, *hooks, *own, *fast]


def durations() -> dict[str, float]:
    seconds = {test.name: 0.3 for test in inventory()}
    seconds.update({f"Top.Ttl.Expiry {n}": 11.0 for n in range(3)})
    seconds.update({f"Top.Edges.Edge {n}": 11.5 for n in range(2)})
    seconds.update({f"Top.Webhooks.Quiet {n}": 10.0 - n for n in range(4)})
    return {**seconds, "Top.Webhooks.Read At Once": 9.5, "Top.Slow.Watch": 3.0}


def test_long_waits_come_first_by_their_tags_whatever_was_measured() -> None:
    seconds = {name: 0.1 for name in durations()}  # a run that measured every test short
    lanes = schedule.lanes(inventory(), seconds)
    first = {name for lane in lanes[:4] for name, _ in lane.tests}
    assert {t.name for t in inventory() if t.long} <= {n for lane in lanes for n, _ in lane.tests}
    assert any(name.startswith("Top.Ttl") for name in first)


def test_tests_started_early_by_one_setup_share_a_lane_and_waiting_starts_do_not() -> None:
    lanes = schedule.lanes(inventory(), durations())
    where = {name: index for index, lane in enumerate(lanes) for name, _ in lane.tests}
    assert len({where[f"Top.Webhooks.Quiet {n}"] for n in range(4)}) == 1
    assert where["Top.Edges.Edge 0"] != where["Top.Edges.Edge 1"]
    assert {where[f"Top.Ttl.Expiry {n}"] for n in range(3)} <= {
        where["Top.Edges.Edge 0"],
        where["Top.Edges.Edge 1"],
    }
    assert where["Top.Webhooks.Read At Once"] not in {
        where["Top.Webhooks.Quiet 0"],
        where["Top.Edges.Edge 0"],
    }
    assert max(lane.seconds for lane in lanes) <= 11.5 + 0.01  # no lane beyond the longest wait
    assert sorted(where) == sorted(durations())


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
