"""The guide's long lists page by page: what a guide of a thousand cities looks like, small.

The real content is built with small page sizes (site.yaml's page_sizes, the setting
a big guide runs on at its defaults): four cities a page, seven A–Z entries, two
roles, two lists. The home page then shows the first four cities and links on to
cities/; the comparison, each of its orders and the A–Z go on over numbered pages
linked by plain links (rel prev and next). Across a list's pages every entry is
there once, in order; every new page is in the sitemap (the orders' aside), is
valid HTML and meets WCAG 2.2 AA.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.etree
import pytest
import yaml
from lxml.html import HtmlElement

from .browser import static_server
from .conftest import ROOT, TODAY, run_cli
from .pages import parse, reader_pages, text, texts
from .test_quality_browser import PHONE, axe_context, axe_in_both_schemes
from .test_quality_static import NU_CHECKER

SIZES = {"roles": 2, "lists": 2, "cities": 4, "employers": 7}
SITE = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))
BASE = SITE["base_url"]
CITIES = 10  # the real guide's


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content with small page sizes, built in this process."""
    root = tmp_path_factory.mktemp("paged")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    with (content / "site.yaml").open("a", encoding="utf-8") as site:
        site.write("page_sizes:\n" + "".join(f"  {k}: {v}\n" for k, v in SIZES.items()))
    out = root / "out"
    result = run_cli(["--content", str(content), "--out", str(out), "--today", TODAY], ROOT)
    assert result.returncode == 0, result.stderr
    return out


def page(out: Path, url: str) -> HtmlElement:
    return parse(out / url.lstrip("/") / "index.html")


def walk(out: Path, first: str) -> list[tuple[str, HtmlElement]]:
    """Every page of a list, from its first along the rel=next links, checking the way back."""
    pages = [(first, page(out, first))]
    while nexts := pages[-1][1].xpath("//nav[@id='job-pager']//a[@rel='next']/@href"):
        (after,) = nexts
        assert after not in [url for url, _ in pages], f"{after}: the pages go round"
        pages.append((str(after), page(out, str(after))))
    for (before, _), (_, doc) in zip(pages, pages[1:], strict=False):
        assert doc.xpath("//nav[@id='job-pager']//a[@rel='prev']/@href") == [before]
    assert not pages[0][1].xpath("//nav[@id='job-pager']//a[@rel='prev']")
    for number, (url, doc) in enumerate(pages, 1):
        assert url == first if number == 1 else url == f"{first}page/{number}/"
        current = doc.xpath("//nav[@id='job-pager']//a[@aria-current='page']")
        assert [a.text_content() for a in current] == [f"Page {number}"], url
    return pages


def cards(doc: HtmlElement) -> list[str]:
    return texts(doc, "//ol[contains(@class, 'cards')]/li/h3")


def test_the_home_page_shows_the_first_cities_and_links_on_to_them_all(paged: Path) -> None:
    home = page(paged, "/")
    assert cards(home) == ["London", "Cambridge", "Manchester", "Edinburgh"]
    assert texts(home, "//h2[@id='cities-heading']") == ["The first 4 cities, in order"]
    markers = home.xpath("//svg[contains(@class, 'map')]//a[contains(@class, 'marker')]")
    assert [m.get("href") for m in markers] == [
        "/cities/london/", "/cities/cambridge/", "/cities/manchester/", "/cities/edinburgh/"]
    assert "The first 4 cities" in text(home.xpath("//figcaption")[0])
    (more,) = home.xpath("//section[h2/@id='cities-heading']//p[@class='more']/a")
    assert (more.get("href"), more.text_content()) == ("/cities/", f"All {CITIES} cities, in order")


def test_the_cities_list_holds_every_city_once_in_the_guides_order(
        paged: Path, real_output: Path) -> None:
    pages = walk(paged, "/cities/")
    assert [len(cards(doc)) for _, doc in pages] == [4, 4, 2]
    every = [name for _, doc in pages for name in cards(doc)]
    assert every == cards(parse(real_output / "index.html")), "all ten, once, as the home page"
    numbers = [int(v) for _, doc in pages
               for v in doc.xpath("//ol[contains(@class, 'cards')]/li/@value")]
    assert numbers == list(range(1, CITIES + 1))
    assert texts(pages[2][1], "//title") == [f"The cities, in order, page 3 of 3 · {SITE['title']}"]
    assert not (real_output / "cities/index.html").exists(), "ten cities fit on the home page"


def test_the_comparison_goes_on_a_page_of_cities_at_a_time(paged: Path,
                                                          real_output: Path) -> None:
    whole = parse(real_output / "compare/index.html")
    columns = "//table[@class='matrix']/thead//th/a/@href"
    pages = walk(paged, "/compare/")
    assert [len(doc.xpath(columns)) for _, doc in pages] == [4, 4, 2]
    assert [c for _, doc in pages for c in doc.xpath(columns)] == whole.xpath(columns)
    rows = "//table[@class='matrix']/tbody/tr/@id"
    assert all(doc.xpath(rows) == whole.xpath(rows) for _, doc in pages), "one sector order"
    figures = "//table[@class='figures']/tbody/tr/th/a/@href"
    assert [c for _, doc in pages for c in doc.xpath(figures)] == whole.xpath(figures)
    # Each entry of the table is a specialism of one of its page's cities, and none is lost.
    entries = "//table[@class='matrix']//td//a[not(@class='see')]/@href"
    assert sorted(e for _, doc in pages for e in doc.xpath(entries)) == \
        sorted(whole.xpath(entries))
    assert "Cities 5 to 8 of 10" in text(pages[1][1])


