"""Link policy: which links content may hold, and whether site links lead anywhere.

Every link in Markdown and every URL field is looked at twice:

1. its form, file by file, with the other checks of validate.py: a scheme
   other than https, http or mailto (`javascript:`, `data:`, `file:` ...), an
   address without its scheme (`www.example.com`) or a relative link
   (`cities/leeds/`) is a problem with the fix;
2. where it leads, once the site map is known: `/cities/glasgw/` or
   `/cities/leeds/#specialism-9` must be a page (and an anchor) the build
   writes; the nearest one is suggested. When some files have mistakes, the
   map is the one the content will have once they are fixed
   (routes.draft_link_targets), so these are reported with the other mistakes.

Site links are written from the site's root (`/cities/leeds/`) and rebased
under the base URL's path when a page is rendered (`/guide/cities/leeds/`).
This module knows nothing of routes: it is given the site's URLs and anchors
(`SiteMap`), from whatever computes them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .problems import FieldPath, Problem

if TYPE_CHECKING:
    from .load import SourceFile

MARKDOWN_SCHEMES = ("https", "http", "mailto")  # what nh3 lets through (markup.URL_SCHEMES)
URL_FIELD_SCHEMES = ("https", "http")
WHY_REFUSED = ("other schemes (javascript:, data:, vbscript:, file: ...) can run code or open "
               "files on the reader's machine")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# A web address typed without its scheme: www.leeds.ac.uk, leeds.ac.uk/about
_BARE_HOST = re.compile(r"^(www\d?\.|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.(uk|com|org|net|io|ai|"
                        r"dev|edu|gov|eu|co|info)(/|:|$))", re.IGNORECASE)
# Inline links and images [text](url "title"), reference definitions [ref]: url, autolinks <url>
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)", re.MULTILINE)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)


def markdown_links(text: str) -> list[str]:
    """The link targets of a Markdown text, in order; code blocks and spans hold none."""
    if "](" not in text and "]:" not in text and "<" not in text:
        return []  # most texts have no link at all: skip the regular expressions
    text = _CODE_SPAN.sub("", _FENCE.sub("", text))
    found = [(m.start(), m.group(1)) for m in _INLINE.finditer(text)]
    found += [(m.start(), m.group(1)) for m in _REFERENCE.finditer(text)]
    found += [(m.start(), m.group(1)) for m in _AUTOLINK.finditer(text)]
    return [url for _, url in sorted(found)]


def rebase(html: str, base_path: str) -> str:
    """Site links in rendered Markdown moved under the base URL's path.

    '<a href="/cities/leeds/">' => '<a href="/guide/cities/leeds/">' for a site at
    https://example.org/guide/. nh3 writes every attribute in double quotes, and
    text that looks like one is escaped, so the pattern meets real links only.
    """
    if base_path == "/" or 'href="/' not in html:
        return html
    return re.sub(r'href="/(?!/)', f'href="{base_path}', html)


def web_url_problem(url: str) -> tuple[str, str]:
    """What is wrong with a URL field's value that is not an absolute http(s) URL, and the fix."""
    found = form_problem(url, URL_FIELD_SCHEMES)
    if found is not None:
        return found
    return (f"expected a full web address like https://example.org/, got '{url}'",
            "write the address as the browser shows it, starting https://")


def form_problem(url: str, schemes: tuple[str, ...]) -> tuple[str, str] | None:
    """What is wrong with the form of a link, and the fix; None if the form is fine."""
    url = url.strip()
    allowed = " and ".join(", ".join(f"{s}:" for s in schemes).rsplit(", ", 1))
    if not url:
        return "the link has no address", "write the address between the brackets: (https://...)"
    if url.startswith("//"):
        return (f"the link '{url}' starts with '//' and names no scheme",
                f"write 'https:{url}'")
    if _BARE_HOST.match(url):
        return (f"the address '{url}' has no 'https://', so it would lead to a page of this "
                "site that does not exist", f"write 'https://{url}'")
    scheme = _SCHEME.match(url)
    if scheme is None:
        if "mailto" in schemes:  # Markdown: site links are fine; relative_problem looks further
            return None
        return (f"'{url}' is not a full web address",
                "write the address as the browser shows it, starting https://")
    name = scheme.group(1).lower()
    if name not in schemes:
        site = ", and pages of this site like /cities/leeds/," if "mailto" in schemes else ""
        return (f"links may not use '{name}:'; only {allowed} links{site} are allowed, because "
                f"{WHY_REFUSED}", "link to a web page (https://...)"
                + (" or an email address (mailto:...)" if "mailto" in schemes else "")
                + " instead, or remove the link")
    parts = urlsplit(url)
    if name in ("http", "https") and not parts.netloc:
        return (f"the address '{url}' names no site after '{name}://'",
                f"write it like {name}://www.example.org/page")
    if name == "mailto" and "@" not in parts.path:
        return f"the email link '{url}' has no address", "write it like mailto:name@example.org"
    return None


