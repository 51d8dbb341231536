"""Share cards: the 1200×630 PNG that a link to a page shows on social sites and chats.

    cities/leeds/      => cards/cities/leeds.png
    sectors/fintech/   => cards/sectors/fintech.png
    jobs/<id>/         => cards/jobs/<id>.png
    every other page   => cards/site.png

A card is a `Card` (the few words it shows) drawn by `draw` with Pillow and
Debian's DejaVu or Liberation fonts. Its bytes depend on those words, this
module's drawing and the font files only: no clock, no PNG metadata, so
two builds draw the same bytes, and a card whose words did not change keeps
its key (`Card.digest`, with `style_digest`) and is never drawn again.

The image is drawn in 16 palette indices (15 blends of background and ink,
then the accent) and written as a 4-bit paletted PNG by `png` (Pillow draws;
its PNG encoder tries five filters on every row, which a paletted image gains
nothing from): some 18 KB and under 2 ms a card, on a site that may draw ten
thousand of them.
"""

from __future__ import annotations

import functools
import hashlib
import struct
import textwrap
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageDraw, ImageFont

from ..model import City, Job, Sector, Site
from ..problems import ContentError, Problem
from . import present

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"),
                Path("/usr/share/fonts/truetype/liberation"))
# (regular, bold) in order of preference: Debian's fonts-dejavu-core, then fonts-liberation.
FONT_FILES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
              ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"))
BACKGROUND = (0xfb, 0xfb, 0xf8)  # the site's light --bg, --fg and --accent
INK = (0x1a, 0x1c, 0x20)
ACCENT = (0x0d, 0x5b, 0x73)
# The card is drawn in palette indices: 0..14 blend the background (0) into the ink (14),
# 15 is the accent. Pillow blends anti-aliased text into an 8-bit image's values whatever
# they stand for, so text drawn with index n shades from 0 to n, and muted text (a lower
# n) is a lighter ink.
INK_LEVELS = 15
FULL_INK, MUTED_INK, BODY_INK, RULE, ACCENT_SHADE = 14, 9, 12, 3, 15


@dataclass(frozen=True)
class Card:
    """What one card says: a kicker line, a title, up to three lines of detail, a footer."""

    kicker: str  # 'City guide · Established'
    title: str  # 'Leeds'
    detail: str  # a sentence or two, wrapped to three lines
    footer: str  # 'UK Machine Learning Location Guide'

    @property
    def digest(self) -> str:
        """Changes whenever the words on the card do."""
        text = "\0".join((self.kicker, self.title, self.detail, self.footer))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _find_fonts(folders: tuple[Path, ...] = FONT_FOLDERS) -> tuple[Path, Path]:
    """The regular and bold font files to draw with, or a clear problem if there are none."""
    for regular, bold in FONT_FILES:
        for folder in folders:
            if (folder / regular).is_file() and (folder / bold).is_file():
                return folder / regular, folder / bold
    raise ContentError([Problem(
        "(share cards)", 1, 1, "(fonts)",
        "no font to draw the share cards with: looked for DejaVu Sans and Liberation Sans in "
        + ", ".join(str(f) for f in folders),
        "install Debian's fonts-dejavu-core (sudo apt-get install fonts-dejavu-core)")])


@functools.cache
def fonts() -> tuple[Path, Path]:
    """The fonts found on this machine, looked up once per process."""
    return _find_fonts()


@functools.cache
def style_digest() -> str:
    """Changes when the drawing would: this module, Pillow's version or the font files."""
    h = hashlib.blake2b(digest_size=16)
    h.update(Path(__file__).read_bytes())
    h.update(PIL.__version__.encode())
    h.update(zlib.ZLIB_RUNTIME_VERSION.encode())  # another zlib may compress differently
    for path in fonts():
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts()[1 if bold else 0]), size)


# A card is laid out and drawn a word at a time: FreeType rasterizes every glyph of every
# call, and the same words (the site's name, employers, places, "Machine Learning") fill
# thousands of cards, so each word is rasterized once and stamped where it goes.
@functools.lru_cache(maxsize=1 << 14)
def _width(font: ImageFont.FreeTypeFont, word: str) -> float:
    return font.getlength(word)


@functools.lru_cache(maxsize=1 << 14)
def _stamp(font: ImageFont.FreeTypeFont, word: str) -> tuple[Any, tuple[int, int]]:
    """A word's glyphs, rasterized once per process: the mask and where it sits."""
    return font.getmask2(word, "L", anchor="la")


def _line_width(words: Sequence[str], font: ImageFont.FreeTypeFont) -> float:
    return sum(_width(font, w) for w in words) + _width(font, " ") * (len(words) - 1)