@pytest.mark.parametrize("order", ["open-roles", "pay", "status"])
def test_each_order_of_the_figures_goes_on_over_pages_in_that_order(
        paged: Path, real_output: Path, order: str) -> None:
    figures = "//table[@class='figures']/tbody/tr/th/a/@href"
    whole = parse(real_output / f"compare/by/{order}/index.html").xpath(figures)
    pages = walk(paged, f"/compare/by/{order}/")
    assert [c for _, doc in pages for c in doc.xpath(figures)] == whole
    heading = "//table[@class='figures']/thead//a[@title='Sort by city']/@href"
    assert all(doc.xpath(heading) == ["/compare/#figures"] for _, doc in pages)


def a_to_z(doc: HtmlElement) -> list[tuple[str, str]]:
    """The A–Z's entries as (letter heading, name and city), in the page's order."""
    return [(" ".join(li.xpath("ancestor::section[1]/h2")[0].text.split()),
             " ".join(li.text_content().split()))
            for li in doc.xpath("//ul[@class='a-z']/li")]


def test_the_a_to_z_goes_on_over_pages_with_no_entry_lost_or_repeated(
        paged: Path, real_output: Path) -> None:
    whole = a_to_z(parse(real_output / "employers/index.html"))
    pages = walk(paged, "/employers/")
    shown = [entry for _, doc in pages for entry in a_to_z(doc)]
    assert len(pages) == -(-len(whole) // SIZES["employers"])
    assert all(len(a_to_z(doc)) <= SIZES["employers"] for _, doc in pages)
    assert shown == whole
    continued = [(url, h) for url, doc in pages
                 for h in texts(doc, "//section[@class='letter']/h2") if "(continued)" in h]
    assert continued, "a letter runs over a page, and says so where it goes on"
    # Every page's letters lead to where each letter starts, on whichever page that is.
    first_page = {letter: url for url, doc in reversed(pages) for letter, _ in a_to_z(doc)}
    for url, doc in pages:
        for link in doc.xpath("//nav[@class='letters']//a"):
            target, anchor = link.get("href").split("#")
            assert target == first_page[link.text_content()], (url, link.get("href"))
            heading = page(paged, target).xpath(f"//h2[@id='{anchor}']")[0]
            assert "(continued)" not in heading.text_content()


def test_every_new_page_is_in_the_sitemap_with_its_own_title(paged: Path) -> None:
    tree = lxml.etree.parse(str(paged / "sitemap.xml"))
    listed = set(tree.xpath("//s:loc/text()",
                            namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}))
    for first in ("cities/", "compare/", "employers/", "jobs/", "jobs/employers/"):
        pages = walk(paged, f"/{first}")
        assert len(pages) > 1, first
        for url, doc in pages:
            assert BASE + url.lstrip("/") in listed, url
            assert doc.xpath("//link[@rel='canonical']/@href") == [BASE + url.lstrip("/")]
            assert not doc.xpath("//meta[@name='robots']"), url
        titles = [doc.xpath("//title/text()")[0] for _, doc in pages]
        descriptions = [doc.xpath("//meta[@name='description']/@content")[0] for _, doc in pages]
        assert len(set(titles)) == len(titles) and len(set(descriptions)) == len(descriptions)
    ordered = walk(paged, "/compare/by/pay/")
    assert all(doc.xpath("//meta[@name='robots']/@content") == ["noindex"] for _, doc in ordered)
    assert not any(BASE + url.lstrip("/") in listed for url, _ in ordered)


def new_pages(out: Path) -> list[Path]:
    """The pages the small page sizes add: the second and later pages, and cities/."""
    return sorted(p for p in reader_pages(out)
                  if "page" in p.relative_to(out).parts or p.parent == out / "cities")


def test_the_nu_html_checker_finds_no_errors_on_the_new_pages(paged: Path) -> None:
    pages = [str(p) for p in new_pages(paged)]
    assert len(pages) > 20
    result = subprocess.run([*NU_CHECKER, *pages],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr)["messages"]
    assert [f"{m.get('url', '?')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


@pytest.fixture(scope="module")
def served(paged: Path) -> Iterator[str]:
    with static_server(paged) as base:
        yield base


def test_the_new_pages_meet_wcag_22_aa_in_light_and_dark(browser: Any, served: str,
                                                         paged: Path) -> None:
    urls = ["", *(p.parent.relative_to(paged).as_posix() + "/" for p in new_pages(paged)
                  if "by" not in p.relative_to(paged).parts[:2] or p.match("*/pay/page/2/*"))]
    context = axe_context(browser, viewport=PHONE)
    tab = context.new_page()
    found = []
    for url in urls:
        tab.goto(served + url)
        found += [f"{url or '/'}: {v}" for v in axe_in_both_schemes(tab)]
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], f"{url}: {width}px wide"
    context.close()
    assert not found, "\n".join(found)
