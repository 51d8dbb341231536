"""The job seeker's story without JavaScript: listing URLs, pages, facts, and expiry.

Every city and sector has its own list of roles at a stable URL, linked
from the jobs page; long lists are split into numbered pages; each entry
reads in readers' terms; and a job whose closing date has passed vanishes
from every page, list, feed and the sitemap as soon as the build date
passes it, with no change to the content.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from lxml.html import HtmlElement

from .conftest import JOB, YORK, SiteDir, tree_bytes
from .pages import hrefs, parse, text, texts
from .test_jobs_structured_data import job_yaml, site_with_jobs

APPLY = {"apply_url": "https://jobs.example/apply", "summary": "Work on models."}
FILLERS = 52  # with the four below, 56 roles: a first page of 50 and a second of 6
LISTING_JOBS: dict[str, dict[str, Any]] = {
    "remote-health": {"title": "Remote Health Modeller", "employer": "Care Models",
                      "location": "Remote (UK)", "workplace": "remote",
                      "employment_type": "contract", "posted": dt.date(2026, 9, 1),
                      "sectors": ["healthcare"], **APPLY},
    "closing-soon": {"title": "Fraud Analyst", "employer": "Leeds Bank", "city": "leeds",
                     "location": "Leeds", "workplace": "onsite", "posted": dt.date(2026, 11, 22),
                     "closes": dt.date(2026, 12, 1), "sectors": ["fintech"], **APPLY},
    "remote-fintech": {"title": "Remote Payments ML Engineer", "employer": "PayCo",
                       "location": "Remote (UK)", "workplace": "remote",
                       "employment_type": "full-time", "salary": {"max": 85000},
                       "posted": dt.date(2026, 11, 23), "sectors": ["fintech"], **APPLY},
    **{f"fintech-analyst-{n:02d}": {
        "title": f"Fintech Analyst {n:02d}", "employer": "Bristol Fintech", "location": "Bristol",
        "workplace": "onsite", "employment_type": "full-time",
        "posted": dt.date(2026, 10, 1) + dt.timedelta(days=n % 40), "sectors": ["fintech"],
        **APPLY} for n in range(1, FILLERS + 1)},
}


def make_listing_site(root: Path) -> SiteDir:
    """The tiny site with 56 open roles: Leeds has two, York none, most are in Bristol."""
    return site_with_jobs(root, LISTING_JOBS)


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    site = make_listing_site(tmp_path_factory.mktemp("listing"))
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def items(page: HtmlElement, shown_only: bool = True) -> list[str]:
    """The titles in a page's job list (those a reader sees, without JavaScript)."""
    hidden = "[not(@hidden)]" if shown_only else ""
    return texts(page, f"//ul[@id='job-list']/li{hidden}//h3")


def test_the_jobs_page_links_a_list_per_sector_city_and_kind(listed: SiteDir) -> None:
    page = parse(listed.out / "jobs/index.html")
    browse = {a.text_content(): a.get("href") for a in page.xpath("//nav[@class='job-browse']//a")}
    assert browse == {"Healthcare and life sciences": "/jobs/sectors/healthcare/",
                      "Finance and fintech": "/jobs/sectors/fintech/",
                      "Leeds": "/jobs/cities/leeds/", "Every city with roles": "/jobs/cities/",
                      "Remote": "/jobs/remote/", "Contract": "/jobs/contract/",
                      "Roles by employer": "/jobs/employers/"}
    assert texts(page, "//nav[@class='job-browse']//li") == [
        "Finance and fintech (54)", "Healthcare and life sciences (2)", "Leeds (2)",
        "Every city with roles", "Remote (2)", "Contract (1)", "Roles by employer"]
    assert page.xpath("//form[@id='search'][@hidden]"), "the search waits for the script"


def test_a_listing_page_holds_one_page_of_roles_and_no_more(listed: SiteDir) -> None:
    """The jobs page does not carry every role for its filters: the search index does."""
    for path in ("jobs/index.html", "jobs/page/2/index.html", "jobs/sectors/fintech/index.html"):
        page = parse(listed.out / path)
        assert len(page.xpath("//li[@class='job']")) <= 50, path
    assert len(items(parse(listed.out / "jobs/index.html"), shown_only=False)) == 50


