#!/usr/bin/env python3
"""Measure the job board at scale: page weights, the search index, and what a first search costs.

Usage: bench/job_board.py OUT_DIR [--query WORD]

OUT_DIR must hold a built site (for example `python3 bench/make_site.py SITE
--cities 1000 --jobs 10000`, then `python build.py --content SITE/content --out
OUT_DIR`). It prints:

- with --cold-build CONTENT, first a cold build of CONTENT into OUT_DIR, in this process:
  its time, and the search step's (started before the pages render, waited for after);
- the heaviest page of each kind, gzipped (the budget is 14 KB for every page), and for
  the home page, jobs/, employers/, cities/ and compare/ the largest page and how many
  are over;
- the search indexes: files and bytes on disk under pagefind/ (Pagefind's, for the
  search page) and search/roles/ (the jobs page's own, publish/role_index.py);
- the time each index step takes alone (records, then Pagefind and its canonical form
  for its bundle of cities and employers; the roles' own index), on the content in
  CONTENT (--content, default: OUT_DIR's sibling content/);
- the bytes a reader fetches for a first search, in headless Chromium: the
  site served on loopback, the reader types WORD on /jobs/, then on /search/; each file is
  listed with its size as a CDN would send it, gzip and brotli (Pagefind's
  index files and WebAssembly are gzip already and counted as they are).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRECOMPRESSED = (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta", ".pagefind")
INDEXES = ("pagefind", "search/roles")  # Pagefind's folder; the jobs page's own index


def index_part(url: str) -> str | None:
    """'http://127.0.0.1:8000/search/roles/index.json' => 'search/roles/index.json'."""
    for folder in INDEXES:
        if f"/{folder}/" in url:
            return folder + "/" + url.split(f"/{folder}/", 1)[1].split("?")[0]
    return None


def page_kind(relative: str) -> str:
    """'jobs/cities/leeds/page/2/index.html' => 'jobs/cities/*'."""
    parts = relative.split("/")
    if len(parts) <= 2:
        return relative
    return "/".join(parts[:2]) + "/*" if parts[0] == "jobs" and len(parts) > 3 else parts[0] + "/*"


def heaviest_pages(out: Path) -> dict[str, tuple[int, str]]:
    heaviest: dict[str, tuple[int, str]] = defaultdict(lambda: (0, ""))
    for page in out.rglob("*.html"):
        relative = page.relative_to(out).as_posix()
        size = len(gzip.compress(page.read_bytes(), 9))
        kind = page_kind(relative)
        heaviest[kind] = max(heaviest[kind], (size, relative))
    return dict(sorted(heaviest.items()))


BUDGET = 14 * 1024  # every page, gzipped
SECTIONS = (("the home page", ("index.html",)), ("jobs/", ("jobs/",)),
            ("employers/", ("employers/",)), ("cities/", ("cities/",)),
            ("compare/", ("compare/",)))


def section_budgets(out: Path) -> list[tuple[str, int, int, str, int]]:
    """Per section: pages, the largest gzipped (level 6, as a CDN) and which, pages over 14 KB."""
    rows = []
    for name, prefixes in SECTIONS:
        sizes = [(len(gzip.compress(p.read_bytes(), 6, mtime=0)), p.relative_to(out).as_posix())
                 for p in out.rglob("*.html")
                 if p.relative_to(out).as_posix().startswith(prefixes)
                 and (prefixes != ("index.html",) or p.parent == out)]
        largest = max(sizes, default=(0, "-"))
        rows.append((name, len(sizes), largest[0], largest[1],
                     sum(1 for size, _ in sizes if size > BUDGET)))
    return rows


def index_on_disk(out: Path, folder: str) -> tuple[int, int]:
    files = [p for p in (out / folder).rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def index_step_seconds(content: Path, out: Path) -> tuple[int, float, float]:
    """Records, and the seconds of each index step alone: Pagefind's, the roles' own."""
    from mlguide.pipeline import BuildCache, Settings, prepare
    from mlguide.publish import role_index, search

    settings = Settings(content=content, templates=ROOT / "templates", static=ROOT / "static",
                        out=out, today=dt.date(2026, 11, 25))
    ready = prepare(settings, BuildCache())
    started = time.perf_counter()
    bundles = search.search_records(ready.index, ready.renderer.links)
    for name in search.PAGEFIND_BUNDLES:  # one after the other, as the build runs them
        search.canonical(search.run_pagefind(bundles[name]))
    pagefind = time.perf_counter() - started
    started = time.perf_counter()
    role_index.index_files(bundles[search.ROLES])
    own = time.perf_counter() - started
    return sum(len(records) for records in bundles.values()), pagefind, own


def cold_build_with_search_timed(content: Path, out: Path) -> tuple[float, float, float, float]:
    """A cold build of CONTENT into OUT (emptied first), in this process: its seconds, the
    search step's own (its start, and its finish: the wait for Pagefind once the pages are
    written, and the writing of its files), as the build runs it beside the rendering, and
    the roles' own index's (made and written after the pages)."""
    import shutil

    from mlguide.cli import main as cli
    from mlguide.publish import role_index, search

    spent = {"records": 0.0, "start": 0.0, "finish": 0.0, "own": 0.0}

    def timed(name: str, method: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return run

    for folder in (out, out.parent / ".mlguide" / out.name):
        shutil.rmtree(folder, ignore_errors=True)
    search.search_records = timed("records", search.search_records)
    search.Indexing.__init__ = timed("start", search.Indexing.__init__)  # type: ignore[method-assign]
    search.Indexing.finish = timed("finish", search.Indexing.finish)  # type: ignore[method-assign]
    role_index.index_files = timed("own", role_index.index_files)
    role_index.placed = timed("own", role_index.placed)
    started = time.perf_counter()
    status = cli(["--content", str(content), "--out", str(out), "--base-url",
                  "https://bench.example/", "--today", "2026-11-25"])
    assert status == 0, status
    return (time.perf_counter() - started, spent["records"] + spent["start"], spent["finish"],
            spent["own"])


def first_search_bytes(out: Path, word: str,
                       path: str = "jobs/") -> dict[str, tuple[int, int, int]]:
    """Each file fetched for typing `word` on `path`: raw, gzip and brotli bytes as sent."""
    import brotli  # type: ignore[import-untyped]

    from tests.browser import chromium, static_server

    fetched: dict[str, bytes] = {}
    with static_server(out) as base, chromium() as browser:
        page = browser.new_page()
        page.on("response", lambda r: fetched.__setitem__(r.url, r.body())
                if index_part(r.url) else None)
        page.goto(base + path)
        page.locator("#search").wait_for(state="visible")
        assert not fetched, "nothing is fetched before the first keystroke"
        page.locator("#search-query").press_sequentially(word)
        page.locator("#search-list li").first.wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
    sizes = {}
    for url, body in fetched.items():
        name = index_part(url) or url
        if name.endswith(PRECOMPRESSED):  # Pagefind's own gzip: a CDN sends it as it is
            sizes[name] = (len(body), len(body), len(body))
        else:
            sizes[name] = (len(body), len(gzip.compress(body, 6, mtime=0)),
                           len(brotli.compress(body, quality=11)))
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--content", type=Path)
    parser.add_argument("--query", default="pipelines")
    parser.add_argument("--cold-build", type=Path, metavar="CONTENT",
                        help="first build CONTENT cold into OUT_DIR in this process, timing "
                             "the search step beside the rendering")
    args = parser.parse_args()
    if args.cold_build:
        whole, start, finish, own = cold_build_with_search_timed(args.cold_build, args.out)
        print(f"cold build {whole:.1f} s; search step: its records made and Pagefind started "
              f"in {start:.2f} s, then the build waited {finish:.2f} s for it after the pages, "
              f"and the roles' own index took {own:.2f} s "
              f"({(start + finish + own) / whole:.0%} of the build)")
    print("heaviest page of each kind, gzipped:")
    for kind, (size, path) in heaviest_pages(args.out).items():
        print(f"  {size / 1024:6.1f} KB  {kind:24} {path}")
    print("largest page of each section, gzipped (budget 14 KB):")
    for name, pages, size, path, over in section_budgets(args.out):
        print(f"  {name:14} {pages:6} pages, largest {size / 1024:6.1f} KB ({path}), "
              f"{over} over 14 KB")
    for folder in INDEXES:
        files, size = index_on_disk(args.out, folder)
        print(f"search index on disk, {folder}/: {files} files, {size / 1024 / 1024:.2f} MiB")
    content = args.content or args.out.parent / "content"
    if content.is_dir():
        records, pagefind, own = index_step_seconds(content, args.out)
        print(f"index steps alone: {records} records, Pagefind's in {pagefind:.2f} s; "
              f"the roles' own index in {own:.2f} s")
    for path in ("jobs/", "search/"):
        fetched = first_search_bytes(args.out, args.query, path)
        print(f"first search for {args.query!r} on /{path}: {len(fetched)} files")
        for name, (raw, gz, br) in sorted(fetched.items()):
            print(f"  {raw:9,} raw {gz:9,} gzip {br:9,} brotli  {name}")
        raw, gz, br = (sum(sizes[i] for sizes in fetched.values()) for i in range(3))
        print(f"  total: {raw / 1024:.1f} KB raw, {gz / 1024:.1f} KB gzip, {br / 1024:.1f} KB "
              "brotli, as a CDN sends them (Pagefind's data files as they are)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
