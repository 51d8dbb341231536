"""check --external: the content's links to other sites, tried politely.

    python build.py check --external

Normal `check` never leaves the machine; this asks each outside address once
per run (however many files link to it): a HEAD request, then a GET when HEAD
fails (some servers refuse or mishandle HEAD; the GET reads the status line
and headers only). At most WORKERS requests are in flight at once, at most
PER_HOST of them to one host, each given `timeout` seconds. An address counts
as failed on a network error, a timeout, or a status of 400 and up, except
those that say the page is there but not for us (401, 403, 405) or that we
asked too fast (429: neither way).

A link is reported only once it has failed two runs in a row: a site that is
down for an hour is not a broken link. What each run found is kept in
links.json in the build's kept-state folder (.mlguide/<output>/, store.py):
data, never code, checked before it is trusted. An address that answered
within RECHECK_AFTER is not asked again; one that failed is asked every run.

Links in Markdown fields (http and https only) and the URL fields of cities
and jobs are tried; site.yaml's base_url (this site) and newsletter action (a
form's endpoint, answering POSTs) are not.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from .links import Link, walk_fields
from .load import SourceFile, Sources, load_sources
from .model import City, Job
from .problems import ContentError, Problem
from .store import Kept, build_lock, refuse_if_tracked
from .validate import content_links, fields_of_format

WORKERS = 8  # requests in flight at once
PER_HOST = 2  # of them to one host
TIMEOUT = 10.0  # seconds for one request
RECHECK_AFTER = 21 * 24 * 3600  # seconds an answer is trusted: about every third weekly run
CACHE_NAME = "links.json"
CACHE_VERSION = 1
USER_AGENT = "mlguide-link-check/1 (checks the links of a static site, once per address)"
ANSWERED = frozenset({401, 403, 405})  # the server is there and the page exists, for others
TOO_FAST = 429
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class BrokenLinks(ContentError):
    """Outside links that failed two runs in a row, each where it is written."""

    def report(self) -> str:
        lines = [str(problem) for problem in self.problems]
        count = len(self.problems)
        lines.append(f"{count} link{'s' if count != 1 else ''} to other sites failed twice in a "
                     "row; nothing was written but the links' record.")
        return "\n".join(lines)


@dataclass(frozen=True)
class Answer:
    """What one try of an address found: None as `ok` when it cannot tell (429)."""

    ok: bool | None
    said: str  # '200 OK', '404 Not Found', 'timed out after 10s', 'connection refused'


@dataclass(frozen=True)
class Seen:
    """What the record says of one address: when it was last tried, and how."""

    checked: float  # seconds since the epoch
    ok: bool
    failures: int  # runs in a row that failed, up to this one
    said: str

    def fresh(self, now: float) -> bool:
        """An address that answered lately is not asked again; a failing one always is."""
        return self.ok and now - self.checked < RECHECK_AFTER


@dataclass(frozen=True)
class Report:
    """A run's findings: what was asked, what the record answered, and what failed."""

    asked: int
    from_record: int
    failed_once: list[str]
    broken: list[Problem]

    def summary(self) -> str:
        return (f"links to other sites: {self.asked} tried, {self.from_record} answered lately "
                f"(not asked again), {len(self.failed_once)} failed for the first time (tried "
                f"again next run), {len(self.broken)} failed twice in a row")


def is_outside(url: str) -> bool:
    """An http(s) address of another site: '/cities/leeds/', '#x' and mailto: are not."""
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def url_field_links(source: SourceFile, model: type[BaseModel], page: str) -> list[Link]:
    """The URL fields of one file (an employer's url, a figure's source), as links."""
    data = (source.parsed() if source.kept else source).data
    return [Link(value, source, path, page)
            for path, value in walk_fields(data, (), fields_of_format(model, "uri"))]


def outside_links(sources: Sources) -> list[Link]:
    """Every link to another site in the content, in file order."""
    found = [link for link in content_links(sources, {}, None, None) if is_outside(link.url)]
    for kind, model, folder in (("cities", City, "cities/"), ("jobs", Job, "jobs/")):
        for source in getattr(sources, kind):
            found += [link for link in url_field_links(source, model,
                                                       f"{folder}{source.path.stem}/")
                      if is_outside(link.url)]
    return found


class _NoProxyForLoopback(urllib.request.ProxyHandler):
    """The environment's proxy for outside hosts; never for this machine's own addresses."""

    def proxy_open(self, req: urllib.request.Request, proxy: str, type: str) -> Any:  # noqa: A002
        if (urlsplit(req.full_url).hostname or "") in LOOPBACK:
            return None
        return super().proxy_open(req, proxy, type)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoProxyForLoopback())


