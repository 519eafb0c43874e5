"""The `slow` marker: registered, and every test conftest marks from outside its module exists."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

from conftest import SLOW_ELSEWHERE

ROOT = Path(__file__).resolve().parent.parent


def test_slow_is_a_registered_marker() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("slow:") for m in options["markers"])
    assert "--strict-markers" in options["addopts"].split(), "a misspelt marker would go unnoticed"
    assert "-m" not in options["addopts"].split(), "plain `pytest` and CI must run the slow tests too"


def test_tests_marked_slow_by_conftest_exist() -> None:
    missing = [
        f"{module}::{name}"
        for module, names in SLOW_ELSEWHERE.items()
        for name in sorted(names)
        if not callable(getattr(importlib.import_module(module.removesuffix(".py")), name, None))
    ]
    assert not missing, f"conftest marks tests slow that no longer exist (renamed?): {missing}"
