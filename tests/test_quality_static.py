"""The published guide, checked file by file: budgets, links, findability and valid HTML.

Every check runs on the real content (the session's `real_output`), on every
page, so a new page or a heavier template cannot slip past.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import pytest
import yaml
from lxml.html import HtmlElement

from .conftest import ROOT
from .pages import parse, reader_pages

KB = 1024
PAGE_BUDGET = 14 * KB  # each HTML page, gzipped
CSS_BUDGET = 10 * KB  # all stylesheets together, gzipped
JS_BUDGET = 5 * KB  # all scripts together, gzipped
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The W3C Nu checker, errors only, its JSON report on standard error. A run is a few
# seconds of work, over before the JVM's optimising compiler and parallel collector pay
# for themselves: the quick compiler and the serial collector give the same report for
# half the processor time.
NU_CHECKER = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m", "-jar",
              str(VNU), "--errors-only", "--format", "json"]
HASHED_ASSET = re.compile(r"^/assets/[\w./-]+\.[0-9a-f]{10}\.(css|js|svg)$")
SITE = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))
BASE = SITE["base_url"]  # real_output is built with site.yaml's base URL


def gzipped(path: Path) -> int:
    """Bytes on the wire from a CDN compressing at gzip's default level."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def html_files(out: Path) -> list[Path]:
    """The reader pages (the budgets and checks here are theirs; /admin/ is not one)."""
    return reader_pages(out)


def page_url(out: Path, path: Path) -> str:
    """cities/leeds/index.html => 'cities/leeds/'; 404.html => '404.html'."""
    relative = path.relative_to(out).as_posix()
    return relative.removesuffix("index.html")


def target_file(out: Path, url_path: str) -> Path | None:
    """The output file a root-relative URL path is served from, if any."""
    relative = unquote(url_path).lstrip("/")
    candidate = out / relative
    if url_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def ids_of(doc: HtmlElement) -> set[str]:
    return {str(i) for i in doc.xpath("//@id")}


@pytest.fixture(scope="module")
def docs(real_output: Path) -> dict[Path, HtmlElement]:
    return {path: parse(path) for path in html_files(real_output)}


def test_the_checks_below_cover_every_kind_of_page(real_output: Path) -> None:
    urls = {page_url(real_output, p) for p in html_files(real_output)}
    for url in ("", "404.html", "compare/", "employers/", "jobs/", "cities/london/",
                "sectors/fintech/", "jobs/senior-mlops-engineer-london/", "career-advice/",
                "compare/by/open-roles/"):
        assert url in urls


def test_every_html_page_is_within_14_kb_gzipped(real_output: Path) -> None:
    sizes = {page_url(real_output, p): gzipped(p) for p in html_files(real_output)}
    over = {url: size for url, size in sizes.items() if size > PAGE_BUDGET}
    assert not over, f"pages over {PAGE_BUDGET} bytes gzipped: {over}"


def test_scripts_are_published_without_their_comments_and_still_name_what_they_use(
        real_output: Path) -> None:
    source = (ROOT / "static" / "jobs.js").read_text(encoding="utf-8")
    (published,) = (real_output / "assets").glob("jobs.*.js")
    text = published.read_text(encoding="utf-8")
    assert "// Search and filters" in source and "//" not in text.replace("://", "")
    assert len(text) < 0.75 * len(source), "comments and indentation are left out"
    # Names and strings are kept as they are: the page's ids, the index's file names.
    for kept in ('"search-query"', '"data-index"', '"index.json"', "pagefind.js"):
        assert kept in text, kept


def test_all_css_is_within_10_kb_and_all_javascript_within_5_kb_gzipped(real_output: Path) -> None:
    css = sum(gzipped(p) for p in (real_output / "assets").rglob("*.css"))
    js = sum(gzipped(p) for p in (real_output / "assets").rglob("*.js"))
    assert 0 < css <= CSS_BUDGET, css
    assert js <= JS_BUDGET, js
    # Pagefind's own scripts (pagefind/) are its bundle, loaded only once a reader searches:
    # they are the search's, not the pages', and their names are Pagefind's.
    stray = [p for p in real_output.rglob("*") if p.suffix in {".css", ".js"}
             and p.parent.name != "assets"
             and p.relative_to(real_output).parts[0] not in ("pagefind", "admin")]
    assert stray == [], "every stylesheet and script is an asset under a hashed name"
    # The browser editor's own script is versioned by its name and served under /admin/ only.
    assert (real_output / "admin/decap-cms-3.16.3.js").is_file()
    assert sorted(p.relative_to(real_output / "pagefind").as_posix()
                  for p in (real_output / "pagefind").rglob("*.js")) == [
        "guide/pagefind-worker.js", "guide/pagefind.js"], \
        "its one bundle's (the roles have their own index), and Pagefind ships no UI here"