def _try(opener: urllib.request.OpenerDirector, url: str, method: str,
         timeout: float) -> Answer:
    """One request; only the status line and headers are read."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            return Answer(True, f"{response.status} {response.reason}")
    except urllib.error.HTTPError as error:
        error.close()
        ok = True if error.code in ANSWERED else None if error.code == TOO_FAST else False
        return Answer(ok, f"{error.code} {error.reason}")
    except TimeoutError:
        return Answer(False, f"no answer within {timeout:g}s")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return Answer(False, f"no answer within {timeout:g}s")
        return Answer(False, f"could not connect ({reason})")
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Answer(False, f"could not connect ({error})")


class Prober:
    """Asks addresses with bounded concurrency overall and per host."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.opener = _opener()
        self.hosts: dict[str, threading.Semaphore] = {}
        self.guard = threading.Lock()

    def _host(self, url: str) -> threading.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self.guard:
            return self.hosts.setdefault(host, threading.Semaphore(PER_HOST))

    def ask(self, url: str) -> Answer:
        """HEAD, then GET when HEAD did not succeed."""
        with self._host(url):
            first = _try(self.opener, url, "HEAD", self.timeout)
            if first.ok:
                return first
            return _try(self.opener, url, "GET", self.timeout)

    def ask_all(self, urls: Iterable[str]) -> dict[str, Answer]:
        ordered = sorted(set(urls))
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return dict(zip(ordered, pool.map(self.ask, ordered), strict=True))


def read_record(path: Path) -> dict[str, Seen]:
    """The kept record of earlier runs; one that does not read as one is ignored whole."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION \
            or not isinstance(data.get("links"), dict):
        return {}
    found = {}
    for url, entry in data["links"].items():
        try:
            seen = Seen(float(entry["checked"]), bool(entry["ok"]), int(entry["failures"]),
                        str(entry["said"]))
        except (KeyError, TypeError, ValueError):
            continue  # an entry of another shape: asked again
        if isinstance(entry["ok"], bool) and seen.failures >= 0:
            found[url] = seen
    return found


def write_record(path: Path, record: Mapping[str, Seen]) -> None:
    """The record, written whole and swapped in, so a killed run leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": CACHE_VERSION, "links": {
        url: {"checked": seen.checked, "ok": seen.ok, "failures": seen.failures,
              "said": seen.said} for url, seen in sorted(record.items())}}
    partial = path.with_name(f".links.{os.getpid()}")
    partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def updated(before: Seen | None, answer: Answer, now: float) -> Seen:
    """The record of an address after this run's answer."""
    failures = before.failures if before is not None else 0
    if answer.ok is None:  # asked too fast: no news either way
        return Seen(now, False, failures, answer.said)
    return Seen(now, answer.ok, 0 if answer.ok else failures + 1, answer.said)


def broken_problem(link: Link, seen: Seen) -> Problem:
    return link.problem(f"the link '{link.url}' failed twice in a row (last: {seen.said})",
                        "open it in a browser; if the page moved, link to where it is now, "
                        "else remove the link")


def _by_url(links: Iterable[Link]) -> Iterator[tuple[str, list[Link]]]:
    grouped: dict[str, list[Link]] = {}
    for link in links:
        grouped.setdefault(link.url.strip(), []).append(link)
    yield from grouped.items()


def check_outside(content: Path, out: Path, timeout: float = TIMEOUT) -> Report:
    """Try the content's outside links, update the record, and say which failed twice.

    The content has passed `check` already; its files are read again here, since the
    build's own reading keeps no file positions for valid files.
    """
    kept = Kept.beside(out)
    refuse_if_tracked(kept)
    record = read_record(kept.links)
    now = time.time()
    links = dict(_by_url(outside_links(load_sources(content))))
    due = [url for url in links if not (url in record and record[url].fresh(now))]
    answers = Prober(timeout).ask_all(due)
    for url, answer in answers.items():
        record[url] = updated(record.get(url), answer, now)
    with build_lock(kept):  # a build starting now tidies the folder: not while this writes
        # Addresses no longer in the content are forgotten.
        write_record(kept.links, {url: seen for url, seen in record.items() if url in links})
    broken = [broken_problem(link, record[url]) for url in answers
              if record[url].failures >= 2 for link in links[url]]
    once = sorted(url for url in answers if record[url].failures == 1)
    return Report(len(answers), len(links) - len(due), once, broken)