def test_the_healthcare_list_holds_exactly_its_roles(listed: SiteDir) -> None:
    page = parse(listed.out / "jobs/sectors/healthcare/index.html")
    assert texts(page, "//h1") == ["Open roles in Healthcare and life sciences"]
    assert items(page) == ["Data Scientist", "Remote Health Modeller"]
    assert texts(page, "//h2[@id='job-count']") == ["2 open roles, newest first."]
    assert "/sectors/healthcare/" in hrefs(page), "linked to the sector's guide page"
    assert texts(page, "//nav[@class='breadcrumbs']//a") == ["Home", "Jobs",
                                                              "Healthcare and life sciences"]
    leeds = parse(listed.out / "jobs/cities/leeds/index.html")
    assert items(leeds) == ["Fraud Analyst", "Data Scientist"]


def test_long_lists_are_split_into_pages_with_stable_urls(listed: SiteDir) -> None:
    first = parse(listed.out / "jobs/index.html")
    assert len(items(first)) == 50
    assert "56 open roles, newest first; showing 1–50." in text(first)
    assert first.xpath("//nav[@id='job-pager']//a[@rel='next']/@href") == ["/jobs/page/2/"]
    second = parse(listed.out / "jobs/page/2/index.html")
    assert len(items(second)) == 6 and not set(items(second)) & set(items(first))
    assert items(second)[-1] == "Remote Health Modeller", "the oldest role comes last"
    assert second.xpath("//nav[@id='job-pager']//a[@rel='prev']/@href") == ["/jobs/"]
    assert second.xpath("//link[@rel='canonical']/@href") == ["https://guide.example/jobs/page/2/"]
    assert texts(second, "//title") == [
        "Open machine learning roles, page 2 of 2 · Test Guide"]
    assert not second.xpath("//form"), "the search lives on the first page"
    assert not (listed.out / "jobs/page/3").exists()
    fintech = parse(listed.out / "jobs/sectors/fintech/page/2/index.html")
    assert len(items(fintech)) == 4
    sitemap = listed.page("sitemap.xml")
    assert "https://guide.example/jobs/page/2/" in sitemap
    assert "https://guide.example/jobs/sectors/fintech/page/2/" in sitemap


def entry(page: HtmlElement, title: str) -> HtmlElement:
    found: list[HtmlElement] = page.xpath(f"//ul[@id='job-list']/li[.//h3/a[text()='{title}']]")
    assert len(found) == 1, title
    return found[0]


def test_each_entry_reads_in_readers_terms(listed: SiteDir) -> None:
    page = parse(listed.out / "jobs/cities/leeds/index.html")
    scientist = entry(page, "Data Scientist")
    assert texts(scientist, ".//ul[@class='facts']/li") == [
        "Leeds (hybrid)", "Hybrid", "Full time", "£50,000–£60,000 a year", "Posted 5 days ago"]
    assert scientist.xpath(".//time/@datetime") == ["2026-11-20"], "closing far off: not shown"
    assert scientist.xpath(".//p[@class='job-employer']/text()") == ["Leeds Data Lab"]
    closing = entry(page, "Fraud Analyst")
    assert texts(closing, ".//ul[@class='facts']/li")[-2:] == ["Posted 3 days ago",
                                                                "Closes in 6 days"]
    assert closing.xpath(".//time/@datetime") == ["2026-11-22", "2026-12-01"]
    remote = entry(parse(listed.out / "jobs/index.html"), "Remote Payments ML Engineer")
    assert "up to £85,000 a year" in texts(remote, ".//li")
    job = parse(listed.out / "jobs/closing-soon/index.html")
    assert "1 December 2026 (closes in 6 days)" in text(job)
    assert "/cities/leeds/" in hrefs(job) and "https://jobs.example/apply" in hrefs(job)


def test_a_list_with_no_roles_says_so(listed: SiteDir) -> None:
    page = parse(listed.out / "jobs/cities/york/index.html")
    assert texts(page, "//p[@class='empty']") == [
        "There are no open roles in York right now. See all open roles."]
    assert "/jobs/" in hrefs(page)
    assert "jobs/cities/york/" not in listed.page("sitemap.xml"), "empty lists are not indexed"


def test_job_ids_may_not_take_the_lists_urls(site: SiteDir) -> None:
    site.write("jobs/page.yaml", JOB)
    result = site.build()
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/jobs/page.yaml:1:1: (file name): the job id 'page' is taken by the job lists' "
        "URLs; rename the file, e.g. page-role.yaml")


