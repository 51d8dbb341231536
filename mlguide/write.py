"""Write a build into a new tree beside the output folder, then swap it in.

The output folder therefore always holds one complete build, the old or the
new, even if the build is killed half way. The writer knows nothing of
cities or jobs: it takes bytes for relative paths, refuses to leave its tree,
and records each file in a manifest that later builds and `diff` read.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

MANIFEST_NAME = ".mlguide-manifest.json"
_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths in one atomic step (Linux)
_AT_FDCWD = -100


class OutputRefused(Exception):
    """The output folder given is one the build must not replace."""

    exit_code = 2


@dataclass(frozen=True)
class FileRecord:
    """One output file as the manifest records it."""

    path: str
    size: int
    sha256: str
    key: str = ""  # digest of the inputs that made it; lets the next build reuse it


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    return relative


class StagingTree:
    """A new output tree being written; it becomes the output only when complete."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def target(self, path: str) -> Path:
        """Where `path` goes inside the tree; never outside it."""
        return self.root.joinpath(*_safe_relative(path).parts)

    def write(self, path: str, data: bytes, key: str = "") -> FileRecord:
        """Write `data` at `path` and record it."""
        target = self.target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return FileRecord(path, len(data), hashlib.sha256(data).hexdigest(), key)

    def reuse(self, previous_root: Path, record: FileRecord) -> FileRecord | None:
        """Hard-link an unchanged file from the previous build instead of rewriting it."""
        source = previous_root.joinpath(*_safe_relative(record.path).parts)
        target = self.target(record.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            return None
        return record

    def write_manifest(self, records: list[FileRecord]) -> None:
        files = {r.path: {"size": r.size, "sha256": r.sha256, "key": r.key}
                 for r in sorted(records, key=lambda r: r.path)}
        text = json.dumps({"generator": "mlguide", "files": files}, indent=1, sort_keys=True)
        (self.root / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")


def read_manifest(path: Path) -> dict[str, FileRecord]:
    """A manifest file's records by path; empty when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {p: FileRecord(p, f["size"], f["sha256"], f.get("key", ""))
                for p, f in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def check_unique_outputs(paths: list[str]) -> None:
    """Two pages may never claim one output path."""
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise ValueError(f"two outputs claim the same path: {path}")
        seen.add(path)


def _is_within(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def guard_output_folder(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder whose replacement would destroy something else."""
    out = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if _is_within(folder, out):
            raise OutputRefused(f"refusing to use {out} as the output folder: it is or contains {folder}")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"refusing to use {out} as the output folder: it is a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST_NAME).is_file():
        raise OutputRefused(f"refusing to replace {out}: it is not empty and no earlier build wrote "
                            "it (choose an empty or new folder)")


def new_staging_tree(out: Path) -> StagingTree:
    """An empty tree beside `out`, on the same file system so the swap is a rename."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_trees(out)
    root = out.parent / f".{out.name}.staging-{os.getpid()}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    return StagingTree(root)


def _remove_abandoned_trees(out: Path) -> None:
    """Delete staging trees that killed builds left behind."""
    for leftover in out.parent.glob(f".{out.name}.staging-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(second))


def publish(tree: StagingTree, out: Path) -> None:
    """Make the staging tree the output folder in one step, then drop the old build."""
    out = out.resolve()
    if not out.exists():
        os.rename(tree.root, out)
        return
    if _exchange(tree.root, out):
        shutil.rmtree(tree.root)  # now holds the old build
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(tree.root, out)
    shutil.rmtree(old)


def discard(tree: StagingTree) -> None:
    """Throw away an unfinished tree; the output folder is untouched."""
    shutil.rmtree(tree.root, ignore_errors=True)


def records_as_dicts(records: list[FileRecord]) -> list[dict[str, object]]:
    return [asdict(r) for r in records]
