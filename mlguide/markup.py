"""Markdown to safe HTML, rendered once per distinct text.

Raw HTML in Markdown is not passed through: python-markdown's HTML
processors are switched off, so `<script>` typed in content shows as text.
The result is then sanitized with nh3 (ammonia) as a second line of defence,
which also drops links whose scheme is not http, https or mailto.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import markdown
import nh3
from markupsafe import Markup

from .graph import digest

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def text_digest(text: str) -> str:
    """The key of a Markdown text in the render cache."""
    return digest(text)


def _converter() -> markdown.Markdown:
    converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def render_markdown(text: str, converter: markdown.Markdown | None = None) -> str:
    """Markdown `text` as sanitized HTML."""
    converter = converter or _converter()
    html = converter.reset().convert(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None)


def render_many(texts: Iterable[str]) -> dict[str, str]:
    """Each text's digest mapped to its HTML (one converter reused for speed)."""
    converter = _converter()
    return {text_digest(text): render_markdown(text, converter) for text in texts}


class MarkdownCache:
    """Rendered Markdown by text digest; kept across rebuilds by the preview server."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The distinct texts not rendered yet, in a stable order."""
        unique = {text_digest(t): t for t in texts}
        return [unique[key] for key in sorted(unique) if key not in self._html]

    def add(self, rendered: Mapping[str, str]) -> None:
        self._html.update(rendered)

    def kept(self, texts: Iterable[str]) -> dict[str, str]:
        """The rendered HTML of `texts` only, by digest: what is worth saving for next time."""
        wanted = {text_digest(t) for t in texts}
        return {key: html for key, html in self._html.items() if key in wanted}

    def html(self, text: str) -> Markup:
        """The safe markup for `text`, rendering it now if it was not prepared."""
        key = text_digest(text)
        if key not in self._html:
            self._html[key] = render_markdown(text)
        return Markup(self._html[key])  # noqa: S704 - sanitized by nh3 above

    def __len__(self) -> int:
        return len(self._html)