def test_lists_are_reused_unless_their_jobs_change(tmp_path: Path) -> None:
    site = make_listing_site(tmp_path / "a")
    assert site.build().returncode == 0
    york = site.out / "jobs/cities/york/index.html"
    inode = os.stat(york).st_ino
    site.write("jobs/closing-soon.yaml", job_yaml(**{**LISTING_JOBS["closing-soon"],
                                                     "title": "Fraud Lead"}))
    assert site.build().returncode == 0
    assert os.stat(york).st_ino == inode, "York's list did not change, so it was reused"
    assert "Fraud Lead" in items(parse(site.out / "jobs/cities/leeds/index.html"))
    assert "Fraud Lead" in items(parse(site.out / "jobs/sectors/fintech/index.html"))
    clean = make_listing_site(tmp_path / "b")
    clean.write("jobs/closing-soon.yaml", job_yaml(**{**LISTING_JOBS["closing-soon"],
                                                      "title": "Fraud Lead"}))
    assert clean.build().returncode == 0
    assert tree_bytes(site.out) == tree_bytes(clean.out), "reusing lists equals a clean build"


def published_mentions(out: Path, needle: str) -> list[str]:
    """Every published file that mentions `needle`."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and not p.name.startswith(".")
                  and needle.encode() in p.read_bytes())


def test_a_closed_job_vanishes_everywhere_when_the_build_date_passes_it(site: SiteDir) -> None:
    site.write("jobs/closing-soon.yaml", job_yaml(**LISTING_JOBS["closing-soon"]))
    result = site.build()
    assert "0 closed jobs left out" in result.stdout
    assert "next closing: 2026-12-01" in result.stdout
    everywhere = published_mentions(site.out, "closing-soon")
    for path in ("jobs/closing-soon/index.html", "jobs/index.html", "jobs/cities/leeds/index.html",
                 "jobs/sectors/fintech/index.html", "cities/leeds/index.html",
                 "sectors/fintech/index.html", "jobs/feed.xml", "jobs/feed.json",
                 "jobs/cities/leeds/feed.xml", "jobs/sectors/fintech/feed.json",
                 "jobs/indeed.xml", "sitemap.xml"):
        assert path in everywhere, path
    on_the_day = site.build("--today", "2026-12-01")
    assert "Closes today" in texts(parse(site.out / "jobs/index.html"), "//li[@class='closing']")
    assert "0 closed jobs left out" in on_the_day.stdout
    after = site.build("--today", "2026-12-02")
    assert after.returncode == 0, after.stderr
    assert "1 closed job left out" in after.stdout
    assert "next closing: 2026-12-31" in after.stdout, "the summary names the next closing"
    # Its own page stays, marked closed (test_jobs_closed.py); nothing else names it.
    assert published_mentions(site.out, "closing-soon") == ["jobs/closing-soon/index.html"]
    assert published_mentions(site.out, "Fraud Analyst") == ["jobs/closing-soon/index.html"]
    assert items(parse(site.out / "jobs/cities/leeds/index.html")) == ["Data Scientist"]
    gone = site.build("--today", "2027-01-01")
    assert gone.returncode == 0, gone.stderr
    assert published_mentions(site.out, "closing-soon") == ["_redirects"]
    assert published_mentions(site.out, "Fraud Analyst") == []


def test_cities_with_as_many_roles_are_linked_in_alphabetical_order(tmp_path: Path) -> None:
    """Bath (rank 3), Leeds (rank 1) and York (rank 2) have one role each: A to Z, not by rank."""
    site = site_with_jobs(tmp_path, {
        "bath-role": {"title": "Bath Analyst", "city": "bath", "location": "Bath",
                      "posted": dt.date(2026, 11, 1), **APPLY},
        "york-role": {"title": "York Analyst", "city": "york", "location": "York",
                      "posted": dt.date(2026, 11, 2), **APPLY}})
    site.write("cities/bath.yaml", YORK.replace("name: York", "name: Bath")
               .replace("rank: 2", "rank: 3"))
    assert site.build().returncode == 0
    page = parse(site.out / "jobs/index.html")
    cities = [a.text_content() for a in page.xpath("//nav[@class='job-browse']//a")
              if a.get("href").startswith("/jobs/cities/") and a.get("href") != "/jobs/cities/"]
    assert cities == ["Bath", "Leeds", "York"]


def test_a_long_lists_pager_links_the_first_and_last_pages_and_two_either_side() -> None:
    """At 200 pages a link to each would outweigh the list: the reader gets the ends,
    the pages near this one, and a gap (None, shown as an ellipsis) between."""
    from mlguide.routes import Pager

    def window(number: int, count: int = 20) -> list[int | None]:
        return Pager("jobs/", number, count, 50).window()

    assert window(10) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert window(1) == [1, 2, 3, None, 20]
    assert window(4) == [1, 2, 3, 4, 5, 6, None, 20], "no gap where page 1 is next to 2"
    assert window(19) == [1, None, 17, 18, 19, 20]
    assert window(1, 1) == [1]
