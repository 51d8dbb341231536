#!/usr/bin/env python3
"""Rebuild the golden output tree from the golden site, after a deliberate change to the pages.

    .venv/bin/python tests/golden/regenerate.py

builds tests/golden/site/ with the project's templates and static files, on
the golden date, into tests/golden/output/ (replaced whole). Review the diff
like code: every changed byte is a change readers will see.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
ROOT = GOLDEN.parent.parent
TODAY = "2026-11-25"


def build_golden(out: Path) -> int:
    """Build the golden site into `out` as the command line does; its exit status."""
    sys.path.insert(0, str(ROOT))
    from mlguide.cli import main

    return main(["--content", str(GOLDEN / "site"), "--templates", str(ROOT / "templates"),
                 "--static", str(ROOT / "static"), "--out", str(out), "--today", TODAY])


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as work:
        built = Path(work) / "output"
        status = build_golden(built)
        if status == 0:
            shutil.rmtree(GOLDEN / "output", ignore_errors=True)
            # The browser editor's script is the vendored file itself (5 MB, checked by its
            # SHA-256 on every build): the manifest lists it, the tree need not hold it.
            shutil.copytree(built, GOLDEN / "output", ignore=lambda folder, names: [
                name for name in names if name.startswith("decap-cms-")])
    return status


if __name__ == "__main__":
    sys.exit(regenerate())
