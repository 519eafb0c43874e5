"""The Robot suite's result-shape tests pass against the fake with chat and embeddings on Cohere and Mistral.

A result-shape test skips when its job does not complete, so each run checks that the selected tests
exist and passed (a skip here means the fake refused the model, as it once did).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from robot.api import ExecutionResult

# Test-name globs only: the suite's files and top-level name may change, its test names stay.
SELECTED = {
    "chat-completions": "*Chat Completions Job Result*",
    "embeddings": "*Embeddings Job Result*",
}
PAIRS = [
    ("mistral/mistral-small-latest", "cohere/embed-english-v3.0"),
    ("cohere/command-r-plus", "mistral/mistral-embed"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("chat_model", "embeddings_model"), PAIRS)
def test_result_shapes_pass_with_cohere_and_mistral_models(
    tmp_path: Path, chat_model: str, embeddings_model: str
) -> None:
    env = {
        **os.environ,
        "ASYNC_CHAT_COMPLETION_MODEL": chat_model,
        "ASYNC_EMBEDDINGS_MODEL": embeddings_model,
    }
    selection = [arg for glob in SELECTED.values() for arg in ("--test", glob)]
    command = [
        sys.executable, "-m", "fakegateway", "run", "--",
        sys.executable, "-m", "robot", "--pythonpath", ".",
        "--outputdir", str(tmp_path), "--output", "output.xml", "--log", "NONE", "--report", "NONE",
        *selection, "suites",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert (tmp_path / "output.xml").is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    tests = list(ExecutionResult(str(tmp_path / "output.xml")).suite.all_tests)
    for endpoint, glob in SELECTED.items():
        fragment = glob.strip("*")
        matching = [test for test in tests if fragment in test.name]
        assert len(matching) == 1, f"{glob} selected {[t.name for t in matching]}"
        (test,) = matching
        assert test.status == "PASS", f"{test.name} ({endpoint}): {test.status} {test.message}"
    assert done.returncode == 0, done.stdout[-2000:]
