"""What changed between two publications, from their manifests.

Every build records each output file's path, size and SHA-256 in
`.mlguide-manifest.json`. Comparing the manifest of the last publication with
the current output's tells a sync which files to upload and which to purge:

    + cities/newcastle/index.html
    ~ index.html
    - jobs/old-role/index.html
    1 added, 1 changed, 1 removed
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..problems import Refusal, display_path, visible
from ..signature import MANIFEST_NAME
from ..write import FileRecord

MARKERS = {"added": "+", "changed": "~", "removed": "-"}


class ManifestUnreadable(Refusal):
    """A manifest file that is missing or not one a build wrote: one line, exit status 2."""


def load_manifest(path: Path) -> dict[str, FileRecord]:
    """A manifest's records by path, or ManifestUnreadable saying why not."""
    if path.is_dir():
        path = path / MANIFEST_NAME
    where = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestUnreadable(f"{where}: no such manifest (build first, or give the "
                                 f"{MANIFEST_NAME} of an earlier build)") from None
    except (OSError, ValueError) as error:
        raise ManifestUnreadable(f"{where}: not a readable manifest ({error})") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or data.get("generator") != "mlguide":
        raise ManifestUnreadable(f"{where}: not a manifest written by mlguide")
    try:
        return {p: FileRecord(p, int(f["size"]), str(f["sha256"]), str(f.get("key", "")))
                for p, f in files.items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ManifestUnreadable(f"{where}: a file entry lacks its size or sha256") from None


@dataclass(frozen=True)
class ManifestDiff:
    """The paths added, changed (new bytes) and removed between two manifests, each sorted."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    @classmethod
    def between(cls, old: dict[str, FileRecord], new: dict[str, FileRecord]) -> ManifestDiff:
        both = old.keys() & new.keys()
        return cls(
            added=tuple(sorted(new.keys() - old.keys())),
            changed=tuple(sorted(p for p in both if (old[p].sha256, old[p].size)
                                 != (new[p].sha256, new[p].size))),
            removed=tuple(sorted(old.keys() - new.keys())),
        )

    def lines(self) -> list[str]:
        """One line per path, in path order, marked +, ~ or -; then the counts."""
        marked = [(path, MARKERS[kind]) for kind in MARKERS for path in getattr(self, kind)]
        counts = ", ".join(f"{len(getattr(self, kind))} {kind}" for kind in MARKERS)
        # visible(): a path is one line whatever it holds, so it cannot break out of the
        # pull request summary's code block (or a terminal) around these lines.
        return [f"{marker} {visible(path)}" for path, marker in sorted(marked)] + [counts]


def diff_manifests(old_manifest: Path, out: Path) -> ManifestDiff:
    """What the build in `out` changed since the build that wrote `old_manifest`."""
    return ManifestDiff.between(load_manifest(old_manifest), load_manifest(out / MANIFEST_NAME))
