"""Whatever the sequence of edits, each rebuild gives the bytes of a clean build.

Hypothesis draws short sequences of edits to the small site (content, a
template, the build date, the base URL), applies them one after another, and
after each one rebuilds from what the last build kept, as a new process would,
then compares the whole tree with a clean build of the same inputs.

The examples share one copy of the templates, put back to the project's before each
example, so the test process compiles each template version once (a fresh clean
build compiling everything is test_engine_incremental.py's oracle).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies

from mlguide.pipeline import Settings, build

from .conftest import JOB, ROOT, TODAY, YORK, SiteDir, build_cache, small_site, tree_bytes

Step = Callable[[SiteDir, Settings], Settings]


def job_title(title: str) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        site.write("jobs/data-scientist-leeds.yaml", JOB.replace("Data Scientist", title))
        return options
    edit.__name__ = f"job_title({title})"
    return edit


def second_job(present: bool) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        path = site.content / "jobs/analyst-leeds.yaml"
        if present:
            site.write("jobs/analyst-leeds.yaml", JOB.replace("Data Scientist", "Analyst")
                       .replace("2026-11-20", "2026-11-22"))
        else:
            path.unlink(missing_ok=True)
        return options
    edit.__name__ = f"second_job({present})"
    return edit


def third_city(present: bool) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        path = site.content / "cities/hull.yaml"
        if present:
            site.write("cities/hull.yaml", YORK.replace("York", "Hull")
                       .replace("rank: 2", "rank: 3")
                       .replace("[fintech]", "[healthcare]"))
        else:
            path.unlink(missing_ok=True)
        return options
    edit.__name__ = f"third_city({present})"
    return edit


def page_named(name: str) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        pages = site.content / "pages"
        current = next(pages.glob("*.md"))
        current.rename(pages / f"{name}.md")
        return options
    edit.__name__ = f"page_named({name})"
    return edit


def site_title(title: str) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        path = site.content / "site.yaml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(f"title: {title}\n" if line.startswith("title:") else line
                                for line in lines), encoding="utf-8")
        return options
    edit.__name__ = f"site_title({title})"
    return edit


def york_summary(summary: str) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        site.write("cities/york.yaml", YORK.replace("A small city.", summary))
        return options
    edit.__name__ = f"york_summary({summary})"
    return edit


def york_overview(text: str) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        site.write("cities/york.yaml", YORK.replace("overview: York is small.",
                                                    f"overview: {text}"))
        return options
    edit.__name__ = f"york_overview({text})"
    return edit


def overviews_on_home(shown: bool) -> Step:
    """The home page shows every city's overview's length, or not: a late field read
    (model.LATE_FIELDS) by a page that does not otherwise depend on it."""
    def edit(site: SiteDir, options: Settings) -> Settings:
        show_overviews_on_home(options.templates, shown)
        return options
    edit.__name__ = f"overviews_on_home({shown})"
    return edit


def footer(text: str) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        base = options.templates / "base.html"
        original = (ROOT / "templates/base.html").read_text(encoding="utf-8")
        base.write_text(original.replace("</footer>", f"{text}</footer>"), encoding="utf-8")
        return options
    edit.__name__ = f"footer({text})"
    return edit


def today(day: str) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        return dataclasses.replace(options, today=dt.date.fromisoformat(day))
    edit.__name__ = f"today({day})"
    return edit


def base_url(url: str | None) -> Step:
    def edit(site: SiteDir, options: Settings) -> Settings:
        return dataclasses.replace(options, base_url=url)
    edit.__name__ = f"base_url({url})"
    return edit


def project_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples' copy of the templates, as the project has them (footer() edits it),
    but for the home page, which starts out showing the overviews (overviews_on_home)."""
    folder = tmp_path_factory.getbasetemp() / "property-templates"
    if not folder.exists():
        shutil.copytree(ROOT / "templates", folder)
    shutil.copyfile(ROOT / "templates/base.html", folder / "base.html")
    show_overviews_on_home(folder, True)
    return folder


HOME_READS_OVERVIEWS = "<p>{% for c in cities %}{{ c.overview|length }}{% endfor %}</p>"


def show_overviews_on_home(templates: Path, shown: bool) -> None:
    original = (ROOT / "templates/home.html").read_text(encoding="utf-8")
    (templates / "home.html").write_text(
        original.replace("{% endblock %}", HOME_READS_OVERVIEWS + "{% endblock %}")
        if shown else original, encoding="utf-8")


STEPS = strategies.one_of(
    strategies.sampled_from(["Data Scientist", "ML Engineer", "Principal Scientist"]).map(
        job_title),
    strategies.booleans().map(second_job),
    strategies.booleans().map(third_city),
    strategies.sampled_from(["career-advice", "advice", "careers"]).map(page_named),
    strategies.sampled_from(["Test Guide", "Other Guide"]).map(site_title),
    strategies.sampled_from(["A small city.", "An old walled city."]).map(york_summary),
    strategies.sampled_from(["York is small.", "York is small and old."]).map(york_overview),
    strategies.booleans().map(overviews_on_home),
    strategies.sampled_from(["", "<!-- one -->", "<!-- two -->"]).map(footer),
    strategies.sampled_from([TODAY, "2026-12-31", "2027-01-05"]).map(today),
    strategies.sampled_from([None, "https://example.org/guide/"]).map(base_url),
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=strategies.lists(STEPS, min_size=1, max_size=3))
def test_rebuilds_after_any_edits_equal_clean_builds(
        steps: list[Step], tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("edits")
    site = small_site(root)
    options = Settings(content=site.content, templates=project_templates(tmp_path_factory),
                       static=ROOT / "static", out=site.out,
                       today=dt.date.fromisoformat(TODAY), workers=1)
    build(options, build_cache())
    for number, step in enumerate(steps):
        options = step(site, options)
        build(options, build_cache())
        clean = dataclasses.replace(options, out=root / f"clean-{number}" / "out")
        build(clean, build_cache())
        assert tree_bytes(options.out) == tree_bytes(clean.out), \
            f"after {[s.__name__ for s in steps[:number + 1]]}"
