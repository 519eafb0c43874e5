"""The behaviour catalogue (tests/behaviours.toml): every confirmed statement of the contract is tested
and proven by a fault, no test names an unknown behaviour, and docs/conformance.md is current.

The slow half of the proof (each fault really fails its catchers) is the fault matrix
(test_fault_matrix.py), which also checks that the catchers tagged with the behaviour failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from suite_inventory import SuiteTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import behaviours  # noqa: E402
import fault_matrix  # noqa: E402


def test_the_catalogue_covers_every_section_of_the_contract() -> None:
    catalogue = behaviours.load_catalogue()
    sections = {b.section for b in catalogue}
    assert sorted(set(behaviours.SECTIONS) - sections, key=int) == [], "contract sections with no behaviour"


def test_every_confirmed_behaviour_is_tested_and_claimed_by_a_fault_and_every_tag_is_known(
    suite_tests: list[SuiteTest],
) -> None:
    found = behaviours.problems(
        behaviours.load_catalogue(),
        suite_tests,
        fault_matrix.load_expectations(),
    )
    assert found == [], "behaviour catalogue problems:\n" + "\n".join(found)


def test_the_conformance_document_is_current(suite_tests: list[SuiteTest]) -> None:
    _catalogue, _tests, rows = behaviours.current_rows(suite_tests)
    expected = behaviours.render_doc(rows)
    actual = behaviours.DOC.read_text(encoding="utf-8") if behaviours.DOC.exists() else ""
    assert actual == expected, "docs/conformance.md is out of date: run `python tools/behaviours.py doc`"


def test_the_readme_counts_are_current(suite_tests: list[SuiteTest]) -> None:
    _catalogue, _tests, rows = behaviours.current_rows(suite_tests)
    readme = behaviours.README.read_text(encoding="utf-8")
    assert behaviours.with_counts(readme, behaviours.render_counts(rows, suite_tests)) == readme, (
        "the counts in README.md are out of date: run `python tools/behaviours.py doc`"
    )


def test_a_behaviour_without_a_tagged_catcher_is_not_proven() -> None:
    b = behaviours.Behaviour("TTL-99", "6", "expires_at MUST be completed_at plus the TTL.")
    tagged = SuiteTest("T1", frozenset({"ttl", "behaviour:TTL-99"}), "S.T1", ROOT)
    other = SuiteTest("T2", frozenset({"ttl"}), "S.T2", ROOT)
    expectations = {"ttl-fault": fault_matrix.Expectation(names=("T2",), behaviours=("TTL-99",))}
    found = behaviours.problems([b], [tagged, other], expectations)
    assert any("not proven" in line for line in found)
    expectations = {"ttl-fault": fault_matrix.Expectation(names=("T1",), behaviours=("TTL-99",))}
    assert behaviours.problems([b], [tagged, other], expectations) == []


def test_an_unknown_behaviour_tag_and_a_statement_without_rfc_words_are_problems() -> None:
    b = behaviours.Behaviour("ENV-99", "2", "The id is a UUID.")
    stray = SuiteTest("T", frozenset({"behaviour:ENV-98", "behaviour:ENV-99"}), "S.T", ROOT)
    found = behaviours.problems([b], [stray], {})
    assert any("unknown behaviour ENV-98" in line for line in found)
    assert any("RFC 2119" in line for line in found)
