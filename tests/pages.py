"""Reading built pages the way a reader sees them: parsed HTML, not regexes."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from lxml.html import HtmlElement


def parse(path: Path) -> HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def texts(doc: HtmlElement, xpath: str) -> list[str]:
    """The normalised text of each element matching `xpath`."""
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def text(doc: HtmlElement) -> str:
    return " ".join(doc.text_content().split())


def hrefs(doc: HtmlElement) -> list[str]:
    return [str(h) for h in doc.xpath("//a/@href")]


ADMIN = "admin"  # the browser editor (mlguide/editor/cms.py): not a reader page


def reader_pages(out: Path) -> list[Path]:
    """Every HTML page readers see: all but /admin/, which tests/test_cms_browser.py covers."""
    return sorted(p for p in out.rglob("*.html")
                  if p.relative_to(out).parts[0] != ADMIN)
