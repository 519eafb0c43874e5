"""The behaviour catalogue: the contract's statements, the tests that check them, the faults that prove them.

`tests/behaviours.toml` lists the contract's statements with IDs; a Robot test names the behaviours
it checks with `behaviour:<ID>` tags; a fault of `tests/fault_expectations.toml` names the
behaviours it breaks (`behaviours = [...]`), and its expected catchers must include a test tagged
with each of them. This tool reads the three together.

Usage:
    python tools/behaviours.py check          problems of the catalogue, the tags and the faults
    python tools/behaviours.py doc            rewrite docs/conformance.md (the QA view), README counts
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

from fault_matrix import Expectation, TestResult, load_expectations  # noqa: E402
from suite_inventory import SuiteTest, dry_run  # noqa: E402

CATALOGUE = ROOT / "tests" / "behaviours.toml"
README = ROOT / "README.md"
COUNTS_BEGIN = "<!-- counts: written by `python tools/behaviours.py doc`; a self-test keeps them current -->"
COUNTS_END = "<!-- /counts -->"
DOC = ROOT / "docs" / "conformance.md"
TAG_PREFIX = "behaviour:"
ID_PATTERN = re.compile(r"^[A-Z]+-\d{2,3}$")
CHECKS = ("strict", "loose", "none")
SECTIONS = {
    "1": "Routes",
    "2": "Job envelope",
    "3": "HTTP status matrix",
    "4": "Error envelope",
    "5": "Validation",
    "6": "Storage, TTL and expiry",
    "7": "Virtual-key scoping",
    "8": "Integration routes",
    "9": "Async webhooks",
    "10": "Health",
}


@dataclass(frozen=True)
class Behaviour:
    id: str
    section: str
    statement: str
    confirmed: bool = True
    check: str = "strict"
    variants: tuple[str, ...] = ()
    note: str = ""

    @property
    def tag(self) -> str:
        return TAG_PREFIX + self.id


@dataclass
class Coverage:
    """One behaviour with the tests tagged with it and the faults that prove it."""

    behaviour: Behaviour
    tests: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # faults naming it whose catchers include a tagged test
    claimed_by: list[str] = field(default_factory=list)  # faults naming it at all

    @property
    def tested(self) -> bool:
        return bool(self.tests)

    @property
    def proven(self) -> bool:
        return bool(self.faults)


def load_catalogue(path: Path = CATALOGUE) -> list[Behaviour]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Behaviour(
            id=entry["id"],
            section=str(entry["section"]),
            statement=entry["statement"],
            confirmed=entry.get("confirmed", True),
            check=entry.get("check", "strict" if entry.get("confirmed", True) else "loose"),
            variants=tuple(entry.get("variants", ())),
            note=entry.get("note", ""),
        )
        for entry in data.get("behaviour", [])
    ]


def behaviour_ids(tags: frozenset[str] | set[str]) -> set[str]:
    """The behaviour IDs among tags (Robot tags ignore case: `behaviour:ttl-04` is TTL-04)."""
    return {tag[len(TAG_PREFIX) :].upper() for tag in tags if tag.lower().startswith(TAG_PREFIX)}


def coverage(
    catalogue: list[Behaviour], tests: list[SuiteTest], expectations: dict[str, Expectation]
) -> list[Coverage]:
    rows = {b.id: Coverage(b) for b in catalogue}
    for test in tests:
        for bid in behaviour_ids(test.tags):
            if bid in rows:
                rows[bid].tests.append(test.name)
    results = [TestResult(t.name, "FAIL", frozenset(t.tags)) for t in tests]
    for fault, expectation in sorted(expectations.items()):
        catchers = [r for r in results if expectation.selects(r)]
        for bid in expectation.behaviours:
            if bid not in rows:
                continue
            rows[bid].claimed_by.append(fault)
            if any(bid in behaviour_ids(r.tags) for r in catchers):
                rows[bid].faults.append(fault)
    return [rows[b.id] for b in catalogue]


def problems(
    catalogue: list[Behaviour], tests: list[SuiteTest], expectations: dict[str, Expectation]
) -> list[str]:
    """Everything wrong with the catalogue, the tags and the fault claims, one line each."""
    found: list[str] = []
    ids = Counter(b.id for b in catalogue)
    found += [f"{bid}: defined {n} times in the catalogue" for bid, n in ids.items() if n > 1]
    for b in catalogue:
        if not ID_PATTERN.match(b.id):
            found.append(f"{b.id}: an ID is LETTERS-NN")
        if b.section not in SECTIONS:
            found.append(f"{b.id}: unknown contract section {b.section!r}")
        if b.check not in CHECKS:
            found.append(f"{b.id}: check must be one of {', '.join(CHECKS)}")
        if b.confirmed and b.check != "strict":
            found.append(f"{b.id}: a confirmed behaviour is checked strictly")
        if not re.search(r"\b(MUST|MUST NOT|SHOULD|SHOULD NOT|MAY)\b", b.statement):
            found.append(f"{b.id}: the statement has no RFC 2119 keyword")
    known = set(ids)
    for test in tests:
        for bid in sorted(behaviour_ids(test.tags) - known):
            found.append(f"test {test.name!r} names unknown behaviour {bid}")
    for fault, expectation in sorted(expectations.items()):
        for bid in expectation.behaviours:
            if bid not in known:
                found.append(f"fault {fault} names unknown behaviour {bid}")
    for row in coverage(catalogue, tests, expectations):
        b = row.behaviour
        if b.check == "none" and row.tests:
            found.append(f"{b.id}: check = 'none' but tests are tagged with it")
        if not b.confirmed:
            continue
        if not row.tested:
            found.append(f"{b.id}: confirmed, but no test is tagged {b.tag}")
        elif not row.proven:
            why = (
                f"faults {', '.join(row.claimed_by)} name it; none of their catchers is tagged {b.tag}"
                if row.claimed_by
                else "no fault names it in tests/fault_expectations.toml"
            )
            found.append(f"{b.id}: confirmed, but not proven: {why}")
    return found


def render_doc(rows: list[Coverage]) -> str:
    confirmed = [r for r in rows if r.behaviour.confirmed]
    lines = [
        "# Conformance: every statement of the contract, its tests and its fault",
        "",
        "Generated by `python tools/behaviours.py doc` from `tests/behaviours.toml` (the statements),",
        "the suite's `behaviour:<ID>` tags (the tests) and `tests/fault_expectations.toml` (the faults",
        "of the fake gateway that break each behaviour and must fail its tests). Do not edit by hand;",
        "`tests/test_behaviours.py` fails when it is out of date.",
        "",
        "Select a behaviour's tests with `--include behaviour:TTL-04`, a whole area with",
        "`--include 'behaviour:TTL-*'`. *Proven* means a fault switch breaks the behaviour and its",
        "expected catchers include a test tagged with it; the fault matrix (`tools/fault_matrix.py`)",
        "runs the fault and checks that those tests fail.",
        "",
        "## Summary",
        "",
        "| section | behaviours | confirmed | tested | proven | unconfirmed (checked loosely / not at all) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for number, title in SECTIONS.items():
        section = [r for r in rows if r.behaviour.section == number]
        sure = [r for r in section if r.behaviour.confirmed]
        loose = sum(1 for r in section if not r.behaviour.confirmed and r.behaviour.check == "loose")
        none = sum(1 for r in section if not r.behaviour.confirmed and r.behaviour.check == "none")
        lines.append(
            f"| §{number} {title} | {len(section)} | {len(sure)} | {sum(r.tested for r in sure)} "
            f"| {sum(r.proven for r in sure)} | {loose} / {none} |"
        )
    lines.append(
        f"| **all** | **{len(rows)}** | **{len(confirmed)}** | **{sum(r.tested for r in confirmed)}** "
        f"| **{sum(r.proven for r in confirmed)}** "
        f"| **{sum(1 for r in rows if not r.behaviour.confirmed and r.behaviour.check == 'loose')} / "
        f"{sum(1 for r in rows if not r.behaviour.confirmed and r.behaviour.check == 'none')}** |"
    )
    for number, title in SECTIONS.items():
        lines += ["", f"## §{number} {title}", ""]
        for row in (r for r in rows if r.behaviour.section == number):
            b = row.behaviour
            state = (
                "confirmed"
                if b.confirmed
                else f"UNCONFIRMED, checked {'loosely' if b.check == 'loose' else 'not at all'}"
            )
            lines += [f"### {b.id}", "", f"{b.statement} ({state})", ""]
            for variant in b.variants:
                lines.append(f"- Variant: {variant}")
            if b.note:
                lines.append(f"- Note: {b.note}")
            faults = ", ".join(f"`{f}`" for f in row.faults) or (
                "none" if not b.confirmed else "**none: not proven**"
            )
            lines.append(f"- Fault: {faults}")
            if row.tests:
                lines.append(f"- Tests ({len(row.tests)}):")
                lines += [f"  - {name}" for name in sorted(row.tests)]
            else:
                lines.append("- Tests: none" + ("" if not b.confirmed else " (**not tested**)"))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_counts(rows: list[Coverage], tests: list[SuiteTest]) -> str:
    """The README's counts: tests by kind, behaviours, faults (never written by hand)."""
    from fakegateway.faults import FAULTS

    extended = sum(1 for t in tests if "extended" in t.tags)
    webhooks = sum(1 for t in tests if "webhooks" in t.tags and "extended" not in t.tags)
    upstream = len(tests) - extended - webhooks
    confirmed = [r for r in rows if r.behaviour.confirmed]
    return "\n".join(
        [
            COUNTS_BEGIN,
            "",
            "| what | count |",
            "|---|---:|",
            f"| Robot tests | {len(tests)} |",
            f"| upstream parity (one per upstream check, endpoint and mode) | {upstream} |",
            f"| beyond upstream (`suites/extended/`, tag `extended`) | {extended} |",
            f"| webhooks (`suites/webhooks*.robot`) | {webhooks} |",
            f"| contract behaviours ([docs/conformance.md](docs/conformance.md)) | {len(rows)} |",
            f"| confirmed behaviours, tested / proven by a fault | {len(confirmed)}: "
            f"{sum(r.tested for r in confirmed)} / {sum(r.proven for r in confirmed)} |",
            f"| fault switches of the fake gateway | {len(FAULTS)} |",
            "",
            COUNTS_END,
        ]
    )


