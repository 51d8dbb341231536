"""A closed role stays honest: its page says so for a while, then its address redirects.

The build's date decides, never the clock. The day after its closing date a
role leaves every list, feed, the sitemap and the search index; its own page
stays for site.yaml's closed_job_days, with a banner, noindex, no JobPosting
data and similar open roles; after that the page goes and `_redirects` sends
its address to its city's roles.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from .conftest import SITE, SiteDir
from .pages import parse, text, texts
from .test_jobs_listing import published_mentions
from .test_jobs_structured_data import site_with_jobs
from .test_jobs_uk_facts import build_in_process

APPLY = {"apply_url": "https://jobs.example/apply", "summary": "Build models for fraud."}
JOBS = {
    "fraud-lead": {"title": "Fraud Modelling Lead", "employer": "Leeds Bank", "city": "leeds",
                   "location": "Leeds", "posted": dt.date(2026, 11, 1),
                   "closes": dt.date(2026, 11, 20), "sectors": ["fintech"], **APPLY},
    "nowhere-lead": {"title": "Anywhere Lead", "employer": "Far Co", "location": "Somewhere",
                     "posted": dt.date(2026, 11, 1), "closes": dt.date(2026, 11, 20), **APPLY},
    "fraud-analyst": {"title": "Fraud Analyst", "employer": "Leeds Bank", "city": "leeds",
                      "location": "Leeds", "posted": dt.date(2026, 11, 22),
                      "sectors": ["fintech"], **APPLY},
    "payments-engineer": {"title": "Payments ML Engineer", "employer": "PayCo",
                          "location": "London", "posted": dt.date(2026, 11, 21),
                          "sectors": ["fintech"], **APPLY},
}


def redirects(site: SiteDir) -> list[str]:
    """The rules of the published `_redirects`, comments left out."""
    return [line for line in site.page("_redirects").splitlines()
            if line and not line.startswith("#")]


def indexed_urls(out: Path) -> str:
    """Every search record's text: Pagefind's fragments, and the roles' own cards."""
    return "\n".join([*(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                        for p in (out / "pagefind").glob("*/fragment/*.pf_fragment")),
                      *(p.read_text(encoding="utf-8")
                        for p in (out / "search/roles/cards").glob("*.json"))])


@pytest.fixture
def closed_site(tmp_path: Path) -> SiteDir:
    site = site_with_jobs(tmp_path, JOBS)
    build_in_process(site)  # 2026-11-25: both leads closed five days ago
    return site


def test_a_closed_roles_page_says_so_and_is_kept_out_of_search_engines(
        closed_site: SiteDir) -> None:
    page = parse(closed_site.out / "jobs/fraud-lead/index.html")
    assert texts(page, "//div[@class='closed-banner']//strong") == ["This role is closed."]
    assert "stopped taking applications on 20 November 2026" in text(page)
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page.xpath("//script[@type='application/ld+json']") == [], "no JobPosting data"
    assert not page.xpath("//a[text()='Apply for this role']")
    similar = texts(page, "//section[@aria-labelledby='similar-roles']//h3")
    assert similar[:2] == ["Fraud Analyst", "Payments ML Engineer"], "open roles, most alike first"
    assert "Anywhere Lead" not in similar, "never a closed one"


def test_a_closed_role_leaves_lists_feeds_sitemap_and_search_at_once(
        closed_site: SiteDir) -> None:
    out = closed_site.out
    assert published_mentions(out, "fraud-lead") == ["jobs/fraud-lead/index.html"]
    assert published_mentions(out, "Fraud Modelling Lead") == ["jobs/fraud-lead/index.html"]
    index = indexed_urls(out)
    assert "/jobs/fraud-analyst/" in index, "the index holds the open roles"
    assert "/jobs/fraud-lead/" not in index and "Fraud Modelling Lead" not in index
    assert "/jobs/fraud-lead/" not in closed_site.page("sitemap.xml")
    open_page = parse(out / "jobs/fraud-analyst/index.html")
    assert "Fraud Modelling Lead" not in text(open_page), "not among others' similar roles"


def test_after_the_grace_period_the_page_goes_and_its_address_redirects(
        closed_site: SiteDir) -> None:
    build_in_process(closed_site, "--today", "2026-12-20")  # 30 days after closing: kept
    assert (closed_site.out / "jobs/fraud-lead/index.html").is_file()
    assert redirects(closed_site) == []
    build_in_process(closed_site, "--today", "2026-12-21")
    assert not (closed_site.out / "jobs/fraud-lead").exists()
    assert redirects(closed_site) == ["/jobs/fraud-lead/ /jobs/cities/leeds/ 301",
                     "/jobs/nowhere-lead/ /jobs/ 301"]


def test_the_grace_period_is_a_site_setting(tmp_path: Path) -> None:
    site = site_with_jobs(tmp_path, JOBS)
    site.write("site.yaml", SITE + "closed_job_days: 0\n")
    build_in_process(site, "--base-url", "https://example.org/guide/")
    assert not (site.out / "jobs/fraud-lead").exists()
    assert "/guide/jobs/fraud-lead/ /guide/jobs/cities/leeds/ 301" in redirects(site)
