"""Pay and the UK facts job seekers filter on, read back as search engines and feed readers do.

One generated site holds a job for every combination of the new fields:
workplace (on site; hybrid with and without office days; remote with and
without applicant locations; not stated) x employment type (full time;
contract with and without IR35 and length; not stated) x visa sponsorship
(yes, no, not stated) x pay (a year, a month, a day, an hour, not disclosed).
Every job page's JSON-LD is read back with extruct and held to Google's
required and recommended JobPosting properties; every feed is parsed back.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import extruct
import feedparser
import pytest

from mlguide.cli import main

from .conftest import TODAY, SiteDir
from .pages import parse, text, texts
from .test_jobs_structured_data import (
    GOOGLE_EMPLOYMENT_TYPES,
    GOOGLE_UNITS,
    site_with_jobs,
)

# Google's job posting guidelines (developers.google.com/search/docs/appearance/
# structured-data/job-posting): required, and recommended, properties.
REQUIRED = {"title", "description", "datePosted", "hiringOrganization"}
RECOMMENDED = {"applicantLocationRequirements", "baseSalary", "directApply", "employmentType",
               "identifier", "jobLocationType", "validThrough"}
WORKPLACES: dict[str, dict[str, Any]] = {
    "onsite": {"workplace": "onsite"},
    "hybrid": {"workplace": "hybrid"},
    "hybrid-days": {"workplace": "hybrid", "office_days": 2},
    "remote": {"workplace": "remote"},
    "remote-where": {"workplace": "remote", "applicant_locations": ["GB", "IE"]},
    "unstated": {},
}
TYPES: dict[str, dict[str, Any]] = {
    "full": {"employment_type": "full-time"},
    "contract": {"employment_type": "contract"},
    "contract-terms": {"employment_type": "contract",
                       "contract": {"ir35": "outside", "duration_months": 6}},
    "unstated": {},
}
VISAS: dict[str, dict[str, Any]] = {"visa": {"visa_sponsorship": True},
                                    "novisa": {"visa_sponsorship": False}, "unstated": {}}
PAYS: dict[str, dict[str, Any]] = {
    "year": {"salary": {"min": 50000, "max": 70000}},
    "month": {"salary": {"min": 4000, "period": "month"}},
    "day": {"salary": {"min": 500, "max": 600, "period": "day"}},
    "hour": {"salary": {"max": 40, "period": "hour"}},
    "undisclosed": {},
}
UNITS = {"year": "YEAR", "month": "MONTH", "day": "DAY", "hour": "HOUR"}


def combination_jobs() -> dict[str, dict[str, Any]]:
    """One job per combination, id 'w-t-v-p', all open, in Leeds."""
    jobs = {}
    for (w, wf), (t, tf), (v, vf), (p, pf) in itertools.product(
            WORKPLACES.items(), TYPES.items(), VISAS.items(), PAYS.items()):
        jobs[f"{w}-{t}-{v}-{p}"] = {
            "title": f"ML Engineer {w} {t} {v} {p}", "employer": "Leeds Data Lab",
            "city": "leeds", "location": "Leeds", **wf, **tf, **vf, **pf,
            "posted": dt.date(2026, 11, 20), "closes": dt.date(2026, 12, 31),
            "apply_url": "https://jobs.example/apply", "summary": "Build models."}
    return jobs


def build_in_process(site: SiteDir, *args: str) -> None:
    """Build the site in this process, as `build.py` would."""
    root = Path(__file__).resolve().parent.parent
    assert main(["--content", str(site.content), "--templates", str(root / "templates"),
                 "--static", str(root / "static"), "--out", str(site.out), "--today", TODAY,
                 *args]) == 0


@pytest.fixture(scope="module")
def combos(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    site = site_with_jobs(tmp_path_factory.mktemp("uk-facts"), combination_jobs())
    build_in_process(site)
    return site


def posting_of(site: SiteDir, job_id: str) -> dict[str, Any]:
    html = (site.out / "jobs" / job_id / "index.html").read_text(encoding="utf-8")
    found = extruct.extract(html, base_url=f"https://guide.example/jobs/{job_id}/",
                            syntaxes=["json-ld"])["json-ld"]
    assert len(found) == 1, job_id
    data: dict[str, Any] = found[0]
    return data


def test_every_combination_meets_googles_required_and_recommended_properties(
        combos: SiteDir) -> None:
    jobs = combination_jobs()
    assert len(jobs) == 6 * 4 * 3 * 5
    for job_id, fields in jobs.items():
        data = posting_of(combos, job_id)
        assert data["@type"] == "JobPosting"
        assert set(data) >= REQUIRED, job_id
        remote = fields.get("workplace") == "remote"
        if remote:
            assert data["jobLocationType"] == "TELECOMMUTE" and "jobLocation" not in data
            expected = ([{"@type": "Country", "name": "United Kingdom"},
                         {"@type": "Country", "name": "Ireland"}]
                        if "applicant_locations" in fields
                        else {"@type": "Country", "name": "United Kingdom"})
            assert data["applicantLocationRequirements"] == expected, job_id
        else:
            assert data["jobLocation"]["address"]["addressLocality"] == "Leeds"
            assert "jobLocationType" not in data
            assert "applicantLocationRequirements" not in data
        # Recommended properties: present whenever the content has the fact.
        assert {"directApply", "identifier", "validThrough"} <= set(data)
        if "employment_type" in fields:
            assert data["employmentType"] in GOOGLE_EMPLOYMENT_TYPES
            assert data["employmentType"] == {"full-time": "FULL_TIME",
                                              "contract": "CONTRACTOR"}[fields["employment_type"]]
        else:
            assert "employmentType" not in data
        pay = job_id.rsplit("-", 1)[1]
        if pay == "undisclosed":
            assert "baseSalary" not in data
        else:
            unit = data["baseSalary"]["value"]["unitText"]
            assert unit in GOOGLE_UNITS and unit == UNITS[pay], job_id
        assert set(data) <= REQUIRED | RECOMMENDED | {"@context", "@type", "jobLocation",
                                                      "url"}, job_id
        # Visa sponsorship is never put where schema.org says applicants may live.
        assert "visa" not in json.dumps(data.get("applicantLocationRequirements", "")).lower()


def test_pages_show_pay_and_the_uk_facts_in_readers_terms(combos: SiteDir) -> None:
    page = parse(combos.out / "jobs/hybrid-days-contract-terms-visa-day/index.html")
    facts = dict(zip(texts(page, "//dl[@class='job-facts']/div/dt"),
                     texts(page, "//dl[@class='job-facts']/div/dd"), strict=True))
    assert facts["Workplace"] == "Hybrid, 2 days a week in the office"
    assert facts["Type"] == "Contract, Outside IR35, 6 months"
    assert facts["Salary"] == "£500–£600 a day"
    assert facts["A year, about"] == "£110,000–£132,000 a year (the day rate × 220 working days)"
    assert facts["Visa sponsorship"] == "Visa sponsorship offered"
    page = parse(combos.out / "jobs/remote-where-full-novisa-undisclosed/index.html")
    facts = dict(zip(texts(page, "//dl[@class='job-facts']/div/dt"),
                     texts(page, "//dl[@class='job-facts']/div/dd"), strict=True))
    assert facts["Salary"] == "Not disclosed" and "A year, about" not in facts
    assert facts["Applicants may live in"] == "the United Kingdom, Ireland"
    assert facts["Visa sponsorship"] == "No visa sponsorship"
    hourly = parse(combos.out / "jobs/unstated-unstated-unstated-hour/index.html")
    assert "up to £66,000 a year (the hourly rate × 1,650 hours: 7.5 hours a day on 220 " \
           "working days)" in text(hourly)
    assert "Visa sponsorship not stated" in text(hourly)


def test_the_feeds_carry_the_facts_in_their_job_extension(combos: SiteDir) -> None:
    feed = json.loads((combos.out / "jobs/visa-sponsorship/feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"] and feed["feed_url"]
    assert len(feed["items"]) == 100, "the newest 100 of the 120 sponsoring roles"
    for item in feed["items"]:
        assert item["id"] and item["url"] and (item.get("content_html") or item.get("content_text"))
        assert item["_job"]["visa_sponsorship"] is True
    by_id = {i["url"].rsplit("/", 2)[1]: i["_job"] for i in feed["items"]}
    terms = by_id["onsite-contract-terms-visa-day"]
    assert terms["contract"] == {"ir35": "outside", "duration_months": 6}
    assert terms["salary"]["annual"] == {"min": 110000, "max": 132000}
    assert terms["salary"]["annual_basis"] == "the day rate × 220 working days"
    assert by_id["remote-where-full-visa-year"]["applicant_locations"] == ["GB", "IE"]
    assert by_id["hybrid-days-full-visa-year"]["office_days"] == 2
    atom = feedparser.parse((combos.out / "jobs/contract/feed.xml").read_bytes())
    assert atom.bozo == 0 and len(atom.entries) == 100
    assert all(" contract" in entry.title for entry in atom.entries)
    remote = feedparser.parse((combos.out / "jobs/remote/feed.xml").read_bytes())
    assert remote.bozo == 0
    assert {e.title.split()[2] for e in remote.entries} == {"remote", "remote-where"}
