"""What a build keeps on disk for the next one: parsed files and rendered Markdown.

One SQLite file beside the output folder (`.output.saved`), keyed by content
digests. A rebuild reads it back in one go and writes back only the rows that
changed, so saving costs milliseconds after an edit rather than rewriting tens
of megabytes. It is a cache: anything unreadable is thrown away and rebuilt.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path

from .load import SourceFile

ParsedFiles = dict[Path, tuple[str, SourceFile]]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parsed (path TEXT PRIMARY KEY, digest TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS markdown (digest TEXT PRIMARY KEY, html TEXT NOT NULL);
"""


def store_path(out: Path) -> Path:
    """output/ => .output.saved beside it."""
    out = out.resolve()
    return out.parent / f".{out.name}.saved"


class SavedWork:
    """The parsed files and Markdown one engine version saved for one output folder."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version  # the engine's digest: another engine's work is not reused
        self._stored_files: dict[Path, str] = {}
        self._stored_markdown: set[str] = set()

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path)) as database:
            database.execute("PRAGMA synchronous = NORMAL")
            database.executescript(_SCHEMA)
            with database:  # one transaction
                yield database

    def load(self) -> tuple[ParsedFiles, dict[str, str]]:
        """What was saved, if this engine saved it; nothing otherwise."""
        if not self.path.exists():
            return {}, {}
        try:
            with self._database() as database:
                if self._saved_version(database) != self.version:
                    return {}, {}
                files = {Path(path): (digest, pickle.loads(data)) for path, digest, data
                         in database.execute("SELECT path, digest, data FROM parsed")}
                markdown = dict(database.execute("SELECT digest, html FROM markdown"))
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            self.path.unlink(missing_ok=True)
            return {}, {}
        self._stored_files = {path: digest for path, (digest, _) in files.items()}
        self._stored_markdown = set(markdown)
        return files, markdown

    def save(self, files: ParsedFiles, markdown: Mapping[str, str]) -> None:
        """Make the saved work equal `files` and `markdown`, writing only the differences."""
        try:
            self._write(files, markdown)
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)  # damaged: start afresh next time
            self._stored_files, self._stored_markdown = {}, set()
            self._write(files, markdown)
        self._stored_files = {path: digest for path, (digest, _) in files.items()}
        self._stored_markdown = set(markdown)

    def _write(self, files: ParsedFiles, markdown: Mapping[str, str]) -> None:
        with self._database() as database:
            if self._saved_version(database) != self.version:
                database.execute("DELETE FROM parsed")
                database.execute("DELETE FROM markdown")
                database.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)",
                                 (self.version,))
                self._stored_files, self._stored_markdown = {}, set()
            database.executemany(
                "INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)",
                ((str(path), digest, pickle.dumps(source, pickle.HIGHEST_PROTOCOL))
                 for path, (digest, source) in files.items()
                 if self._stored_files.get(path) != digest))
            database.executemany("DELETE FROM parsed WHERE path = ?",
                                 ((str(path),) for path in self._stored_files
                                  if path not in files))
            database.executemany("INSERT OR REPLACE INTO markdown VALUES (?, ?)",
                                 ((key, html) for key, html in markdown.items()
                                  if key not in self._stored_markdown))
            database.executemany("DELETE FROM markdown WHERE digest = ?",
                                 ((key,) for key in self._stored_markdown - set(markdown)))

    @staticmethod
    def _saved_version(database: sqlite3.Connection) -> str | None:
        row = database.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return str(row[0]) if row else None
