"""The search engine's story: each job page carries JobPosting data that meets Google's guidelines.

Each job's JSON-LD is read back from its page and checked property by
property: the required ones (title, description, datePosted,
hiringOrganization, jobLocation, or for a remote role jobLocationType
TELECOMMUTE with applicantLocationRequirements) and the recommended ones the
content carries (validThrough, employmentType, baseSalary, identifier).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from .conftest import SiteDir, small_site

GOOGLE_EMPLOYMENT_TYPES = {"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN",
                           "VOLUNTEER", "PER_DIEM", "OTHER"}
GOOGLE_UNITS = {"HOUR", "DAY", "WEEK", "MONTH", "YEAR"}
KNOWN_PROPERTIES = {
    "@context", "@type", "title", "description", "datePosted", "hiringOrganization",
    "jobLocation", "jobLocationType", "applicantLocationRequirements", "validThrough",
    "employmentType", "baseSalary", "identifier", "url", "directApply",
}


def job_yaml(**fields: Any) -> str:
    """A job file; values are written as JSON, which YAML reads as typed, and dates bare."""
    lines = []
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {json.dumps(v)}" for k, v in value.items()]
        elif isinstance(value, dt.date):
            lines.append(f"{key}: {value.isoformat()}")
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def site_with_jobs(root: Path, jobs: dict[str, dict[str, Any]]) -> SiteDir:
    """The small site plus one job file per entry of `jobs` (id -> fields)."""
    site = small_site(root)
    for job_id, fields in jobs.items():
        site.write(f"jobs/{job_id}.yaml", job_yaml(**fields))
    return site


BASE = {"posted": dt.date(2026, 11, 20), "apply_url": "https://jobs.example/apply",
        "summary": "Build **models** for hospitals.\n\n- triage\n- imaging"}
JOBS = {
    # A hybrid role in a guide city, with a salary range, a type and a closing date.
    "hybrid-range": {"title": "Data Scientist", "employer": "Leeds Data Lab", "city": "leeds",
                     "location": "Leeds (hybrid)", "workplace": "hybrid",
                     "employment_type": "full-time", "salary": {"min": 50000, "max": 60000},
                     "closes": dt.date(2026, 12, 31), **BASE},
    # Fully remote, 'up to' pay, a contract.
    "remote-max": {"title": "Remote ML Engineer", "employer": "Anywhere Ltd",
                   "location": "Remote (UK)", "workplace": "remote",
                   "employment_type": "contract", "salary": {"max": 85000}, **BASE},
    # No salary, no city, no workplace: jobLocation from the location text.
    "no-salary": {"title": "Research Engineer", "employer": "Oxford Vision",
                  "location": "Oxford", "employment_type": "internship", **BASE},
    # A day rate of one figure, in euros.
    "day-rate": {"title": "Freelance MLOps", "employer": "Rates & Co", "city": "york",
                 "location": "York", "workplace": "onsite", "employment_type": "temporary",
                 "salary": {"min": 550, "max": 550, "currency": "EUR", "period": "day"}, **BASE},
    # Hourly pay with only a lower bound, part time.
    "hourly-min": {"title": "Part-time Annotator Lead", "employer": "Label Works",
                   "city": "leeds", "location": "Leeds", "employment_type": "part-time",
                   "salary": {"min": 18.5, "period": "hour"}, **BASE},
    # Letters beyond ASCII, kept as they are in the JSON.
    "accented": {"title": "Ingénieur ML", "employer": "Données Lab", "city": "york",
                 "location": "York", "salary": {"min": 40000, "max": 40000}, **BASE},
    # Remote, open to applicants in Ireland and Japan (a code the guide has no English name for).
    "remote-abroad": {"title": "Remote NLP Engineer", "employer": "Anywhere Ltd",
                      "location": "Remote", "workplace": "remote",
                      "applicant_locations": ["IE", "JP"], **BASE},
    # The employer is on Leeds's page with its website.
    "university": {"title": "Research Fellow in ML", "employer": "University of Leeds",
                   "city": "leeds", "location": "Leeds", **BASE},
    # No employer: shown as "employer not disclosed", and no structured data at all.
    "no-employer": {"title": "Confidential ML Lead", "location": "London",
                    "workplace": "remote", **BASE},
}


@pytest.fixture(scope="module")
def built_jobs(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    """The tiny site with one job of each kind above, built once for this module."""
    site = site_with_jobs(tmp_path_factory.mktemp("structured"), JOBS)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "1 job(s) without an employer carry no JobPosting data" in result.stdout
    return site


def json_ld(page: Path) -> list[dict[str, Any]]:
    """Every JSON-LD object on a page, parsed back as a consumer would."""
    doc = lxml.html.fromstring(page.read_bytes())
    return [json.loads(script.text) for script in
            doc.xpath("//script[@type='application/ld+json']")]


def check_job_posting(data: dict[str, Any], page_url: str) -> None:
    """The rules of Google's job-posting guidelines that hold for every posting."""
    assert data["@context"] in ("https://schema.org/", "https://schema.org")
    assert data["@type"] == "JobPosting"
    assert set(data) <= KNOWN_PROPERTIES, set(data) - KNOWN_PROPERTIES
    assert isinstance(data["title"], str) and data["title"].strip()
    assert data["description"].startswith("<p>"), "the description is HTML"
    assert lxml.html.fromstring(data["description"]).text_content().strip()
    assert len(data["datePosted"]) == 10 and data["datePosted"][4] == "-"
    organisation = data["hiringOrganization"]
    assert organisation["@type"] == "Organization" and organisation["name"].strip()
    if data.get("jobLocationType") == "TELECOMMUTE":
        requirement = data["applicantLocationRequirements"]
        countries = requirement if isinstance(requirement, list) else [requirement]
        assert all(c["@type"] == "Country" and c["name"] for c in countries), requirement
    else:
        address = data["jobLocation"]["address"]
        assert data["jobLocation"]["@type"] == "Place" and address["@type"] == "PostalAddress"
        assert address["addressCountry"] == "GB" and address["addressLocality"].strip()
    if "employmentType" in data:
        assert data["employmentType"] in GOOGLE_EMPLOYMENT_TYPES
    if "validThrough" in data:
        assert data["validThrough"] >= data["datePosted"]
    if "baseSalary" in data:
        salary = data["baseSalary"]
        assert salary["@type"] == "MonetaryAmount" and len(salary["currency"]) == 3
        value = salary["value"]
        assert value["@type"] == "QuantitativeValue" and value["unitText"] in GOOGLE_UNITS
        figures = {k: value[k] for k in ("value", "minValue", "maxValue") if k in value}
        assert figures and all(isinstance(v, int | float) for v in figures.values())
        assert ("value" in figures) != bool({"minValue", "maxValue"} & set(figures))
        assert value.get("minValue", 0) <= value.get("maxValue", float("inf"))
    assert data["identifier"]["@type"] == "PropertyValue" and data["identifier"]["value"]
    assert data["url"] == page_url


