"""What a save rebuilds: only the pages that show what changed, and the bytes of a clean build.

The preview server keeps one BuildCache and calls `pipeline.build` on every
save; these tests do the same in-process and read, from the manifest's keys,
which files the second build rendered anew. Two oracles that owe nothing to
the incremental machinery judge it: a clean build of the edited content (the
whole tree must be equal) and, for what is rendered anew, fixed lists of the
pages that show the edited thing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from mlguide.pipeline import BuildCache, BuildReport, Settings, build

from .conftest import (
    JOB,
    LEEDS,
    MANIFEST,
    ROOT,
    SEARCH_INDEXES,
    TODAY,
    SavedAt,
    SiteDir,
    build_cache,
    clean_tree,
    manifest_keys,
    tree_bytes,
)
from .serving import WAIT, preview_server

JOB_ID = "data-scientist-leeds"
# Every file of the small site that shows the job: its page, every list and feed it is in,
# and the pages of its city and sector.
SHOWING_THE_JOB = {
    "jobs/data-scientist-leeds/index.html", "jobs/index.html", "jobs/feed.xml", "jobs/feed.json",
    "jobs/indeed.xml", "jobs/cities/leeds/index.html", "jobs/cities/leeds/feed.xml",
    "jobs/cities/leeds/feed.json", "jobs/sectors/healthcare/index.html",
    "jobs/sectors/healthcare/feed.xml", "jobs/sectors/healthcare/feed.json",
    "cities/leeds/index.html", "sectors/healthcare/index.html",
    "cards/jobs/data-scientist-leeds.png",  # the job's share card draws its title
    # the list of its employer's roles, and that list's feeds
    "jobs/employers/leeds-data-lab/index.html", "jobs/employers/leeds-data-lab/feed.xml",
    "jobs/employers/leeds-data-lab/feed.json",
}
# Pages that count the job lists (alerts, the employer and city indexes) read every list,
# so the graph remakes them after any job edit, with the same bytes (the tree check above
# holds them to a clean build). Finer keys for them are left to the engine's next round.
COUNTING_THE_JOBS = {"jobs/alerts/index.html", "employers/index.html",
                     "jobs/employers/index.html", "jobs/cities/index.html"}
# The search indexes (SEARCH_INDEXES) are written anew whenever a record in them changes,
# with content-hashed file names (the tree checks hold them to a clean build). Pagefind's
# is one step of its own, which the preview may leave to its next build.
PAGEFIND = "pagefind/"


@pytest.fixture
def settings(site: SiteDir) -> Settings:
    shutil.copytree(ROOT / "templates", site.root / "templates")
    return Settings(content=site.content, templates=site.root / "templates",
                    static=ROOT / "static", out=site.out, today=dt.date.fromisoformat(TODAY),
                    base_url="http://127.0.0.1:8000/", workers=1)


def rerendered(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path, key in after.items() if before.get(path) != key}


def rebuild(settings: Settings, cache: BuildCache) -> tuple[set[str], BuildReport]:
    """Build again; the files rendered anew, and the report."""
    before = manifest_keys(settings.out)
    report = build(settings, cache)
    return rerendered(before, manifest_keys(settings.out)), report




def differing(old: dict[str, bytes], new: dict[str, bytes]) -> set[str]:
    """The files added, removed or changed between two trees, but for the manifest."""
    return {path for path in old.keys() | new.keys()
            if old.get(path) != new.get(path) and path != MANIFEST
            and not path.startswith(SEARCH_INDEXES)}


def test_a_job_edit_rebuilds_the_job_and_only_the_pages_that_show_it(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    cache = build_cache()
    build(settings, cache)
    first = tree_bytes(settings.out)  # a clean build: nothing was kept before it
    site.write(f"jobs/{JOB_ID}.yaml", JOB.replace("title: Data Scientist",
                                                  "title: Principal Data Scientist"))
    changed, report = rebuild(settings, cache)
    clean = clean_tree(settings, tmp_path / "clean" / "out")
    assert tree_bytes(settings.out) == clean, "the incremental build gives the clean bytes"
    assert differing(first, clean) == SHOWING_THE_JOB, "a clean build changes just these"
    index = {path for path in changed if path.startswith(SEARCH_INDEXES)}
    assert index, "the search index is written again: the job's title is in it"
    extra = changed - index - SHOWING_THE_JOB
    assert extra <= COUNTING_THE_JOBS, "re-rendered only the files that show or count the job"
    assert changed >= SHOWING_THE_JOB, "re-rendered every file that shows the job"
    assert report.written >= len(SHOWING_THE_JOB)
    assert report.markdown_rendered == 0, "the summary's Markdown did not change"


def test_a_city_edit_reaches_every_page_that_shows_the_city(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    """The job page names its city: renaming the city re-renders it, as a clean build would."""
    cache = build_cache()
    build(settings, cache)
    site.write("cities/leeds.yaml", LEEDS.replace("name: Leeds", "name: Leodis"))
    changed, _ = rebuild(settings, cache)
    assert f"jobs/{JOB_ID}/index.html" in changed
    assert "Leodis" in site.page(f"jobs/{JOB_ID}/index.html")
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_markdown_is_rendered_again_only_for_changed_text(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    cache = build_cache()
    build(settings, cache)
    site.write(f"jobs/{JOB_ID}.yaml", JOB.replace("Build **models**", "Build **better models**"))
    _, report = rebuild(settings, cache)
    assert report.markdown_rendered == 1
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_template_edit_rebuilds_only_the_pages_that_use_it(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    cache = build_cache()
    build(settings, cache)
    job_template = settings.templates / "job.html"
    job_template.write_text(job_template.read_text().replace(
        "</h1>", "</h1><p>Edited template</p>", 1))
    changed, _ = rebuild(settings, cache)
    assert changed == {f"jobs/{JOB_ID}/index.html"}
    assert "<p>Edited template</p>" in site.page(f"jobs/{JOB_ID}/index.html")
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_shared_template_rebuilds_every_page_that_extends_or_includes_it(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    cache = build_cache()
    build(settings, cache)
    # /admin/ stands alone: the browser editor's page does not extend the reader pages' base.
    html = {path for path in manifest_keys(settings.out)
            if path.endswith(".html") and not path.startswith("admin/")}
    base = settings.templates / "base.html"
    base.write_text(base.read_text() + "{# edited #}\n")
    changed, _ = rebuild(settings, cache)
    assert changed == html, "every page extends base.html; feeds and the sitemap do not"
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "after-base")

    # job_item.html is included by jobs.html, and by job_list.html which city.html includes.
    item = settings.templates / "partials/job_item.html"
    item.write_text(item.read_text() + "{# edited #}\n")
    changed, _ = rebuild(settings, cache)
    assert {"jobs/index.html", "cities/leeds/index.html"} <= changed
    assert not changed & {"index.html", f"jobs/{JOB_ID}/index.html", "career-advice/index.html"}
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "after-item")


def test_an_incremental_build_gives_the_bytes_of_a_clean_one(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    cache = build_cache()
    build(settings, cache)
    site.write(f"jobs/{JOB_ID}.yaml", JOB.replace("Leeds (hybrid)", "Leeds (remote)"))
    (settings.templates / "job.html").write_text(
        (settings.templates / "job.html").read_text() + "{# edited #}\n")
    build(settings, cache)
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def indexed_text(out: Path) -> str:
    """Every search record's text, from the published index's fragments."""
    return "\n".join(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                     for p in sorted((out / PAGEFIND).glob("*/fragment/*.pf_fragment")))


LEEDS_SUMMARY = ("A northern city with banks and hospitals.",
                 "A northern city of banks, hospitals and robots.")


def test_a_previews_save_publishes_its_pages_before_the_search_index_then_the_index(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    """The preview's builds (search_later) wait neither for Pagefind nor for the roles' own
    index: the next build makes them.

    A city's summary is in Pagefind's bundle; a job's title is in the roles' own index.
    """
    cache = BuildCache(search_later=True)
    assert not build(settings, cache).search_pending, "no index yet: the first build makes it"
    roles = {p: b for p, b in tree_bytes(settings.out).items() if p.startswith("search/roles/")}
    assert not build(settings, cache).search_pending, "nothing changed: nothing is left"
    assert {p: b for p, b in tree_bytes(settings.out).items()
            if p.startswith("search/roles/")} == roles
    site.write(f"jobs/{JOB_ID}.yaml", JOB.replace("title: Data Scientist",
                                                  "title: Principal Data Scientist"))
    saved_job = build(settings, cache)
    assert saved_job.search_pending, "the roles' own index changed: left to the next build"
    assert "Principal Data Scientist" in site.page(f"jobs/{JOB_ID}/index.html")
    assert "Principal Data Scientist" not in roles_text(settings.out), "the last one meanwhile"
    cache.search_later = False
    assert not build(settings, cache).search_pending
    assert "Principal Data Scientist" in roles_text(settings.out)
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean-job" / "out")
    cache.search_later = True
    index = {p: b for p, b in tree_bytes(settings.out).items() if p.startswith(PAGEFIND)}
    site.write("cities/leeds.yaml", LEEDS.replace(*LEEDS_SUMMARY))
    saved = build(settings, cache)
    assert saved.search_pending and saved.headline().endswith("; the search index follows")
    assert "hospitals and robots" in site.page("cities/leeds/index.html")
    assert {p: b for p, b in tree_bytes(settings.out).items()
            if p.startswith(PAGEFIND)} == index, "the last index, as it was, meanwhile"
    assert "hospitals and robots" not in indexed_text(settings.out)
    cache.search_later = False  # what the preview asks of the build after a pending one
    followed = build(settings, cache)
    assert not followed.search_pending and followed.written == 0, "no page again: no reload"
    assert "hospitals and robots" in indexed_text(settings.out)
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def roles_text(out: Path) -> str:
    """Every file of the roles' own index, as text."""
    return "".join(p.read_text(encoding="utf-8") for p in (out / "search/roles").rglob("*.json"))


