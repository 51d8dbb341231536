"""A city at a glance: the figures the site counts, sourced figures with their source and date,
the same figures as sortable columns of compare/, and `check`'s warning about an old figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlguide.cli import main

from .conftest import ROOT, TODAY, SiteDir
from .pages import parse, texts

SECTORS = """\
healthcare:
  name: Healthcare and life sciences
  description: Hospitals and labs.
fintech:
  name: Finance and fintech
  description: Banks and payments.
transport:
  name: Transport
  description: Trains and buses.
"""

# York: no open role, three sectors, no employer; a sourced figure.
YORK = """\
name: York
nation: England
rank: 2
location:
  lat: 53.9590
  lon: -1.0815
summary: A small city.
overview: York is small.
specialisms:
  - name: Rail analytics
    sectors: [fintech, transport, healthcare]
    description: Trains.
reviewed: 2026-11-01
figures:
  - name: Data jobs advertised
    value: 1200
    unit: roles
    source: https://stats.example/york
    as_of: 2026-10-01
"""


def job(title: str, salary: str, city: str = "leeds") -> str:
    return f"""\
title: {title}
city: {city}
location: Leeds
{salary}posted: 2026-11-20
apply_url: https://jobs.example/apply/{title.replace(' ', '-')}
summary: A role.
"""


@pytest.fixture
def figures_site(site: SiteDir) -> SiteDir:
    """Leeds with four open roles (a yearly, a monthly, a day-rate and an unpaid posting); York."""
    site.write("sectors.yaml", SECTORS)
    site.write("cities/york.yaml", YORK)
    site.write("jobs/monthly.yaml", job("Monthly", "salary:\n  min: 4000\n  max: 5000\n"
                                        "  period: month\n"))
    site.write("jobs/day-rate.yaml", job("Day rate", "salary:\n  min: 500\n  max: 650\n"
                                         "  period: day\n"))
    site.write("jobs/no-pay.yaml", job("No pay", ""))
    return site


def run(site: SiteDir, command: str = "build", *args: str) -> int:
    """The command line, in this process."""
    return main([command, "--content", str(site.content), "--templates", str(ROOT / "templates"),
                 "--static", str(ROOT / "static"), "--out", str(site.out), "--today", TODAY,
                 *args])


def glance_of(page: Path) -> dict[str, str]:
    doc = parse(page)
    terms = texts(doc, "//section[@class='glance']//dl/div/dt")
    values = texts(doc, "//section[@class='glance']//dl/div/dd")
    return dict(zip(terms, values, strict=True))


def test_a_city_page_shows_the_figures_the_site_counts(figures_site: SiteDir) -> None:
    assert run(figures_site) == 0
    assert glance_of(figures_site.out / "cities/leeds/index.html") == {
        "Open roles now": "4",
        # The monthly 4,000-5,000 counts as 48,000-60,000 a year; the day rate stays apart.
        "Advertised pay": "£48,000–£60,000 a year from 2 roles",
        "Advertised day rates": "£500–£650 a day from 1 role",
        "Sectors": "2",
        "Employers and institutions": "1",
        "Universities": "1",
        "Status": "Emerging",
    }


def test_figures_nobody_gives_are_left_out_and_sourced_ones_show_source_and_date(
        figures_site: SiteDir) -> None:
    assert run(figures_site) == 0
    page = figures_site.out / "cities/york/index.html"
    assert glance_of(page) == {
        "Open roles now": "0", "Sectors": "3",
        "Data jobs advertised": "1,200 roles (source, as of 1 October 2026)",
    }
    doc = parse(page)
    assert doc.xpath("//dl[@class='glance-sourced']//a/@href") == ["https://stats.example/york"]
    assert "Last reviewed 1 November 2026." in texts(doc, "//section[@class='glance']/p")[0]
    leeds = parse(figures_site.out / "cities/leeds/index.html")
    assert not leeds.xpath("//dl[@class='glance-sourced']"), "Leeds gives no sourced figure"
    assert "Last reviewed" not in texts(leeds, "//section[@class='glance']/p")[0]


def test_the_home_page_cards_carry_each_citys_figures(figures_site: SiteDir) -> None:
    assert run(figures_site) == 0
    home = parse(figures_site.out / "index.html")
    assert texts(home, "//ol[contains(@class, 'cards')]/li//p[@class='glance-line']") == [
        "4 open roles · £48,000–£60,000 a year · 2 sectors · 1 employer · 1 university",
        "0 open roles · 3 sectors",
    ]


def table(page: Path) -> list[list[str]]:
    doc = parse(page)
    return [texts(row, "./th|./td") for row in doc.xpath("//table[@class='figures']//tr")]


def test_compare_has_the_figures_as_columns_with_an_order_per_column_without_script(
        figures_site: SiteDir) -> None:
    assert run(figures_site) == 0
    rows = table(figures_site.out / "compare/index.html")
    assert rows == [
        ["City", "Open roles", "Top advertised pay", "Sectors", "Employers", "Universities",
         "Status", "Data jobs advertised"],
        ["Leeds", "4", "£48,000–£60,000 a year£500–£650 a day", "2", "1", "1", "Emerging", ""],
        ["York", "0", "", "3", "none listed", "none listed", "",
         "1,200 roles source, 1 October 2026"],
    ]
    doc = parse(figures_site.out / "compare/index.html")
    assert doc.xpath("//table[@class='figures']//thead//a/@href") == [
        f"/compare/by/{key}/#figures" for key in
        ("open-roles", "pay", "sectors", "employers", "universities", "status",
         "figure-data-jobs-advertised")]
    by_sectors = figures_site.out / "compare/by/sectors/index.html"
    assert [row[0] for row in table(by_sectors)] == ["City", "York", "Leeds"]
    assert parse(by_sectors).xpath("//th[@aria-sort]/text()") == ["Sectors"]
    by_figure = figures_site.out / "compare/by/figure-data-jobs-advertised/index.html"
    assert [row[0] for row in table(by_figure)] == ["City", "York", "Leeds"]
    by_roles = figures_site.out / "compare/by/open-roles/index.html"
    assert [row[0] for row in table(by_roles)] == ["City", "Leeds", "York"]


def test_check_warns_about_an_old_figure_and_still_passes(
        figures_site: SiteDir, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(figures_site.root)  # so that files are named as an editor sees them
    site_yaml = figures_site.content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "figures_max_age_days: 30\n")
    assert run(figures_site, "check") == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "warning: content/cities/york.yaml:19:12: figures[1].as_of (the first figure's as_of): "
        "the figure 'Data jobs "
        "advertised' is from 2026-10-01, 55 days before the build date; figures older than 30 "
        "days are flagged; check it against its source and update value and as_of "
        "(figures_max_age_days in site.yaml sets the age)"]
    assert captured.out.strip() == "content OK: 2 cities, 3 sectors, 4 jobs, 1 pages (1 warning)"


def test_check_is_quiet_about_a_figure_within_the_age_and_warns_about_one_dated_ahead(
        figures_site: SiteDir, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(figures_site.root)
    assert run(figures_site, "check") == 0  # 55 days old; the default age is 365 days
    assert capsys.readouterr().err == ""
    # Exactly 365 days before the build date (2026-11-25): still within the age.
    figures_site.write("cities/york.yaml", YORK.replace("as_of: 2026-10-01", "as_of: 2025-11-25"))
    assert run(figures_site, "check") == 0
    assert capsys.readouterr().err == "", "a figure as old as the age allows is not flagged"
    figures_site.write("cities/york.yaml", YORK.replace("as_of: 2026-10-01", "as_of: 2027-01-01"))
    assert run(figures_site, "check") == 0
    assert capsys.readouterr().err.splitlines() == [
        "warning: content/cities/york.yaml:19:12: figures[1].as_of (the first figure's as_of): "
        "the figure 'Data jobs "
        "advertised' is dated 2027-01-01, after the build date; as_of is the date the source "
        "gives the figure for"]


def test_a_figure_needs_a_source_and_a_date(figures_site: SiteDir,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(figures_site.root)
    figures_site.write("cities/york.yaml", YORK.replace("    source: https://stats.example/york\n",
                                                        "").replace("value: 1200", "value: lots"))
    assert run(figures_site, "check") == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/cities/york.yaml:15:5: figures[1].source (the first figure's source): required "
        "field 'source' is missing; add a line 'source:' with a full web address starting "
        "https://",
        "content/cities/york.yaml:16:12: figures[1].value (the first figure's value): expected a "
        "number like 80000 (digits only, no commas or £), got text 'lots'; write digits only, "
        "like 80000",
        "2 errors found; nothing was written.",
    ]


def test_the_figures_and_the_subscribe_form_are_valid_html(figures_site: SiteDir) -> None:
    import json
    import subprocess

    from .test_quality_static import NU_CHECKER

    site_yaml = figures_site.content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text()
                         + "newsletter:\n  action: https://news.example/subscribe\n")
    assert run(figures_site) == 0
    pages = [str(figures_site.out / p) for p in
             ("index.html", "cities/leeds/index.html", "cities/york/index.html",
              "compare/index.html", "compare/by/figure-data-jobs-advertised/index.html")]
    result = subprocess.run([*NU_CHECKER, *pages],
                            capture_output=True, text=True, timeout=300)
    assert json.loads(result.stderr)["messages"] == []
