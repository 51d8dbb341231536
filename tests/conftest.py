"""Shared fixtures: a tiny valid content folder in a temp dir, and a way to run the build.

`SiteDir.build` runs the command line in this process (`mlguide.cli.main`, from the
site's folder, with its output captured), which is what almost every test needs and
costs no interpreter start; `SiteDir.run` starts `python build.py` as a separate
process, for the few tests that are about the command-line contract itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlguide.cli import main
from mlguide.pipeline import BuildCache, Settings, build
from mlguide.render import TemplateCache

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"

SITE = """\
title: Test Guide
tagline: Cities for testing
description: A small guide used by the tests.
base_url: https://guide.example/
language: en-GB
intro: |
  Welcome to the **test** guide.
why_uk:
  - title: Good reasons
    body: Plenty of *them*.
"""

SECTORS = """\
healthcare:
  name: Healthcare and life sciences
  description: Hospitals and labs.
fintech:
  name: Finance and fintech
  description: Banks and payments.
"""

LEEDS = """\
name: Leeds
nation: England
rank: 1
status: emerging
location:
  lat: 53.8008
  lon: -1.5491
summary: A northern city with banks and hospitals.
overview: |
  Leeds has a growing data community.
specialisms:
  - name: Health data
    sectors: [healthcare]
    description: Waiting lists and imaging.
  - name: Banking analytics
    sectors: [fintech, healthcare]
    description: Fraud detection.
employers:
  - name: University of Leeds
    type: university
    url: https://www.leeds.ac.uk/
    description: Research and teaching.
  - name: Leeds Data Lab
    type: research-lab
    description: A lab.
    sectors: [healthcare]
"""

YORK = """\
name: York
nation: England
rank: 2
location:
  lat: 53.9590
  lon: -1.0815
summary: A small city.
overview: York is small.
specialisms:
  - name: Rail analytics
    sectors: [fintech]
    description: Trains.
"""

JOB = """\
title: Data Scientist
employer: Leeds Data Lab
city: leeds
location: Leeds (hybrid)
workplace: hybrid
employment_type: full-time
salary:
  min: 50000
  max: 60000
posted: 2026-11-20
closes: 2026-12-31
apply_url: https://jobs.example/apply/1
summary: |
  Build **models** for hospitals.
sectors: [healthcare]
"""

PAGE = """\
---
title: Career advice
description: How to prepare for an ML career.
nav: 2
---
Learn *Python* first.
"""


@dataclass
class SiteDir:
    """A content folder in a temp dir, and where its build goes."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def out(self) -> Path:
        return self.root / "out"

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def remove(self, relative: str) -> None:
        (self.content / relative).unlink()

    def argv(self, *args: str, command: str | None = None) -> list[str]:
        """The command line that builds (or checks) this folder for the fixed build date."""
        return [*([command] if command else []), "--content", str(self.content),
                "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
                "--out", str(self.out), "--today", TODAY, *args]

    def build(self, *args: str, command: str | None = None) -> subprocess.CompletedProcess[str]:
        """`build.py [command] ARGS` on this folder, run in this process from the site's folder."""
        return run_cli(self.argv(*args, command=command), self.root)

    def run(self, *args: str, command: str | None = None) -> subprocess.CompletedProcess[str]:
        """`python build.py [command] ARGS` as a separate process, as an editor or CI runs it."""
        argv = [sys.executable, str(ROOT / "build.py"), *self.argv(*args, command=command)]
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        return subprocess.run(argv, capture_output=True, text=True, cwd=self.root, env=env,
                              timeout=120)

    def page(self, relative: str) -> str:
        return (self.out / relative).read_text(encoding="utf-8")


# The templates this test process has compiled, by file and source. Jinja checks each
# entry against its template's source, as it does for the preview server, which keeps
# them the same way: an edited template, or a copy elsewhere, is compiled again.
COMPILED = TemplateCache()


class SavedAt(threading.Event):
    """A BuildCache's `superseded` as a save sets it while a build runs: at the build's
    `question`-th look at it, and then never again."""

    def __init__(self, question: int) -> None:
        super().__init__()
        self.question = question
        self.asked = 0

    def is_set(self) -> bool:
        self.asked += 1
        return self.asked == self.question


def build_cache() -> BuildCache:
    """What a new build process starts with (nothing), but the templates compiled already."""
    return BuildCache(templates=COMPILED)


# The clean builds that incremental ones are compared with compile their templates into a
# cache of their own, never the one the builds under test use: a template is compiled
# from nothing the first time an oracle sees its file, and again whenever its source
# changed (Jinja checks each entry against the source it read). Compiling the same
# unchanged templates for every oracle cost about 0.3 s each, some fifty times a run.
ORACLE_COMPILED = TemplateCache()


