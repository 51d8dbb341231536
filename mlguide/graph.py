"""The build's one dependency graph, and the keys of its nodes.

    inputs (files, settings, toolchain) -> parsed files -> validated records
        -> site-wide facts -> routes -> outputs

Every node is known by a digest of what it read:

- an input file by its bytes (a no-op build looks only at its size, mtime_ns
  and inode: `Signature`);
- a validated record by its kind, slug and fields (`model.ContentModel.digest`),
  so a file whose edit changes nothing the model holds (a comment) stops there;
- a site-wide fact (`Facts`: the site, the sectors, the cities, the navigation,
  the date, the base URL, a job list, a template's source...) by its value;
- an output by its route (where, what renders it, and the digests of the
  records in its context: `value_digest`) and by the facts its template or
  producer read while it ran (`Reads`), kept in the build log beside it.

Nothing here lists by hand what a route depends on: reads are recorded while
an output is made, and the next build asks each recorded fact for its digest
now. An output whose key did not change is not made again. The toolchain (this
engine's own code and the versions of the libraries that shape the bytes) is
part of every key, as Bazel keys actions by their tools.

This module needs only the standard library: the no-op check runs before the
rendering stack is imported.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENGINE_DIR = Path(__file__).resolve().parent
# The libraries whose versions can change a published byte (Markdown and its sanitizer,
# templating, YAML reading, validation, feeds, compression, minified scripts). Read from
# the installed distributions' metadata, the one record of what is installed.
OUTPUT_LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "pyyaml", "pydantic",
                    "pydantic-core", "feedgen", "lxml", "brotli", "pillow", "rjsmin")
ABSENT = "absent"
RACY_NS = 2_000_000_000  # a file changed this close to the last build may hide an edit


def digest(*parts: str | bytes) -> str:
    """The one digest of the build: 32 hex digits of BLAKE2b over the parts, each delimited."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def sha256_hex(data: bytes) -> str:
    """A published file's SHA-256, as the manifest and asset names give it."""
    return hashlib.sha256(data).hexdigest()


# --- the settings: where to read and write, and what may not come from the clock ---------


def worker_count() -> int:
    """The cores this process may run on: how many workers a build forks by default.

    Here, not in schedule.py, so that making the settings does not import the scheduler's
    stack (ctypes, selectors, signal): a no-op build never forks.
    """
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    """Where to read and write, and the two facts a build may not take from the clock."""

    content: Path
    templates: Path
    static: Path
    out: Path
    today: dt.date
    base_url: str | None = None  # overrides site.yaml's base_url
    compress: bool = False  # also write .gz and .br beside every text file
    cms_port: int = 8081  # where /admin/ finds decap-server on this machine (editor/cms.py)
    workers: int = field(default_factory=worker_count)

    def folders(self) -> dict[str, Path]:
        """The input folders, by what they hold."""
        return {"content": self.content, "templates": self.templates, "static": self.static}

    def text(self) -> str:
        """Every setting that can change an output byte, as one line (workers cannot)."""
        return json.dumps({**{k: str(v.resolve()) for k, v in self.folders().items()},
                           "out": str(self.out.resolve()), "today": self.today.isoformat(),
                           "base_url": self.base_url, "compress": self.compress,
                           "cms_port": self.cms_port},
                          sort_keys=True)


# --- the toolchain: what makes outputs besides the content ------------------------------


