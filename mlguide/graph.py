"""The build's one dependency graph, and the keys of its nodes.

    inputs (files, settings, toolchain) -> parsed files -> validated records
        -> site-wide facts -> routes -> outputs

Every node is known by a digest of what it read:

- an input file by its bytes (a no-op build looks only at its size, mtime_ns
  and inode: `signature.Signature`, a module of its own so that the no-op check
  imports nothing else);
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

This module needs only the standard library.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The no-op check's half of the graph, in a module light enough to run alone; the rest of
# the engine knows them as the graph's.
from .signature import ABSENT as ABSENT
from .signature import ENGINE_DIR as ENGINE_DIR
from .signature import RACY_NS as RACY_NS
from .signature import Signature as Signature
from .signature import digest as digest
from .signature import input_folders, settings_text
from .signature import library_versions as library_versions


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
        return input_folders(self)

    def text(self) -> str:
        """Every setting that can change an output byte, as one line (workers cannot)."""
        return settings_text(self, self.today.isoformat())


# --- the toolchain: what makes outputs besides the content ------------------------------


def engine_files() -> list[Path]:
    """The engine's own code and data, whose every change may change the output."""
    return sorted(p for p in ENGINE_DIR.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def toolchain_digest(versions: Mapping[str, str]) -> str:
    """The engine's code and the libraries' versions, in one digest."""
    parts = [f"{p.relative_to(ENGINE_DIR).as_posix()}\0{digest(p.read_bytes())}"
             for p in engine_files()]
    return digest(*parts, *(f"{name}={version}" for name, version in sorted(versions.items())))


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
