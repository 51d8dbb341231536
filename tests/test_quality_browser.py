"""Every page of the real guide in headless Chromium: on a 360 px phone, in light and dark.

One browser (the session's), one server for the module (the real site with its
`_headers` applied, as Netlify or Cloudflare Pages would serve it), one tab per share
of the pages and width: each page is opened once on a phone (the main layouts once
more on a desktop), and every check of it is made on that visit: axe-core, what the
page loaded and logged, its width, and that it works under its own policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .browser import static_server
from .cdn import headers_for, parse_headers_file
from .conftest import ROOT
from .test_publish_headers import STYLED, WATCH_VIOLATIONS, expected_headers
from .test_quality_static import html_files, page_url

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
WIDE_LAYOUTS = ["", "cities/london/", "compare/", "employers/", "jobs/",
                "jobs/senior-mlops-engineer-london/"]


@pytest.fixture(scope="module")
def served(real_output: Path) -> Iterator[str]:
    rules = parse_headers_file((real_output / "_headers").read_text(encoding="utf-8"))
    with static_server(real_output, headers=lambda path: headers_for(rules, path)) as base:
        yield base


@pytest.fixture(scope="module")
def urls(real_output: Path) -> list[str]:
    return [page_url(real_output, p) for p in html_files(real_output)]


def axe_context(browser: Any, **options: Any) -> Any:
    """A browser context whose every page loads axe-core before its own scripts, and
    keeps each policy violation in window.__violations.

    An init script is compiled once for the context, where a script tag added to each
    page is fetched and compiled again every time; and the browser adds it, so the
    page's own policy (the site's `_headers`, the 404 page's meta) allows it and need not
    be bypassed: the pages are checked under the policy they are published with.
    """
    context = browser.new_context(**options)
    context.add_init_script(WATCH_VIOLATIONS)
    context.add_init_script(path=str(AXE))
    return context


def axe_violations(page: Any, colours_only: bool = False) -> list[str]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now (an axe_context page),
    or those of its rules that read colours (axe's tag "cat.color").

    Only violations are asked for: detailing every rule that passed costs more than half
    of axe's time, and the test reads nothing else. A CSS selector per element found is
    a quarter of what is left, and is needed only to say where a violation is: so axe
    runs without them, and again with them only on a page that has a violation (the
    rules run, and what they find, are the same either way).
    """
    found = page.evaluate(AXE_RUN, [WCAG_22_AA, colours_only, False])
    if not found:
        return []
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in page.evaluate(AXE_RUN, [WCAG_22_AA, colours_only, True])]


AXE_RUN = """([tags, colours, selectors]) => axe.run(document, {
    runOnly: colours ? {type: 'rule', values: axe.getRules(tags)
        .filter(rule => rule.tags.includes('cat.color')).map(rule => rule.ruleId)}
      : {type: 'tag', values: tags},
    resultTypes: ['violations'], selectors}).then(result => result.violations)"""


