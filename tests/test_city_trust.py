"""Trust on the real guide: related cities by the documented rule, corrections with their
sources, a review date on every city, and how the cities were chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from .pages import parse, texts
from .seed_facts import CITIES

# Worked out by hand from content/cities/*.yaml with the rule in EDITING.md ("Related
# cities"): the depth of each shared sector (the smaller of the two cities' specialisms and
# employers in it), summed, times 4 for an established city, 2 emerging, 1 otherwise.
# London: Belfast 3×2=6, Edinburgh 1×4=4, Newcastle 2×2=4, Leeds 1×2=2 (ahead of Cardiff by rank).
LONDON_RELATED = ["Belfast", "Edinburgh", "Newcastle", "Leeds"]
# Cambridge: Edinburgh 2×4=8, Sheffield 3×2=6, Manchester 1×4=4, Leeds 1×2=2 (first by rank).
CAMBRIDGE_RELATED = ["Edinburgh", "Sheffield", "Manchester", "Leeds"]

# Where the guide now departs from the article: (city, employer, source).
CORRECTED_EMPLOYERS = [
    ("london", "Google DeepMind", "https://deepmind.google/"),
    ("leeds", "NHS England", "https://digital.nhs.uk/"),
    ("cambridge", "Arm", "https://www.arm.com/"),
    ("cambridge", "Graphcore", "https://en.wikipedia.org/wiki/Graphcore"),
]


def related(real_output: Path, slug: str) -> list[str]:
    page = parse(real_output / "cities" / slug / "index.html")
    return [name.split(":")[0] for name in texts(page, "//ul[@class='related']/li")]


def test_london_and_cambridge_have_the_related_cities_the_rule_gives(real_output: Path) -> None:
    assert related(real_output, "london") == LONDON_RELATED
    assert related(real_output, "cambridge") == CAMBRIDGE_RELATED


@pytest.mark.parametrize(("slug", "employer", "source"), CORRECTED_EMPLOYERS)
def test_each_correction_is_shown_beside_the_fact_with_its_source(
        real_output: Path, slug: str, employer: str, source: str) -> None:
    page = parse(real_output / "cities" / slug / "index.html")
    [entry] = [li for li in page.xpath("//ul[@class='employers']/li")
               if texts(li, "./h4") == [employer]]
    [note] = entry.xpath(".//p[@class='correction']")
    assert note.xpath(".//a/@href") == [source]
    assert texts(note, ".")[0].startswith("Updated: The article")


def test_the_old_names_are_gone_from_the_city_pages(real_output: Path) -> None:
    for slug in CITIES:
        page = parse(real_output / "cities" / slug / "index.html")
        names = texts(page, "//ul[@class='employers']/li/h4")
        assert not {"DeepMind", "ARM", "NHS Digital"} & set(names), slug


def test_every_city_says_when_it_was_last_reviewed_and_links_how_cities_were_chosen(
        real_output: Path) -> None:
    for slug in CITIES:
        page = parse(real_output / "cities" / slug / "index.html")
        [note] = texts(page, "//section[@class='glance']/p[@class='glance-note']")
        assert "Last reviewed 2 December 2026." in note, slug
        assert page.xpath("//section[@class='glance']//a[.='How the cities were chosen']/@href") \
            == ["/#how-chosen"], slug
    home = parse(real_output / "index.html")
    [section] = home.xpath("//section[@id='how-chosen']")
    words = texts(section, ".")[0]
    assert all(group in words for group in ("Established", "Emerging", "honourable mention"))


def test_without_a_newsletter_the_box_explains_the_feeds(real_output: Path) -> None:
    page = parse(real_output / "cities" / "leeds" / "index.html")
    [box] = page.xpath("//aside[@class='subscribe']")
    assert texts(box, ".//h2") == ["Get new roles as they are posted"]
    assert not box.xpath(".//form")
    assert box.xpath(".//a/@href") == ["/jobs/feed.xml", "/jobs/cities/leeds/feed.xml"]