def with_counts(readme: str, counts: str) -> str:
    """The README with its counts block replaced."""
    start, end = readme.find(COUNTS_BEGIN), readme.find(COUNTS_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no counts block ({COUNTS_BEGIN} ... {COUNTS_END})")
    return readme[:start] + counts + readme[end + len(COUNTS_END) :]


def current_rows(
    tests: list[SuiteTest] | None = None,
) -> tuple[list[Behaviour], list[SuiteTest], list[Coverage]]:
    catalogue = load_catalogue()
    if tests is None:
        with tempfile.TemporaryDirectory() as tmp:
            tests = dry_run(Path(tmp)).tests
    rows = coverage(catalogue, tests, load_expectations())
    return catalogue, tests, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="list problems; exit 1 if any")
    sub.add_parser("doc", help=f"rewrite {DOC.relative_to(ROOT)} and the README's counts")
    args = parser.parse_args(argv)
    catalogue, tests, rows = current_rows()
    if args.command == "doc":
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(render_doc(rows), encoding="utf-8")
        README.write_text(
            with_counts(README.read_text(encoding="utf-8"), render_counts(rows, tests)), encoding="utf-8"
        )
        print(f"{DOC.relative_to(ROOT)}: {len(rows)} behaviours; README.md counts: {len(tests)} tests")
        return 0
    found = problems(catalogue, tests, load_expectations())
    confirmed = [r for r in rows if r.behaviour.confirmed]
    print("\n".join(found))
    print(
        f"{len(rows)} behaviours, {len(confirmed)} confirmed: {sum(r.tested for r in confirmed)} tested, "
        f"{sum(r.proven for r in confirmed)} proven; {len(found)} problems"
    )
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