def clean_tree(settings: Settings, out: Path) -> dict[str, bytes]:
    """The oracle: the same inputs built into the new folder `out` by a build that keeps
    nothing of the builds under test (no state, records, Markdown or compiled templates
    of theirs); only other oracles' compiled templates, each checked against its source."""
    assert not out.exists(), "the oracle builds into a new folder"
    build(dataclasses.replace(settings, out=out), BuildCache(templates=ORACLE_COMPILED))
    return tree_bytes(out)


def run_cli(argv: Sequence[str], cwd: Path,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`build.py ARGV` in this process, from `cwd`: its exit status and what it printed.

    The environment is the process's own without SOURCE_DATE_EPOCH, plus `env`, and is
    put back afterwards, as is the working folder.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    os.environ.update(env or {})
    time.tzset()  # a TZ in `env` moves the local clock
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(stdout), \
                contextlib.redirect_stderr(stderr):
            try:
                status = main(list(argv), build_cache())
            except SystemExit as exit:  # argparse refusing an option
                status = exit.code if isinstance(exit.code, int) else 2
    finally:
        os.environ.clear()
        os.environ.update(saved)
        time.tzset()
    return subprocess.CompletedProcess(list(argv), status, stdout.getvalue(), stderr.getvalue())


SMALL_SITE = (
    ("site.yaml", SITE), ("sectors.yaml", SECTORS), ("cities/leeds.yaml", LEEDS),
    ("cities/york.yaml", YORK), ("jobs/data-scientist-leeds.yaml", JOB),
    ("pages/career-advice.md", PAGE),
)


def small_site(root: Path) -> SiteDir:
    """A small, valid site in `root`: two cities, two sectors, one job, one page."""
    s = SiteDir(root)
    for relative, text in SMALL_SITE:
        s.write(relative, text)
    return s


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    """The small, valid site in a temp dir."""
    return small_site(tmp_path)


@pytest.fixture
def built(site: SiteDir) -> SiteDir:
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


# The search indexes' folders: Pagefind's, and the jobs page's own (publish/role_index.py).
SEARCH_INDEXES = ("pagefind/", "search/roles/")


MANIFEST = ".mlguide-manifest.json"  # it records each output's key


def manifest_keys(out: Path) -> dict[str, str]:
    """Each output's key as the manifest records it: a new key is a file made anew."""
    files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    return {path: record["key"] for path, record in files.items()}


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, for comparing two builds."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


Builder = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def real_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's real content/, built once per test session (base URL as in site.yaml)."""
    out = tmp_path_factory.mktemp("real-site") / "output"
    result = run_cli(["--out", str(out), "--today", TODAY], ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "the real content builds with no warnings"
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    from .browser import chromium

    with chromium() as instance:
        yield instance


# --- the order of the run, for two workers (pytest-xdist's --dist loadgroup) -------------

# The files that cost most (`-p tests.cputime` says which), run first: a worker then
# takes the many short tests while the other is still busy, and the run ends with
# short tests on both, instead of one long test on one while the other waits.
# (CPU seconds per file on 2026-12-03: quality_browser 80, cms_browser 41, engine_incremental
# 39, jobs_search 23, paged_lists 22, publish_headers 21, publish_subpath 19, serve_browser
# 18, look_browser 17; a file of SHARED_SET_UP runs on one worker, so those go early.)
LONGEST_FIRST = (
    "test_cms_browser.py", "test_quality_browser.py", "test_jobs_search.py",
    "test_paged_lists.py", "test_engine_incremental.py", "test_publish_headers.py",
    "test_publish_subpath.py", "test_serve_browser.py", "test_look_browser.py",
    "test_publish_compress.py", "test_subscribe_browser.py", "test_engine_state.py",
    "test_engine_noop.py", "test_content_errors.py", "test_serve_incremental.py",
    "test_links.py", "test_jobs_uk_facts.py", "test_hostile_fuzz.py",
    "test_engine_property.py", "test_engine_workers.py", "test_precommit.py",
)
# Files whose tests share a module-scoped set-up that costs more than the tests (a site
# built with many jobs, a CMS backend, a git repository, a language server): each runs
# on one worker, so the set-up is made once.
SHARED_SET_UP = (
    "test_cms_browser.py", "test_cms_schema.py", "test_jobs_browser.py",
    "test_jobs_employers.py", "test_jobs_feeds.py", "test_jobs_listing.py",
    "test_jobs_search.py", "test_jobs_structured_data.py", "test_jobs_uk_facts.py",
    "test_paged_lists.py", "test_precommit.py", "test_publish_compress.py", "test_schema.py",
    "test_subscribe_browser.py",
)


# First among the hooks: pytest-xdist's own reads the group marks in each worker to name the
# groups, and marks added after it ran were never seen (each file's tests went to both
# workers, and each worker made the file's set-up).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first, the others in their usual order; shared set-ups grouped."""
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: within a file, and among the rest, nothing moves
    for item in items:
        if item.path.name in SHARED_SET_UP:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