def _wrapped(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines of at most `width` pixels, the last cut with '…'."""
    words = text.split()
    space = _width(font, " ")
    out: list[str] = []
    while words and len(out) < lines:
        line = [words.pop(0)]
        used = _width(font, line[0])
        while words and used + space + _width(font, words[0]) <= width:
            used += space + _width(font, words[0])
            line.append(words.pop(0))
        out.append(" ".join(line))
    if words and out:
        last = out[-1].split(" ")
        while _line_width([*last[:-1], last[-1] + "…"], font) > width and len(last) > 1:
            last.pop()
        out[-1] = " ".join(last).rstrip(" ,;:·–-") + "…"
    return out


def _text(pen: ImageDraw.ImageDraw, xy: tuple[int, int], line: str,
          font: ImageFont.FreeTypeFont, shade: int) -> None:
    """One line of words, each stamped at its place along the line."""
    x, y = float(xy[0]), xy[1]
    space = _width(font, " ")
    for word in line.split(" "):
        if word:
            mask, (dx, dy) = _stamp(font, word)
            pen.draw.draw_bitmap((round(x) + dx, y + dy), mask, shade)
        x += _width(font, word) + space


def _title_lines(title: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size (from 88 px down) that fits in two lines."""
    for size in (88, 76, 64, 56):
        font = _font(True, size)
        lines = _wrapped(title, font, width, 2)
        if " ".join(lines) == " ".join(title.split()):
            return font, lines
    return font, lines


def _palette() -> list[int]:
    """16 colours: the background, 13 blends towards the ink, the ink, then the accent."""
    colours = [tuple(round(b + (i - b) * level / (INK_LEVELS - 1))
                     for b, i in zip(BACKGROUND, INK, strict=True))
               for level in range(INK_LEVELS)]
    return [channel for colour in (*colours, ACCENT) for channel in colour]


def draw(card: Card) -> bytes:
    """The card as PNG bytes: the same words always give the same bytes."""
    image = Image.new("P", (WIDTH, HEIGHT), 0)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, 23, HEIGHT), fill=ACCENT_SHADE)
    text_width = WIDTH - 2 * MARGIN
    kicker = _font(True, 30)
    _text(pen, (MARGIN, 78), card.kicker.upper(), kicker, MUTED_INK)
    title_font, title = _title_lines(card.title, text_width)
    y = 132
    for line in title:
        _text(pen, (MARGIN, y), line, title_font, FULL_INK)
        y += round(title_font.size * 1.15)
    body = _font(False, 36)
    y += 24
    for line in _wrapped(card.detail, body, text_width, 3):
        _text(pen, (MARGIN, y), line, body, BODY_INK)
        y += 50
    pen.rectangle((MARGIN, HEIGHT - 118, WIDTH - MARGIN, HEIGHT - 116), fill=RULE)
    footer = _font(True, 30)
    _text(pen, (MARGIN, HEIGHT - 92), _wrapped(card.footer, footer, text_width, 1)[0], footer,
          ACCENT_SHADE)
    return png(image.tobytes("raw", "P;4"), WIDTH, HEIGHT, bytes(_palette()))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# zlib's level 3 compresses a card's rows to about Pillow's size (18 KB, against 17.6 at
# Pillow's best) in under two thirds of its time.
PNG_LEVEL = 3


def png(packed: bytes, width: int, height: int, palette: bytes) -> bytes:
    """A 4-bit paletted PNG of `packed` rows (two pixels a byte): the pixels, the palette
    and nothing else (no time, text or gamma chunk), so the same pixels give the same bytes.

    Every row is unfiltered (filter type 0), as the PNG specification advises for a
    paletted image: trying the other filters per row is most of what an encoder spends.
    """
    stride = (width + 1) // 2
    rows = b"".join(b"\0" + packed[at:at + stride] for at in range(0, len(packed), stride))
    header = struct.pack(">IIBBBBB", width, height, 4, 3, 0, 0, 0)  # 4-bit, paletted
    return b"".join((PNG_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"PLTE", palette),
                     _chunk(b"IDAT", zlib.compress(rows, PNG_LEVEL)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + \
        struct.pack(">I", zlib.crc32(kind + data))


def short(text: str, width: int = 200) -> str:
    """A long text cut at a word boundary, for a card's detail line."""
    return textwrap.shorten(" ".join(text.split()), width, placeholder="…")


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def site_card(site: Site, cities: int, sectors: int) -> Card:
    """The card of the home page and of every page without its own."""
    return Card(f"{_count(cities, 'city', 'cities')} · {_count(sectors, 'sector', 'sectors')}",
                site.title, short(site.tagline or site.description), "Cities, employers and "
                "open roles in UK machine learning")


def city_card(site: Site, city: City, open_roles: int) -> Card:
    """A city's card: its name and summary, status and what the site counts."""
    facts = [present.STATUS[city.status]] if city.status else []
    facts += [_count(open_roles, "open role", "open roles"),
              _count(len(city.sector_slugs), "sector", "sectors"),
              _count(len(city.employers), "employer", "employers and institutions")]
    return Card(site.title, city.name, short(city.summary), " · ".join(facts))


def sector_card(site: Site, sector: Sector, cities: tuple[City, ...], open_roles: int) -> Card:
    """A sector's card: its name, the cities strong in it, its open roles."""
    names = ", ".join(c.name for c in cities) or "no city yet"
    return Card(site.title, sector.name, short(f"Strong in: {names}"),
                f"{_count(len(cities), 'city', 'cities')} · "
                f"{_count(open_roles, 'open role', 'open roles')}")


def job_card(site: Site, job: Job) -> Card:
    """A job's card: title, employer and place, and the pay when the posting gives it."""
    employer = job.employer or "Employer not disclosed"
    facts = [present.salary(job.salary)] if job.salary else []
    if job.workplace:
        facts.append(present.WORKPLACE[job.workplace])
    if job.employment_type:
        facts.append(present.EMPLOYMENT[job.employment_type])
    return Card(site.title, job.title, short(f"{employer} · {job.location}"),
                " · ".join(facts) or "Open role")
