"""Read the project's own files only, and only so much of them.

Everything a pull request adds is untrusted: a file in content/, templates/ or
static/ may be a link to a secret elsewhere on the machine, a device, or far
too big. Every file the build reads goes through here: it must resolve inside
its folder, be a regular file, and fit the limits below. What breaks a rule is
a Problem that names the link or file, never what it points at:

    content/pages/about.md -> /etc/passwd   => "is a link to a file outside content"
    static/big.bin (40 MB)                  => "is 41,943,040 bytes; at most 4,194,304"

The limits are written in EDITING.md ("Limits") for editors.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.loaders

from .problems import Problem


@dataclass(frozen=True)
class Limits:
    """How much one folder may hold: per file, in all, and how many files."""

    file_bytes: int
    total_bytes: int
    files: int


CONTENT_LIMITS = Limits(file_bytes=256 * 1024, total_bytes=256 * 1024 * 1024, files=100_000)
TEMPLATE_LIMITS = Limits(file_bytes=256 * 1024, total_bytes=16 * 1024 * 1024, files=500)
STATIC_LIMITS = Limits(file_bytes=4 * 1024 * 1024, total_bytes=64 * 1024 * 1024, files=1_000)
# A static file is published as assets/<stem>.<10-hex hash>.<suffix>; names stay well inside
# the 255 bytes a file system allows, and hold nothing a URL, _headers or a log must escape.
STATIC_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link resolved, is `root` or below it (`root` already resolved)."""
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):  # a loop of links, a NUL byte
        return False
    return real == root or root in real.parents


def outside_problem(display: str, folder: str, is_folder: bool = False) -> Problem:
    """A link that leaves its folder: named, never followed."""
    what = "folder" if is_folder else "file"
    return Problem(display, 1, 1, "(file)",
                   f"is a link to a {what} outside {folder}; only the project's own files are "
                   "read", f"replace the link with the {what} itself")


def _bytes(count: int) -> str:
    return f"{count:,} bytes"


def read_inside(path: Path, root: Path, display: str, folder: str,
                limits: Limits) -> bytes | Problem:
    """The bytes of `path`, if it is a regular file inside `root` within the size limit."""
    if not is_inside(path, root):
        return outside_problem(display, folder)
    try:
        # O_NOFOLLOW: the checked path is the one opened; O_NONBLOCK: a FIFO cannot hang us.
        fd = os.open(os.path.realpath(path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        return Problem(display, 1, 1, "(file)", f"cannot be read: {error.strerror}",
                       "check that the file exists and that its permissions let you read it")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Problem(display, 1, 1, "(file)", "is not a regular file",
                           "replace it with a plain text file")
        if info.st_size > limits.file_bytes:
            return size_problem(display, info.st_size, limits.file_bytes)
        try:
            data = handle.read(limits.file_bytes + 1)
        except OSError as error:
            return Problem(display, 1, 1, "(file)", f"cannot be read: {error.strerror}",
                           "check the file and its permissions")
    if len(data) > limits.file_bytes:  # grew while we looked
        return size_problem(display, len(data), limits.file_bytes)
    return data


def size_problem(display: str, size: int, limit: int) -> Problem:
    return Problem(display, 1, 1, "(file)", f"is {_bytes(size)}; at most {_bytes(limit)} are "
                   "allowed", "split it, or make it smaller")


class Budget:
    """Counts the files and bytes read from one folder against its limits."""

    def __init__(self, display: str, limits: Limits) -> None:
        self.display = display
        self.limits = limits
        self.files = 0
        self.bytes = 0

    def too_many(self, count: int) -> Problem | None:
        """A problem if `count` more files would pass the folder's limit."""
        self.files += count
        if self.files > self.limits.files:
            return Problem(self.display, 1, 1, "(folder)",
                           f"holds more than {self.limits.files:,} files",
                           "remove files that are not part of the site")
        return None

    def spend(self, size: int) -> Problem | None:
        """A problem once the bytes read pass the folder's limit."""
        self.bytes += size
        if self.bytes > self.limits.total_bytes:
            return Problem(self.display, 1, 1, "(folder)",
                           f"holds more than {_bytes(self.limits.total_bytes)}",
                           "remove files that are not part of the site")
        return None


@dataclass(frozen=True)
class TreeFile:
    """One file of a folder tree: its name below the folder, and its bytes."""

    name: str  # 'fonts/inter.woff2'
    data: bytes


def _walk(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry below `root`, in name order, never entering a linked folder."""
    with os.scandir(root) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    for entry in entries:
        yield entry.name, entry
        if entry.is_dir(follow_symlinks=False):
            for name, inner in _walk(Path(entry.path)):
                yield f"{entry.name}/{name}", inner


def read_tree(folder: Path, shown: str, limits: Limits, names: re.Pattern[str] | None = None,
              ) -> tuple[list[TreeFile], list[Problem]]:
    """Every file under `folder` (shown as `shown`), or what is wrong with them, all at once."""
    if not folder.is_dir():
        return [], []
    root = folder.resolve()
    budget = Budget(shown, limits)
    files: list[TreeFile] = []
    problems: list[Problem] = []
    for name, entry in _walk(root):
        display = f"{shown}/{name}"
        if names is not None and not all(names.fullmatch(part) for part in name.split("/")):
            problems.append(name_problem(display))
            continue
        if entry.is_dir(follow_symlinks=False):
            continue
        if entry.is_symlink() and entry.is_dir():
            problems.append(outside_problem(display, shown, True) if not is_inside(
                Path(entry.path), root) else Problem(
                display, 1, 1, "(file)", "is a link to a folder; links to folders are not "
                "followed", "move or copy the folder here instead"))
            continue
        if (too_many := budget.too_many(1)) is not None:
            return files, [*problems, too_many]
        data = read_inside(Path(entry.path), root, display, shown, limits)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        if (too_big := budget.spend(len(data))) is not None:
            return files, [*problems, too_big]
        files.append(TreeFile(name, data))
    return files, problems


def name_problem(display: str) -> Problem:
    return Problem(display, 1, 1, "(file name)",
                   "a static file's name may hold only letters, digits, '.', '_' and '-' "
                   "(not first), at most 100 of them",
                   "rename it, e.g. site-logo.svg")


class ConfinedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, refusing a template that is a link out of its folder, or too big."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.folder = folder
        # Each template is read once per loader (a loader serves one build): the source a
        # page's key is made from (render.facts' "template:") is the one compiled, and the
        # checks above are not made twice per template.
        self._read: dict[str, tuple[str, str, Callable[[], bool]]] = {}

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        if (known := self._read.get(template)) is not None:
            return known
        path = Path(self.folder, *jinja2.loaders.split_template_path(template))
        data = read_inside(path, self.folder.resolve(), str(path), str(self.folder),
                           TEMPLATE_LIMITS) if os.path.lexists(path) else None
        if isinstance(data, Problem):
            raise jinja2.TemplateNotFound(template, data.message)
        self._read[template] = source = super().get_source(environment, template)
        return source
