"""The job seeker follows an employer: from its entry on a city's page to its roles, and back.

A small guide: Leeds lists Leeds Data Lab (hiring: six open roles, in Leeds and
in York, and one closed) and the University of Leeds (not hiring). Each entry
lists the open roles that name it, never a closed one; an entry with no open
roles says nothing about roles; each job's page links its employer's name to
the entry, and a role whose employer the guide does not describe names it as
plain text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from lxml.html import HtmlElement

from .conftest import SiteDir
from .pages import parse, text, texts
from .test_jobs_structured_data import site_with_jobs
from .test_jobs_uk_facts import build_in_process

APPLY = {"apply_url": "https://jobs.example/apply", "summary": "Build models for clinics."}
LAB_TITLES = ["Imaging Scientist", "Triage Modeller", "Genomics Engineer", "Clinical NLP Lead",
              "MLOps Engineer"]
JOBS = {
    **{f"lab-{n}": {"title": title, "employer": "Leeds Data Lab", "city": "leeds",
                    "location": "Leeds", "posted": dt.date(2026, 11, 20 - n), **APPLY}
       for n, title in enumerate(LAB_TITLES, 1)},
    # York's page does not list the lab: the role links to its entry in Leeds.
    "lab-york": {"title": "Rail Forecaster", "employer": "leeds data lab", "city": "york",
                 "location": "York", "posted": dt.date(2026, 11, 10), **APPLY},
    "lab-closed": {"title": "Retired Role", "employer": "Leeds Data Lab", "city": "leeds",
                   "location": "Leeds", "posted": dt.date(2026, 10, 1),
                   "closes": dt.date(2026, 11, 20), **APPLY},
    "elsewhere": {"title": "Vision Engineer", "employer": "Far Co", "city": "leeds",
                  "location": "Leeds", "posted": dt.date(2026, 11, 21), **APPLY},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    built = site_with_jobs(tmp_path_factory.mktemp("employers"), JOBS)
    built.remove("jobs/data-scientist-leeds.yaml")  # only this story's roles
    build_in_process(built)
    return built


def entry(page: HtmlElement, number: int) -> HtmlElement:
    (found,) = page.xpath(f"//li[@id='employer-{number}']")
    return found


def job_page(site: SiteDir, job_id: str) -> HtmlElement:
    return parse(site.out / f"jobs/{job_id}/index.html")


def test_an_employers_entry_lists_its_open_roles_and_never_a_closed_one(site: SiteDir) -> None:
    leeds = parse(site.out / "cities/leeds/index.html")
    lab = entry(leeds, 2)
    assert texts(lab, ".//h4") == ["Leeds Data Lab"]
    roles = lab.xpath(".//p[@class='employer-roles']")[0]
    # Newest first, five named, the rest behind a link to the employer's own list.
    assert [a.text_content() for a in roles.xpath("./a")] == [*LAB_TITLES, "1 more"]
    assert roles.xpath("./a/@href") == [
        *(f"/jobs/lab-{n}/" for n in range(1, 6)), "/jobs/employers/leeds-data-lab/"]
    assert "Retired Role" not in text(leeds)
    listed = parse(site.out / "jobs/employers/leeds-data-lab/index.html")
    assert texts(listed, "//ul[@id='job-list']//h3") == [*LAB_TITLES, "Rail Forecaster"]
    assert (site.out / "jobs/lab-closed/index.html").is_file(), "its page kept, as closed"


def test_an_employer_with_no_open_roles_says_nothing_of_roles(site: SiteDir) -> None:
    university = entry(parse(site.out / "cities/leeds/index.html"), 1)
    assert "University of Leeds" in text(university)
    assert university.xpath(".//p[@class='employer-roles']") == []
    assert "role" not in text(university).casefold()
    a_to_z = parse(site.out / "employers/index.html")
    (line,) = [li for li in a_to_z.xpath("//ul[@class='a-z']/li")
               if "University of Leeds" in text(li)]
    assert "open role" not in text(line)
    (lab_line,) = [li for li in a_to_z.xpath("//ul[@class='a-z']/li")
                   if "Leeds Data Lab" in text(li)]
    assert lab_line.xpath(".//a/@href") == ["/cities/leeds/#employer-2",
                                            "/jobs/employers/leeds-data-lab/"]
    assert "6 open roles" in text(lab_line)
    assert not (site.out / "jobs/employers/university-of-leeds").exists()


def test_each_job_page_links_to_its_employers_entry(site: SiteDir) -> None:
    for job_id in (*(f"lab-{n}" for n in range(1, 6)), "lab-york", "lab-closed"):
        employer = job_page(site, job_id).xpath("//header//p[@class='job-employer']")[0]
        assert employer.xpath("./a/@href") == ["/cities/leeds/#employer-2"], job_id
    york = job_page(site, "lab-york")
    assert york.xpath("//header//p[@class='job-employer']/a")[0].text_content() == \
        "leeds data lab", "the job's own spelling of the name"
    # The anchor is there on the city's page, on the lab's entry.
    assert entry(parse(site.out / "cities/leeds/index.html"), 2) is not None


def test_an_employer_the_guide_does_not_describe_is_named_without_a_link(site: SiteDir) -> None:
    employer = job_page(site, "elsewhere").xpath("//header//p[@class='job-employer']")[0]
    assert text(employer) == "Far Co" and employer.xpath(".//a") == []
    leeds = parse(site.out / "cities/leeds/index.html")
    assert "Vision Engineer" not in " ".join(texts(leeds, "//li[starts-with(@id, 'employer-')]"))

