"""Editing in the browser: /admin/ (Decap CMS) edits the content files through its forms.

The small site is built as published (its _headers applied by the test
server, so /admin/ runs under its own Content-Security-Policy), decap-server
from npm (the CMS's local backend, a devDependency) runs on 127.0.0.1 in the
site's folder (on a port it picks itself), and Chromium edits a city's summary,
adds a job and edits a sector's description through the forms. The YAML files
change on disk, and `check` passes on them.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlguide.cli import main
from mlguide.editor import cms
from mlguide.pipeline import Settings, build

from .browser import static_server
from .cdn import headers_for, parse_headers_file
from .conftest import ROOT, TODAY, SiteDir, small_site

DECAP_SERVER = ROOT / "tests/decap_server.js"  # decap-server's middleware, on port 0


@dataclass(frozen=True)
class Editing:
    """The site, where the CMS is served, and what the browser said."""

    site: SiteDir
    admin: str  # http://127.0.0.1:PORT/admin/
    console: list[str]
    requests: list[str]
    page: Any


class Printed:
    """What a process prints, read as it comes, so waits end when a line shows."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.more = threading.Condition()
        self.process = process
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.more:
                self.lines.append(line)
                self.more.notify_all()
        with self.more:
            self.more.notify_all()

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """The first line that holds `text`, once it is printed."""
        with self.more:
            shown = self.more.wait_for(lambda: any(text in line for line in self.lines)
                                       or self.process.poll() is not None, timeout)
        assert shown and self.process.poll() is None, "".join(self.lines)
        return next(line for line in self.lines if text in line)


@pytest.fixture(scope="module")
def editing(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Editing]:
    """/admin/ of the small site in Chromium, logged in to decap-server (the local backend)."""
    site = small_site(tmp_path_factory.mktemp("cms"))
    # decap-server binds port 0 and says which port it got (tests/decap_server.js).
    server = subprocess.Popen(["node", str(DECAP_SERVER)], cwd=site.root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=dict(os.environ))
    try:
        listening = Printed(server).wait_for("decap-server listening on 127.0.0.1:")
        port = int(listening.rsplit(":", 1)[1])
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(site.root)  # the CMS names content/ as the repository does
            build(Settings(content=site.content, templates=ROOT / "templates",
                           static=ROOT / "static", out=site.out,
                           today=dt.date.fromisoformat(TODAY), cms_port=port, workers=1))
        rules = parse_headers_file((site.out / "_headers").read_text())
        with static_server(site.out, headers=lambda path: headers_for(rules, path)) as base:
            context = browser.new_context()
            page = context.new_page()
            console: list[str] = []
            requests: list[str] = []
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(f"{base}admin/")
            page.get_by_role("button", name="Login").click()
            page.get_by_text("Cities", exact=True).first.wait_for()
            yield Editing(site, f"{base}admin/", console, requests, page)
            context.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def publish(page: Any) -> None:
    """Publish the entry; done once the CMS says so (decap-server has written the file)."""
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
    page.get_by_role("button", name="Published").wait_for()


