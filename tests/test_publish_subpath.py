"""A site published under a sub-path works: every link, asset, feed and sitemap URL,
followed in headless Chromium from a server that serves the site only at /guide/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import pytest

from .browser import static_server
from .conftest import ROOT, TODAY, run_cli

SITE = "https://example.org/guide/"
NOT_SERVED = {"_headers", "_redirects", ".mlguide-manifest.json"}  # read by the CDN

# Every URL a page refers to: links, assets, feeds announced in <link>, images,
# absolute URLs in meta tags (canonical, Open Graph) and in its JSON-LD.
PAGE_URLS = """() => {
    const resolve = value => new URL(value, document.baseURI).href;
    const urls = [...document.querySelectorAll('[href], [src], form[action]')].map(
        e => resolve(e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action')));
    for (const e of document.querySelectorAll('[srcset]'))
        for (const part of e.getAttribute('srcset').split(','))
            urls.push(resolve(part.trim().split(/\\s+/)[0]));
    for (const meta of document.querySelectorAll('meta[content]'))
        if (/^https?:/.test(meta.content)) urls.push(meta.content);
    for (const data of document.querySelectorAll('script[type="application/ld+json"]'))
        urls.push(...(data.textContent.match(/https?:[^"\\s]+/g) || []));
    return urls;
}"""
# The links a reader can follow from a page: its anchors, resolved.
PAGE_LINKS = """() => [...document.querySelectorAll('a[href]')].map(
    a => new URL(a.getAttribute('href'), document.baseURI).href)"""


@pytest.fixture(scope="module")
def subpath_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content, built for https://example.org/guide/."""
    out = tmp_path_factory.mktemp("subpath") / "output"
    result = run_cli(["--out", str(out), "--base-url", SITE, "--today", TODAY], ROOT)
    assert result.returncode == 0, result.stderr
    return out


def urls_in_text(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)]+", text)


def urls_in(content_type: str, body: bytes, url: str) -> Iterator[str]:
    """The absolute URLs a feed, sitemap, stylesheet or robots.txt refers to."""
    if content_type.startswith("image/png"):  # a share card refers to nothing
        return
    if "xml" in content_type:
        root = lxml.etree.fromstring(body)
        for element in root.iter():
            for value in [*element.attrib.values(), element.text or ""]:
                yield from urls_in_text(value.strip())
    elif "json" in content_type:
        yield from urls_in_text(json.dumps(json.loads(body)))
    elif "css" in content_type:
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", body.decode()):
            if not ref.startswith("data:"):
                yield urljoin(url, ref)
    else:
        yield from urls_in_text(body.decode())


def fetch(page: Any, url: str) -> Any:
    """The response for `url`: a page is opened in the tab (its links are read from its
    DOM, and what it loads is watched); a feed, image or other file is fetched from the
    same browser context, as drawing it in the tab would read nothing more."""
    if not urlsplit(url).path.endswith(("/", ".html")):
        response = page.request.get(url)
        if "html" not in response.headers.get("content-type", ""):
            return response
    return page.goto(url, wait_until="domcontentloaded")


def test_every_link_asset_feed_and_sitemap_url_works_under_a_sub_path(
        subpath_output: Path, browser: Any) -> None:
    # /admin/ (the browser editor) is followed in tests/test_cms_browser.py, with its backend.
    # The search index's binary pieces are fetched by Pagefind's script, not opened as pages
    # (the search under a sub-path: test_jobs_search.py).
    files = sorted(p.relative_to(subpath_output).as_posix() for p in subpath_output.rglob("*")
                   if p.is_file() and p.name not in NOT_SERVED
                   and not p.relative_to(subpath_output).as_posix().startswith("pagefind/")
                   and p.relative_to(subpath_output).parts[0] != "admin")
    with static_server(subpath_output, prefix="/guide/") as local:
        site_host, local_host = urlsplit(SITE).netloc, urlsplit(local).netloc

        def local_url(url: str) -> str | None:
            """The local address of a URL of this site; None for another site's."""
            url = urldefrag(url).url
            if url.startswith(SITE):
                return local + url[len(SITE):]
            host = urlsplit(url).netloc
            assert host != site_host, f"{url} is on the site's host but outside {SITE}"
            return url if host == local_host else None

        page = browser.new_page()
        broken: list[str] = []
        page.on("response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400
                else None)
        page.on("requestfailed", lambda r: broken.append(f"{r.failure} {r.url}")
                if r.failure != "net::ERR_ABORTED" else None)
        # Start from the home page, then every published file (a page at its directory URL),
        # so none is missed even if nothing links to it (robots.txt, the Indeed feed).
        queue = [(local, "start"),
                 *((local + f.removesuffix("index.html"), "the output") for f in files)]
        referrer = dict(reversed(queue))
        linked: set[str] = set()  # reached by an <a href> on another page
        referred: set[str] = set()  # named anywhere: a page, feed, sitemap or stylesheet
        while queue:
            url, found_on = queue.pop(0)
            response = fetch(page, url)
            assert response is not None and response.status == 200, (url, found_on)
            kind = response.headers.get("content-type", "")
            if "html" in kind:
                found = page.evaluate(PAGE_URLS)
                # Not the page's own address (its canonical, og:url, a link to itself),
                # and not the sitemap or a feed: a reader arrives by a link on another page.
                linked.update(target[len(local):] for target in map(local_url,
                              page.evaluate(PAGE_LINKS))
                              if target is not None and target != urldefrag(url).url)
            else:
                found = list(urls_in(kind, response.body(), url))
            for ref in found:
                target = local_url(ref)
                if target is not None:
                    referred.add(target[len(local):])
                if target is not None and target not in referrer:
                    referrer[target] = url
                    queue.append((target, url))
        assert broken == []
        page.close()
    pages = {f.removesuffix("index.html") for f in files if f.endswith("index.html")}
    assert pages - linked == set(), "every page is reached by a link from another page"
    assert {"sitemap.xml", "jobs/feed.xml", "jobs/feed.json"} <= referred
