"""Every column of a test table reaches every branch of its template keyword, and a value no branch names
fails.

A template keyword that branches on one column (``IF $visibility == 'hidden'``) must still pass every
other column on in each branch: a branch that dropped ``KEY_FORMAT`` would silently test the default
format for its rows. A branch that only fails (an unknown value in the table) needs no column; and where
branches choose between checks by a column, the last is that failing ELSE, so a misspelt value cannot
fall into another branch's check (a lone IF is a guard for some rows, not a choice).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from robot.api import TestSuite as RobotSuite
from robot.api import TestSuiteBuilder as SuiteBuilder
from robot.running.builder import ResourceFileBuilder
from robot.running.model import If

ROOT = Path(__file__).resolve().parent.parent


def _templates(suite: RobotSuite) -> Iterator[str]:
    for test in suite.tests:
        if test.template:
            yield test.template.lower()
    for child in suite.suites:
        yield from _templates(child)


def _keywords(suite: RobotSuite) -> Iterator[Any]:
    yield from suite.resource.keywords
    for child in suite.suites:
        yield from _keywords(child)


def _text(item: Any) -> str:
    """The names, arguments, assignments and conditions of an item and everything inside it."""
    parts: list[str] = []
    for attribute in ("name", "args", "assign", "condition", "values"):
        value = getattr(item, attribute, None)
        parts += [value] if isinstance(value, str) else [str(v) for v in value or ()]
    return " ".join(parts + [_text(child) for child in getattr(item, "body", None) or ()])


def _uses(text: str, name: str) -> bool:
    return (
        re.search(r"[$@&%]\{" + re.escape(name) + r"[}\[.]|\$" + re.escape(name) + r"\b", text, re.I)
        is not None
    )


def _only_fails(branch: Any) -> bool:
    return all(getattr(step, "name", "").lower() == "fail" for step in branch.body)


def dropped_columns() -> list[str]:
    suite = SuiteBuilder().build(str(ROOT / "suites"))
    keywords = {kw.name.lower(): kw for kw in _keywords(suite)}
    for path in sorted((ROOT / "resources").glob("*.resource")):
        keywords.update((kw.name.lower(), kw) for kw in ResourceFileBuilder().build(path).keywords)
    problems = []
    for name in sorted(set(_templates(suite))):
        keyword = keywords.get(name)
        if keyword is None:  # a library keyword: no branches to read
            continue
        outside = " ".join(_text(step) for step in keyword.body if not isinstance(step, If))
        for structure in (step for step in keyword.body if isinstance(step, If)):
            last, selects = (
                structure.body[-1],
                any(
                    _uses(branch.condition or "", argument.name)
                    for branch in structure.body
                    for argument in keyword.args
                ),
            )
            if selects and len(structure.body) > 1 and not (last.type == "ELSE" and _only_fails(last)):
                problems.append(
                    f"{keyword.name}: a table value no branch names must fail (an ELSE that fails)"
                )
            for branch in structure.body:
                if _only_fails(branch):
                    continue
                seen = f"{outside} {structure.body[0].condition} {_text(branch)}"
                problems += [
                    f"{keyword.name}: the {branch.type} branch ({branch.condition or 'no condition'})"
                    f" drops the column {argument.name}"
                    for argument in keyword.args
                    if not _uses(seen, argument.name)
                ]
    return problems


def test_every_column_of_a_table_reaches_every_branch() -> None:
    assert dropped_columns() == []


def test_a_dropped_column_is_found(tmp_path: Path) -> None:
    # The check itself can fail: a branch that forgets a column is reported.
    text = """*** Test Cases ***    A    B
Row
    [Template]    Branchy
    x    y

*** Keywords ***
Branchy
    [Arguments]    ${a}    ${b}
    IF    $a == 'x'
        Log    ${a}
    ELSE
        Fail    unknown
    END
"""
    assert _uses("Log ${b}", "b") and not _uses("Log ${bb}", "b")
    built = RobotSuite.from_string(text)
    keyword = built.resource.keywords[0]
    branch = keyword.body[0].body[0]
    assert not _uses(_text(branch), "b") and _only_fails(keyword.body[0].body[1])