def library_versions() -> dict[str, str]:
    """Each output library's installed version, as its distribution's metadata folder says.

    The folders (`markdown-3.7.dist-info`) are found along sys.path the way Python
    finds the packages themselves, first one winning; reading their names costs a
    directory listing, not the import of importlib.metadata a no-op could not afford.
    """
    wanted = {_canonical(name) for name in OUTPUT_LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[:-len(".dist-info")].partition("-")
                key = _canonical(project)
                if key in wanted and version:
                    found.setdefault(key, version)
    return {name: found.get(_canonical(name), ABSENT) for name in OUTPUT_LIBRARIES}


def _canonical(name: str) -> str:
    """A project's name as packaging compares it: 'PyYAML', 'pydantic_core' => 'pyyaml', ..."""
    return name.lower().replace("_", "-").replace(".", "-")


def engine_files() -> list[Path]:
    """The engine's own code and data, whose every change may change the output."""
    return sorted(p for p in ENGINE_DIR.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def toolchain_digest(versions: Mapping[str, str]) -> str:
    """The engine's code and the libraries' versions, in one digest."""
    parts = [f"{p.relative_to(ENGINE_DIR).as_posix()}\0{digest(p.read_bytes())}"
             for p in engine_files()]
    return digest(*parts, *(f"{name}={version}" for name, version in sorted(versions.items())))


# --- the no-op check: a stat per input ----------------------------------------------------

Stat = tuple[int, int, int]  # size, mtime_ns, inode


def _stat(entry: os.DirEntry[str] | Path) -> Stat:
    info = entry.stat(follow_symlinks=False)  # a link is an input itself; a loop cannot hang
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _walk(folder: Path) -> Iterator[os.DirEntry[str]]:
    """Every file under `folder`, depth first, in no particular order."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        # Links are not followed: the build refuses those that leave their folder, and what
        # those inside it point at is walked in its own place (confine.py).
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                yield from _walk(Path(entry.path))
        elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
            yield entry


def input_stats(folders: Mapping[str, Path]) -> dict[str, Stat]:
    """The stat of every input file, by a name that says which folder it is in."""
    return {f"{label}:{entry.path}": _stat(entry)
            for label, folder in folders.items() for entry in _walk(folder)}


@dataclass(frozen=True)
class Signature:
    """What a no-op build compares: the settings, the versions, a stat per input, the output.

    `output` is the stat of the manifest the build left in the output folder, so a
    build whose output was removed or replaced since is not a no-op.
    """

    settings: str
    versions: Mapping[str, str]
    stats: Mapping[str, Stat]
    taken_ns: int = 0  # when the inputs were looked at
    output: Stat = (-1, -1, -1)
    # The bytes' digest of each input changed too close to `taken_ns` for its stat to be
    # trusted (git's "racy" entries): the next check hashes just those files again.
    racy: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def now(cls, settings: str, folders: Mapping[str, Path], output: Path) -> Signature:
        stats = input_stats({"engine": ENGINE_DIR, **folders})
        taken_ns = time.time_ns()
        return cls(settings, library_versions(), stats, taken_ns, _stat_or_none(output),
                   racy_digests(stats, taken_ns))

    def with_output(self, output: Path) -> Signature:
        """The same inputs, with the output as a build has just left it."""
        return dataclasses.replace(self, output=_stat_or_none(output))

    def matches(self, earlier: Signature | None) -> bool:
        """Whether nothing changed since `earlier`, and no input is too new to be sure of."""
        if earlier is None or self._compared() != earlier._compared():
            return False
        # An edit within a clock tick of the last build may leave size and mtime alone
        # (git's "racy" files): only inputs older than that build are trusted by their stat;
        # a newer one is trusted if its bytes still hash to what that build saw.
        return all(name in earlier.racy and self._digest_of(name) == earlier.racy[name]
                   for name in racy_names(self.stats, earlier.taken_ns))

    def unchanged(self, earlier: Signature | None, label: str) -> dict[str, int]:
        """The inputs of one folder as `earlier` saw them, and too old then to be racy.

        By path as walked, with their size. Their bytes are those the earlier build
        read (it read them after its stat), so what it made of them still holds.
        """
        if earlier is None or earlier.settings != self.settings:
            return {}
        prefix = f"{label}:"
        return {name[len(prefix):]: stat[0] for name, stat in self.stats.items()
                if name.startswith(prefix) and earlier.stats.get(name) == stat
                and stat[1] + RACY_NS < earlier.taken_ns}

    def _digest_of(self, name: str) -> str:
        """An input's digest now: the one this signature took, else its bytes hashed."""
        return self.racy.get(name) or input_digest(name)

    def _compared(self) -> tuple[object, ...]:
        return (self.settings, dict(self.versions), dict(self.stats), tuple(self.output))

    def to_json(self) -> str:
        return json.dumps({"settings": self.settings, "versions": dict(self.versions),
                           "stats": {k: list(v) for k, v in self.stats.items()},
                           "taken_ns": self.taken_ns, "output": list(self.output),
                           "racy": dict(self.racy)},
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Signature | None:
        """The signature a build kept; None when it is not one."""
        try:
            data = json.loads(text)
            stats = {str(k): _three(v) for k, v in data["stats"].items()}
            return cls(str(data["settings"]),
                       {str(k): str(v) for k, v in data["versions"].items()},
                       stats, int(data["taken_ns"]), _three(data["output"]),
                       {str(k): str(v) for k, v in data["racy"].items()})
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None


def racy_names(stats: Mapping[str, Stat], taken_ns: int) -> list[str]:
    """The inputs changed too close to `taken_ns` for their stat to tell an edit apart."""
    return [name for name, (_, mtime, _) in stats.items() if mtime + RACY_NS >= taken_ns]


def input_digest(name: str) -> str:
    """The digest of one input named as input_stats names it ('content:/x/leeds.yaml').

    A link is digested by where it points, as it is an input itself; an input that
    cannot be read has the digest 'absent', and is never recorded as racy.
    """
    path = name.partition(":")[2]
    try:
        if os.path.islink(path):
            return digest("link", os.readlink(path))
        with open(path, "rb") as file:
            return digest(file.read())
    except OSError:
        return ABSENT


def racy_digests(stats: Mapping[str, Stat], taken_ns: int) -> dict[str, str]:
    """The digest of each racy input, taken after its stat: an edit after it shows next time."""
    return {name: found for name in racy_names(stats, taken_ns)
            if (found := input_digest(name)) != ABSENT}


def _three(value: Any) -> Stat:
    return (int(value[0]), int(value[1]), int(value[2]))


def _stat_or_none(path: Path) -> Stat:
    try:
        return _stat(path)
    except OSError:
        return (-1, -1, -1)


# --- reads recorded while an output is made ------------------------------------------------


@dataclass
class Reads:
    """The names of the facts one output read while it was made."""

    names: set[str] = field(default_factory=set)

    def add(self, name: str) -> None:
        self.names.add(name)

    def update(self, names: Iterable[str]) -> None:
        self.names.update(names)


# The reads of the page being rendered, for what a template reads of a record without
# asking the environment (printing or iterating it: ContentModel's __str__, __iter__).
RENDERING: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("rendering",
                                                                         default=None)


def late_read_name(record: Any, field_name: str) -> str:
    """The fact a page reads when it reads a record's late field: 'late:City/leeds/overview'."""
    return f"late:{type(record).__name__}/{getattr(record, 'slug', '')}/{field_name}"


def note_late_read(record: Any, fields: Iterable[str] | None = None) -> None:
    """Count `fields` of `record` (all its late fields if None) as read by the page being
    rendered, if one is."""
    reads = RENDERING.get()
    if reads is not None and record.LATE_FIELDS:
        reads.update(late_read_name(record, name)
                     for name in (record.LATE_FIELDS if fields is None else fields))


class Facts:
    """Site-wide facts by name, each computed once per build and known by its digest.

    A name is 'site', 'cities', 'today'..., or a family and an argument:
    'template:city.html', 'listing:jobs/cities/leeds/', 'city:leeds'. A name no longer known
    (a deleted template, a city gone) has the digest 'absent', so an output that
    read it is made again.
    """

    def __init__(self, values: Mapping[str, Callable[[], str]],
                 families: Mapping[str, Callable[[str], str | None]]) -> None:
        self._values = values
        self._families = families
        self._known: dict[str, str] = {}

    def digest(self, name: str) -> str:
        if (known := self._known.get(name)) is not None:
            return known
        family, colon, argument = name.partition(":")
        if colon:
            maker = self._families.get(family)
            value = maker(argument) if maker is not None else None
        else:
            simple = self._values.get(name)
            value = simple() if simple is not None else None
        self._known[name] = value if value is not None else ABSENT
        return self._known[name]


# --- the digest of a route's context: its records contribute their digests ---------------


class UnkeyableValue(TypeError):
    """A route's context holds a value the graph cannot key (an engine bug, not content)."""


Memo = dict[int, tuple[object, str]]


def value_digest(value: object, memo: Memo) -> str:
    """A digest of everything `value` holds that a template could read.

    Records (validated models) stand for themselves by their own digest;
    tuples, lists, mappings and dataclasses by their parts; plain values by
    their text. Shared parts (one job list behind forty pages) are digested once
    per build, through `memo`.
    """
    if value is None or isinstance(value, str | int | float):
        return f"{type(value).__name__}:{value}"
    if isinstance(value, dt.date):
        return f"date:{value.isoformat()}"
    known = memo.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    result = _compound_digest(value, memo)
    memo[id(value)] = (value, result)
    return result


def _compound_digest(value: object, memo: Memo) -> str:
    # A record: its kind, slug and fields, but for its late fields (read as facts of their own).
    own = getattr(value, "shown_digest", None)
    if isinstance(own, str):
        return own
    if isinstance(value, tuple | list):
        return digest("seq", *(value_digest(item, memo) for item in value))
    if isinstance(value, Mapping):
        return digest("map", *(f"{value_digest(k, memo)}={value_digest(v, memo)}"
                               for k, v in value.items()))
    if isinstance(value, frozenset | set):
        return digest("set", *sorted(value_digest(item, memo) for item in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return digest(type(value).__qualname__, *(
            f"{f.name}={value_digest(getattr(value, f.name), memo)}"
            for f in dataclasses.fields(value)))
    code = getattr(value, "__code__", None)
    if code is not None:  # a function: the engine's code (in the toolchain) and what it holds
        cells = getattr(value, "__closure__", None) or ()
        return digest("code", getattr(value, "__module__", ""), code.co_qualname,
                      str(code.co_firstlineno),
                      *(value_digest(cell.cell_contents, memo) for cell in cells),
                      *(value_digest(d, memo) for d in getattr(value, "__defaults__", None) or ()))
    raise UnkeyableValue(f"a route's context holds a {type(value).__qualname__}: give routes "
                         "model objects, tuples, mappings or dataclasses of them")


# --- outputs: keys and the build log -------------------------------------------------------


@dataclass(frozen=True)
class Made:
    """How an output was last made: its key, and the facts it read."""

    key: str
    reads: tuple[str, ...]


def output_key(toolchain: str, route: str, reads: Iterable[str], facts: Facts) -> str:
    """An output's key: the toolchain, its route's digest, and each fact it read, as now."""
    return digest(toolchain, route, *(f"{name}={facts.digest(name)}" for name in sorted(reads)))


def is_current(made: Made | None, toolchain: str, route: str, facts: Facts) -> bool:
    """Whether an output made before would come out the same now."""
    return made is not None and made.key == output_key(toolchain, route, made.reads, facts)
