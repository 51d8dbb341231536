"""Markdown to safe HTML, rendered once per distinct text.

Raw HTML in Markdown is not passed through: python-markdown's HTML
processors are switched off, so `<script>` typed in content shows as text.
The result is then sanitized with nh3 (ammonia) as a second line of defence,
which also drops links whose scheme is not http, https or mailto.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import markdown
import markdown.inlinepatterns as inline
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


# Bounded work (EDITING.md, "Limits"): python-markdown nests lists by recursion, and its
# link patterns rescan the text after every '['; these keep any one text within a second.
MAX_MARKDOWN = 20_000  # characters in one Markdown text: more than a 14 KB page can hold
MAX_BLOCK_LINES = 500  # lines without a blank line between them
MAX_INDENT = 64  # columns of indentation and '>' before a line's text: 16 nested lists
MAX_BRACKETS = 8  # '[' open at once
LINK_SCAN_BUDGET = 100_000  # characters scanned for links' targets in one text
_LINE_PREFIX = re.compile(r"^[ \t>]*", re.MULTILINE)
_BRACKET = re.compile(r"[\[\]]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def markdown_problem(text: str) -> str | None:
    """Why `text` is more Markdown than a page can be made of in good time, or None."""
    if len(text) > MAX_MARKDOWN:
        return f"is {len(text):,} characters long; Markdown texts hold at most {MAX_MARKDOWN:,}"
    if max((block.count("\n") for block in _BLANK_LINE.split(text)), default=0) \
            > MAX_BLOCK_LINES:
        return (f"has more than {MAX_BLOCK_LINES} lines with no blank line between them; "
                "leave a blank line between paragraphs")
    if max((len(m.group().expandtabs(4)) for m in _LINE_PREFIX.finditer(text)), default=0) \
            > MAX_INDENT:
        return (f"has a line indented more than {MAX_INDENT} columns (spaces, tabs and '>'); "
                "lists and quotes nest at most 16 deep")
    depth = 0
    for bracket in _BRACKET.finditer(text):
        depth = depth + 1 if bracket.group() == "[" else max(0, depth - 1)
        if depth > MAX_BRACKETS:
            return f"opens more than {MAX_BRACKETS} '[' brackets at once"
    return None


@dataclass
class _Table:
    """Where the brackets of `text` close, and the text last asked about that ends like it."""

    text: str
    closes: dict[int, int]  # distance from the end of a '[' => of its ']'
    current: str
    shared: int  # how much of the end of `current` is the end of `text`


class _Brackets:
    """Where each '[' of a text closes, found in one pass over the text.

    python-markdown's link patterns find the ']' that closes a '[' by scanning forward
    from it, once per '[': quadratic in a run of '['. Where a '[' closes depends only on
    the text after it, so a table is kept by distance from the end, and still holds after
    a match replaces text before it. A link's own text is worked on in between, so the
    tables of the last few texts are kept.
    """

    KEPT = 8

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.tables: list[_Table] = []
        self.scanned = 0  # characters scanned for link targets in this text

    def closing(self, data: str, opening: int) -> int | None:
        """The position of the ']' that closes the '[' at `opening`, if any."""
        tail = len(data) - opening
        closes = self._table(data, opening, tail)
        found = closes.get(tail)
        return None if found is None else len(data) - found

    def _table(self, data: str, opening: int, tail: int) -> dict[int, int]:
        for table in self.tables:
            if data is table.current and tail <= table.shared:
                return table.closes
            if len(table.text) >= tail and table.text.endswith(data[opening:]):
                table.shared = max(tail, table.shared if data is table.current else 0)
                table.current = data
                return table.closes
        closes = self._match(data)
        self.tables = [_Table(data, closes, data, len(data)), *self.tables[:self.KEPT - 1]]
        return closes

    @staticmethod
    def _match(data: str) -> dict[int, int]:
        size = len(data)
        open_at: list[int] = []
        closes = {}
        for bracket in _BRACKET.finditer(data):
            if bracket.group() == "[":
                open_at.append(bracket.start())
            elif open_at:
                closes[size - open_at.pop()] = size - bracket.start()
        return closes


class _LinearLinks:
    """Mixed into python-markdown's link and image processors: the bracket table for getText,
    and a budget for the scan of a link's target."""

    brackets: _Brackets

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802
        close = self.brackets.closing(data, index - 1)
        if close is None:
            return data[index:], len(data), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        if self.brackets.scanned > LINK_SCAN_BUDGET:  # a pathological text: no more links
            return "", None, index, False
        found: tuple[str, str | None, int, bool] = super().getLink(data, index)  # type: ignore[misc]
        self.brackets.scanned += max(0, found[2] - index)
        return found


_PROCESSORS = {  # name => (class, pattern, priority), as markdown.inlinepatterns registers them
    "reference": (inline.ReferenceInlineProcessor, inline.REFERENCE_RE, 170),
    "link": (inline.LinkInlineProcessor, inline.LINK_RE, 160),
    "image_link": (inline.ImageInlineProcessor, inline.IMAGE_LINK_RE, 150),
    "image_reference": (inline.ImageReferenceInlineProcessor, inline.IMAGE_REFERENCE_RE, 140),
    "short_reference": (inline.ShortReferenceInlineProcessor, inline.REFERENCE_RE, 130),
    "short_image_ref": (inline.ShortImageReferenceInlineProcessor,
                        inline.IMAGE_REFERENCE_RE, 125),
}


class LinearLinks(markdown.Extension):
    """Replaces the link and image patterns with ones that do linear work."""

    def __init__(self) -> None:
        super().__init__()
        self.brackets = _Brackets()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        for name, (base, pattern, priority) in _PROCESSORS.items():
            linear = type(f"Linear{base.__name__}", (_LinearLinks, base),
                          {"brackets": self.brackets})
            md.inlinePatterns.register(linear(pattern, md), name, priority)
        md.registerExtension(self)

    def reset(self) -> None:
        self.brackets.reset()


def _converter() -> markdown.Markdown:
    converter = markdown.Markdown(extensions=["tables", "sane_lists", LinearLinks()],
                                  output_format="html")
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