def select_all_of(page: Any, text: str) -> None:
    """Control+A in the focused rich-text field until it selects `text`, its whole value.

    Decap's editor may still be settling once it has the focus, and then takes the keys
    without selecting anything (seen once in some hundred runs): the keys are sent again,
    for at most ten seconds, until the selection is there.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(10):
        page.keyboard.press("Control+A")
        try:
            page.wait_for_function("text => window.getSelection().toString().trim() === text",
                                   arg=text, timeout=1000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"Control+A never selected {text!r} in the field")


def check_passes(site: SiteDir, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.chdir(site.root)
    status = main(["check", "--templates", str(ROOT / "templates"), "--today", TODAY])
    printed = capsys.readouterr()
    assert status == 0, printed.err
    return printed.out


def test_editing_a_citys_summary_in_the_form_changes_its_file(
        editing: Editing, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    page, leeds = editing.page, editing.site.content / "cities/leeds.yaml"
    page.goto(f"{editing.admin}#/collections/cities/entries/leeds")
    page.get_by_label("Summary", exact=True).fill(
        "A northern city of banks, hospitals and health data.")
    publish(page)
    data = yaml.safe_load(leeds.read_text())
    assert data["summary"] == "A northern city of banks, hospitals and health data."
    assert data["rank"] == 1 and data["location"] == {"lat": 53.8008, "lon": -1.5491}
    assert data["specialisms"][1]["sectors"] == ["fintech", "healthcare"]
    assert leeds.read_text().startswith(  # the line that names the file's schema to editors
        "# yaml-language-server: $schema=../../schema/city.schema.json\nname: Leeds\n")
    assert check_passes(editing.site, monkeypatch, capsys) == \
        "content OK: 2 cities, 2 sectors, 1 jobs, 1 pages\n"


def test_adding_a_job_through_the_form_writes_a_file_check_accepts(
        editing: Editing, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    page = editing.page
    page.goto(f"{editing.admin}#/collections/jobs/new")
    page.get_by_label("Title", exact=True).fill("Health Data Engineer")
    page.locator("input[id^='city-field']").fill("Lee")  # the city picker: the city files
    page.get_by_text("Leeds", exact=True).last.click()
    page.get_by_label("Location", exact=True).fill("Leeds (hybrid)")
    page.get_by_label("Posted", exact=True).fill("2026-11-24")  # a date widget
    page.get_by_label("Apply url", exact=True).fill("https://jobs.example/apply/77")
    summary = page.locator("[aria-label='markdown field']").filter(has_text="Summary")
    summary.locator("[contenteditable=true]").click()
    page.keyboard.type("Build pipelines for hospital data.")
    page.locator("input[id^='sectors-field']").click()  # the sector picker: sectors.yaml
    page.get_by_text("Healthcare and life sciences", exact=True).click()
    publish(page)
    made = editing.site.content / "jobs/health-data-engineer.yaml"
    assert yaml.safe_load(made.read_text()) == {
        "title": "Health Data Engineer", "city": "leeds", "location": "Leeds (hybrid)",
        "posted": dt.date(2026, 11, 24), "apply_url": "https://jobs.example/apply/77",
        "summary": "Build pipelines for hospital data.", "sectors": ["healthcare"]}
    assert made.read_text().startswith(
        "# yaml-language-server: $schema=../../schema/job.schema.json\ntitle: ")
    assert check_passes(editing.site, monkeypatch, capsys) == \
        "content OK: 2 cities, 2 sectors, 2 jobs, 1 pages\n"


def test_the_cms_runs_under_its_policy_from_the_site_alone(editing: Editing) -> None:
    """Its script comes from /admin/ on the site; it talks only to the site and decap-server."""
    assert not editing.console, editing.console
    hosts = {request.split("/")[2] for request in editing.requests}
    site_host = editing.admin.split("/")[2]
    assert hosts <= {site_host, *{h for h in hosts if h.startswith("127.0.0.1:")}}
    scripts = sorted({u for u in editing.requests if u.endswith(".js")})  # once per load
    assert scripts == [f"{editing.admin}decap-cms-3.16.3.js",
                       f"{editing.admin}decap-fixes.js"]


def test_admin_is_never_indexed_and_never_leaks_into_reader_pages(
        built: SiteDir) -> None:
    out = built.out
    admin = (out / "admin/index.html").read_text()
    assert '<meta name="robots" content="noindex, nofollow">' in admin
    rules = parse_headers_file((out / "_headers").read_text())
    admin_headers = headers_for(rules, "/admin/")
    reader_headers = headers_for(rules, "/cities/leeds/")
    assert admin_headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "'unsafe-eval'" in admin_headers["Content-Security-Policy"]
    assert reader_headers["Content-Security-Policy"].startswith(
        "default-src 'none'; script-src 'self'; style-src 'self';")
    assert "X-Robots-Tag" not in reader_headers
    assert "admin" not in (out / "sitemap.xml").read_text()
    for page in out.rglob("*.html"):
        if page.parent.name != "admin":
            text = page.read_text()
            assert "/admin/" not in text and "decap" not in text.lower(), page
    assert not [p for p in (out / "assets").iterdir() if "decap" in p.name]


def test_under_a_sub_path_admin_loads_its_script_and_config_from_there(site: SiteDir) -> None:
    assert site.build("--base-url", "https://example.org/guide/").returncode == 0
    page = (site.out / "admin/index.html").read_text()
    assert '<script src="/guide/admin/decap-cms-3.16.3.js"></script>' in page
    assert (site.out / "admin/decap-cms-3.16.3.js").read_bytes() == cms.bundle()
    config = yaml.safe_load((site.out / "admin/config.yml").read_text())
    assert config["site_url"] == "https://example.org/guide/"


def test_the_forms_are_the_content_model(built: SiteDir) -> None:
    """Fields, required ones, widgets and pickers, as check sees them: from model.py."""
    config = yaml.safe_load((built.out / "admin/config.yml").read_text())
    cities = next(c for c in config["collections"] if c["name"] == "cities")
    fields = {f["name"]: f for f in cities["fields"]}
    assert list(fields) == ["name", "nation", "rank", "status", "location", "summary",
                            "overview", "specialisms", "employers", "reviewed", "figures"]
    assert fields["nation"]["options"] == ["England", "Scotland", "Wales", "Northern Ireland"]
    assert fields["rank"]["widget"] == "number" and fields["rank"]["value_type"] == "float"
    assert fields["status"]["required"] is False and "required" not in fields["name"]
    lat = fields["location"]["fields"][0]
    assert (lat["name"], lat["min"], lat["max"]) == ("lat", 49.8, 60.9)
    assert fields["overview"]["widget"] == "markdown"
    sectors = fields["specialisms"]["fields"][1]
    assert sectors["options"] == [{"label": "Finance and fintech", "value": "fintech"},
                                  {"label": "Healthcare and life sciences",
                                   "value": "healthcare"}]
    assert sectors["min"] == 1 and sectors["multiple"] is True
    assert fields["summary"]["hint"].startswith("One or two plain sentences")
    jobs = {f["name"]: f for f in
            next(c for c in config["collections"] if c["name"] == "jobs")["fields"]}
    assert jobs["city"]["widget"] == "relation" and jobs["city"]["collection"] == "cities"
    assert jobs["posted"]["widget"] == "datetime" and jobs["posted"]["time_format"] is False
    assert jobs["closes"]["required"] is False
    assert config["local_backend"]["url"] == "http://127.0.0.1:8081/api/v1"
    sectors_form = next(c for c in config["collections"] if c["name"] == "sectors")["files"]
    assert [(f["file"], [g["name"] for g in f["fields"]]) for f in sectors_form] == [
        ("content/sectors.yaml", ["fintech", "healthcare"])]  # the file's top-level keys
    assert [f["name"] for f in sectors_form[0]["fields"][0]["fields"]] == ["name", "description"]
    assert cities["fields"][0]["comment"] == \
        "yaml-language-server: $schema=../../schema/city.schema.json"


def test_the_vendored_cms_is_the_pinned_file(tmp_path: Path) -> None:
    """The build unpacks the vendored copy and refuses one that is not the pinned file."""
    assert cms.bundle().startswith(b"/*!")
    assert (cms.VENDORED / "SHA256SUMS").read_text().split() == [
        "7c1efd6b616b4786e279aeef194dd21649a72058d3bc8d1f78901b574610dfb8",
        "decap-cms-3.16.3.js"]
    altered = tmp_path / "decap"
    shutil.copytree(cms.VENDORED, altered)
    packed = altered / "decap-cms-3.16.3.js.gz"
    packed.write_bytes(gzip.compress(gzip.decompress(packed.read_bytes()) + b"//"))
    with pytest.raises(cms.BundleCorrupt, match="is not the file SHA256SUMS records"):
        cms.bundle(altered)


def test_editing_a_sectors_description_in_the_form_changes_only_it(
        editing: Editing, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """sectors.yaml opens with each sector's values in its fields; a save changes one value.

    It is opened as an editor does, from its collection (for a move by the address
    alone, see the next test).
    """
    page, sectors = editing.page, editing.site.content / "sectors.yaml"
    before = yaml.safe_load(sectors.read_text())
    page.goto(f"{editing.admin}#/collections/sectors")
    page.get_by_text("The sectors (sectors.yaml)").click()
    names = page.get_by_label("Name", exact=True)
    names.first.wait_for()
    assert [names.nth(i).input_value() for i in range(names.count())] == [
        "Finance and fintech", "Healthcare and life sciences"]
    description = page.locator("[aria-label='markdown field']").filter(
        has_text="Hospitals and labs.").locator("[contenteditable=true]")
    from playwright.sync_api import expect

    description.click()
    # The editor must hold the focus before the keys go to it: a Control+A sent while
    # Decap is still settling selects nothing, and the words land after the old ones.
    expect(description).to_be_focused()
    select_all_of(page, "Hospitals and labs.")
    page.keyboard.type("Hospitals, labs and health data.")
    publish(page)
    before["healthcare"]["description"] = "Hospitals, labs and health data."
    assert yaml.safe_load(sectors.read_text()) == before
    assert check_passes(editing.site, monkeypatch, capsys).startswith(
        "content OK: 2 cities, 2 sectors,")


def test_moving_by_the_address_from_one_entry_to_another_shows_the_other(
        editing: Editing) -> None:
    """Decap 3.16 alone keeps the entry it showed when only the address moves (York's
    address showed Leeds's values, the sectors' none at all): the page reloads instead."""
    page = editing.page
    name = page.get_by_label("Name", exact=True).first
    page.goto(f"{editing.admin}#/collections/cities")
    page.get_by_text("Leeds (rank 1)").click()
    page.wait_for_function("document.querySelector('input[id^=\"name-field\"]')?.value"
                           " === 'Leeds'")
    page.evaluate("location.hash = '#/collections/cities/entries/york'")
    page.wait_for_function("document.querySelector('input[id^=\"name-field\"]')?.value"
                           " === 'York'")
    page.go_back()
    page.wait_for_function("document.querySelector('input[id^=\"name-field\"]')?.value"
                           " === 'Leeds'")
    assert name.input_value() == "Leeds"
    page.evaluate("location.hash = '#/collections/sectors/entries/sectors'")
    page.wait_for_function("[...document.querySelectorAll('input[id^=\"name-field\"]')]"
                           ".map(i => i.value).join() === 'Finance and fintech,Healthcare and "
                           "life sciences'")


def test_a_field_filled_in_and_emptied_again_is_left_out_of_the_file(
        editing: Editing, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Decap alone writes an emptied field as employer: "" (which check refuses); not here."""
    page = editing.page
    page.goto(f"{editing.admin}#/collections/jobs/new")
    page.get_by_label("Title", exact=True).fill("Imaging Scientist")
    for optional, value in (("employer", "Leeds Data Lab"), ("office_days", "3")):
        page.locator(f"input[id^='{optional}-field']").fill(value)
        page.locator(f"input[id^='{optional}-field']").fill("")
    page.get_by_label("Location", exact=True).fill("Leeds")
    page.get_by_label("Posted", exact=True).fill("2026-11-24")
    page.get_by_label("Apply url", exact=True).fill("https://jobs.example/apply/78")
    summary = page.locator("[aria-label='markdown field']").filter(has_text="Summary")
    summary.locator("[contenteditable=true]").click()
    page.keyboard.type("Read scans.")
    publish(page)
    made = editing.site.content / "jobs/imaging-scientist.yaml"
    assert yaml.safe_load(made.read_text()) == {
        "title": "Imaging Scientist", "location": "Leeds", "posted": dt.date(2026, 11, 24),
        "apply_url": "https://jobs.example/apply/78", "summary": "Read scans."}
    assert check_passes(editing.site, monkeypatch, capsys).startswith("content OK:")
