"""The feed reader's and the aggregator's story: the open jobs as Atom, JSON Feed and Indeed XML.

Feeds are parsed back with feedparser (no bozo), the Atom feeds checked for
RFC 4287's required elements, the JSON Feeds for JSON Feed 1.1's, and
Indeed's XML for the elements its format asks for. Ids and dates come from
the content: editing a job keeps its id, and a later build date changes no
feed whose jobs did not change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import lxml.html
import pytest

from .conftest import JOB, SiteDir
from .test_jobs_structured_data import job_yaml, site_with_jobs

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = {"apply_url": "https://jobs.example/apply", "summary": "Work on *models*."}
FEED_JOBS = {
    "remote-health": {"title": "Remote Health ML Engineer", "employer": "NHS Digital Partners",
                      "location": "Remote (UK)", "workplace": "remote",
                      "employment_type": "full-time", "salary": {"max": 85000},
                      "posted": dt.date(2026, 11, 22), "sectors": ["healthcare", "fintech"],
                      **BASE},
    "york-rail": {"title": "Rail Data Scientist", "city": "york", "location": "York",
                  "workplace": "onsite", "posted": dt.date(2026, 11, 10), "sectors": ["fintech"],
                  **BASE},
}
# Every feed of the site, and the ids of the jobs it holds, newest first.
EXPECTED = {
    "jobs/": ["remote-health", "data-scientist-leeds", "york-rail"],
    "jobs/cities/leeds/": ["data-scientist-leeds"],
    "jobs/cities/york/": ["york-rail"],
    "jobs/sectors/healthcare/": ["remote-health", "data-scientist-leeds"],
    "jobs/sectors/fintech/": ["remote-health", "york-rail"],
}


def make_site(root: Path) -> SiteDir:
    return site_with_jobs(root, FEED_JOBS)


@pytest.fixture(scope="module")
def feeds_site(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    site = make_site(tmp_path_factory.mktemp("feeds"))
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def tag(job_id: str) -> str:
    return f"tag:guide.example,2026:jobs/{job_id}/"


def rfc3339(text: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, f"{text} has no time zone"
    return parsed


@pytest.mark.parametrize("listing", sorted(EXPECTED))
def test_atom_feeds_parse_cleanly_with_their_jobs(feeds_site: SiteDir, listing: str) -> None:
    feed = feedparser.parse((feeds_site.out / listing / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.id for e in feed.entries] == [tag(i) for i in EXPECTED[listing]]
    assert [e.link for e in feed.entries] == [
        f"https://guide.example/jobs/{i}/" for i in EXPECTED[listing]]
    assert feed.feed.link == f"https://guide.example/{listing}"
    first = feed.entries[0]
    assert first.title and first.content[0].type == "text/html" and first.published_parsed


def test_atom_feed_has_rfc4287_required_elements(feeds_site: SiteDir) -> None:
    for listing in EXPECTED:
        url = f"https://guide.example/{listing}feed.xml"
        raw = (feeds_site.out / listing / "feed.xml").read_bytes()
        assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
        root = lxml.etree.fromstring(raw)
        assert root.tag == f"{ATOM}feed"
        for name in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{name}")) == 1, f"feed {name} in {listing}"
        assert root.findtext(f"{ATOM}id").startswith("tag:guide.example,2026:")
        rfc3339(root.findtext(f"{ATOM}updated"))
        # atom:author on the feed, since the entries carry none.
        assert root.find(f"{ATOM}author/{ATOM}name").text == "Test Guide"
        rels = {(link.get("rel"), link.get("type")): link.get("href")
                for link in root.findall(f"{ATOM}link")}
        assert rels[("self", "application/atom+xml")] == url
        assert rels[("alternate", "text/html")] == f"https://guide.example/{listing}"
        entries = root.findall(f"{ATOM}entry")
        assert entries
        for entry in entries:
            for name in ("id", "title", "updated"):
                assert len(entry.findall(f"{ATOM}{name}")) == 1, f"entry {name} in {listing}"
            rfc3339(entry.findtext(f"{ATOM}updated"))
            alternates = [link for link in entry.findall(f"{ATOM}link")
                          if link.get("rel", "alternate") == "alternate"]
            assert len(alternates) == 1 and alternates[0].get("type") == "text/html"
            assert entry.find(f"{ATOM}content").get("type") == "html"
        newest = max(rfc3339(e.findtext(f"{ATOM}updated")) for e in entries)
        assert rfc3339(root.findtext(f"{ATOM}updated")) == newest, "updated from the content"


def check_json_feed(feed: dict[str, Any], url: str) -> None:
    """JSON Feed 1.1: the required fields, and the types of the optional ones used."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"] == url and feed["home_page_url"].startswith("https://")
    assert all(isinstance(a, dict) and a["name"] for a in feed["authors"])
    assert isinstance(feed["items"], list)
    ids = [item["id"] for item in feed["items"]]
    assert all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)
    for item in feed["items"]:
        assert "content_html" in item or "content_text" in item
        assert item["url"].startswith("https://") and item["external_url"].startswith("https://")
        rfc3339(item["date_published"])
        assert all(isinstance(t, str) for t in item["tags"])
        custom = [key for key in item if key.startswith("_")]
        assert custom == ["_job"], "extensions start with an underscore"


