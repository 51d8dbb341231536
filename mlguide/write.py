"""Write a build into a new tree beside the output folder, then swap it in.

The output folder therefore always holds one complete build, the old or the
new, even if the build is killed half way. The writer knows nothing of
cities or jobs: it takes bytes for relative paths, refuses to leave its tree,
and records each file in a manifest that later builds and `diff` read.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .graph import sha256_hex
from .problems import Refusal, visible
from .signature import MANIFEST_NAME
from .store import FileStat, Kept

_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths in one atomic step (Linux)
_AT_FDCWD = -100


class OutputRefused(Refusal):
    """The output folder given is one the build must not replace."""


class OutputFailed(Refusal):
    """The file system refused a write (disk full, permission denied, a name too long)."""

    exit_code = 3

    def report(self) -> str:
        return f"error: {visible(str(self))}"


@contextmanager
def writing(what: str) -> Iterator[None]:
    """The file system's refusal to write `what`, as one OutputFailed line."""
    try:
        yield
    except OSError as error:
        raise OutputFailed(f"cannot write {what}: {error.strerror or error}") from None


@dataclass(frozen=True)
class FileRecord:
    """One output file as the manifest records it."""

    path: str
    size: int
    sha256: str
    key: str = ""  # digest of the inputs that made it; lets the next build reuse it
    # inode, mtime_ns, ctime_ns of the file as the engine left it
    inode: tuple[int, int, int] | None = field(default=None, compare=False)

    def file_stat(self) -> FileStat:
        """What the engine records of the file it left, to trust it next time."""
        _, mtime, ctime = self.inode or (-1, -1, -1)
        return (self.size, mtime, ctime, self.sha256)