def axe_in_both_schemes(page: Any) -> list[str]:
    """axe's violations on the page in the light scheme, then in the dark by the rules that
    read colours: the dark scheme changes nothing else (test_the_dark_scheme_changes_colours
    _alone), so the other rules find the same, and running them again was a third of the
    crawl's time."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found += [f"{scheme}: {v}" for v in axe_violations(page, colours_only=scheme == "dark")]
    page.emulate_media(color_scheme="light")
    return found


def test_the_dark_scheme_changes_colours_alone() -> None:
    """What lets the dark run be the colour rules alone: its block sets custom properties
    of :root, and every one of them is a colour the light scheme sets too."""
    css = (ROOT / "static" / "style.css").read_text(encoding="utf-8")
    blocks = re.findall(r"@media \(prefers-color-scheme: dark\) \{(.*?)\n\}", css, re.S)
    assert len(blocks) == 1 and css.count("prefers-color-scheme") == 1
    rule = re.fullmatch(r"\s*:root \{([^{}]*)\}\s*", blocks[0])
    assert rule, "the dark block holds one rule, for :root"
    light = dict(re.findall(r"(--[\w-]+): ([^;]+);", css[:css.index("@media")]))
    for name, value in re.findall(r"\s*([^:;\s]+):\s*([^;]+);", rule.group(1)):
        assert name in light, f"{name} is a property the light scheme sets"
        assert re.fullmatch(r"#[0-9a-f]{6}", value) and re.fullmatch(r"#[0-9a-f]{6}",
                                                                      light[name]), name
    for template in (ROOT / "templates").rglob("*"):
        for line in template.read_text(encoding="utf-8").splitlines() if template.is_file() else ():
            assert "prefers-color-scheme" not in line or '<meta name="theme-color"' in line, (
                f"{template.name}: only the theme colour follows the scheme")


def test_text_hard_to_read_in_the_dark_alone_is_found(browser: Any) -> None:
    context = axe_context(browser)
    page = context.new_page()
    page.set_content('<!doctype html><html lang="en"><title>Dark</title><style>'
                     "@media (prefers-color-scheme: dark) { p { color: #333; background: #111 } }"
                     "</style><main><h1>Dark</h1><p>Hard to read at night.</p></main></html>")
    found = axe_in_both_schemes(page)
    context.close()
    assert [v.split(" (")[0] for v in found] == [
        "dark: color-contrast: Elements must meet minimum color contrast ratio thresholds"]


SHARES = 4  # the pages are checked in this many tests, so parallel workers split them


@pytest.mark.parametrize("share", range(SHARES))
def test_every_page_meets_wcag_22_aa_stays_on_its_origin_logs_no_errors_and_fits_a_phone(
        browser: Any, served: str, urls: list[str], share: int) -> None:
    """axe-core in light and dark on every page, and what the page did while it loaded.

    One visit per page and width serves all: the page's requests (none to another host,
    none failing), console errors and warnings and script errors are watched from the
    start of the visit to the end of its axe runs; its width is measured once it has
    loaded; and it is sent its own policy, its stylesheet applies under it, and nothing
    on it is refused (test_publish_headers holds the policies themselves).
    """
    found = []
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(served))
    requests: list[str] = []
    errors: list[str] = []
    too_wide = []
    refused = []
    # Every page on a phone; the main layouts again at desktop width, where they change most.
    checks = [(PHONE, url) for url in urls] + [(DESKTOP, url) for url in WIDE_LAYOUTS]
    for viewport in (PHONE, DESKTOP):
        context = axe_context(browser, viewport=viewport)
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda m: errors.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A favicon still loading when the next page opens is aborted: that is no failure.
        page.on("requestfailed", lambda r: errors.append(f"{r.failure}: {r.url}")
                if r.failure != "net::ERR_ABORTED" else None)
        page.on("response", lambda r: errors.append(f"{r.status}: {r.url}")
                if r.status >= 400 else None)
        for url in [url for size, url in checks[share::SHARES] if size is viewport]:
            response = page.goto(served + url, wait_until="load")
            assert response is not None and response.status == 200, url
            file = url if url.endswith(".html") else f"{url}index.html"
            assert response.headers["content-security-policy"] == expected_headers(file)[
                "Content-Security-Policy"], url
            assert page.evaluate(STYLED), f"{url or '/'}: the stylesheet applies"
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > viewport["width"]:
                too_wide.append(f"{url or '/'}: {width}px at {viewport['width']}px")
            found += [f"{url or '/'} ({viewport['width']}px) {v}"
                      for v in axe_in_both_schemes(page)]
            refused += [f"{url or '/'}: {v}" for v in page.evaluate("window.__violations")]
        context.close()
    assert not found, "\n".join(found)
    assert refused == [], "nothing refused by the page's policy"
    assert [r for r in requests if not r.startswith(origin + "/")] == []
    assert errors == []
    assert too_wide == [], "no horizontal scrolling at 360 px (or on a desktop)"


def test_focus_is_visible_and_the_skip_link_appears(browser: Any, served: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(served + "cities/london/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.bounding_box()["x"] >= 0, "the skip link moves on screen when focused"
    for _ in range(3):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
        assert outline == "solid" and width >= 2
    page.goto(served)
    page.locator("svg.map a").first.focus()
    stroke = page.evaluate(
        "getComputedStyle(document.activeElement.querySelector('.hit')).strokeWidth")
    assert float(stroke.removesuffix("px")) >= 4, "a focused map marker is outlined too"
    page.close()


def test_dark_scheme_follows_the_reader_and_city_pages_print_cleanly(browser: Any,
                                                                     served: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(served + "cities/london/")
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(background) != light
    page.emulate_media(media="print", color_scheme="dark")
    hidden = page.evaluate("""() => ['.site-header nav', '.site-footer', '.breadcrumbs',
        '.city-aside'].map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none"] * 4
    assert page.evaluate(background) in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert page.locator("#specialisms").is_visible() and page.locator("#employers").is_visible()
    page.close()


def test_the_home_page_at_desktop_width_puts_the_map_beside_the_intro(browser: Any,
                                                                      served: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(served)
    hero, figure = page.locator(".hero").bounding_box(), page.locator(".uk-map").bounding_box()
    assert hero is not None and figure is not None
    assert figure["x"] > hero["x"] + hero["width"] - 1, "two columns on a wide screen"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= DESKTOP["width"]
    page.close()