def posting(site: SiteDir, job_id: str) -> dict[str, Any]:
    """The one JobPosting on a job's page, checked against the general rules."""
    found = json_ld(site.out / "jobs" / job_id / "index.html")
    assert len(found) == 1, found
    check_job_posting(found[0], f"https://guide.example/jobs/{job_id}/")
    return found[0]


def test_a_hybrid_role_with_a_salary_range(built_jobs: SiteDir) -> None:
    data = posting(built_jobs, "hybrid-range")
    assert data["title"] == "Data Scientist"
    assert data["datePosted"] == "2026-11-20"
    assert data["validThrough"] == "2026-12-31T23:59:59"
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Leeds Data Lab"}
    assert data["jobLocation"] == {"@type": "Place", "address": {
        "@type": "PostalAddress", "addressLocality": "Leeds", "addressRegion": "England",
        "addressCountry": "GB"}}
    assert "jobLocationType" not in data and "applicantLocationRequirements" not in data
    assert data["employmentType"] == "FULL_TIME"
    assert data["baseSalary"] == {"@type": "MonetaryAmount", "currency": "GBP", "value": {
        "@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 50000, "maxValue": 60000}}
    assert data["identifier"] == {"@type": "PropertyValue", "name": "Test Guide",
                                  "value": "hybrid-range"}


def script_text(site: SiteDir, job_id: str) -> str:
    """The JSON-LD exactly as the page carries it."""
    doc = lxml.html.fromstring((site.out / "jobs" / job_id / "index.html").read_bytes())
    found = doc.xpath("//script[@type='application/ld+json']/text()")
    assert len(found) == 1
    return str(found[0])


def test_the_json_is_compact_typed_and_keeps_its_letters(built_jobs: SiteDir) -> None:
    """Whole figures are integers, nothing is applied for on the guide, letters stay letters."""
    hybrid = script_text(built_jobs, "hybrid-range")
    assert '"minValue":50000,"maxValue":60000' in hybrid, "80000, not 80000.0"
    assert '"directApply":false' in hybrid and ", " not in hybrid
    accented = script_text(built_jobs, "accented")
    assert '"title":"Ingénieur ML"' in accented and "\\u00e9" not in accented
    assert '"value":40000}' in accented, "one figure when the range is one figure"
    assert posting(built_jobs, "hybrid-range")["directApply"] is False


def test_the_description_is_the_job_summary_as_html(built_jobs: SiteDir) -> None:
    description = lxml.html.fromstring(posting(built_jobs, "hybrid-range")["description"])
    assert description.xpath("//strong/text()") == ["models"]
    assert description.xpath("//li/text()") == ["triage", "imaging"]
    page = lxml.html.fromstring((built_jobs.out / "jobs/hybrid-range/index.html").read_bytes())
    shown = page.xpath("//section[h2[@id='about-role']]//li/text()")
    assert shown == ["triage", "imaging"], "the page shows the same description"


def test_a_remote_role_is_telecommute_from_the_uk(built_jobs: SiteDir) -> None:
    data = posting(built_jobs, "remote-max")
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == {"@type": "Country", "name": "United Kingdom"}
    assert "jobLocation" not in data
    assert data["employmentType"] == "CONTRACTOR"
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "YEAR",
                                           "maxValue": 85000}
    assert "validThrough" not in data, "no closing date, no validThrough"


def test_a_remote_role_open_abroad_lists_each_country(built_jobs: SiteDir) -> None:
    data = posting(built_jobs, "remote-abroad")
    assert data["applicantLocationRequirements"] == [
        {"@type": "Country", "name": "Ireland"}, {"@type": "Country", "name": "JP"}]


def test_an_employer_the_guide_describes_is_linked_to_its_website(built_jobs: SiteDir) -> None:
    assert posting(built_jobs, "university")["hiringOrganization"] == {
        "@type": "Organization", "name": "University of Leeds",
        "sameAs": "https://www.leeds.ac.uk/"}
    assert "sameAs" not in posting(built_jobs, "remote-abroad")["hiringOrganization"]


def test_a_role_without_salary_has_no_base_salary(built_jobs: SiteDir) -> None:
    data = posting(built_jobs, "no-salary")
    assert "baseSalary" not in data
    assert data["jobLocation"]["address"] == {"@type": "PostalAddress",
                                              "addressLocality": "Oxford", "addressCountry": "GB"}
    assert data["employmentType"] == "INTERN"


@pytest.mark.parametrize(("job_id", "employment", "value"), [
    ("day-rate", "TEMPORARY",
     {"@type": "QuantitativeValue", "unitText": "DAY", "value": 550}),
    ("hourly-min", "PART_TIME",
     {"@type": "QuantitativeValue", "unitText": "HOUR", "minValue": 18.5}),
])
def test_pay_periods_units_and_single_figures(built_jobs: SiteDir, job_id: str, employment: str,
                                              value: dict[str, Any]) -> None:
    data = posting(built_jobs, job_id)
    assert data["employmentType"] == employment
    assert data["baseSalary"]["value"] == value
    if job_id == "day-rate":
        assert data["baseSalary"]["currency"] == "EUR"
        assert data["hiringOrganization"]["name"] == "Rates & Co", "& survives the escaping"


def test_a_job_without_an_employer_carries_none(built_jobs: SiteDir) -> None:
    page = built_jobs.out / "jobs/no-employer/index.html"
    assert json_ld(page) == []
    assert "Employer not disclosed" in page.read_text()


def test_structured_data_is_only_on_job_pages(built_jobs: SiteDir) -> None:
    with_data = sorted(p.relative_to(built_jobs.out).as_posix()
                       for p in built_jobs.out.rglob("*.html") if json_ld(p))
    expected = sorted(f"jobs/{job_id}/index.html" for job_id in
                      [*JOBS, "data-scientist-leeds"] if job_id != "no-employer")
    assert with_data == expected


def test_every_real_job_page_passes(real_output: Path) -> None:
    """The guide's own jobs: each with an employer has valid data, each without has none."""
    checked = 0
    for page in sorted((real_output / "jobs").glob("*/index.html")):
        found = json_ld(page)
        doc = lxml.html.fromstring(page.read_bytes())
        if not doc.xpath("//article[@class='job-page']"):
            continue  # a listing (jobs/cities/, jobs/page/2/), not a job
        employer = doc.xpath("string(//p[@class='job-employer'])")
        if employer == "Employer not disclosed":
            assert found == [], page
            continue
        assert len(found) == 1, page
        url = doc.xpath("string(//link[@rel='canonical']/@href)")
        check_job_posting(found[0], url)
        assert found[0]["hiringOrganization"]["name"] == employer
        checked += 1
    assert checked >= 3
