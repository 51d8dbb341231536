"""What a build keeps for the next one, in one hidden folder beside the output.

    output/                   the published build
    .mlguide/output/lock      held while a build of output/ runs (opened without following links)
    .mlguide/output/spare/    the build before, patched into the next one and swapped in
    .mlguide/output/state.sqlite   validated records, rendered Markdown, the build log,
                                   and the files the engine wrote (their inode, size, mtime)
    .mlguide/output/signature.json the last build's stat of every input, for the no-op check
    .mlguide/output/links.json     what `check --external` found of outside links (external.py)

Everything kept is data (SQLite rows, JSON), never code, and is checked before
it is trusted: each row carries a digest of itself and a row that does not
match is dropped; a record is validated again by the content model before
use; a file in the spare or live tree is reused only if its inode, size and
mtime are those the engine left, or its bytes hash to what the manifest says.
A state folder holding anything else, or one that git tracks (a committed copy
could have come from anywhere), is refused or thrown away, never read.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .graph import Made, Settings, digest
from .problems import Refusal
from .signature import (
    MANIFEST_NAME,
    NO_STAT,
    SIGNATURE_NAME,
    STATE_FOLDER,
    Signature,
    Stat,
    index_stat,
    read_signature,
    signature_now,
    state_root,
    working_copy,
)

STATE_VERSION = "2"  # the tables' shape: another shape is thrown away, never read
_KNOWN_ENTRIES = frozenset({"lock", "spare", "old", "state.sqlite", "state.sqlite-journal",
                            "signature.json", "links.json"})  # links.json: external.py's

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, source TEXT NOT NULL,
                                    record TEXT NOT NULL, checked TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS markdown (text TEXT PRIMARY KEY, html TEXT NOT NULL,
                                     checked TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log (path TEXT PRIMARY KEY, key TEXT NOT NULL, reads TEXT NOT NULL,
                                checked TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (inode TEXT PRIMARY KEY, size INTEGER NOT NULL,
                                  mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
                                  sha256 TEXT NOT NULL, checked TEXT NOT NULL);
"""


class StateRefused(Refusal):
    """Kept state the build will not use: a linked lock, a folder that git tracks."""


@dataclass(frozen=True)
class Kept:
    """Where the state of one output folder is kept."""

    root: Path  # .mlguide/<output folder's name>, beside the output folder

    @classmethod
    def beside(cls, out: Path) -> Kept:
        return cls(state_root(out))

    @property
    def lock(self) -> Path:
        return self.root / "lock"

    @property
    def spare(self) -> Path:
        return self.root / "spare"

    @property
    def database(self) -> Path:
        return self.root / "state.sqlite"

    @property
    def signature(self) -> Path:
        return self.root / SIGNATURE_NAME

    @property
    def links(self) -> Path:
        return self.root / "links.json"


