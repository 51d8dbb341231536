"""The job seeker in a real browser: listing pages without JavaScript, and no XSS.

Headless Debian Chromium through Playwright, served from 127.0.0.1 like a
CDN would: with JavaScript off, the healthcare list is one click away; and
hostile text in every field of a job stays text in pages, JSON-LD and feeds.
The search with JavaScript is test_jobs_search.py's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

from .browser import static_server
from .conftest import SiteDir
from .test_jobs_listing import make_listing_site
from .test_jobs_structured_data import job_yaml

UNFILTERED = "56 open roles, newest first; showing 1–50."  # search: test_jobs_search.py


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The 56-role site of test_jobs_listing, built once and served on loopback."""
    site = make_listing_site(tmp_path_factory.mktemp("jobs-browser"))
    result = site.build()
    assert result.returncode == 0, result.stderr
    with static_server(site.out) as base:
        yield base


class Watched:
    """A page with everything that could go wrong counted: dialogs, errors, outside requests."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        self.host = urlsplit(base).netloc

    def outside(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).netloc != self.host]


def shown_titles(page: Any) -> list[str]:
    titles: list[str] = page.locator("#job-list li.job:visible h3").all_inner_texts()
    return titles


def status(page: Any) -> str:
    text: str = page.locator("#job-count").inner_text()
    return text


def test_without_javascript_the_healthcare_list_is_one_click_away(browser: Any,
                                                                  served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    watched = Watched(context.new_page(), served)
    page = watched.page
    page.goto(served + "jobs/")
    assert page.locator("#search").is_hidden(), "no search form that could not work"
    assert len(shown_titles(page)) == 50 and status(page) == UNFILTERED
    page.locator("nav.job-browse").get_by_role("link", name="Healthcare and life sciences").click()
    page.wait_for_url(served + "jobs/sectors/healthcare/")
    assert page.locator("h1").inner_text() == "Open roles in Healthcare and life sciences"
    assert shown_titles(page) == ["Data Scientist", "Remote Health Modeller"]
    page.go_back()
    page.locator("#job-pager").get_by_role("link", name="Next").click()
    page.wait_for_url(served + "jobs/page/2/")
    assert len(shown_titles(page)) == 6
    assert watched.outside() == [] and watched.dialogs == []
    context.close()


HOSTILE = ('</script><script>alert(1)</script> "><img src=x onerror=alert(1)> <!-- '
           "\u2028\u2029 ]]> javascript:alert(1) &amp; ' x")
# A Markdown link to javascript: is refused by check (tests/test_links.py); raw HTML is text.
HOSTILE_SUMMARY = (HOSTILE + "\n\n"
                   '<a href="javascript:alert(2)">raw</a> <img src=x onerror=alert(3)>\n\n'
                   "<script>alert(4)</script>")


def hostile_site(site: SiteDir) -> SiteDir:
    """The tiny site with one job whose every text field is an attack."""
    site.write("jobs/hostile.yaml", job_yaml(
        title=HOSTILE, employer=HOSTILE, city="leeds", location=HOSTILE, workplace="remote",
        employment_type="full-time", salary={"min": 1, "max": 2}, posted=dt.date(2026, 11, 24),
        apply_url="https://jobs.example/apply?x=%22%3E%3Cscript%3E", summary=HOSTILE_SUMMARY,
        sectors=["healthcare"]))
    return site


def test_a_javascript_apply_link_is_refused(site: SiteDir) -> None:
    hostile_site(site)
    text = site.content / "jobs/hostile.yaml"
    text.write_text(text.read_text().replace("https://jobs.example/apply?x=%22%3E%3Cscript%3E",
                                             "javascript:alert(1)"))
    result = site.build()
    assert result.returncode == 1
    assert "apply_url: links may not use 'javascript:'; only https: and http: links are " \
        "allowed" in result.stderr


def assert_inert(html: str) -> None:
    """HTML from a feed holds no script, image, handler or javascript: link, and shows the text."""
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//script | //img | //@*[starts-with(name(), 'on')]"), html
    assert not [h for h in doc.xpath("//@href") if h.strip().lower().startswith("javascript:")]
    assert "</script><script>alert(1)</script>" in doc.text_content()


def test_hostile_text_in_every_job_field_is_inert(browser: Any, site: SiteDir) -> None:
    result = hostile_site(site).build()
    assert result.returncode == 0, result.stderr
    pages = ["jobs/hostile/", "jobs/", "jobs/cities/leeds/", "jobs/sectors/healthcare/",
             "cities/leeds/", "sectors/healthcare/", "jobs/feed.xml", "jobs/indeed.xml"]
    with static_server(site.out) as base:
        context = browser.new_context()
        watched = Watched(context.new_page(), base)
        page = watched.page
        for url in pages:
            page.goto(base + url)
            page.wait_for_load_state("load")
            if url.endswith("/"):
                assert page.locator("img").count() == 0, f"an <img> got into {url}"
                scripts = page.evaluate("""() => [...document.scripts].map(
                    s => s.src ? 'src' : s.type)""")
                assert set(scripts) <= {"src", "application/ld+json"}, (url, scripts)
                assert page.evaluate("""() => [...document.querySelectorAll('[href],[src]')]
                    .map(e => e.getAttribute('href') || e.getAttribute('src'))
                    .filter(v => v.trim().toLowerCase().startsWith('javascript:'))""") == []
            if url == "jobs/hostile/":
                data = page.evaluate("""() => JSON.parse(document.querySelector(
                    'script[type="application/ld+json"]').textContent)""")
                assert data["title"] == HOSTILE, "the JSON-LD parses back to the text as typed"
                assert data["hiringOrganization"]["name"] == HOSTILE
                assert data["jobLocationType"] == "TELECOMMUTE"
                assert page.locator("h1").evaluate("h => h.textContent") == HOSTILE
        assert watched.dialogs == [], "no script of the content ran"
        assert watched.errors == [] and watched.outside() == []
        context.close()
    atom = feedparser.parse((site.out / "jobs/feed.xml").read_bytes())
    assert atom.bozo == 0
    assert atom.entries[0].title == HOSTILE
    feed = json.loads((site.out / "jobs/feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["title"] == HOSTILE and feed["items"][0]["_job"]["employer"] == HOSTILE
    assert_inert(feed["items"][0]["content_html"])
    assert_inert(atom.entries[0].content[0].value)
    indeed = lxml.etree.fromstring((site.out / "jobs/indeed.xml").read_bytes())
    job = indeed.find("job")
    assert job is not None and job.findtext("title") == HOSTILE
    assert job.findtext("company") == HOSTILE and job.findtext("city") == "Leeds"
    assert_inert(job.findtext("description") or "")
