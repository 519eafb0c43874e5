"""Build keyword documentation (libdoc HTML) for the keyword libraries and every resource.

Usage: python tools/build_docs.py [OUTPUT_DIR]   (default: docs/)
"""

from __future__ import annotations

import sys
from pathlib import Path

from robot.libdoc import libdoc

ROOT = Path(__file__).resolve().parent.parent


def sources() -> list[Path]:
    """Every keyword library (a class named like its module) and every resource file."""
    libraries = sorted(p for p in (ROOT / "libraries").glob("*Library.py"))
    resources = sorted((ROOT / "resources").glob("*.resource"))
    return [*libraries, *resources]


def build(output_dir: Path) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    written = []
    for source in sources():
        target = output_dir / f"{source.stem}.html"
        # libdoc returns 0 on success and prints its own one-line error otherwise.
        if libdoc(str(source), str(target), quiet=True) != 0:
            raise SystemExit(f"libdoc failed for {source.relative_to(ROOT)}")
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    output_dir = Path(argv[0]) if argv else ROOT / "docs"
    for path in build(output_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