def relative_problem(url: str) -> tuple[str, str] | None:
    """A link that is neither absolute, from the root, nor an anchor: where it leads depends
    on the page that shows it (a job's summary is also in the feeds)."""
    if url.startswith(("/", "#")) or _SCHEME.match(url):
        return None
    return (f"the link '{url}' is relative to the page that shows it",
            f"write it from the site's root, like '/{url.lstrip('./')}'")


@dataclass(frozen=True)
class Link:
    """One link in content: its target, where it was written, and the page it belongs to."""

    url: str
    source: SourceFile
    path: FieldPath
    page: str  # the site-relative URL of the page the text is on: '#anchor' links resolve there

    def problem(self, message: str, fix: str) -> Problem:
        """A problem located at the link itself (its line in the file), not only its field."""
        source = self.source.parsed() if self.source.kept else self.source  # a kept record
        base = source.problem(self.path, message, fix)
        line, column = _locate(self.source.path, self.url, base.line)
        return Problem(base.file, line, column, base.field, message, fix)


def _locate(path: Path, url: str, start: int) -> tuple[int, int]:
    """The line and column where `url` is written, at or after line `start`."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return start, 1
    for number in range(start, len(lines) + 1):
        column = lines[number - 1].find(url) if url else -1
        if column >= 0:
            return number, column + 1
    return start, 1


@dataclass(frozen=True)
class SiteMap:
    """The site's pages by site-relative URL ('' is the home page), each with its anchors."""

    anchors: Mapping[str, frozenset[str]]
    any_anchor: frozenset[str] = frozenset()  # pages whose anchors are not all known this run

    def nearest_page(self, url: str) -> str | None:
        """The existing page whose URL is closest to `url`, preferring the same section."""
        section = url.split("/", 1)[0]
        pages = [u for u in self.anchors if u.endswith("/") or u == ""]
        same = [u for u in pages if u.split("/", 1)[0] == section]
        for pool in (same, pages):
            close = difflib.get_close_matches(url, pool, n=1, cutoff=0.6)
            if close:
                return close[0]
        return None


def site_problem(link: Link, site: SiteMap) -> tuple[str, str] | None:
    """Whether a link from the root or to an anchor leads to a page (and anchor) of the site."""
    url = link.url
    if not url.startswith(("/", "#")) or url.startswith("//"):
        return None
    target, _, fragment = url.partition("#")
    target = target.split("?", 1)[0]
    page = link.page if not target else target.lstrip("/").removesuffix("index.html")
    shown = f"/{page}"
    if page not in site.anchors:
        if f"{page}/" in site.anchors:
            return (f"the link '{url}' lacks the '/' at the end of the page's address",
                    f"write '{shown}/{'#' + fragment if fragment else ''}'")
        guess = site.nearest_page(page)
        fix = (f"did you mean '/{guess}'?" if guess is not None else
               "link to a page the site has, like /cities/<city>/ or /jobs/ (sitemap.xml "
               "lists them all)")
        return f"there is no page {shown} on this site", fix
    if fragment and fragment not in site.anchors[page] and page not in site.any_anchor:
        known = sorted(site.anchors[page])
        close = difflib.get_close_matches(fragment, known, n=1, cutoff=0.6)
        fix = (f"did you mean '#{close[0]}'?" if close else
               "its anchors are: " + ", ".join(f"#{a}" for a in known))
        return f"the page {shown} has no anchor '#{fragment}'", fix
    return None


def unresolved(links: Iterable[Link], site: SiteMap) -> list[Problem]:
    """A problem for each site link that leads to no page or anchor of the site."""
    problems = []
    for link in links:
        found = site_problem(link, site)
        if found is not None:
            problems.append(link.problem(*found))
    return problems


def form_problems(links: Iterable[Link]) -> list[Problem]:
    """A problem for each Markdown link of a refused form (URL fields: see model.py)."""
    problems = []
    for link in links:
        found = form_problem(link.url, MARKDOWN_SCHEMES) or relative_problem(link.url)
        if found is not None:
            problems.append(link.problem(*found))
    return problems


def walk_fields(data: Any, path: FieldPath, formats: Mapping[str, Any]) -> Iterator[
        tuple[FieldPath, str]]:
    """Each text of one format in `data` (a file's raw mapping, or its model), by field path.

    `formats` maps a field name to its format ('markdown', 'uri'), or to the formats of
    the mapping (or list of mappings) below it; see validate.fields_of_format.
    """
    if data is None or isinstance(data, str | int | float | list):
        return
    for name, rule in formats.items():
        value = data.get(name) if isinstance(data, dict) else getattr(data, name, None)
        if isinstance(rule, str) and isinstance(value, str):
            yield (*path, name), value
        elif isinstance(rule, Mapping) and isinstance(value, list):
            for number, item in enumerate(value):
                yield from walk_fields(item, (*path, name, number), rule)
        elif isinstance(rule, Mapping):
            yield from walk_fields(value, (*path, name), rule)
