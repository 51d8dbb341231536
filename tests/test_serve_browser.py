"""The editor's loop in a real browser: save a file, and the open page follows by itself.

A city page is opened once in headless Chromium and never reloaded by the test:
every change it shows comes from the preview server's live reload.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import LEEDS, SiteDir
from .serving import WAIT, Preview, preview_server

LEEDS_FILE = "content/cities/leeds.yaml"
TIMEOUT_MS = WAIT * 1000


@pytest.fixture
def preview(site: SiteDir) -> Iterator[Preview]:
    with preview_server(site) as running:
        yield running


@pytest.fixture
def page(browser: Any, preview: Preview) -> Iterator[Any]:
    """The Leeds page, open in Chromium."""
    opened = browser.new_page()
    try:
        response = opened.goto(preview.url("cities/leeds/"))
        assert response is not None and response.status == 200
        assert opened.locator("h1").inner_text() == "Leeds"
        yield opened
    finally:
        opened.close()


def save_city(preview: Preview, text: str) -> None:
    preview.site.write("cities/leeds.yaml", text)


def wait_for_text(page: Any, text: str) -> None:
    """Wait until the page (after any number of reloads) is the site again, showing `text`.

    The error page quotes the lines around a mistake, so the text alone could be its
    excerpt: it must be in the site's own main area (`main#main`), and no problem listed.
    """
    page.locator("main#main").get_by_text(text, exact=False).first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("li.problem").count() == 0, "the error page has cleared"


def test_the_open_page_shows_each_save_then_the_mistake_then_the_fix(
        preview: Preview, page: Any) -> None:
    save_city(preview, LEEDS.replace("A northern city with banks and hospitals.",
                                     "A city of canals and clinical data."))
    wait_for_text(page, "A city of canals and clinical data.")

    mark = len(preview.printed())
    save_city(preview, LEEDS.replace("nation: England", "natoin: England"))
    location = page.locator("code.location", has_text=f"{LEEDS_FILE}:2:1")
    location.wait_for(timeout=TIMEOUT_MS)
    problem = page.locator("li.problem").first
    assert problem.locator(".message").inner_text() == "unknown field 'natoin'"
    assert problem.locator(".fix").inner_text() == "How to fix it: did you mean 'nation'?"
    assert "field natoin" in problem.locator(".where").inner_text()
    assert problem.locator(".line.bad").inner_text().endswith("natoin: England")
    preview.wait_for_output(f"{LEEDS_FILE}:2:1: natoin: unknown field 'natoin'; did you mean "
                            "'nation'?", after=mark)
    background = page.evaluate("getComputedStyle(document.querySelector('li.problem'))"
                               ".borderLeftColor")
    assert background not in ("", "rgba(0, 0, 0, 0)"), "the error page is styled"

    save_city(preview, LEEDS.replace("Leeds has a growing", "Leeds, mended, has a growing"))
    wait_for_text(page, "Leeds, mended, has a growing")
    assert page.locator("h1").inner_text() == "Leeds"


def test_the_build_that_makes_the_index_waits_for_the_reloaded_page(
        preview: Preview, page: Any) -> None:
    """A summary is in the search index, so its save leaves the index to one more build;
    that build starts only once the reloaded page has come back, not while it loads."""
    mark = len(preview.output)
    save_city(preview, LEEDS.replace("A northern city with banks and hospitals.",
                                     "A city of canals and clinical data."))
    wait_for_text(page, "A city of canals and clinical data.")
    (saved, _, _), (_, started, _) = preview.timed_builds(mark, 2)
    assert saved.rstrip().endswith("; the search index follows")
    answered = page.evaluate("performance.timeOrigin + "
                             "performance.getEntriesByType('navigation')[0].responseEnd") / 1000
    # The page is reloaded, then its client connects: only then does the build start.
    assert answered < started + 0.005, f"page answered {answered - started:+.3f}s after it"


def test_bad_indentation_is_shown_at_its_line(preview: Preview, page: Any) -> None:
    save_city(preview, LEEDS.replace("  lon: -1.5491", "   lon: -1.5491"))
    location = page.locator("code.location", has_text=LEEDS_FILE)
    location.wait_for(timeout=TIMEOUT_MS)
    assert location.first.inner_text().startswith(f"{LEEDS_FILE}:7:")
    assert page.locator(".message").first.inner_text() == \
        "line 7 is indented further than the field above it, which already has a value"
    save_city(preview, LEEDS)
    wait_for_text(page, "A northern city with banks and hospitals.")


def test_a_template_syntax_error_is_shown_then_cleared(preview: Preview, page: Any) -> None:
    template = preview.templates() / "city.html"
    good = template.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    broken = "".join([*lines[:4], "<p>{{ city.name | }}</p>\n", *lines[4:]])  # line 5
    template.write_text(broken, encoding="utf-8")
    location = page.locator("code.location", has_text="templates/city.html:5:")
    location.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".message").first.inner_text().startswith("template syntax error")
    assert page.locator(".line.bad").first.inner_text().endswith("<p>{{ city.name | }}</p>")
    template.write_text(good.replace("{{ city.summary }}</p>",
                                     "{{ city.summary }} (template edited)</p>"),
                        encoding="utf-8")
    wait_for_text(page, "(template edited)")


def test_a_quick_second_save_is_never_lost(preview: Preview, page: Any) -> None:
    mark = len(preview.printed())
    # (Not "First save: a city": after "summary: " a second ': ' is a YAML syntax error.)
    save_city(preview, LEEDS.replace("A northern city", "First save, a city"))
    preview.wait_for_output("rebuilding", after=mark)  # the first save is being built
    save_city(preview, LEEDS.replace("A northern city", "Second save, a city"))
    wait_for_text(page, "Second save, a city")