def test_json_feeds_meet_json_feed_1_1(feeds_site: SiteDir) -> None:
    for listing, ids in EXPECTED.items():
        feed = json.loads((feeds_site.out / listing / "feed.json").read_text(encoding="utf-8"))
        check_json_feed(feed, f"https://guide.example/{listing}feed.json")
        assert feed["authors"] == [{"name": "Test Guide", "url": "https://guide.example/"}]
        assert [item["id"] for item in feed["items"]] == [tag(i) for i in ids]


def test_json_feed_items_carry_the_job_facts(feeds_site: SiteDir) -> None:
    feed = json.loads((feeds_site.out / "jobs/feed.json").read_text(encoding="utf-8"))
    by_id = {item["id"]: item for item in feed["items"]}
    leeds = by_id[tag("data-scientist-leeds")]
    assert leeds["title"] == "Data Scientist"
    assert leeds["external_url"] == "https://jobs.example/apply/1"
    assert leeds["date_published"] == "2026-11-20T00:00:00+00:00"
    assert leeds["tags"] == ["Healthcare and life sciences"]
    assert leeds["_job"] == {
        "employer": "Leeds Data Lab", "location": "Leeds (hybrid)",
        "city": {"slug": "leeds", "name": "Leeds", "url": "https://guide.example/cities/leeds/"},
        "workplace": "hybrid", "employment_type": "full-time",
        "salary": {"min": 50000, "max": 60000, "currency": "GBP", "period": "year",
                   "text": "£50,000–£60,000 a year", "annual": {"min": 50000, "max": 60000},
                   "annual_basis": None},
        "visa_sponsorship": None, "office_days": None, "applicant_locations": [],
        "contract": None,
        "posted": "2026-11-20", "closes": "2026-12-31",
        "apply_url": "https://jobs.example/apply/1", "sectors": ["healthcare"],
    }
    remote = by_id[tag("remote-health")]["_job"]
    assert remote["workplace"] == "remote" and remote["city"] is None
    assert remote["salary"]["text"] == "up to £85,000 a year" and remote["closes"] is None
    york = by_id[tag("york-rail")]["_job"]
    assert york["employer"] is None and york["salary"] is None


def test_indeed_xml_lists_every_open_job_in_its_format(feeds_site: SiteDir) -> None:
    raw = (feeds_site.out / "jobs/indeed.xml").read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b"<title><![CDATA[Data Scientist]]></title>" in raw, "job content in CDATA"
    source = lxml.etree.fromstring(raw)
    assert source.tag == "source"
    # The publisher is plain text; only the jobs' fields are in CDATA.
    assert b"<publisher>Test Guide</publisher>" in raw
    assert b"<publisherurl>https://guide.example/</publisherurl>" in raw
    jobs = {job.findtext("referencenumber"): job for job in source.findall("job")}
    assert list(jobs) == EXPECTED["jobs/"]
    for job_id, job in jobs.items():
        for name in ("title", "date", "referencenumber", "url", "company", "city", "country",
                     "description"):
            assert (job.findtext(name) or "").strip(), f"{name} of {job_id}"
        assert job.findtext("url") == f"https://guide.example/jobs/{job_id}/"
        assert job.findtext("country") == "GB"
    leeds = jobs["data-scientist-leeds"]
    assert leeds.findtext("date") == "2026-11-20T00:00:00Z"
    assert leeds.findtext("company") == "Leeds Data Lab"
    assert (leeds.findtext("city"), leeds.findtext("state")) == ("Leeds", "England")
    assert leeds.findtext("salary") == "£50,000–£60,000 a year"
    assert leeds.findtext("jobtype") == "fulltime"
    assert leeds.findtext("remotetype") == "Hybrid remote"
    assert leeds.findtext("expirationdate") == "2026-12-31"
    assert lxml.html.fromstring(leeds.findtext("description")).xpath("//strong/text()") == [
        "models"]
    assert jobs["york-rail"].findtext("company") == "Employer not disclosed"
    assert jobs["york-rail"].find("salary") is None
    assert jobs["remote-health"].findtext("remotetype") == "Fully remote"


