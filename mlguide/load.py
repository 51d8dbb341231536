"""Read content files into plain values, remembering where every value stood.

YAML is parsed with libyaml when it is available. The node tree is walked by
hand (not `yaml.safe_load`) so that each value's line and column are kept for
error messages, and so that duplicate keys, which YAML parsers accept
silently, are reported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .graph import digest
from .problems import FieldPath, Problem, display_path, format_field_path

try:  # libyaml is several times faster; the pure-Python loader is the fallback.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

Position = tuple[int, int]
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class SourceFile:
    """One content file: its data, where each value stands, and its digest."""

    path: Path
    display: str
    digest: str
    data: Any
    positions: dict[FieldPath, Position] = field(default_factory=dict)
    key_positions: dict[FieldPath, Position] = field(default_factory=dict)
    body: str = ""  # the Markdown after a page's front matter
    problems: tuple[Problem, ...] = ()
    kept: str = ""  # the record a build validated from these very bytes (JSON), if kept

    def parsed(self) -> SourceFile:
        """This file read and parsed from its bytes, positions and all."""
        return load_yaml_file(self.path, self.display)

    def position_of(self, path: FieldPath, *, key: bool = False) -> Position:
        """Where the value (or key) at `path` stands; the nearest parent if absent."""
        table = self.key_positions if key else self.positions
        for length in range(len(path), -1, -1):
            found = table.get(path[:length]) or self.positions.get(path[:length])
            if found:
                return found
        return (1, 1)

    def problem(
        self, path: FieldPath, message: str, suggestion: str | None = None, *, key: bool = False
    ) -> Problem:
        """A problem located at `path` in this file."""
        line, column = self.position_of(path, key=key)
        return Problem(self.display, line, column, format_field_path(path), message, suggestion)


class _Walker:
    """Turns a composed YAML node tree into values plus a position table."""

    def __init__(self, loader: Any, display: str, line_offset: int) -> None:
        self.loader = loader
        self.display = display
        self.line_offset = line_offset  # front matter starts below the page's first line
        self.positions: dict[FieldPath, Position] = {}
        self.key_positions: dict[FieldPath, Position] = {}
        self.problems: list[Problem] = []

    def where(self, node: yaml.Node) -> Position:
        return (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def value(self, node: yaml.Node, path: FieldPath) -> Any:
        self.positions[path] = self.where(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        """The scalar's value; text that looks like a date but is none (2026-13-45) is a problem."""
        if node.tag == _STR_TAG:  # most scalars are text: skip the constructor's dispatch
            return node.value
        try:
            return self.loader.construct_object(node)
        except ValueError as error:  # PyYAML builds timestamps with datetime, which can refuse
            self.problems.append(
                Problem(self.display, *self.where(node), format_field_path(path),
                        f"'{node.value}' is not a real date ({error})",
                        "write a date like 2026-03-01, or put the text in quotes")
            )
            return node.value

    def mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, (*path, str(key_node.value)))
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = str(key)
            key_path = (*path, key)
            where = self.where(key_node)
            if key in result:
                first = self.key_positions[key_path][0]
                self.problems.append(
                    Problem(self.display, *where, format_field_path(key_path),
                            f"duplicate key '{key}' (first given on line {first})",
                            "remove one of the two")
                )
                continue
            self.key_positions[key_path] = where
            result[key] = self.value(value_node, key_path)
        return result


def _syntax_problem(display: str, error: yaml.YAMLError, line_offset: int) -> Problem:
    """A YAML syntax error as a located problem."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
    column = (mark.column + 1) if mark else 1
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    return Problem(display, line, column, "(document)", message,
                   "check the indentation, and quote text that contains ': ' "
                   "or starts with a symbol")


def parse_yaml(
    text: str, display: str, line_offset: int = 0
) -> tuple[Any, _Walker | None, list[Problem]]:
    """Parse one YAML document, returning its value, the walker and problems."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        walker = _Walker(loader, display, line_offset)
        data = walker.value(node, ()) if node is not None else None
    except yaml.YAMLError as error:
        return None, None, [_syntax_problem(display, error, line_offset)]
    finally:
        loader.dispose()
    return data, walker, list(walker.problems)


