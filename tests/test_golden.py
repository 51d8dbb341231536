"""The golden site builds to the golden output tree, every file of it.

When a change to the pages is deliberate, regenerate the tree with
`.venv/bin/python tests/golden/regenerate.py` and review its diff like code.
"""

from __future__ import annotations

import json
from pathlib import Path

from mlguide.editor import cms

from .conftest import tree_bytes
from .golden.regenerate import GOLDEN, build_golden

MANIFEST = ".mlguide-manifest.json"


def without_keys(manifest: bytes) -> dict[str, object]:
    """A manifest's files, sizes and hashes: its keys digest the engine's own code as well."""
    files = json.loads(manifest)["files"]
    return {path: {k: v for k, v in entry.items() if k != "key"} for path, entry in files.items()}


def test_the_golden_site_builds_to_the_golden_tree(tmp_path: Path) -> None:
    assert build_golden(tmp_path / "output") == 0
    built, golden = tree_bytes(tmp_path / "output"), tree_bytes(GOLDEN / "output")
    assert built.pop(cms.BUNDLE_OUTPUT) == cms.bundle(), "the vendored editor, as pinned"
    assert sorted(built) == sorted(golden), "the same files"
    assert without_keys(built.pop(MANIFEST)) == without_keys(golden.pop(MANIFEST))
    different = [path for path in golden if built[path] != golden[path]]
    assert not different, f"regenerate the golden tree if this is meant: {different}"
