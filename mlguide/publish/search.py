"""The search records (open roles, cities, employers), and Pagefind's index, in pagefind/.

Pagefind (https://pagefind.app/) turns records into a static index that the
browser fetches in small pieces, and only once a reader searches. Each record
is a URL, its text, what a result shows (meta), the facets it counts under
(filters) and the orders it sorts in (sort):

    Role      filters: city, sector, workplace, type, pay, visa, ir35
              sort:    posted, closes (YYYYMMDD), pay (a year, in pounds)
    City      filters: kind, city, sector
    Employer  filters: kind, city, sector

The records come in two bundles:

    roles     the open roles, which Pagefind does not index: they go to the roles'
              own index in search/roles/ (publish/role_index.py), which the jobs
              page searches and the search page adds to Pagefind's results
              (static/jobs.js, counting them as kind "Role"). At ten thousand roles
              a first Pagefind search over them fetched 320 KB (a meta file with an
              entry per record, every filter file listing them again), their own
              index 44 KB; and indexing them was most of Pagefind's time and memory
              in a build, again after every job edit.
    guide     the cities and employers: Pagefind's bundle in pagefind/guide/, which
              the search page searches.

Each Pagefind bundle is one step of the build whose inputs are exactly its
records: its key is their digest (with Pagefind's version), so a build whose
records did not change reuses the previous build's files (a job edit leaves the
guide's bundle as it was), and one whose records did writes that bundle anew,
whole. Closed jobs are never records. The step starts before the pages
render and runs beside them (`Indexing`): Pagefind is a process of its own per
bundle, fed from a thread, and the build collects its files once the pages are
written.

Two things about Pagefind shape this module:

- Its Python API waits a tenth of a second per record (its reply loop sleeps
  between reads), so ten thousand records would take a quarter of an hour.
  The records go to the same `pagefind --service` process its API starts,
  in its own message format, as fast as the process answers.
- It lists each filter's values in hash-map order, which changes from run to
  run. To keep builds byte-identical, each filter file's values are put in
  order and the file is renamed by its content's digest, and the files that
  name it (the language's .pf_meta, pagefind-entry.json) follow.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import struct
import subprocess
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..graph import digest
from ..model import City, Job
from ..problems import ContentError, Problem
from ..routes import SEARCH_FOLDER, Links, SiteIndex, city_url, job_url
from ..views import facets, pay, present
from ..views.hiring import EmployerEntry
from ..write import FileRecord, StagingTree, files_under

FOLDER = SEARCH_FOLDER
ROLES, GUIDE = "roles", "guide"  # the bundles of records (search_records)
PAGEFIND_BUNDLES = (GUIDE,)  # those Pagefind indexes, each into pagefind/<bundle>/
LANGUAGE = "en"
# What the browser needs; Pagefind's ready-made UIs and its fallback language are left out.
KEPT_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json",
              f"wasm.{LANGUAGE}.pagefind")
KEPT_FOLDERS = ("index/", "fragment/", "filter/")
NO_CLOSING_DATE = "99991231"  # sorts after every real date: open until filled
SIGNATURE = b"pagefind_dcd"  # the start of every decompressed Pagefind data file


@dataclass(frozen=True)
class Record:
    """One search result as Pagefind indexes it."""

    url: str  # root-relative, with the site's sub-path
    content: str
    meta: Mapping[str, str]
    filters: Mapping[str, Sequence[str]]
    sort: Mapping[str, str] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {"type": "AddRecord", "index_id": 0, "url": self.url, "content": self.content,
                "language": LANGUAGE, "meta": dict(self.meta),
                "filters": {k: list(v) for k, v in self.filters.items()}, "sort": dict(self.sort)}


def _day(value: Any) -> str:
    return value.strftime("%Y%m%d")  # type: ignore[no-any-return]


def job_record(job: Job, index: SiteIndex, links: Links) -> Record:
    """An open role: found by its title, employer, place and summary."""
    facts = [job.location, present.salary_or_not(job.salary)]
    if job.workplace:
        facts.insert(1, present.WORKPLACE[job.workplace])
    figure = pay.annual_figure(job.salary) if job.salary and job.salary.currency == "GBP" else 0
    return Record(
        url=links.path(job_url(job)),
        content="\n".join((job.title, job.employer or "", job.location, job.summary)),
        meta={"title": job.title, "kind": "Role",
              "employer": job.employer or "Employer not disclosed",
              "facts": " · ".join(facts)},
        # Every record of the roles' bundle is a role: its kind would only add a facet.
        filters={k: v for k, v in facets.job_filters(job, index).items() if k != "kind"},
        sort={"posted": _day(job.posted),
              "closes": _day(job.closes) if job.closes else NO_CLOSING_DATE,
              "pay": str(round(figure or 0))},
    )


def city_record(city: City, index: SiteIndex, links: Links) -> Record:
    """A city of the guide: found by its name, summary, overview and specialisms."""
    texts = [city.name, city.summary, city.overview,
             *(f"{s.name}\n{s.description}" for s in city.specialisms)]
    return Record(
        url=links.path(city_url(city)), content="\n".join(texts),
        meta={"title": city.name, "kind": "City", "employer": city.nation,
              "facts": city.summary},
        filters=facets.city_filters(city, index),
    )


def employer_record(entry: EmployerEntry, index: SiteIndex, links: Links) -> Record:
    """An employer or institution of a city's page: found by its name and description."""
    employer = entry.employer
    return Record(
        url=links.path(entry.url), content=f"{employer.name}\n{employer.description}",
        meta={"title": employer.name, "kind": "Employer", "employer": entry.city.name,
              "facts": f"{present.EMPLOYER_KIND[employer.type]} in {entry.city.name}"},
        filters=facets.employer_filters(entry, index),
    )


