"""How the real guide reads on a 360 px phone and a 1280 px screen, measured in Chromium.

The map names its cities without overlaps and with targets a thumb can hit, the
header leaves the screen to the page, the map comes near the top, the comparison
keeps a city name beside every entry, a job page puts its facts and Apply first,
and a city with no open roles points somewhere useful.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import static_server

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
Box = dict[str, float]


@pytest.fixture(scope="module")
def served(real_output: Path) -> Iterator[str]:
    with static_server(real_output) as base:
        yield base


def overlap(a: Box, b: Box) -> bool:
    """Whether two rendered boxes share any area (touching edges do not count)."""
    return (a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5)


MAP_BOXES = """() => [...document.querySelectorAll('svg.map a')].map(a => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  return {name: a.querySelector('text').textContent, link: box(a),
          label: box(a.querySelector('text')), pin: box(a.querySelector('.pin'))};
})"""


def test_on_a_phone_the_map_names_every_city_without_overlaps_and_with_big_targets(
        browser: Any, served: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(served)
    pins = page.evaluate(MAP_BOXES)
    assert [p["name"] for p in pins] == ["London", "Cambridge", "Manchester", "Edinburgh",
                                         "Leeds", "Belfast", "Newcastle", "Bristol",
                                         "Sheffield", "Cardiff"]
    problems = []
    for i, a in enumerate(pins):
        if a["link"]["width"] < 44 or a["link"]["height"] < 44:
            problems.append(f"{a['name']}: target {a['link']['width']:.0f}x"
                            f"{a['link']['height']:.0f} px")
        for b in pins[i + 1:]:
            pair = f"{a['name']} / {b['name']}"
            for kind in ("label", "pin", "link"):
                if overlap(a[kind], b[kind]):
                    problems.append(f"{pair}: {kind}s overlap")
            if overlap(a["label"], b["pin"]) or overlap(b["label"], a["pin"]):
                problems.append(f"{pair}: a name covers a marker")
    assert problems == []
    page.close()


def test_on_a_phone_the_header_is_one_compact_block_and_the_map_comes_near_the_top(
        browser: Any, served: str) -> None:
    page = browser.new_page(viewport=PHONE)
    for url in ("", "compare/", "jobs/", "career-advice/"):
        page.goto(served + url)
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] <= 0.15 * PHONE["height"], (url, header)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    # The menu is one row that scrolls sideways: every item on the row of the first.
    tops = page.locator(".site-nav a").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(tops) == 6 and len(set(tops)) == 1, tops
    page.goto(served)
    figure = page.locator(".uk-map").bounding_box()
    assert figure is not None and figure["y"] <= 400, f"the map starts {figure['y']:.0f} px down"
    page.close()


def test_on_a_phone_compare_is_a_list_where_every_entry_names_its_city(
        browser: Any, served: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(served + "compare/")
    assert not page.locator("table.matrix").is_visible()
    chips = page.locator(".sector-list .chips > li")
    assert chips.count() >= 30
    found = chips.evaluate_all("""chips => chips.map(chip => {
        const city = chip.querySelector('.chip-city'), link = chip.querySelector('a');
        const c = city.getBoundingClientRect(), l = link.getBoundingClientRect();
        return {city: city.textContent, visible: c.width > 0 && c.right <= innerWidth,
                near: Math.abs(l.top - c.bottom) < 40, inside: l.right <= innerWidth};
    })""")
    assert all(f["visible"] and f["near"] and f["inside"] for f in found), found
    assert {f["city"] for f in found} == {"London", "Cambridge", "Manchester", "Edinburgh",
                                          "Leeds", "Belfast", "Newcastle", "Bristol",
                                          "Sheffield", "Cardiff"}
    page.close()


def test_on_a_wide_screen_compare_keeps_the_city_row_in_view(browser: Any, served: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(served + "compare/")
    assert page.locator("table.matrix").is_visible()
    assert not page.locator(".sector-list").is_visible()
    page.evaluate("window.scrollTo(0, document.querySelector('table.matrix').offsetTop + 600)")
    page.wait_for_function("window.scrollY > 500")
    head = page.locator("table.matrix thead th").first.bounding_box()
    assert head is not None and -1 <= head["y"] <= 1, f"city names at {head['y']} px"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= DESKTOP["width"]
    page.close()


def test_a_job_page_gives_its_facts_and_apply_before_the_description(
        browser: Any, served: str) -> None:
    for viewport in (PHONE, DESKTOP):
        page = browser.new_page(viewport=viewport)
        page.goto(served + "jobs/senior-mlops-engineer-london/")
        order = page.evaluate("""() => {
            const all = [...document.querySelectorAll('main *')];
            return ['.job-facts', '.apply a', '#about-role'].map(
                s => all.indexOf(document.querySelector(s)));
        }""")
        assert order == sorted(order) and -1 not in order, "facts, Apply, then the description"
        apply = page.get_by_role("link", name="Apply for this role")
        assert apply.count() == 1 and apply.is_visible()
        box = apply.bounding_box()
        assert box is not None and box["y"] + box["height"] <= viewport["height"], \
            "Apply is on the first screen"
        page.close()


def test_a_city_with_no_open_roles_leads_to_the_nearest_roles_and_its_feed(
        browser: Any, served: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(served + "cities/sheffield/")
    state = page.locator(".empty-state")
    assert state.is_visible()
    nearby = state.locator(".nearby li")
    assert nearby.all_inner_texts() == ["1 open role in Manchester\nabout 33 miles away",
                                        "3 open roles in London\nabout 141 miles away"]
    feed = state.get_by_role("link", name="new roles in Sheffield")
    assert feed.get_attribute("href") == "/jobs/cities/sheffield/feed.xml"
    assert "feed reader" in state.inner_text()
    nearby.first.get_by_role("link").click()
    page.wait_for_url("**/jobs/cities/manchester/")
    assert page.locator("h1").inner_text() == "Open roles in Manchester"
    assert page.locator("#job-list li.job").count() == 1
    page.close()


def test_on_a_wide_screen_card_grids_leave_no_row_short(browser: Any, served: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(served)
    for grid in (".cards", ".points"):
        rows = page.locator(f"{grid} > *").evaluate_all("""items => {
            const rows = {};
            for (const item of items) {
                const r = item.getBoundingClientRect(), top = Math.round(r.top);
                rows[top] = (rows[top] || 0) + r.width;
            }
            return Object.values(rows).map(Math.round);
        }""")
        width = page.locator(grid).evaluate("e => e.getBoundingClientRect().width")
        assert len(rows) >= 1
        for used in rows:  # each row's items (and the gaps between) fill the grid's width
            assert used >= width - 4 * 25, (grid, rows, width)
    page.close()