def decode(raw: bytes, display: str) -> tuple[str, list[Problem]]:
    """UTF-8 text of a file (a BOM is tolerated), or a problem naming the bad byte."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - raw.rfind(b"\n", 0, error.start)
        return "", [Problem(display, line, column, "(document)",
                            "the file is not valid UTF-8 text", "save it with UTF-8 encoding")]


def load_yaml_file(path: Path, display: str, raw: bytes | None = None) -> SourceFile:
    """Read one YAML content file; syntax problems are returned, not raised."""
    raw = path.read_bytes() if raw is None else raw
    text, problems = decode(raw, display)
    data, walker = None, None
    if not problems:
        data, walker, problems = parse_yaml(text, display)
    return SourceFile(
        path=path, display=display, digest=digest(raw), data=data,
        positions=walker.positions if walker else {},
        key_positions=walker.key_positions if walker else {},
        problems=tuple(problems),
    )


def split_front_matter(text: str, display: str) -> tuple[str, str, int] | Problem:
    """A page's front matter text, its body, and the body's first line; or what is wrong."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return Problem(display, 1, 1, "(front matter)",
                       "a page must start with front matter between '---' lines",
                       "begin the file with '---', then 'title:' and 'description:', then '---'")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return Problem(display, 1, 1, "(front matter)",
                   "the front matter opened with '---' on line 1 is never closed",
                   "add a line '---' after the last front matter field, before the Markdown")


def load_page_file(path: Path, display: str, raw: bytes | None = None) -> SourceFile:
    """Read a Markdown page: YAML front matter between '---' lines, then the body."""
    raw = path.read_bytes() if raw is None else raw
    text, problems = decode(raw, display)
    data, walker, body = None, None, ""
    if not problems:
        parts = split_front_matter(text, display)
        if isinstance(parts, Problem):
            problems = [parts]
        else:
            front, body, _ = parts
            data, walker, problems = parse_yaml(front, display, line_offset=1)
            if data is None and not problems:
                data = {}
    return SourceFile(
        path=path, display=display, digest=digest(raw), data=data,
        positions=walker.positions if walker else {(): (2, 1)},
        key_positions=walker.key_positions if walker else {},
        body=body, problems=tuple(problems),
    )


@dataclass(frozen=True)
class Sources:
    """Every content file of a site, read and parsed but not yet validated."""

    site: SourceFile | None
    sectors: SourceFile | None
    cities: tuple[SourceFile, ...]
    jobs: tuple[SourceFile, ...]
    pages: tuple[SourceFile, ...]
    missing: tuple[Problem, ...]

    def all(self) -> list[SourceFile]:
        """Every file read, singles first."""
        singles = [s for s in (self.site, self.sectors) if s is not None]
        return [*singles, *self.cities, *self.jobs, *self.pages]


@contextmanager
def _no_entries() -> Iterator[list[os.DirEntry[str]]]:
    yield []


Parsed = dict[Path, tuple[str, SourceFile]]  # absolute path -> (digest of bytes, the file)
KeptRecords = Mapping[str, tuple[str, str]]  # absolute path -> (digest of bytes, record JSON)


def _read(path: Path, display: str, page: bool, cache: Parsed | None,
          kept: KeptRecords) -> SourceFile:
    """Read one file, reusing an earlier parse of the same bytes, or the record made from them.

    A kept record (YAML files only) is validated again before use (validate.py); a
    page is always parsed, its body being part of what it gives.
    """
    raw = path.read_bytes()
    file_digest = digest(raw)
    if cache is not None and path in cache and cache[path][0] == file_digest:
        return cache[path][1]
    record = kept.get(str(path))
    if not page and record is not None and record[0] == file_digest:
        source = SourceFile(path, display, file_digest, None, kept=record[1])
    elif page:
        source = load_page_file(path, display, raw)
    else:
        source = load_yaml_file(path, display, raw)
    if cache is not None:
        cache[path] = (file_digest, source)
    return source


def load_sources(content_dir: Path, cache: Parsed | None = None,
                 kept: KeptRecords | None = None) -> Sources:
    """Read every content file under `content_dir`, in a stable order."""
    missing: list[Problem] = []
    root = content_dir.resolve()
    shown = display_path(content_dir)  # resolved once: per file it would cost seconds at scale

    def single(name: str) -> SourceFile | None:
        path = root / name
        if not path.is_file():
            missing.append(Problem(f"{shown}/{name}", 1, 1, "(file)", f"{name} is missing",
                                   f"create {shown}/{name} as described in EDITING.md"))
            return None
        return _read(path, f"{shown}/{name}", False, cache, kept or {})

    def folder(name: str, suffix: str) -> tuple[SourceFile, ...]:
        with os.scandir(root / name) if (root / name).is_dir() else _no_entries() as entries:
            names = sorted(e.name for e in entries if e.name.endswith(suffix) and e.is_file())
        return tuple(_read(root / name / file, f"{shown}/{name}/{file}", suffix == ".md", cache,
                           kept or {}) for file in names)

    if not content_dir.is_dir():
        missing.append(Problem(display_path(content_dir), 1, 1, "(folder)",
                               "the content folder does not exist", "pass --content DIR"))
        return Sources(None, None, (), (), (), tuple(missing))
    return Sources(
        site=single("site.yaml"),
        sectors=single("sectors.yaml"),
        cities=folder("cities", ".yaml"),
        jobs=folder("jobs", ".yaml"),
        pages=folder("pages", ".md"),
        missing=tuple(missing),
    )