class ReloadClient:
    """A page's livereload client that connects, is told to reload, and never comes back
    (a tab closed as the save landed): its connection stays open until `close`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.told: list[float] = []  # when each reload message came
        self.connected, self.closing = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)
        self.thread.start()
        assert self.connected.wait(WAIT), "the client connected"

    async def _run(self) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        own = f"127.0.0.1:{self.port}"
        socket = await websocket_connect(HTTPRequest(f"ws://{own}/livereload",
                                                     headers={"Origin": f"http://{own}"}))
        socket.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        assert json.loads(await socket.read_message())["command"] == "hello"
        socket.write_message(json.dumps({"command": "info", "plugins": {},
                                         "url": f"http://{own}/cities/leeds/"}))
        self.connected.set()
        while not self.closing.is_set():
            try:
                message = await asyncio.wait_for(socket.read_message(), 0.05)
            except TimeoutError:
                continue
            if message is not None and json.loads(message)["command"] == "reload":
                self.told.append(time.time())
        socket.close()

    def close(self) -> None:
        self.closing.set()
        self.thread.join(WAIT)


def test_a_page_that_never_comes_back_holds_the_index_two_seconds_at_most(
        site: SiteDir) -> None:
    """The build that makes the index waits for the reloaded pages: at most two seconds."""
    with preview_server(site) as preview:
        client = ReloadClient(preview.port)
        try:
            mark = len(preview.output)
            site.write("cities/leeds.yaml", LEEDS.replace(*LEEDS_SUMMARY))
            (first, _, said), (_, started, _) = preview.timed_builds(mark, 2)
        finally:
            client.close()
    assert first.rstrip().endswith("; the search index follows") and client.told
    assert started - said >= 1.9, "it waited for the page"
    assert started - said < 4, "and no longer than its two seconds, then made the index"
    assert "hospitals and robots" in indexed_text(site.out)


def test_the_preview_server_makes_the_index_in_the_build_after_a_save(site: SiteDir) -> None:
    with preview_server(site) as preview:
        mark = len(preview.printed())
        site.write("cities/leeds.yaml", LEEDS.replace(*LEEDS_SUMMARY))
        preview.wait_for_output("; the search index follows", after=mark)
        preview.wait_for_page("/cities/leeds/", "hospitals and robots")
        pending = preview.builds()
        preview.wait_for(lambda _: preview.builds() > pending, "the build that makes the index")
        assert "hospitals and robots" in indexed_text(site.out)
        assert "Traceback" not in preview.printed()


def test_the_first_build_stopped_by_a_save_is_begun_again(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    """Before the server answers there is no page to show an older build: a save during
    the first build starts it again, whole."""
    from mlguide.editor.serve import first_build

    superseded = SavedAt(1)
    report = first_build(settings, BuildCache(superseded=superseded))
    assert isinstance(report, BuildReport) and superseded.asked > 1
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")