Bundles = Mapping[str, Sequence[Record]]  # records by bundle: ROLES, GUIDE


def search_records(index: SiteIndex, links: Links) -> dict[str, list[Record]]:
    """Every record of the index by bundle: the open roles; the cities, then employers."""
    return {ROLES: [job_record(job, index, links) for job in index.open_jobs],
            GUIDE: [*(city_record(city, index, links) for city in index.content.cities),
                    *(employer_record(entry, index, links)
                      for entry in facets.employer_entries(index))]}


def pagefind_version() -> str:
    """The installed Pagefind's version: part of the index's key."""
    from importlib.metadata import version

    return version("pagefind")


def records_digest(records: Sequence[Record]) -> str:
    """Digest of the records, each as Pagefind is given it."""
    h = hashlib.blake2b(digest_size=16)
    for record in records:
        h.update(json.dumps(record.payload(), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def index_key(name: str, records: Sequence[Record]) -> str:
    """Digest of everything that decides a bundle's bytes: its records, Pagefind, this module."""
    return digest(pagefind_version(), name, Path(__file__).read_bytes(), records_digest(records))


Found = tuple[list[FileRecord], Path | None]  # a bundle's files, and the tree they are in


class Indexing:
    """The search step, under way beside the rendering: started, then finished.

    Each bundle is a step of its own, keyed by its records: a bundle whose key is
    that of the staged or the live build's files is kept or linked from there; for
    each other bundle Pagefind starts at once, fed from a thread of its own, and
    `finish` waits for them and writes each new bundle whole. Used as a context, it
    stops whatever is left running when the build fails before `finish`.
    """

    def __init__(self, tree: StagingTree, live: Mapping[str, FileRecord], live_root: Path,
                 bundles: Bundles, later: bool = False) -> None:
        self.tree = tree
        self.keys = {name: index_key(name, records) for name, records in bundles.items()}
        self.pipes: list[int] = []  # the Pagefind processes' pipes: forked workers close them
        self.running: dict[str, Future[dict[str, bytes]]] = {}
        self.processes: list[subprocess.Popen[bytes]] = []
        self.kept: list[Found] = []  # the bundles published as they are
        waiting: list[str] = []  # changed, left to the next build (the preview's `later`)
        changed: list[str] = []  # indexed now
        for name in sorted(bundles):
            # Looked up once: rendering writes pages into the staged tree, never pagefind/.
            staged = (files_under(tree.records, f"{FOLDER}/{name}"), None)
            served = (files_under(live, f"{FOLDER}/{name}"), live_root)
            reusable = [f for f in (staged, served)
                        if f[0] and all(r.key == self.keys[name] for r in f[0])]
            previous = [f for f in (served, staged) if f[0]]
            if reusable:
                self.kept.append(reusable[0])
            elif later and previous:
                # The preview: a changed bundle is left to the next build, and this one
                # publishes it as it was, so the pages do not wait for Pagefind.
                self.kept.append(previous[0])
                waiting.append(name)
            elif bundles[name]:  # a bundle with no records has no index (no open roles)
                changed.append(name)
        self.pending = bool(waiting)
        if changed:
            processes = {name: start_pagefind() for name in changed}
            self.pipes = [pipe.fileno() for process in processes.values()
                          for pipe in (process.stdin, process.stdout) if pipe is not None]
            self.processes = list(processes.values())
            self._pool = ThreadPoolExecutor(max_workers=len(processes))
            self.running = {name: self._pool.submit(index_with, process, bundles[name])
                            for name, process in processes.items()}

    def __enter__(self) -> Indexing:
        return self

    def __exit__(self, *failed: object) -> None:
        self._stop()

    def _stop(self) -> None:
        """End the Pagefind processes (their input closed, they stop) and their threads."""
        for process in self.processes:
            stop(process)
        self.processes = []
        if self.running:
            self._pool.shutdown()

    def finish(self) -> list[FileRecord]:
        """The pagefind/ files of this build: kept, linked from the live build, or made anew."""
        made: dict[str, dict[str, bytes]] = {}
        if self.running:
            try:
                made = {name: canonical(future.result()) for name, future in self.running.items()}
            finally:
                self._stop()
        kept = [r if root is None else self.tree.link(root, r)
                for found, root in self.kept for r in found]
        return kept + [self.tree.write(f"{FOLDER}/{name}/{path}", data, self.keys[name])
                       for name, files in sorted(made.items())
                       for path, data in sorted(files.items())]


# --- Talking to Pagefind -------------------------------------------------------------------


def _message(number: int, payload: Mapping[str, Any]) -> bytes:
    """One request in the service's framing: base64 of the JSON, then a comma."""
    text = json.dumps({"message_id": number, "payload": payload}, ensure_ascii=False)
    return base64.b64encode(text.encode("utf-8")) + b","


def start_pagefind() -> subprocess.Popen[bytes]:
    """The Pagefind binary, started as a service that reads requests on its input."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise ContentError([Problem("pagefind", 1, 1, "(search)", "the Pagefind binary is "
                                    "missing", "pip install 'pagefind[bin]'")])
    return subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)


def run_pagefind(records: Sequence[Record]) -> dict[str, bytes]:
    """Index the records with a Pagefind service of its own; the files it would write."""
    process = start_pagefind()
    try:
        return index_with(process, records)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a Pagefind service: it stops at the end of its input, answered or not."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.close()
    process.wait()
    process.stdout.close()


def index_with(process: subprocess.Popen[bytes], records: Sequence[Record]) -> dict[str, bytes]:
    """Index the records with this Pagefind service; the files it would write, by path.

    Its pipes stay open (`stop` closes them): forked workers name them to close their
    copies, and a number closed here could be a new file's by then.
    """
    assert process.stdin is not None and process.stdout is not None
    requests = [_message(1, {"type": "NewIndex", "config": {"force_language": LANGUAGE}}),
                *(_message(n, r.payload()) for n, r in enumerate(records, 2)),
                _message(len(records) + 2, {"type": "GetFiles", "index_id": 0})]
    last = len(records) + 2
    stdin = process.stdin
    # Write from a thread and read every answer here: the service answers as it reads.
    writer = threading.Thread(target=lambda: (stdin.write(b"".join(requests)), stdin.flush()))
    writer.start()
    replies: dict[int, dict[str, Any]] = {}
    pending: list[bytes] = []  # the start of an answer; the last (every file) is megabytes
    try:
        while last not in replies:
            chunk = process.stdout.read1(1 << 20)  # type: ignore[attr-defined]
            if not chunk:
                break
            if b"," not in chunk:
                pending.append(chunk)
                continue
            first, *whole, rest = chunk.split(b",")
            for text in (b"".join((*pending, first)), *whole):
                reply = json.loads(base64.b64decode(text))
                replies[reply.get("message_id") or 0] = reply["payload"]
            pending = [rest]
    finally:
        writer.join()
    errors = [p for p in replies.values() if p.get("type") == "Error"]
    if errors or last not in replies:
        message = errors[0].get("message", "") if errors else "it stopped early"
        raise ContentError([Problem("pagefind", 1, 1, "(search)",
                                    f"Pagefind could not build the index: {message}")])
    return {f["path"]: base64.b64decode(f["content"]) for f in replies[last]["files"]
            if f["path"] in KEPT_FILES or f["path"].startswith(KEPT_FOLDERS)
            or f["path"].endswith(".pf_meta")}


# --- Making Pagefind's output the same on every run ------------------------------------------


def canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    """The index with each filter's values in order, renamed and referenced by content."""
    renamed: dict[str, str] = {}  # old hash => new, like 'en_174abf5' => 'en_3c9e0a1'
    result = {path: data for path, data in files.items() if not path.startswith("filter/")}
    for path, data in files.items():
        if path.startswith("filter/"):
            name, values = decode_data(data)
            ordered = encode_data([name, sorted(values, key=lambda pair: pair[0])])
            new = f"{LANGUAGE}_{hashlib.sha256(ordered).hexdigest()[:7]}"
            renamed[path.removeprefix("filter/").removesuffix(".pf_filter")] = new
            result[f"filter/{new}.pf_filter"] = _compressed(ordered)
    (meta_path,) = [p for p in result if p.endswith(".pf_meta")]
    meta = _replace_strings(decode_data(result.pop(meta_path)), renamed)
    # The meta lists the filters ([name, file]) and the sorts ([name, [page, ...]]) in
    # hash-map order too; its list of pages ([fragment, words]) is in page order, kept.
    meta = [sorted(part, key=lambda pair: pair[0]) if _named_pairs(part) else part
            for part in meta]
    meta_bytes = encode_data(meta)
    old_meta = meta_path.removesuffix(".pf_meta").removeprefix("pagefind.")
    new_meta = f"{LANGUAGE}_{hashlib.sha256(meta_bytes).hexdigest()[:10]}"
    result[f"pagefind.{new_meta}.pf_meta"] = _compressed(meta_bytes)
    entry = result["pagefind-entry.json"].decode("utf-8")
    result["pagefind-entry.json"] = entry.replace(f'"{old_meta}"', f'"{new_meta}"').encode()
    return result


def _named_pairs(value: Any) -> bool:
    """Whether `value` is a list of [name, file or pages] pairs (not [fragment, count])."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], str)
                    and isinstance(v[1], str | list) for v in value))


def _compressed(data: bytes) -> bytes:
    return gzip.compress(SIGNATURE + data, mtime=0)


def decode_data(data: bytes) -> Any:
    """A Pagefind data file (gzip, a signature, then CBOR) as Python values."""
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind data file")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw) or encode_data(value) != raw[len(SIGNATURE):]:
        raise ValueError("a Pagefind data file in an unexpected form")  # never guess
    return value


def encode_data(value: Any) -> bytes:
    """Python values as the shortest CBOR, as Pagefind writes it."""
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _replace_strings(value: Any, renamed: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return renamed.get(value, value)
    if isinstance(value, list):
        return [_replace_strings(v, renamed) for v in value]
    if isinstance(value, dict):
        return {k: _replace_strings(v, renamed) for k, v in value.items()}
    return value


def _head(major: int, number: int, out: bytearray) -> None:
    if number < 24:
        out.append(major << 5 | number)
    elif number < 1 << 8:
        out += bytes((major << 5 | 24, number))
    elif number < 1 << 16:
        out += bytes((major << 5 | 25,)) + number.to_bytes(2, "big")
    elif number < 1 << 32:
        out += bytes((major << 5 | 26,)) + number.to_bytes(4, "big")
    else:
        out += bytes((major << 5 | 27,)) + number.to_bytes(8, "big")


def _encode(value: Any, out: bytearray) -> None:
    if value is False or value is True or value is None:
        out.append({False: 0xF4, True: 0xF5, None: 0xF6}[value])
    elif isinstance(value, int):
        _head(0, value, out) if value >= 0 else _head(1, -1 - value, out)
    elif isinstance(value, bytes):
        _head(2, len(value), out)
        out += value
    elif isinstance(value, str):
        text = value.encode("utf-8")
        _head(3, len(text), out)
        out += text
    elif isinstance(value, list):
        _head(4, len(value), out)
        for item in value:
            _encode(item, out)
    elif isinstance(value, dict):
        _head(5, len(value), out)
        for key, item in value.items():
            _encode(key, out)
            _encode(item, out)
    elif isinstance(value, float):
        out.append(0xFB)
        out += struct.pack(">d", value)
    else:
        raise ValueError(f"cannot encode {type(value).__name__}")


def _decode(raw: bytes, at: int) -> tuple[Any, int]:
    major, info = raw[at] >> 5, raw[at] & 31
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], at
        if info == 27:
            return struct.unpack(">d", raw[at:at + 8])[0], at + 8
        raise ValueError("unexpected CBOR value")
    if info < 24:
        number = info
    elif info <= 27:
        size = 1 << (info - 24)
        number, at = int.from_bytes(raw[at:at + size], "big"), at + size
    else:
        raise ValueError("indefinite CBOR lengths are not expected")
    if major == 0:
        return number, at
    if major == 1:
        return -1 - number, at
    if major in (2, 3):
        chunk = raw[at:at + number]
        return (chunk if major == 2 else chunk.decode("utf-8")), at + number
    if major == 4:
        items = []
        for _ in range(number):
            item, at = _decode(raw, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(number):
            key, at = _decode(raw, at)
            mapping[key], at = _decode(raw, at)
        return mapping, at
    raise ValueError("unexpected CBOR tag")