def test_assets_have_hashed_names_and_nothing_else_blocks_rendering(
        docs: dict[Path, HtmlElement]) -> None:
    problems = []
    for path, doc in docs.items():
        name = path.as_posix()
        for href in doc.xpath("//link[@rel='stylesheet']/@href | //link[@rel='icon']/@href"):
            if not HASHED_ASSET.match(href):
                problems.append(f"{name}: stylesheet or icon {href} has no content hash")
        for script in doc.xpath("//script"):
            kind = script.get("type", "")
            if kind == "application/ld+json":
                continue
            src = script.get("src")
            if src is None:
                problems.append(f"{name}: an inline script")
            elif not HASHED_ASSET.match(src):
                problems.append(f"{name}: script {src} has no content hash")
            elif kind != "module" and script.get("defer") is None:
                problems.append(f"{name}: script {src} blocks rendering (no defer)")
        if doc.xpath("//style | //*[@style]"):
            problems.append(f"{name}: inline style")
        if doc.xpath("//link[@rel='stylesheet']"
                     "[starts-with(@href, 'http') or starts-with(@href, '//')]"):
            problems.append(f"{name}: a stylesheet from another origin")
    assert problems == []


def test_css_uses_system_fonts_and_loads_nothing_itself(real_output: Path) -> None:
    for css in (real_output / "assets").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@font-face" not in text and "@import" not in text
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), "no third-party request"
        assert "prefers-color-scheme: dark" in text and "@media print" in text
        assert ":focus-visible" in text


def _internal_path(url: str) -> tuple[str, str] | None:
    """(path, fragment) of a link into the site, or None for another site or scheme."""
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel"):
        return None
    if parts.scheme or parts.netloc:
        if not url.startswith(BASE):
            return None
        return "/" + url[len(BASE):].split("#")[0], parts.fragment
    return parts.path, parts.fragment


def test_every_internal_link_anchor_and_asset_resolves(
        real_output: Path, docs: dict[Path, HtmlElement]) -> None:
    ids = {path: ids_of(doc) for path, doc in docs.items()}
    broken = []
    for path, doc in docs.items():
        refs = doc.xpath("//a/@href | //link/@href | //script/@src | //img/@src"
                         " | //meta[@property='og:url']/@content | //form/@action")
        for ref in refs:
            internal = _internal_path(str(ref))
            if internal is None:
                continue
            url_path, fragment = internal
            if not url_path:  # '#id' on the same page
                target: Path | None = path
            else:
                assert url_path.startswith("/"), f"{path}: relative link {ref}"
                target = target_file(real_output, url_path)
            if target is None:
                broken.append(f"{page_url(real_output, path)} -> {ref}")
            elif fragment and target.suffix == ".html" and fragment not in ids[target]:
                broken.append(f"{page_url(real_output, path)} -> {ref} (no id '{fragment}')")
    assert broken == []


def test_titles_and_descriptions_are_unique_and_every_page_is_findable(
        real_output: Path, docs: dict[Path, HtmlElement]) -> None:
    titles: Counter[str] = Counter()
    descriptions: Counter[str] = Counter()
    for path, doc in docs.items():
        url = page_url(real_output, path)
        assert doc.get("lang") == SITE["language"], url
        [title] = doc.xpath("//head/title/text()")
        [description] = doc.xpath("//meta[@name='description']/@content")
        assert title.strip() and 20 <= len(description) <= 200, url
        titles[title] += 1
        descriptions[description] += 1
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//meta")}
        assert meta["og:title"] == title and meta["twitter:title"] == title, url
        assert meta["og:description"] == description == meta["twitter:description"], url
        assert meta["twitter:card"] == "summary_large_image", url
        assert meta["og:type"] and meta["og:site_name"], url
        assert meta["og:locale"] == SITE["language"].replace("-", "_"), url
        if url == "404.html":
            assert meta["robots"] == "noindex" and not doc.xpath("//link[@rel='canonical']")
            continue
        assert doc.xpath("//link[@rel='canonical']/@href") == [BASE + url], url
        assert meta["og:url"] == BASE + url, url
    assert [t for t, n in titles.items() if n > 1] == [], "every <title> is unique"
    assert [d for d, n in descriptions.items() if n > 1] == [], "every description is unique"


def test_sitemap_lists_every_published_page_and_robots_names_it(
        real_output: Path, docs: dict[Path, HtmlElement]) -> None:
    tree = lxml.etree.parse(str(real_output / "sitemap.xml"))
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [str(loc).strip() for loc in tree.xpath("//s:url/s:loc/text()", namespaces=namespace)]
    assert len(listed) == len(set(listed))
    published = {BASE + page_url(real_output, p) for p, doc in docs.items()
                 if not doc.xpath("//meta[@name='robots'][contains(@content, 'noindex')]")}
    assert set(listed) == published
    robots = (real_output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_the_nu_html_checker_finds_no_errors_on_any_page(real_output: Path) -> None:
    pages = [str(p) for p in html_files(real_output)]
    result = subprocess.run([*NU_CHECKER, *pages],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr)["messages"]
    errors = [f"{m.get('url', '?').rsplit('/output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages]
    assert errors == []
    assert result.returncode == 0
