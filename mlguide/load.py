"""Read content files into plain values, remembering where every value stood.

YAML is parsed with libyaml when it is available. The node tree is walked by
hand (not `yaml.safe_load`) so that each value's line and column are kept for
error messages, and so that duplicate keys, which YAML parsers accept
silently, are reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .confine import CONTENT_LIMITS, Budget, is_inside, outside_problem, read_inside
from .graph import digest
from .markup import markdown_problem
from .problems import FieldPath, Problem, display_path, format_field_path

try:  # libyaml is several times faster; the pure-Python loader is the fallback.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

Position = tuple[int, int]
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# Bounded work: no content field nests deeper than 3 levels, and no file holds more than a
# few hundred values; aliases count each time they are used, so an alias bomb stops here.
MAX_DEPTH = 32
MAX_VALUES = 10_000
# libyaml composes nested nodes recursively in C, so a deep enough file would overflow the
# stack; each level needs one of these characters, so a file with fewer cannot nest that
# deep, and only a file with more has its depth counted first, event by event.
_NESTING_CHARACTERS = "-:[{?"
_SAFE_NESTING = 1_000
# Characters no page or feed can hold (XML 1.0 and HTML forbid them): C0 controls but tab,
# line feed and carriage return; DEL and C1 controls; lone surrogates; U+FFFE and U+FFFF.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
                                  "\ud800-\udfff\ufffe\uffff]")


def forbidden_character(text: str) -> str | None:
    """The message for the first character of `text` that cannot be published, if any."""
    found = FORBIDDEN_CHARACTERS.search(text)
    if found is None:
        return None
    return f"contains the control character U+{ord(found.group()):04X} ({found.group()})"


CONTROL_FIX = "remove it: no page or feed can hold it"


class _Refused(Exception):
    """Stops walking a file that is too deep or too big; carries the one problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


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
        self.count = 0  # values made so far, aliases counted each time
        self.merging: list[yaml.Node] = []  # the mappings being merged in, innermost last

    def where(self, node: yaml.Node) -> Position:
        return (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def refuse(self, node: yaml.Node, path: FieldPath, message: str,
               suggestion: str) -> NoReturn:
        raise _Refused(Problem(self.display, *self.where(node), format_field_path(path),
                               message, suggestion))

    def value(self, node: yaml.Node, path: FieldPath) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            self.refuse(node, path, f"the file holds more than {MAX_VALUES:,} values (an alias "
                        "counts each time it is used)", "write the values out, or use fewer "
                        "aliases")
        if len(path) > MAX_DEPTH:
            self.refuse(node, path, f"is nested more than {MAX_DEPTH} levels deep",
                        "no content field nests that deep: check the indentation and aliases")
        self.positions[path] = self.where(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        """The scalar's value; text that looks like a date but is none (2026-13-45) is a problem."""
        if node.tag == _STR_TAG:  # most scalars are text: skip the constructor's dispatch
            self.check_text(node.value, node, path)
            return node.value
        try:
            value = self.loader.construct_object(node)
        except ValueError as error:  # PyYAML builds timestamps with datetime, which can refuse
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            message, fix = ((f"'{shown}' is not a real date ({error})",
                             "write a date like 2026-03-01, or put the text in quotes")
                            if node.tag == _TIMESTAMP_TAG else
                            (f"'{shown}' is too long to be read as a number",
                             "write a shorter number, or put the text in quotes"))
            self.problems.append(
                Problem(self.display, *self.where(node), format_field_path(path), message, fix))
            return node.value
        if isinstance(value, str):
            self.check_text(value, node, path)
        return value

    def check_text(self, text: str, node: yaml.Node, path: FieldPath) -> None:
        """Text holding a control character is a problem: it would break pages and feeds."""
        message = forbidden_character(text)
        if message is not None:
            self.problems.append(Problem(self.display, *self.where(node),
                                         format_field_path(path), message, CONTROL_FIX))

    def mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}  # from merge keys (<<): the mapping's own keys win
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.merge(value_node, path, merged)
                continue
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
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def merge(self, node: yaml.Node, path: FieldPath, into: dict[Any, Any]) -> None:
        """YAML's merge key: the fields of a mapping, or of a list of them (earlier ones win)."""
        self.count += 1
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self.refuse(source, path, "a merge ('<<') takes a mapping or a list of mappings",
                            "write '<<: *name', where '&name' marks a mapping")
            if any(source is outer for outer in self.merging):
                self.refuse(source, path, "a merge ('<<') takes in the mapping it sits in",
                            "merge another mapping")
            self.merging.append(source)
            for key, value in self.mapping(source, path).items():
                into.setdefault(key, value)
            self.merging.pop()

def _leading_tab(lines: list[str], first: int, last: int) -> int | None:
    """The number of the line in first..last (1-based) whose indentation holds a tab, if any."""
    for number in range(last, first - 1, -1):
        text = lines[number - 1] if 0 < number <= len(lines) else ""
        if "\t" in text[: len(text) - len(text.lstrip(" \t"))]:
            return number
    return None


def _quoted(line: str) -> str:
    """'summary: Leeds: a city' => 'summary: "Leeds: a city"', the fix for a colon in a value."""
    key, _, value = line.strip().partition(": ")
    escaped = value.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'{key}: "{escaped}"'


def _plain_syntax(problem: str, context: str, lines: list[str], line: int, column: int,
                  opened: int, opened_column: int) -> tuple[str, str, int, int]:
    """libyaml's finding in an editor's words: message, fix, and the line and column meant."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    char = text[column - 1] if 0 < column <= len(text) else ""
    if problem.startswith("mapping values are not allowed"):
        before = text[: column - 1]
        if ": " in before:
            return (f"line {line} has a second ': ' inside its value, which YAML reads as "
                    "another field", f"put the value in double quotes: {_quoted(text)}",
                    line, column)
        return (f"line {line} is indented further than the field above it, which already has "
                "a value", "line it up with the field above (same number of spaces), or "
                "quote a value that contains ': '", line, 1)
    if "end of stream" in problem and "quoted" in context:
        return (f"the quote opened on line {opened} is never closed",
                "add the closing quote at the end of the text", opened, opened_column)
    if problem.startswith("did not find expected ','"):
        bracket = "]" if "]" in problem else "}"
        return (f"the '{'[' if bracket == ']' else '{'}' opened on line {opened} is never closed",
                f"end the list with '{bracket}' on that line, and quote any item that "
                "contains a comma, bracket or ': '", opened, opened_column)
    if problem == "found undefined alias" or (
            "cannot start any token" in problem and char and char not in " \t"):
        shown = char or "*"
        return (f"a value cannot start with '{shown}' in YAML",
                f"put the value in double quotes: {_quoted(text)}", line, column)
    if problem.startswith("could not find expected ':'"):
        return (f"line {opened} is not a 'field: value' line",
                "write the field name, ': ' and the value; if the line continues the text "
                "above, write that field as 'field: |' with the text indented below it",
                opened, 1)
    if problem.startswith("did not find expected key"):
        return (f"line {line} does not line up with the fields above it",
                "indent it like the other fields at its level; if it belongs to the text "
                "above, put that whole text in double quotes", line, column)
    if problem == "found unknown escape character":
        return ("a backslash inside double quotes must start an escape like \\n",
                "use single quotes around the text, or write two backslashes", line, column)
    return (f"line {line} is not valid YAML ({problem})",
            "check the indentation of this line and the one above, and look for a quote or "
            "bracket that is never closed", line, column)


def _syntax_problem(display: str, error: yaml.YAMLError, text: str,
                    line_offset: int) -> Problem:
    """A YAML syntax error as a located problem; never quoting the file (str(error) would)."""
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow
        line, column = _line_and_column(text, error.position)
        return Problem(display, line + line_offset, column, "",
                       f"contains the control character U+{error.character:04X} "
                       f"({chr(error.character)})", CONTROL_FIX)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    opened_mark = getattr(error, "context_mark", None) or mark
    line = (mark.line + 1) if mark else 1
    column = (mark.column + 1) if mark else 1
    opened = (opened_mark.line + 1) if opened_mark else line
    lines = text.splitlines()
    tab = _leading_tab(lines, min(opened, line), line)
    if tab is not None:  # a tab anywhere in the indentation is what libyaml trips on
        shown = tab + line_offset
        return Problem(display, shown, 1, "", f"line {shown} starts with a tab",
                       "use spaces: YAML indents with spaces only, two for each level")
    problem = str(getattr(error, "problem", None) or "the file cannot be read as YAML")
    context = str(getattr(error, "context", None) or "")
    opened_column = (opened_mark.column + 1) if opened_mark else column
    message, fix, line, column = _plain_syntax(problem, context, lines, line, column, opened,
                                               opened_column)
    if line_offset:  # inside a page's front matter: say the page's own line numbers
        message = _shift_line_numbers(message, line_offset)
    return Problem(display, line + line_offset, column, "", message, fix)


def _shift_line_numbers(message: str, offset: int) -> str:
    """'line 3 ...' => 'line 4 ...': a front matter's lines counted from the page's first."""
    return re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + offset}", message)


def _line_and_column(text: str, offset: int) -> Position:
    """The 1-based line and column of character `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _too_deep(text: str, display: str, line_offset: int) -> Problem | None:
    """A problem if the document nests deeper than MAX_DEPTH, counted without composing it."""
    loader = SafeLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    return Problem(display, line + line_offset, column,
                                   "", f"is nested more than {MAX_DEPTH} levels deep",
                                   "no content field nests that deep: check the indentation")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing it will say what is wrong
    finally:
        loader.dispose()
    return None


def parse_yaml(
    text: str, display: str, line_offset: int = 0
) -> tuple[Any, _Walker | None, list[Problem]]:
    """Parse one YAML document, returning its value, the walker and problems."""
    if sum(text.count(c) for c in _NESTING_CHARACTERS) > _SAFE_NESTING:
        deep = _too_deep(text, display, line_offset)
        if deep is not None:
            return None, None, [deep]
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        walker = _Walker(loader, display, line_offset)
        data = walker.value(node, ()) if node is not None else None
    except yaml.YAMLError as error:
        return None, None, [_syntax_problem(display, error, text, line_offset)]
    except _Refused as refused:
        return None, None, [refused.problem]
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
        return "", [Problem(display, line, column, "",
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
            front, body, body_line = parts
            data, walker, problems = parse_yaml(front, display, line_offset=1)
            problems += _body_problems(body, display, body_line)
            if data is None and not problems:
                data = {}
    return SourceFile(
        path=path, display=display, digest=digest(raw), data=data,
        positions=walker.positions if walker else {(): (2, 1)},
        key_positions=walker.key_positions if walker else {},
        body=body, problems=tuple(problems),
    )


def _body_problems(body: str, display: str, first_line: int) -> list[Problem]:
    """A page's Markdown keeps to the limits of all Markdown, and holds no control character."""
    if (too_much := markdown_problem(body)) is not None:
        return [Problem(display, first_line, 1, "(body)", too_much, "shorten or split the page")]
    found = FORBIDDEN_CHARACTERS.search(body)
    if found is None:
        return []
    line, column = _line_and_column(body, found.start())
    return [Problem(display, first_line + line - 1, column, "(body)",
                    forbidden_character(found.group()) or "", CONTROL_FIX)]


def refused_source(path: Path, display: str, problem: Problem) -> SourceFile:
    """A file that was not read (a link out of the folder, too big): only its problem."""
    return SourceFile(path=path, display=display, digest=digest(display),
                      data=None, problems=(problem,))


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


class _Reader:
    """Reads a content folder's files within its limits, reusing earlier parses."""

    def __init__(self, root: Path, shown: str, cache: Parsed | None,
                 kept: KeptRecords, unchanged: Mapping[str, int]) -> None:
        self.root = root
        self.shown = shown
        self.cache = cache
        self.kept = kept
        self.unchanged = unchanged
        self.budget = Budget(shown, CONTENT_LIMITS)
        self.problems: list[Problem] = []
        self.full = False  # past the folder's limits: nothing more is read

    def read(self, path: Path, display: str, page: bool) -> SourceFile:
        """Read one file, reusing an earlier parse of the same bytes, or the record made from them.

        A kept record (YAML files only) is validated again before use (validate.py); a
        page is always parsed, its body being part of what it gives.
        """
        if self.full:
            return refused_source(path, display, Problem(
                display, 1, 1, "(file)", "not read: the content folder is over its limits"))
        record = self.kept.get(str(path))
        size = self.unchanged.get(str(path))
        if not page and record is not None and size is not None:
            # Its stat is the one the last build saw, so its bytes are those the record was
            # made from: not read again (ninja's stat per input).
            if (over := self.budget.spend(size)) is not None:
                self.problems.append(over)
                self.full = True
            return SourceFile(path, display, record[0], None, kept=record[1])
        raw = read_inside(path, self.root, display, self.shown, CONTENT_LIMITS)
        if isinstance(raw, Problem):
            return refused_source(path, display, raw)
        if (over := self.budget.spend(len(raw))) is not None:
            self.problems.append(over)
            self.full = True
        file_digest = digest(raw)
        if self.cache is not None and path in self.cache and self.cache[path][0] == file_digest:
            return self.cache[path][1]
        if not page and record is not None and record[0] == file_digest:
            source = SourceFile(path, display, file_digest, None, kept=record[1])
        elif page:
            source = load_page_file(path, display, raw)
        else:
            source = load_yaml_file(path, display, raw)
        if self.cache is not None:
            self.cache[path] = (file_digest, source)
        return source

    def single(self, name: str) -> SourceFile | None:
        path = self.root / name
        if not os.path.lexists(path):
            self.problems.append(Problem(f"{self.shown}/{name}", 1, 1, "(file)",
                                         f"{name} is missing", f"create {self.shown}/{name} "
                                         "as described in EDITING.md"))
            return None
        return self.read(path, f"{self.shown}/{name}", False)

    def folder(self, name: str, suffix: str) -> tuple[SourceFile, ...]:
        directory = self.root / name
        if os.path.islink(directory) and not is_inside(directory, self.root):
            self.problems.append(outside_problem(f"{self.shown}/{name}", self.shown, True))
            return ()
        with os.scandir(directory) if directory.is_dir() else _no_entries() as entries:
            # Every entry but a real folder: a link, a device or a FIFO is read_inside's to refuse.
            names = sorted(e.name for e in entries if e.name.endswith(suffix)
                           and not e.is_dir(follow_symlinks=False))
        if (too_many := self.budget.too_many(len(names))) is not None:
            self.problems.append(too_many)
            self.full = True
            return ()
        return tuple(self.read(directory / file, f"{self.shown}/{name}/{file}", suffix == ".md")
                     for file in names)


def load_sources(content_dir: Path, cache: Parsed | None = None,
                 kept: KeptRecords | None = None,
                 unchanged: Mapping[str, int] | None = None) -> Sources:
    """Read every content file under `content_dir`, in a stable order.

    Only regular files inside the folder are read, within the limits of confine.py;
    what breaks them is reported with the other problems (in `missing`). A YAML file
    in `unchanged` (absolute path -> size: its stat is the one the last build saw)
    that has a kept record is not read: the record is.
    """
    if not content_dir.is_dir():
        return Sources(None, None, (), (), (), (
            Problem(display_path(content_dir), 1, 1, "(folder)",
                    "the content folder does not exist", "pass --content DIR"),))
    # The folder's name is resolved once: per file it would cost seconds at scale.
    reader = _Reader(content_dir.resolve(), display_path(content_dir), cache, kept or {},
                     unchanged or {})
    site = reader.single("site.yaml")
    sectors = reader.single("sectors.yaml")
    cities = reader.folder("cities", ".yaml")
    jobs = reader.folder("jobs", ".yaml")
    pages = reader.folder("pages", ".md")
    return Sources(site, sectors, cities, jobs, pages, tuple(reader.problems))
