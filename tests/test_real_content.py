"""The guide's own content: it builds cleanly and shows every fact of the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, TODAY, run_cli
from .pages import parse, text, texts
from .seed_facts import CITIES, JOBS


@pytest.fixture
def real_site(real_output: Path) -> Path:
    """The real content, built once per session (conftest's real_output)."""
    return real_output


def test_check_passes_on_the_real_content() -> None:
    result = run_cli(["check", "--today", TODAY], ROOT)
    assert result.returncode == 0 and result.stderr == ""
    assert "10 cities" in result.stdout and "6 jobs" in result.stdout


def test_home_lists_all_ten_cities_in_the_articles_order(real_site: Path) -> None:
    home = parse(real_site / "index.html")
    names = texts(home, "//ol[contains(@class, 'cards')]/li/h3")
    assert names == [facts["name"] for facts in CITIES.values()]


@pytest.mark.parametrize("slug", sorted(CITIES))
def test_each_city_page_shows_every_specialism_employer_and_institution(
        real_site: Path, slug: str) -> None:
    page = parse(real_site / "cities" / slug / "index.html")
    facts = CITIES[slug]
    assert texts(page, "//h1") == [facts["name"]]
    assert texts(page, "//section[@class='specialism']/h3") == facts["specialisms"]
    shown = texts(page, "//ul[@class='employers']/li/h4")
    assert sorted(shown) == sorted(facts["employers"])


@pytest.mark.parametrize("job_id", sorted(JOBS))
def test_each_example_job_has_its_page_and_is_listed(real_site: Path, job_id: str) -> None:
    page = parse(real_site / "jobs" / job_id / "index.html")
    assert texts(page, "//h1") == [JOBS[job_id]]
    assert JOBS[job_id] in text(parse(real_site / "jobs/index.html"))


def test_career_advice_and_next_steps_pages_are_built(real_site: Path) -> None:
    for slug in ("career-advice", "next-steps"):
        assert (real_site / slug / "index.html").is_file()
    assert "MachineLearningJobs.co.uk" in text(parse(real_site / "next-steps/index.html"))