@pytest.mark.parametrize(("page", "listing"), [
    ("jobs/index.html", "jobs/"),
    ("jobs/cities/leeds/index.html", "jobs/cities/leeds/"),
    ("jobs/sectors/fintech/index.html", "jobs/sectors/fintech/"),
    ("cities/leeds/index.html", "jobs/cities/leeds/"),
    ("sectors/healthcare/index.html", "jobs/sectors/healthcare/"),
])
def test_each_feed_is_announced_on_its_pages(feeds_site: SiteDir, page: str, listing: str) -> None:
    doc = lxml.html.fromstring((feeds_site.out / page).read_bytes())
    announced = {link.get("type"): link.get("href")
                 for link in doc.xpath("//head/link[@rel='alternate']")}
    assert announced == {
        "application/atom+xml": f"https://guide.example/{listing}feed.xml",
        "application/feed+json": f"https://guide.example/{listing}feed.json",
    }
    for href in announced.values():
        assert (feeds_site.out / href.removeprefix("https://guide.example/")).is_file()


def test_real_feeds_parse_cleanly(real_output: Path) -> None:
    atom = sorted(real_output.rglob("feed.xml"))
    assert len(atom) >= 1 + 10 + 12, "one per city and per sector, and one of all jobs"
    for path in atom:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        url = "https://mlguide.example/" + path.relative_to(real_output).as_posix()
        check_json_feed(json.loads(path.with_suffix(".json").read_text(encoding="utf-8")),
                        url.removesuffix(".xml") + ".json")
    everything = feedparser.parse((real_output / "jobs/feed.xml").read_bytes())
    assert len(everything.entries) == 6
    indeed = lxml.etree.fromstring((real_output / "jobs/indeed.xml").read_bytes())
    assert len(indeed.findall("job")) == 6


def test_ids_and_dates_come_from_the_content_not_the_clock(tmp_path: Path) -> None:
    """Edit a job: its id stays, and only the feeds that hold it change, even a week later."""
    site = make_site(tmp_path)
    assert site.build().returncode == 0
    before = {p: (p.read_bytes(), p.stat().st_ino) for p in site.out.rglob("feed.*")}
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace("Data Scientist", "ML Scientist"))
    assert site.build().returncode == 0
    york = site.out / "jobs/cities/york/feed.xml"
    assert os.stat(york).st_ino == before[york][1], "an unchanged feed is reused, not rewritten"
    result = site.build("--today", "2026-12-02")
    assert result.returncode == 0, result.stderr
    leeds = feedparser.parse((site.out / "jobs/cities/leeds/feed.xml").read_bytes())
    assert [(e.id, e.title) for e in leeds.entries] == [(tag("data-scientist-leeds"),
                                                         "ML Scientist")]
    assert leeds.feed.updated == "2026-11-20T00:00:00+00:00", "the newest posting, not the build"
    changed = sorted(p.relative_to(site.out).as_posix() for p, (data, _) in before.items()
                     if p.read_bytes() != data)
    # The lists that hold the job; and the Atom feeds of the lists with no role, which are
    # dated by the build (a JSON Feed has no date of its own).
    assert changed == sorted([*(f"{listing}feed.{ext}" for listing in
                                ("jobs/", "jobs/cities/leeds/", "jobs/sectors/healthcare/",
                                 "jobs/employers/leeds-data-lab/") for ext in ("xml", "json")),
                              "jobs/contract/feed.xml", "jobs/visa-sponsorship/feed.xml"])


