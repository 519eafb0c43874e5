"""Sharding across machines or CI jobs: the shards together run every test exactly once.

Each shard runs as a CI job would: its own fake gateway, pabot with `--shard i/n` (split by
suite; pabot's shards cut `{ }` groups of an ordering file apart, so shards do not use one).
rebot then combines the shards' outputs into one report.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from robot.api import ExecutionResult
from suite_inventory import DryRun
from test_suite_runs import BIN, FAST, ROOT, clean_env, run, with_fake

SHARDS = 2


def shard_command(outdir: Path, index: int) -> list[str]:
    return [
        str(BIN / "pabot"), "--processes", "3", "--shard", f"{index}/{SHARDS}",
        "--argumentfile", str(ROOT / "robot.args"), "--pythonpath", str(ROOT),
        "--outputdir", str(outdir), str(ROOT / "suites"),
    ]  # fmt: skip


@pytest.mark.slow
def test_shards_run_every_test_exactly_once_and_merge_into_one_report(
    tmp_path: Path, suite_dry_run: DryRun
) -> None:
    # Long names from the same suite on both sides: whatever the top suite's name, they match.
    everything = {t.full_name for t in suite_dry_run.tests}
    assert len(everything) == len(suite_dry_run.tests), "two tests share a long name"

    outputs = []
    for index in range(1, SHARDS + 1):
        outdir = tmp_path / f"shard{index}"
        outdir.mkdir()
        shard = run(with_fake() + shard_command(outdir, index), clean_env(**FAST), outdir)
        assert shard.returncode == 0, shard.console[-3000:]
        outputs.append(outdir / "output.xml")

    ran = Counter(t.full_name for output in outputs for t in ExecutionResult(str(output)).suite.all_tests)
    assert [name for name, count in ran.items() if count > 1] == [], "tests run by more than one shard"
    assert sorted(everything - set(ran)) == [], "tests no shard ran"

    merged = tmp_path / "merged"
    done = subprocess.run(
        [sys.executable, "-m", "robot.rebot", "--outputdir", str(merged), "--output", "output.xml",
         "--name", suite_dry_run.suite_name, *map(str, outputs)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    combined = ExecutionResult(str(merged / "output.xml"))
    # Every test passes but those that need a gateway enforcing virtual keys (the fake does not).
    enforced = {t.full_name for t in combined.suite.all_tests if "requires-enforcement" in t.tags}
    assert combined.statistics.total.passed == len(everything) - len(enforced)
    assert combined.statistics.total.skipped == len(enforced)
    assert combined.statistics.total.failed == 0
    assert (merged / "report.html").exists() and (merged / "log.html").exists()