def refuse_if_tracked(kept: Kept) -> Stat:
    """Refuse state that git tracks: a committed copy may hold anything.

    Returns the stat of git's index taken before git was asked: while the index keeps it,
    the answer stands (signature.up_to_date).
    """
    top = kept.root.parent
    index = index_stat(top)
    repository = working_copy(top)
    if repository is None:
        return index
    try:  # without git on the PATH (OSError), nothing can be tracked
        listed = subprocess.run(["git", "-C", str(repository), "ls-files", "-z", "--",
                                 str(top.relative_to(repository))],
                                capture_output=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return index
    if listed:
        first = listed.split(b"\0")[0].decode(errors="replace")
        raise StateRefused(
            f"{top} is tracked by git ({first}, ...): the build keeps its own state there and "
            f"will not trust a committed copy; run: git rm -r --cached {first.split('/')[0]} "
            f"and add {STATE_FOLDER}/ to .gitignore")
    return index


@contextmanager
def build_lock(kept: Kept) -> Iterator[int]:
    """Hold the lock of one output folder: two builds of it wait for each other.

    The lock file is opened without following a symbolic link, so a lock that is
    a link (say, committed pointing at a file of yours) is refused, its target
    untouched. Workers never inherit it (schedule.py closes it in each).
    """
    kept.root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(kept.lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise StateRefused(f"{kept.lock} is not a plain file ({error.strerror}): remove it; "
                           "the build makes its own lock there") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def tidy(kept: Kept) -> list[str]:
    """Remove what the engine did not put in its state folder; name what was removed."""
    removed = []
    for entry in sorted(kept.root.iterdir()) if kept.root.is_dir() else []:
        if entry.name.startswith((".signature.", ".links.")):  # half-written by a killed run
            entry.unlink()
        elif entry.name not in _KNOWN_ENTRIES or entry.is_symlink():
            removed.append(entry.name)
    if removed:  # someone else wrote here: trust none of it
        for entry in kept.root.iterdir():
            if entry.name == "lock":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    return removed


# size, mtime_ns, ctime_ns and sha256 of one inode the engine wrote. The ctime cannot be
# set back by hand, so a file edited and given its old mtime again is still seen.
FileStat = tuple[int, int, int, str]


@dataclass
class State:
    """The rows a build keeps, as read at its start; saved back by difference."""

    records: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> source, JSON
    markdown: dict[str, str] = field(default_factory=dict)  # text digest -> sanitized HTML
    log: dict[str, Made] = field(default_factory=dict)  # output path -> how it was made
    # What each inode of the live tree and of the spare tree held when the engine left it.
    live_files: dict[int, FileStat] = field(default_factory=dict)
    spare_files: dict[int, FileStat] = field(default_factory=dict)
    toolchain: str = ""
    # Each table's rows as they are on disk: key -> (values as text, the row's digest).
    _stored: dict[str, dict[object, tuple[tuple[str, ...], str]]] = field(
        default_factory=dict, repr=False)


def _rows_checked(rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """The rows whose last column is the digest of the others; a damaged row is left out."""
    for row in rows:
        if row[-1] == digest(*(str(value) for value in row[:-1])):
            yield row


_TABLES = {  # table -> (key column, value columns)
    "records": ("path", ("source", "record")),
    "markdown": ("text", ("html",)),
    "log": ("path", ("key", "reads")),
    "files": ("inode", ("size", "mtime_ns", "ctime_ns", "sha256")),
}


def _rows(state: State) -> dict[str, dict[object, tuple[object, ...]]]:
    return {
        "records": {k: v for k, v in state.records.items()},
        "markdown": {k: (v,) for k, v in state.markdown.items()},
        "log": {k: (m.key, "\0".join(m.reads)) for k, m in state.log.items()},
        "files": {**{f"live:{k}": v for k, v in state.live_files.items()},
                  **{f"spare:{k}": v for k, v in state.spare_files.items()}},
    }


@contextmanager
def _database(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as database:
        database.execute("PRAGMA synchronous = NORMAL")
        database.executescript(_SCHEMA)
        with database:  # one transaction
            yield database


def load_state(kept: Kept, toolchain: str) -> State:
    """What the last build kept, if this toolchain made it and it reads back whole."""
    state = State(toolchain=toolchain)
    if not kept.database.is_file():
        return state
    try:
        with _database(kept.database) as database:
            meta = dict(database.execute("SELECT key, value FROM meta"))
            if meta.get("version") != STATE_VERSION or meta.get("toolchain") != toolchain:
                return state  # another engine's or library's work: made again
            found = {table: list(_rows_checked(iter(database.execute(
                f"SELECT {key}, {', '.join(values)}, checked FROM {table}"))))  # noqa: S608
                for table, (key, values) in _TABLES.items()}
    except sqlite3.Error:
        kept.database.unlink(missing_ok=True)  # damaged: start afresh
        return state
    state.records = {str(r[0]): (str(r[1]), str(r[2])) for r in found["records"]}
    state.markdown = {str(r[0]): str(r[1]) for r in found["markdown"]}
    state.log = {str(r[0]): Made(str(r[1]), tuple(str(r[2]).split("\0")) if r[2] else ())
                 for r in found["log"]}
    for row in found["files"]:
        tree, _, inode = str(row[0]).partition(":")
        files = state.live_files if tree == "live" else state.spare_files
        files[int(inode)] = (int(str(row[1])), int(str(row[2])), int(str(row[3])), str(row[4]))
    state._stored = {table: {r[0]: (tuple(str(value) for value in r[1:-1]), str(r[-1]))
                             for r in rows} for table, rows in found.items()}
    return state


def save_state(kept: Kept, state: State) -> None:
    """Make the kept rows equal `state`, writing only those that changed."""
    try:
        _write(kept, state)
    except sqlite3.DatabaseError:
        kept.database.unlink(missing_ok=True)
        state._stored = {}
        _write(kept, state)


def _write(kept: Kept, state: State) -> None:
    with _database(kept.database) as database:
        meta = dict(database.execute("SELECT key, value FROM meta"))
        if meta.get("version") != STATE_VERSION or meta.get("toolchain") != state.toolchain:
            for table in _TABLES:
                database.execute(f"DELETE FROM {table}")  # noqa: S608
            database.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 (("version", STATE_VERSION), ("toolchain", state.toolchain)))
            state._stored = {}
        stored_now: dict[str, dict[object, tuple[tuple[str, ...], str]]] = {}
        for table, rows in _rows(state).items():
            key, values = _TABLES[table]
            before = state._stored.get(table, {})
            now = {k: _row_check(k, v, before.get(k)) for k, v in rows.items()}
            marks = ", ".join("?" * (len(values) + 2))
            database.executemany(
                f"INSERT OR REPLACE INTO {table} VALUES ({marks})",  # noqa: S608
                ((k, *rows[k], check) for k, (_, check) in now.items()
                 if k not in before or before[k][1] != check))
            database.executemany(f"DELETE FROM {table} WHERE {key} = ?",  # noqa: S608
                                 ((k,) for k in before if k not in now))
            stored_now[table] = now
        state._stored = stored_now


def _row_check(key: object, values: tuple[object, ...],
               stored: tuple[tuple[str, ...], str] | None) -> tuple[tuple[str, ...], str]:
    """A row's values as text and its digest; a row as it is on disk keeps the digest it has.

    Most rows of a rebuild are those it read: comparing their text is cheaper than
    digesting every row of the site again.
    """
    text = tuple(str(value) for value in values)
    if stored is not None and stored[0] == text:
        return stored
    return text, digest(str(key), *text)


# --- the no-op: a stat per input ----------------------------------------------------------


def signature_of(settings: Settings, index: Stat = NO_STAT) -> Signature:
    """The stat of every input now, with the settings, the libraries' versions, and the
    stat of git's index as refuse_if_tracked took it."""
    return signature_now(settings.text(), settings.folders(), settings.out, index)


def _manifest(settings: Settings) -> Path:
    return settings.out.resolve() / MANIFEST_NAME


def last_signature(kept: Kept) -> Signature | None:
    """What the last build of this output saw, or None when it left nothing readable."""
    return read_signature(kept.signature)


def unchanged_content(kept: Kept, seen: Signature, content: Path) -> dict[str, int]:
    """The content files whose stat is the one the last build saw: absolute path -> size.

    The records the last build kept for them were made from their bytes as they are.
    """
    earlier = last_signature(kept)
    root = str(content.resolve())
    return {os.path.join(root, os.path.relpath(path, content)): size
            for path, size in seen.unchanged(earlier, "content").items()}


def keep_signature(kept: Kept, signature: Signature, settings: Settings) -> None:
    """Say which inputs this build saw and what it left, for the next no-op check."""
    temporary = kept.signature.with_name(f".signature.{os.getpid()}.tmp")
    temporary.write_text(signature.with_output(_manifest(settings)).to_json(), encoding="utf-8")
    os.replace(temporary, kept.signature)


def forget_signature(kept: Kept) -> None:
    """No build may call itself a no-op until this one is complete."""
    kept.signature.unlink(missing_ok=True)