def test_feeds_hold_the_newest_roles_and_indeed_all_of_them(site: SiteDir) -> None:
    for n in range(1, 106):
        site.write(f"jobs/filler-{n:03d}.yaml", job_yaml(
            title=f"Filler {n:03d}", location="Bristol", posted=dt.date(2026, 1, 1)
            + dt.timedelta(days=n), **BASE))
    assert site.build().returncode == 0
    atom = feedparser.parse((site.out / "jobs/feed.xml").read_bytes())
    assert atom.bozo == 0 and len(atom.entries) == 100
    assert atom.entries[0].title == "Data Scientist" and atom.entries[-1].title == "Filler 007"
    feed = json.loads((site.out / "jobs/feed.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in feed["items"]] == [e.title for e in atom.entries]
    indeed = lxml.etree.fromstring((site.out / "jobs/indeed.xml").read_bytes())
    assert len(indeed.findall("job")) == 106, "Indeed asks for every job"


# Jobs whose postings say everything a feed entry can list: a day-rate contract, a
# hybrid role with its office days, and a remote one open to applicants abroad.
FACT_JOBS = {
    "contract-rate": {"title": "MLOps Contractor", "employer": "Rates & Co", "city": "york",
                      "location": "York", "workplace": "onsite", "employment_type": "contract",
                      "salary": {"min": 500, "max": 600, "period": "day"},
                      "visa_sponsorship": True,
                      "contract": {"ir35": "outside", "duration_months": 6},
                      "posted": dt.date(2026, 11, 21), "closes": dt.date(2026, 12, 19),
                      "sectors": ["fintech"], **BASE},
    "hybrid-days": {"title": "Analytics Engineer", "location": "Bristol", "workplace": "hybrid",
                    "office_days": 2, "visa_sponsorship": False,
                    "posted": dt.date(2026, 11, 15), **BASE},
    "remote-abroad": {"title": "NLP Engineer", "employer": "Anywhere Ltd", "location": "Remote",
                      "workplace": "remote", "applicant_locations": ["IE", "JP"],
                      "salary": {"min": 4000, "period": "month"},
                      "posted": dt.date(2026, 11, 12), **BASE},
}
ENTRY_FACTS = {
    "contract-rate": [
        "Employer: Rates & Co", "Location: York", "Workplace: On site", "Type: Contract",
        "Contract: Outside IR35, 6 months", "Salary: £500–£600 a day",
        "A year, about: £110,000–£132,000 a year (the day rate × 220 working days)",
        "Visa sponsorship: Visa sponsorship offered", "Posted: 21 November 2026",
        "Closes: 19 December 2026"],
    "hybrid-days": [
        "Employer: Employer not disclosed", "Location: Bristol", "Workplace: Hybrid",
        "Office days: 2 days a week in the office", "Salary: Not disclosed",
        "Visa sponsorship: No visa sponsorship", "Posted: 15 November 2026"],
    "remote-abroad": [
        "Employer: Anywhere Ltd", "Location: Remote", "Workplace: Remote",
        "Applicants may live in: Ireland, JP", "Salary: from £4,000 a month",
        "A year, about: from £48,000 a year (the monthly pay × 12)",
        "Visa sponsorship: Visa sponsorship not stated", "Posted: 12 November 2026"],
}


def test_feed_entries_list_every_fact_the_posting_gives(tmp_path: Path) -> None:
    """A reader of the feed sees the role's facts, its description and an apply link."""
    site = site_with_jobs(tmp_path, FACT_JOBS)
    assert site.build().returncode == 0
    root = lxml.etree.fromstring((site.out / "jobs/feed.xml").read_bytes())
    entries = {entry.findtext(f"{ATOM}id"): entry for entry in root.findall(f"{ATOM}entry")}
    items = {item["id"]: item for item in json.loads(
        (site.out / "jobs/feed.json").read_text(encoding="utf-8"))["items"]}
    for job_id, expected in ENTRY_FACTS.items():
        entry = entries[tag(job_id)]
        html = entry.findtext(f"{ATOM}content")
        assert items[tag(job_id)]["content_html"] == html, "one entry text in both feeds"
        doc = lxml.html.fromstring(html)
        assert [li.text_content() for li in doc.xpath("//ul/li")] == expected, job_id
        assert doc.xpath("//em/text()") == ["models"], "the description, as Markdown"
        assert [(a.get("href"), a.text) for a in doc.xpath("//p/a")] == [
            ("https://jobs.example/apply", "Apply for this role")]
        assert [dict(link.attrib) for link in entry.findall(f"{ATOM}link")] == [
            {"href": f"https://guide.example/jobs/{job_id}/", "rel": "alternate",
             "type": "text/html"},
            {"href": "https://jobs.example/apply", "rel": "related",
             "title": "Apply for this role"}]
    assert entries[tag("contract-rate")].findtext(f"{ATOM}summary") == (
        "Rates & Co · York · £500–£600 a day")
    assert entries[tag("hybrid-days")].findtext(f"{ATOM}summary") == (
        "Employer not disclosed · Bristol")
