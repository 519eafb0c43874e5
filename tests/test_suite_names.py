"""Test names and tags are a contract: the suite has exactly the tests of tests/suite_tests.txt.

Reports, tag statistics, pabot's ordering file, the fault expectations and anyone's `--test` or
`--include` options refer to tests by short name and tag, so a rewrite of the suite must keep
every one. A test added on purpose goes into the baseline too:

    python tests/test_suite_names.py --update

A dry run of the suite (about a second, no gateway) gives the names and tags.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from suite_inventory import (
    BASELINE,
    ROOT,
    UPDATE_COMMAND,
    Entry,
    SuiteTest,
    baseline_lines,
    dry_run,
    format_entry,
    read_baseline,
    render,
)


def differences(baseline: set[Entry], actual: set[Entry]) -> list[str]:
    """Missing, extra and changed entries, one line each; a test whose tags changed is listed once."""
    missing = dict(sorted(baseline - actual))
    extra = dict(sorted(actual - baseline))
    changed = sorted(missing.keys() & extra.keys())
    lines = [f"  changed: {n}\n    baseline: {','.join(missing[n])}\n    suite:    {','.join(extra[n])}"
             for n in changed]  # fmt: skip
    lines += [f"  missing (in the baseline, not in the suite): {format_entry((n, t))}"
              for n, t in missing.items() if n not in extra]  # fmt: skip
    lines += [f"  extra (in the suite, not in the baseline): {format_entry((n, t))}"
              for n, t in extra.items() if n not in missing]  # fmt: skip
    return lines


def test_the_suite_has_exactly_the_baseline_tests_with_their_tags(suite_tests: list[SuiteTest]) -> None:
    problems = differences(read_baseline(), {t.entry for t in suite_tests})
    assert not problems, (
        f"the suite's test names or tags differ from {BASELINE.relative_to(ROOT)}:\n"
        + "\n".join(problems)
        + "\nA renamed test or a changed tag breaks reports, --test/--include options, suites.ordering and"
        " the fault expectations: keep them. If a test was added or changed on purpose, regenerate"
        f" the file with `{UPDATE_COMMAND}` and commit it."
    )


def test_test_names_are_unique(suite_tests: list[SuiteTest]) -> None:
    counts = Counter(t.name for t in suite_tests)
    duplicates = {name: n for name, n in counts.items() if n > 1}
    where = {name: sorted(str(t.source.relative_to(ROOT)) for t in suite_tests if t.name == name)
             for name in duplicates}  # fmt: skip
    assert not duplicates, "test names used more than once (short names must be unique):\n" + "\n".join(
        f"  {name}: {n} times, in {', '.join(where[name])}" for name, n in sorted(duplicates.items())
    )


def test_the_baseline_file_is_sorted_and_well_formed() -> None:
    lines = baseline_lines()
    assert lines, f"{BASELINE.name} is empty"
    assert lines == sorted(lines), f"{BASELINE.name} is not sorted; regenerate it with `{UPDATE_COMMAND}`"
    malformed = [
        line
        for line in lines
        if line.count("\t") != 1
        or not re.fullmatch(r"\S(.*\S)?", line.split("\t")[0])
        or list(parse_tags(line)) != sorted(set(parse_tags(line)))
    ]
    assert not malformed, f"lines that are not '<name>\\t<sorted,tags>' in {BASELINE.name}: {malformed[:10]}"
    names = Counter(line.split("\t")[0] for line in lines)
    assert [n for n, c in names.items() if c > 1] == [], f"a test name appears twice in {BASELINE.name}"


def test_every_tag_is_in_the_vocabulary(suite_tests: list[SuiteTest]) -> None:
    """The vocabulary is the tags robot.args documents with --tagdoc (they show in every report).

    `behaviour:<ID>` tags are the catalogue's (tests/behaviours.toml); test_behaviours.py checks them.
    """
    vocabulary = set(re.findall(r"^--tagdoc ([^:]+):", (ROOT / "robot.args").read_text(), re.MULTILINE))
    unknown: dict[str, list[str]] = {}
    for test in suite_tests:
        for tag in sorted(t for t in test.tags - vocabulary if not t.startswith("behaviour:")):
            unknown.setdefault(tag, []).append(test.name)
    assert not unknown, "tags without a --tagdoc in robot.args:\n" + "\n".join(
        f"  {tag}: {len(names)} test(s), e.g. {names[0]}" for tag, names in sorted(unknown.items())
    )


def parse_tags(line: str) -> list[str]:
    tags = line.partition("\t")[2]
    return tags.split(",") if tags else []


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--update", action="store_true", help=f"rewrite {BASELINE.relative_to(ROOT)} from a dry run"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tests = dry_run(Path(tmp)).tests
    if args.update:
        before = read_baseline()
        BASELINE.write_text(render(tests), encoding="utf-8")
        problems = differences(before, {t.entry for t in tests})
        status = "; changes:" if problems else ", unchanged"
        print(f"{BASELINE.relative_to(ROOT)}: {len(tests)} tests{status}")
        for line in problems:
            print(line)
        return 0
    problems = differences(read_baseline(), {t.entry for t in tests})
    print("\n".join(problems) or f"the suite matches {BASELINE.relative_to(ROOT)} ({len(tests)} tests)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
