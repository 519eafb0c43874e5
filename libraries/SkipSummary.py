"""Skips said out loud: a pre-Rebot modifier (``--prerebotmodifier libraries/SkipSummary.py``, in
robot.args) that groups the run's skips by reason, with counts, into the top suite's ``Skipped Tests``
metadata and the console's last lines. It sees the whole result: robot's, the one pabot merges from
every process, or rebot's when given the same option (the output.xml robot or pabot wrote has none).
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from robot.api import SuiteVisitor

_INHERITED = ("Skipped in parent suite setup:\n", "Skipped in suite setup:\n")


def skip_reasons(suite: Any) -> list[str]:
    """``<count> skipped: <reason>`` per distinct reason, the most frequent first."""
    reasons = Counter(
        " ".join(test.message.removeprefix(_INHERITED[0]).removeprefix(_INHERITED[1]).split()) or "no reason"
        for test in suite.all_tests
        if test.status == "SKIP"
    )
    return [f"{count} skipped: {reason}" for reason, count in reasons.most_common()]


class SkipSummary(SuiteVisitor):  # type: ignore[misc]
    def start_suite(self, suite: Any) -> bool:
        lines = skip_reasons(suite)
        suite.metadata["Skipped Tests"] = "\n".join(f"- {line}" for line in lines) or "none"
        writer = sys.modules.get("pabot.writer")  # under pabot, its console writer keeps the order
        if lines and writer is not None and getattr(writer, "_writer_instance", None) is not None:
            for line in lines:
                writer.get_writer().write(line)
        elif lines:
            print("\n".join(lines), file=sys.__stdout__, flush=True)
        return False  # the top suite only
