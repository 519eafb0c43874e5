"""Each resource file imports what it uses: alone in a suite of its own, every keyword of it resolves.

Robot looks keywords up in the namespace of the suite that runs them, so a resource that calls a
keyword of a file it does not import works as long as every suite using it happens to import that
file too: a coupling nobody sees until a new suite imports the resource alone. The dry run below
imports each resource alone and calls each of its keywords (Robot's dry run follows the calls).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from robot.running.builder import ResourceFileBuilder

ROOT = Path(__file__).resolve().parent.parent


def _suite_calling_every_keyword(resource: Path) -> str:
    lines = ["*** Settings ***", f"Resource    {resource}", "", "*** Test Cases ***"]
    for keyword in ResourceFileBuilder().build(resource).keywords:
        if keyword.embedded:
            continue
        required = [
            a for a in keyword.args if a.required and a.kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_NAMED")
        ]
        lines += [f"Call {keyword.name}", "    " + "    ".join([keyword.name, *["x"] * len(required)])]
    return "\n".join(lines) + "\n"


def _dry_run(resources: list[Path], where: Path) -> subprocess.CompletedProcess[str]:
    for resource in resources:
        (where / f"{resource.stem}.robot").write_text(_suite_calling_every_keyword(resource))
    command = [sys.executable, "-m", "robot", "--dryrun", "--pythonpath", str(ROOT)]
    command += ["--output", "NONE", "--report", "NONE", "--log", "NONE", str(where)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_every_resource_stands_alone(tmp_path: Path) -> None:
    outcome = _dry_run(sorted((ROOT / "resources").glob("*.resource")), tmp_path)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr


def test_a_resource_that_leans_on_another_import_is_found(tmp_path: Path) -> None:
    # The check can fail: Send Request lives in http.resource, which this resource does not import.
    leaning = tmp_path / "leaning.resource"
    leaning.write_text(
        "*** Keywords ***\nPoll The Root\n    ${r}=    Send Request    ${None}\n    RETURN    ${r}\n"
    )
    suites = tmp_path / "suites"
    suites.mkdir()
    outcome = _dry_run([leaning], suites)
    assert outcome.returncode != 0
    assert "No keyword with name 'Send Request' found" in outcome.stdout
