"""The keyword documentation builds for every library and resource."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_docs  # noqa: E402


def test_libdoc_builds_for_every_library_and_resource(tmp_path: Path) -> None:
    written = build_docs.build(tmp_path)
    names = {p.stem for p in written}
    resources = {p.stem for p in (ROOT / "resources").glob("*.resource")}
    assert "GatewayLibrary" in names
    assert resources <= names
    for page in written:
        assert page.stat().st_size > 10_000, f"{page.name} looks empty"