def _inode(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return (info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


def _safe_parts(path: str) -> tuple[str, ...]:
    """The parts of a path inside the output folder, as PurePosixPath(path).parts gives them.

    Split as text: the live and spare trees are checked file by file, 20,000 of them
    at 1,000 cities, and pathlib's parsing was a fifth of that.
    """
    parts = tuple(part for part in path.split("/") if part and part != ".")
    if path.startswith("/") or ".." in parts or not parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    return parts


class StagingTree:
    """The tree the next build is written into, beside the output folder.

    After a swap the previous build stays here as the spare, so the next build
    starts from a tree that is already almost right and writes only what
    changed. Its manifest is removed while it is being changed, so a tree left
    by a killed build is never trusted.
    """

    def __init__(self, root: Path, records: dict[str, FileRecord]) -> None:
        self.root = root
        self.records = records  # what the tree holds now, by path
        self._folders: set[Path] = set()  # made already: saves a stat per file at scale

    def target(self, path: str) -> Path:
        """Where `path` goes inside the tree; never outside it."""
        return self.root.joinpath(*_safe_parts(path))

    def _replace(self, path: str, put: Callable[[Path], object]) -> None:
        with writing(path):  # in a worker too: the name of the file is said, not just ENOSPC
            self._put(path, put)

    def _put(self, path: str, put: Callable[[Path], object]) -> None:
        target = self.target(path)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        if path not in self.records:  # nothing there yet: no one else can be reading it
            put(target)
            return
        # Never change a file in place: it may be a hard link shared with the live output.
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        put(temporary)
        os.replace(temporary, target)
        # rename() does nothing when both names are links to one file (POSIX): a file
        # linked in from the live tree may be the very one the spare tree already holds.
        if os.path.lexists(temporary):
            os.unlink(temporary)

    def write(self, path: str, data: bytes, key: str = "") -> FileRecord:
        """Write `data` at `path` and record it."""
        self._replace(path, lambda temporary: temporary.write_bytes(data))
        return FileRecord(path, len(data), sha256_hex(data), key, _inode(self.target(path)))

    def link(self, source_root: Path, record: FileRecord) -> FileRecord:
        """Hard-link an unchanged file from another build instead of writing it again."""
        source = source_root.joinpath(*_safe_parts(record.path))
        self._replace(record.path, lambda temporary: os.link(source, temporary))
        return replace(record, inode=_inode(self.target(record.path)))  # a link changes ctime

    def prune(self, keep: set[str]) -> None:
        """Remove the files (and emptied folders) that the new build does not have."""
        for path in sorted(set(self.records) - keep):
            target = self.target(path)
            target.unlink(missing_ok=True)
            for parent in target.parents:
                if parent == self.root or any(parent.iterdir()):
                    break
                parent.rmdir()

    def write_manifest(self, records: list[FileRecord]) -> None:
        files = {r.path: {"size": r.size, "sha256": r.sha256, "key": r.key}
                 for r in sorted(records, key=lambda r: r.path)}
        text = json.dumps({"generator": "mlguide", "files": files}, sort_keys=True,
                          separators=(",", ":"))
        self.write(MANIFEST_NAME, (text + "\n").encode())


def files_under(records: Mapping[str, FileRecord], folder: str) -> list[FileRecord]:
    """The records of the files in `folder` of a tree ('pagefind/guide'), by their paths."""
    return [record for path, record in records.items() if path.startswith(f"{folder}/")]


def read_manifest(path: Path) -> dict[str, FileRecord]:
    """A manifest file's records by path; empty when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {p: FileRecord(p, f["size"], f["sha256"], f.get("key", ""))
                for p, f in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _is_within(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def guard_output_folder(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder whose replacement would destroy something else."""
    out = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if _is_within(folder, out):
            raise OutputRefused(f"refusing to use {out} as the output folder: "
                                f"it is or contains {folder}")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"refusing to use {out} as the output folder: it is a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST_NAME).is_file():
        raise OutputRefused(f"refusing to replace {out}: it is not empty and no earlier build "
                            "wrote it (choose an empty or new folder)")


def trusted(root: Path, records: Mapping[str, FileRecord],
            files: Mapping[int, FileStat]) -> dict[str, FileRecord]:
    """The records of `root` whose files still hold what the manifest says.

    A file is trusted by its stat when its inode, size and mtime are those the
    engine left (`files`), else by hashing its bytes; one that matches neither
    (edited, or a tree that came from elsewhere) is left out, so it is made again.
    """
    kept = {}
    top = str(root)
    for path, record in records.items():
        try:
            target = os.path.join(top, *_safe_parts(path))
            info = os.lstat(target)
        except (OSError, ValueError):
            continue
        # One lstat: a regular file, not a link to one (nor a folder, a FIFO...).
        if not stat.S_ISREG(info.st_mode) or info.st_size != record.size:
            continue
        left = (record.size, info.st_mtime_ns, info.st_ctime_ns, record.sha256)
        if files.get(info.st_ino) != left and _sha256_of(target) != record.sha256:
            continue
        kept[path] = replace(record, inode=(info.st_ino, info.st_mtime_ns, info.st_ctime_ns))
    return kept


def _sha256_of(path: str) -> str:
    with open(path, "rb") as file:
        return sha256_hex(file.read())


def open_staging_tree(kept: Kept, files: Mapping[int, FileStat]) -> StagingTree:
    """The spare tree, with the files it can be trusted to hold; else a new empty one.

    It lives beside the output folder, on the same file system, so the swap is a rename.
    """
    root = kept.spare
    kept.root.mkdir(parents=True, exist_ok=True)
    records = read_manifest(root / MANIFEST_NAME)
    if root.is_symlink() or (root.exists() and not records):
        _remove(root)  # left by a killed build, or not ours: start afresh
    root.mkdir(exist_ok=True)
    (root / MANIFEST_NAME).unlink(missing_ok=True)  # untrusted until this build completes
    good = trusted(root, records, files)
    _remove_strays(root, root, set(good))
    return StagingTree(root, good)


def _remove_strays(root: Path, folder: Path, known: set[str]) -> None:
    """Delete what the tree holds beyond the trusted files: it could otherwise be published."""
    start = len(str(root)) + 1  # scandir's paths are the folder's and the name: 'root/a/b'
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                path = Path(entry.path)
                _remove_strays(root, path, known)
                if not any(path.iterdir()):
                    path.rmdir()
            elif entry.path[start:] not in known:
                os.unlink(entry.path)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


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
    """Make the staging tree the output folder in one step; the old build becomes the spare."""
    out = out.resolve()
    if not out.exists():
        os.rename(tree.root, out)
        return
    if _exchange(tree.root, out):
        return
    old = tree.root.with_name("old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(out, old)
    os.rename(tree.root, out)
    os.rename(old, tree.root)
