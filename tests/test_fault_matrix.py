"""The fault matrix: the suite passes on the clean fake and catches every fault with its expected tests."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

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
