"""The map and the ways to compare: what they show, where they link, how rebuilds keep them."""

from __future__ import annotations

import json
import math
from pathlib import Path

from mlguide.views import ukmap
from mlguide.views.compare import letter_of, sort_key

from .conftest import ROOT, SiteDir, tree_bytes
from .pages import parse, texts

VIEWS = ("index.html", "compare/index.html", "employers/index.html")


def test_the_outline_is_small_public_domain_and_credited() -> None:
    data = ukmap.OUTLINE
    assert data.stat().st_size < 20_000, "simplified: the home page carries it inline"
    names = {f["properties"]["name"] for f in json.loads(data.read_text())["features"]}
    assert names == {"United Kingdom", "Ireland", "Isle of Man"}
    readme = (data.parent / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme


def test_projection_keeps_the_uk_inside_the_map_and_north_up() -> None:
    for lat, lon in ((49.8, -8.7), (60.9, 1.8), (49.8, 1.8), (60.9, -8.7)):
        x, y = ukmap.project(lat, lon)
        assert 0 < x < ukmap.WIDTH and 0 < y < ukmap.HEIGHT
    london, edinburgh = ukmap.project(51.5, -0.13), ukmap.project(55.95, -3.19)
    assert edinburgh[1] < london[1] and edinburgh[0] < london[0]


def test_markers_too_close_are_spread_apart_deterministically() -> None:
    close = [(100.0, 100.0), (105.0, 100.0), (100.0, 100.0)]
    placed = ukmap.spread(close)
    assert placed == ukmap.spread(close)
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            assert math.dist(a, b) >= ukmap.MARKER_GAP - 0.2


def test_home_map_marks_every_city_at_its_place_and_lists_the_same_links(
        real_output: Path) -> None:
    home = parse(real_output / "index.html")
    svg = home.xpath("//svg[@class='map']")[0]
    assert not home.xpath("//img | //iframe | //script[not(@type='application/ld+json')]")
    markers = svg.xpath(".//*[local-name()='a']")
    listed = home.xpath("//ol[@class='map-key']/li/a")
    assert [m.get("href") for m in markers] == [a.get("href") for a in listed]
    assert [m.get("aria-label").split(". ", 1)[1] for m in markers] == [a.text for a in listed]
    assert len(markers) == 10 and len(svg.xpath(".//*[local-name()='path']")) >= 2
    london = svg.xpath(".//*[local-name()='a'][@href='/cities/london/']/*[local-name()='circle']")
    centre = (float(london[0].get("cx")), float(london[0].get("cy")))
    assert math.dist(centre, ukmap.project(51.5074, -0.1278)) < 2 * ukmap.MARKER_GAP


def test_compare_sets_every_sector_against_every_city_linking_each_specialism(
        real_output: Path) -> None:
    page = parse(real_output / "compare/index.html")
    cities = texts(page, "//table//thead//th")
    assert cities == texts(parse(real_output / "index.html"), "//ol[@class='cards']/li/h3")
    rows = page.xpath("//table/tbody/tr")
    assert len(rows) == 12, "one row per sector"
    for row in rows:
        cells = row.xpath("./td")
        assert len(cells) == len(cities)
        sector = row.xpath("./th/a/@href")[0]
        for city, cell in zip(cities, cells, strict=True):
            for link in cell.xpath("./a"):
                path, anchor = link.get("href").split("#")
                city_page = parse(real_output / path.lstrip("/") / "index.html")
                assert texts(city_page, "//h1") == [city]
                section = city_page.xpath(f"//section[@id='{anchor}']")[0]
                assert texts(section, "./h3") == [link.text]
                assert sector in section.xpath(".//p[@class='tags']/a/@href")


def test_a_to_z_lists_every_employer_once_per_city_in_order_linking_to_its_entry(
        real_output: Path) -> None:
    page = parse(real_output / "employers/index.html")
    entries = page.xpath("//ul[@class='a-z']/li/a")
    names = [a.text for a in entries]
    assert names == sorted(names, key=sort_key) and len(names) == 45
    letters = texts(page, "//section[@class='letter']/h2")
    assert letters == sorted(set(letters)) and texts(page, "//nav[@class='letters']//a") == letters
    for link in entries:
        path, anchor = link.get("href").split("#")
        city_page = parse(real_output / path.lstrip("/") / "index.html")
        assert texts(city_page, f"//li[@id='{anchor}']/h4") == [link.text]
        assert letter_of(link.text) == link.xpath("ancestor::section/h2")[0].text


def test_letters_file_accents_digits_and_case_sensibly() -> None:
    assert letter_of("École 42") == "E" and letter_of("3Sixty") == "0–9" and letter_of("ñ") == "N"
    names = ["arm", "ARM2", "Zeta", "École"]
    assert sorted(names, key=sort_key) == ["arm", "ARM2", "École", "Zeta"]


def test_nested_pages_have_breadcrumbs_and_every_city_has_related_cities(
        real_output: Path) -> None:
    for path in real_output.rglob("*.html"):
        doc = parse(path)
        if path.name == "404.html" or path == real_output / "index.html":
            continue
        trail = texts(doc, "//nav[@class='breadcrumbs']//a")
        assert trail[0] == "Home" and len(trail) >= 2, path
    for city in (real_output / "cities").iterdir():
        related = parse(city / "index.html").xpath("//ul[@class='related']/li/a")
        assert related, city.name


def test_nav_leads_to_the_comparisons(real_output: Path) -> None:
    nav = texts(parse(real_output / "jobs/index.html"), "//header//nav//a")
    assert nav[:4] == ["Home", "Compare cities", "Employers A–Z", "Jobs"]


def test_a_rebuild_after_editing_a_city_redraws_the_map_and_both_comparisons(
        built: SiteDir) -> None:
    before = {name: built.page(name) for name in VIEWS}
    york = (built.content / "cities/york.yaml").read_text(encoding="utf-8")
    built.write("cities/york.yaml", york.replace("Rail analytics", "Rail timetabling")
                .replace("lon: -1.0815", "lon: -2.0815")
                + "employers:\n  - name: Aviva\n    type: company\n    description: Insurance.\n")
    assert built.build().returncode == 0
    after = {name: built.page(name) for name in VIEWS}
    assert all(after[name] != before[name] for name in VIEWS)
    assert "Rail timetabling" in after["compare/index.html"]
    assert "Aviva" in after["employers/index.html"]
    fresh = built.root / "fresh"
    result = built.build("--out", str(fresh))
    assert result.returncode == 0, result.stderr
    incremental, clean = tree_bytes(built.out), tree_bytes(fresh)
    for name in VIEWS:
        assert incremental[name] == clean[name], f"{name}: incremental and clean builds agree"


def test_the_outline_ships_with_the_engine() -> None:
    assert ukmap.OUTLINE.is_relative_to(ROOT / "mlguide")
