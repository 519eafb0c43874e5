"""The fault matrix: the suite passes on the clean fake and catches every fault with its expected tests."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import behaviours  # noqa: E402
import fault_matrix  # noqa: E402


def test_every_fault_has_an_expectation_and_every_expectation_a_fault() -> None:
    faults = set(fault_matrix.list_faults())
    expected = set(fault_matrix.load_expectations())
    assert sorted(faults - expected) == [], "faults without expected catchers"
    assert sorted(expected - faults) == [], "expectations for faults the fake does not have"


def test_expectation_selects_by_name_glob_and_by_tag_combination() -> None:
    test = fault_matrix.TestResult("Chat Completions Job Reaches A Terminal State (global)", "FAIL",
                                   frozenset({"lifecycle", "global"}))  # fmt: skip
    assert fault_matrix.Expectation(names=("* Job Reaches A Terminal State *",)).selects(test)
    assert fault_matrix.Expectation(tags=("lifecycle&global",)).selects(test)
    assert not fault_matrix.Expectation(tags=("lifecycle&with-vk",)).selects(test)
    assert not fault_matrix.Expectation(names=("* Submit *",)).selects(test)


def test_a_fault_caught_only_by_unrelated_tests_is_not_detected() -> None:
    caught = fault_matrix.TestResult("TTL Test", "FAIL", frozenset())
    expected_but_passed = fault_matrix.TestResult("Lifecycle Test", "PASS", frozenset())
    run = fault_matrix.RunResult("some-fault", 1.0, 1, [caught, expected_but_passed])
    verdict = fault_matrix.judge(run, fault_matrix.Expectation(names=("Lifecycle Test",)))
    assert not verdict.detected
    assert verdict.unexpected == [caught]


def test_every_test_is_an_expected_catcher_of_some_fault_or_exempt() -> None:
    exempt = tomllib.loads((ROOT / "tests" / "catcher_exempt.toml").read_text(encoding="utf-8"))
    reasons = {entry["name"]: entry.get("why", "") for entry in exempt.get("exempt", [])}
    assert all(reasons.values()), "every exemption in tests/catcher_exempt.toml gives its reason (why)"
    tests = fault_matrix.inventory()
    unclaimed = fault_matrix.not_expected_anywhere(tests, fault_matrix.load_expectations())
    assert sorted(set(unclaimed) - set(reasons)) == [], (
        "tests no fault names as an expected catcher: name each under the fault that must fail it in"
        " tests/fault_expectations.toml (check with `python tools/fault_matrix.py --only FAULT`), or"
        " exempt it with a reason in tests/catcher_exempt.toml"
    )
    stale = sorted(set(reasons) - set(unclaimed))
    assert stale == [], (
        "exempt tests that are now expected catchers (or gone): remove them from catcher_exempt.toml"
    )


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_whole_matrix_detects_every_fault_and_no_false_failure(tmp_path: Path) -> None:
    faults = fault_matrix.list_faults()
    verdicts, _wall = fault_matrix.run_matrix(faults, workers=6, out_dir=tmp_path)
    clean = verdicts[0]
    assert clean.fault == fault_matrix.CLEAN
    assert clean.run.tests, f"the clean run produced no results: {clean.run.error}"
    assert [t.name for t in clean.run.failed] == [], "false failures on the clean gateway"
    problems = [f"{v.fault}: {v.run.error or _missed(v)}" for v in verdicts[1:] if not v.detected]
    assert problems == [], "undetected faults:\n" + "\n".join(problems)
    # Every confirmed behaviour of the catalogue is proven: a detected fault breaks it and failed a
    # test tagged with it (the fast test_behaviours.py checks the same statically).
    proven = fault_matrix.proven_behaviours(verdicts, fault_matrix.load_expectations())
    confirmed = [b.id for b in behaviours.load_catalogue() if b.confirmed]
    unproven = [bid for bid in confirmed if bid not in proven]
    assert unproven == [], "confirmed behaviours that no detected fault proves"


def _missed(verdict: fault_matrix.Verdict) -> str:
    if not verdict.expected:
        return "its expectation selects no test"
    return "expected tests did not fail: " + ", ".join(t.name for t in verdict.missed[:5])


def test_an_expectation_may_set_the_run_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "expectations.toml"
    table.write_text('[gone]\nenv = { BIFROST_EXPECT = "webhooks" }\ntags = ["webhooks"]\n[plain]\n')
    loaded = fault_matrix.load_expectations(table)
    assert (loaded["gone"].env, loaded["plain"].env) == ((("BIFROST_EXPECT", "webhooks"),), ())
    seen: dict[str, str] = {}

    def started(command: list[str], **options: Any) -> SimpleNamespace:
        seen.update(options["env"])
        return SimpleNamespace(returncode=252, stdout="", stderr="no output")

    monkeypatch.setattr(fault_matrix.subprocess, "run", started)
    outcome = fault_matrix.run_suite("gone", tmp_path, only=["A Test"], settings=loaded["gone"].env)
    assert outcome.error == "no output" and seen["BIFROST_EXPECT"] == "webhooks"
    assert seen["BIFROST_REQUIRE_GATEWAY"] == "1"  # over the matrix's own settings
