"""Share cards: a 1200×630 PNG per city, sector and job (and one for the site), small,
byte-for-byte the same on every build, drawn again only when its words change, and named by
og:image and the Twitter card on every kind of page."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from mlguide.cli import main

from .conftest import ROOT, TODAY, SiteDir, tree_bytes
from .pages import parse

BASE = "https://guide.example/"
CARDS = ["cards/site.png", "cards/cities/leeds.png", "cards/cities/york.png",
         "cards/sectors/fintech.png", "cards/sectors/healthcare.png",
         "cards/jobs/data-scientist-leeds.png"]
# Every kind of page, with the card it names.
PAGE_CARDS = {
    "index.html": "cards/site.png",
    "404.html": "cards/site.png",
    "cities/leeds/index.html": "cards/cities/leeds.png",
    "sectors/healthcare/index.html": "cards/sectors/healthcare.png",
    "jobs/data-scientist-leeds/index.html": "cards/jobs/data-scientist-leeds.png",
    "jobs/index.html": "cards/site.png",
    "jobs/cities/leeds/index.html": "cards/site.png",
    "compare/index.html": "cards/site.png",
    "compare/by/open-roles/index.html": "cards/site.png",
    "employers/index.html": "cards/site.png",
    "career-advice/index.html": "cards/site.png",
}


def run(site: SiteDir, out: Path, today: str = TODAY) -> None:
    assert main(["build", "--content", str(site.content), "--templates", str(ROOT / "templates"),
                 "--static", str(ROOT / "static"), "--out", str(out), "--today", today]) == 0


def test_each_city_sector_and_job_has_a_small_1200_by_630_png(site: SiteDir) -> None:
    run(site, site.out)
    published = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*.png"))
    assert published == sorted(CARDS)
    for name in CARDS:
        data = (site.out / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        assert len(data) <= 80 * 1024, (name, len(data))
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1200, 630), name
            assert image.info == {}, f"{name} carries metadata: {image.info}"


def test_cards_are_the_same_bytes_on_every_build(site: SiteDir, tmp_path: Path) -> None:
    run(site, site.out)
    run(site, tmp_path / "again")
    first = {k: v for k, v in tree_bytes(site.out).items() if k.startswith("cards/")}
    second = {k: v for k, v in tree_bytes(tmp_path / "again").items() if k.startswith("cards/")}
    assert first == second and len(first) == len(CARDS)


def test_an_unchanged_card_is_not_drawn_again_and_a_changed_one_is(site: SiteDir) -> None:
    run(site, site.out)
    job_page = "jobs/data-scientist-leeds/index.html"  # says how many days ago it was posted
    inode = {name: (site.out / name).stat().st_ino for name in [*CARDS, job_page]}
    run(site, site.out, today="2026-11-26")  # a new day: pages that show the date change
    assert "6 days ago" in (site.out / job_page).read_text()
    assert (site.out / job_page).stat().st_ino != inode[job_page]
    assert all((site.out / name).stat().st_ino == inode[name] for name in CARDS), \
        "a card whose words did not change was drawn again"
    york = (site.out / "cards/cities/york.png").read_bytes()
    site.write("cities/york.yaml", (site.content / "cities/york.yaml").read_text()
               .replace("summary: A small city.", "summary: A small city with trains."))
    run(site, site.out, today="2026-11-26")
    assert (site.out / "cards/cities/york.png").read_bytes() != york
    assert (site.out / "cards/cities/leeds.png").stat().st_ino == inode["cards/cities/leeds.png"]


def test_every_kind_of_page_names_its_card_as_an_absolute_url(site: SiteDir) -> None:
    run(site, site.out)
    for page, card in PAGE_CARDS.items():
        doc = parse(site.out / page)
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//meta")}
        assert meta["og:image"] == meta["twitter:image"] == BASE + card, page
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630"), page
        assert meta["twitter:card"] == "summary_large_image", page
        assert meta["og:image:alt"] == doc.xpath("//title/text()")[0], page


def test_without_a_font_the_build_says_which_package_to_install(tmp_path: Path) -> None:
    from mlguide.problems import ContentError
    from mlguide.views import cards

    try:
        cards._find_fonts((tmp_path,))
    except ContentError as error:
        assert [str(p) for p in error.problems] == [
            "(share cards):1:1: (fonts): no font to draw the share cards with: looked for "
            f"DejaVu Sans and Liberation Sans in {tmp_path}; install Debian's fonts-dejavu-core "
            "(sudo apt-get install fonts-dejavu-core)"]
    else:
        raise AssertionError("no error without fonts")


def test_a_card_decodes_to_the_palette_indices_it_was_drawn_in() -> None:
    """The engine writes the PNG itself (views/cards.png): Pillow, reading it back with
    every check it makes (CRCs, chunk order), gets the drawn pixels and palette, for an
    odd width too (the last byte of each row holds one pixel)."""
    from mlguide.views import cards

    drawn = Image.new("P", (7, 3))
    drawn.frombytes(bytes([0, 1, 2, 3, 14, 15, 9,
                           15, 14, 13, 12, 11, 10, 0,
                           5, 5, 5, 5, 5, 5, 5]))
    palette = bytes(range(48))
    data = cards.png(drawn.tobytes("raw", "P;4"), 7, 3, palette)
    with Image.open(io.BytesIO(data)) as checked:
        checked.verify()
    with Image.open(io.BytesIO(data)) as image:
        assert (image.mode, image.size, image.info) == ("P", (7, 3), {})
        assert image.tobytes() == drawn.tobytes()
        assert bytes(image.getpalette()[:48]) == palette  # type: ignore[index]
