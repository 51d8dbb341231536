"""What the pages offer an editor's small site: empty city pages, short menu labels.

Each test writes a small content folder, builds it in-process and reads the pages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mlguide.pipeline import Settings, build
from mlguide.problems import ContentError

from .conftest import JOB, ROOT, TODAY, SiteDir, build_cache, clean_tree, tree_bytes
from .pages import parse, texts

REMOTE_JOB = """\
title: Remote ML Engineer
employer: Anywhere Labs
location: Remote (UK)
workplace: remote
posted: 2026-11-22
apply_url: https://jobs.example/apply/2
summary: Work on **models** from home.
"""


def settings(site: SiteDir) -> Settings:
    return Settings(content=site.content, templates=ROOT / "templates", static=ROOT / "static",
                    out=site.out, today=dt.date.fromisoformat(TODAY), workers=1)


def test_a_city_with_no_roles_names_the_nearest_city_with_roles_and_its_feed(
        site: SiteDir) -> None:
    build(settings(site))
    york = parse(site.out / "cities/york/index.html")
    state = york.xpath("//div[@class='empty-state']")[0]
    assert texts(state, ".//ul[@class='nearby']/li") == [
        "1 open role in Leeds about 22 miles away"]
    assert state.xpath(".//ul[@class='nearby']//a/@href") == ["/jobs/cities/leeds/"]
    assert state.xpath(".//a[text()='new roles in York']/@href") == ["/jobs/cities/york/feed.xml"]
    assert not state.xpath(".//*[@id='roles-remote']"), "no remote roles to offer"
    leeds = parse(site.out / "cities/leeds/index.html")
    assert not leeds.xpath("//div[@class='empty-state']"), "a city with roles lists them"
    assert texts(leeds, "//section[@aria-labelledby='jobs']//h3") == ["Data Scientist"]


def test_a_new_remote_role_reaches_the_empty_city_pages_as_a_clean_build_would(
        site: SiteDir, tmp_path: Path) -> None:
    cache = build_cache()
    build(settings(site), cache)
    site.write("jobs/remote-ml-engineer.yaml", REMOTE_JOB)
    build(settings(site), cache)
    york = parse(site.out / "cities/york/index.html")
    assert texts(york, "//*[@id='roles-remote']") == ["Remote roles, open to applicants anywhere"]
    assert texts(york, "//div[@class='empty-state']//h4[@class='job-title']") == [
        "Remote ML Engineer"]
    assert york.xpath("//div[@class='empty-state']//h4/a/@href") == ["/jobs/remote-ml-engineer/"]
    assert tree_bytes(site.out) == clean_tree(settings(site), tmp_path / "clean"), (
        "incremental and clean builds agree")


def test_a_job_in_a_nearer_city_changes_what_an_empty_city_page_offers(site: SiteDir) -> None:
    cache = build_cache()
    site.write("cities/hull.yaml", """\
        name: Hull
        nation: England
        rank: 3
        location: {lat: 53.7676, lon: -0.3274}
        summary: A port city.
        overview: Hull is on the Humber.
        specialisms:
          - name: Port logistics
            sectors: [fintech]
            description: Ships.
        """)
    build(settings(site), cache)
    hull = parse(site.out / "cities/hull/index.html")
    assert texts(hull, "//ul[@class='nearby']/li/a") == ["1 open role in Leeds"]
    site.write("jobs/york-analyst.yaml", JOB.replace("city: leeds", "city: york"))
    build(settings(site), cache)
    hull = parse(site.out / "cities/hull/index.html")
    assert texts(hull, "//ul[@class='nearby']/li") == [
        "1 open role in York about 33 miles away", "1 open role in Leeds about 50 miles away"]


def test_a_page_with_a_long_title_takes_a_short_menu_label(site: SiteDir) -> None:
    site.write("pages/career-advice.md", """\
        ---
        title: Positioning yourself for a machine learning career
        description: How to prepare.
        nav: 2
        nav_title: Career advice
        ---
        Learn *Python* first.
        """)
    build(settings(site))
    home = parse(site.out / "index.html")
    assert texts(home, "//nav[@class='site-nav']//a") == [
        "Home", "Compare cities", "Employers A–Z", "Jobs", "Career advice"]
    page = parse(site.out / "career-advice/index.html")
    assert texts(page, "//h1") == ["Positioning yourself for a machine learning career"]
    assert texts(page, "//nav[@class='breadcrumbs']//a") == ["Home", "Career advice"]


def test_a_menu_label_longer_than_a_phone_row_is_refused(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site.root)  # messages name files as the editor types them
    site.write("pages/career-advice.md", """\
        ---
        title: Career advice
        description: How to prepare.
        nav_title: Positioning yourself for an ML career
        ---
        Learn *Python* first.
        """)
    try:
        build(settings(site))
    except ContentError as error:
        lines = [str(p) for p in error.problems]
    else:
        raise AssertionError("the build should refuse the label")
    assert lines == ["content/pages/career-advice.md:4:12: nav_title: is 37 characters long; "
                     "at most 24 are allowed; shorten it by at least 13 characters"]
