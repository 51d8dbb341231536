"""The map and the ways to compare: what they show, where they link, how rebuilds keep them."""

from __future__ import annotations

import itertools
import json
import shutil
import unicodedata
from pathlib import Path

import yaml

from mlguide.model import City
from mlguide.views import ukmap
from mlguide.views.compare import letter_of, sort_key

from .conftest import ROOT, YORK, SiteDir, tree_bytes
from .pages import parse, reader_pages, texts

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


def _city(slug: str, name: str, rank: int, lat: float, lon: float) -> City:
    city = City.model_validate({
        "name": name, "nation": "England", "rank": rank, "location": {"lat": lat, "lon": lon},
        "summary": "A city.", "overview": "A city.",
        "specialisms": [{"name": "Data", "sectors": ["fintech"], "description": "Data."}]})
    city.identified(slug)
    return city


def test_pins_of_cities_close_together_never_cover_each_other_or_a_city() -> None:
    # Four cities a few miles apart, as Manchester, Leeds and Sheffield are.
    cities = [_city("a", "Aldermaston", 1, 53.48, -2.24), _city("b", "Barnsley", 2, 53.55, -1.48),
              _city("c", "Chesterfield", 3, 53.38, -1.47), _city("d", "Dore", 4, 53.38, -1.48)]
    pins = ukmap.place(cities, {"a": 4})
    assert [p.city.name for p in pins] == ["Aldermaston", "Barnsley", "Chesterfield", "Dore"]
    assert pins == ukmap.place(cities, {"a": 4}), "deterministic"
    assert not pins[0].moved, "the first city keeps its place"
    for i, a in enumerate(pins):
        assert a.box[3] - a.box[1] >= ukmap.HIT and a.box[2] - a.box[0] >= ukmap.HIT
        for b in pins[i + 1:]:
            assert not ukmap.overlaps(a.box, b.box), (a.city.name, b.city.name)
        for c in pins:
            if c is not a:
                assert not (a.box[0] < c.at_x < a.box[2] and a.box[1] < c.at_y < a.box[3])
    assert pins[0].radius > pins[1].radius == pins[2].radius, "sized by open roles"


def test_marker_sizes_grow_with_open_roles_and_stay_bounded() -> None:
    sizes = [ukmap.marker_radius(n) for n in (0, 1, 3, 9, 1000)]
    assert sizes == sorted(sizes) and sizes[0] == 6 and sizes[-1] == ukmap.MAX_RADIUS


def test_home_map_names_and_links_every_city_with_its_status_and_roles(
        real_output: Path) -> None:
    home = parse(real_output / "index.html")
    svg = home.xpath("//svg[@class='map']")[0]
    assert not home.xpath("//img | //iframe | //script[not(@type='application/ld+json')]")
    markers = svg.xpath(".//*[local-name()='a']")
    cards = home.xpath("//ol[contains(@class, 'cards')]/li/h3/a")
    assert [m.get("href") for m in markers] == [a.get("href") for a in cards]
    labels = [" ".join(m.xpath("string(.//*[local-name()='text'])").split()) for m in markers]
    assert labels == [a.text for a in cards], "each marker has its city's name beside it"
    names = {m.get("href"): m.get("aria-label") for m in markers}
    assert names["/cities/london/"] == "London: established, 3 open roles"
    assert names["/cities/manchester/"] == "Manchester: established, 1 open role"
    assert names["/cities/leeds/"] == "Leeds: emerging, no open roles"
    assert names["/cities/bristol/"] == "Bristol: honourable mention, no open roles"
    shapes = {m.get("href"): m.get("class") for m in markers}
    assert shapes["/cities/london/"] == "marker shape-established"
    assert shapes["/cities/leeds/"] == "marker shape-emerging"
    key = texts(home, "//ul[@class='map-key']/li")
    assert key == ["Established", "Emerging", "Honourable mention", "No open roles",
                   "3 open roles"]
    assert len(svg.xpath(".//*[local-name()='path'][contains(@class, 'land')]")) >= 2
    london = svg.xpath(".//*[local-name()='a'][@href='/cities/london/']"
                       "/*[local-name()='path']/@d")
    assert london[0].startswith("M310.7 599.9"), "London's pin is drawn where it was reviewed"


def test_each_pin_is_north_of_every_city_well_south_of_it(real_output: Path) -> None:
    """For every two cities 1.5 degrees of latitude apart, the northern one's pin is higher.

    The places come from the content files, read with plain YAML, not the engine; a pin
    moved off a taken place moves by less than that.
    """
    places = {}
    for path in sorted((ROOT / "content/cities").glob("*.yaml")):
        places[f"/cities/{path.stem}/"] = yaml.safe_load(
            path.read_text(encoding="utf-8"))["location"]["lat"]
    svg = parse(real_output / "index.html").xpath("//svg[@class='map']")[0]
    height = float(svg.get("viewbox").split()[3])  # lxml lowercases the attribute
    heights = {m.get("href"): float(m.xpath("./*[local-name()='text']/@y")[0])
               for m in svg.xpath(".//*[local-name()='a']")}
    assert heights.keys() == places.keys()
    for (a, lat_a), (b, lat_b) in itertools.permutations(places.items(), 2):
        assert 0 < heights[a] < height, a
        if lat_a > lat_b + 1.5:
            assert heights[a] < heights[b], f"{a} is north of {b}"


def test_home_counts_what_the_guide_covers(real_output: Path) -> None:
    home = parse(real_output / "index.html")
    assert texts(home, "//ul[@class='totals']/li") == [
        "10 cities", "12 sectors", "45 employers and institutions", "6 open roles"]


def test_compare_sets_every_sector_against_every_city_linking_each_specialism(
        real_output: Path) -> None:
    page = parse(real_output / "compare/index.html")
    cities = texts(page, "//table[@class='matrix']//thead//th")
    assert cities == texts(parse(real_output / "index.html"),
                           "//ol[contains(@class, 'cards')]/li/h3")
    rows = page.xpath("//table[@class='matrix']/tbody/tr")
    assert len(rows) == 12, "one row per sector"
    for row in rows:
        cells = row.xpath("./td")
        assert len(cells) == len(cities)
        sector = row.xpath("./th/a/@href")[0]
        for city, cell in zip(cities, cells, strict=True):
            for link in cell.xpath("./p/a[not(@class='see')]"):
                path, anchor = link.get("href").split("#")
                city_page = parse(real_output / path.lstrip("/") / "index.html")
                assert texts(city_page, "//h1") == [city]
                section = city_page.xpath(f"//section[@id='{anchor}']")[0]
                assert texts(section, "./h3") == [link.text]
                assert section.xpath(".//p[@class='tags']/a/@href")[0] == sector, \
                    "filed under the first sector its city lists"


def test_compare_shows_each_specialism_once_and_the_widest_shared_sectors_first(
        real_output: Path) -> None:
    page = parse(real_output / "compare/index.html")
    for view in ("//table//td/p/a[not(@class='see')]", "//ol[@class='sector-list']//a"
                 "[contains(@href, '#specialism-')]"):
        entries = [a.get("href") for a in page.xpath(view)]
        assert len(entries) == len(set(entries)) == 30, "every specialism of every city, once"
    counts = texts(page, "//table[@class='matrix']/tbody/tr/th/span[@class='count']")
    assert counts == ["6 cities", "4 cities", "4 cities", "4 cities", "3 cities", "3 cities",
                      "2 cities", "1 city", "1 city", "1 city", "1 city", "1 city"]
    assert texts(page, "//table[@class='matrix']/tbody/tr/th/a") \
        == texts(page, "//ol[@class='sector-list']/li/h3/a")
    belfast = page.xpath("//table//td/p[a='Risk analysis and compliance']")
    assert len(belfast) == 1 and texts(belfast[0], "./span") == ["also Insurance"]
    assert belfast[0].xpath("ancestor::tr/@id") == ["row-fintech"]
    see = page.xpath("//tr[@id='row-insurance']//a[@class='see']")
    assert [(a.get("href"), a.text) for a in see] == [("#row-fintech", "see Finance and fintech")]
    chip = page.xpath("//li[@id='sector-insurance']//li")
    assert texts(chip[0], "./span[@class='chip-city']") == ["Belfast"]
    assert chip[0].xpath(".//a/@href") == ["#sector-fintech"]


def initial(name: str) -> str:
    """The letter a reader looks a name up under: its first letter without accents."""
    first = unicodedata.normalize("NFKD", name)[0].upper()
    return "0–9" if first.isdigit() else first if first.isascii() and first.isalpha() else "#"


def test_a_to_z_lists_every_employer_once_per_city_linking_to_its_entry(
        real_output: Path) -> None:
    page = parse(real_output / "employers/index.html")
    entries = page.xpath("//ul[@class='a-z']/li/a")
    employers = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")).get("employers", []))
                    for p in (ROOT / "content/cities").glob("*.yaml"))
    assert len(entries) == employers, "one entry per employer per city"
    letters = texts(page, "//section[@class='letter']/h2")
    assert texts(page, "//nav[@class='letters']//a") == letters
    for link in entries:
        path, anchor = link.get("href").split("#")
        city_page = parse(real_output / path.lstrip("/") / "index.html")
        assert texts(city_page, f"//li[@id='{anchor}']/h4") == [link.text]
        assert initial(link.text) == link.xpath("ancestor::section/h2")[0].text, link.text


A_TO_Z_EMPLOYERS = """\
employers:
  - {name: Zeta Analytics, type: company, description: Z.}
  - {name: arm robotics, type: company, description: Lower case.}
  - {name: ARM2, type: startup, description: Upper case.}
  - {name: École 42, type: university, description: An accent.}
  - {name: 3Sixty, type: consultancy, description: A digit.}
  - {name: "@Data", type: hub, description: A sign.}
  - {name: Éclair Labs, type: research-lab, description: An accent after École.}
"""


def test_a_to_z_files_names_ignoring_case_and_accents_with_digits_first_and_signs_last(
        site: SiteDir) -> None:
    site.write("cities/york.yaml", YORK + A_TO_Z_EMPLOYERS)
    assert site.build().returncode == 0
    page = parse(site.out / "employers/index.html")
    assert texts(page, "//section[@class='letter']/h2") == ["0–9", "A", "E", "L", "U", "Z", "#"]
    assert texts(page, "//nav[@class='letters']//a") == ["0–9", "A", "E", "L", "U", "Z", "#"]
    assert [a.text for a in page.xpath("//ul[@class='a-z']/li/a")] == [
        "3Sixty", "arm robotics", "ARM2", "Éclair Labs", "École 42", "Leeds Data Lab",
        "University of Leeds", "Zeta Analytics", "@Data"]
    assert page.xpath("//section[h2='E']//a/@href") == ["/cities/york/#employer-7",
                                                        "/cities/york/#employer-4"]


def test_letters_file_accents_digits_and_case_sensibly() -> None:
    assert letter_of("École 42") == "E" and letter_of("3Sixty") == "0–9" and letter_of("ñ") == "N"
    names = ["arm", "ARM2", "Zeta", "École"]
    assert sorted(names, key=sort_key) == ["arm", "ARM2", "École", "Zeta"]


def test_nested_pages_have_breadcrumbs_and_every_city_has_related_cities(
        real_output: Path) -> None:
    for path in reader_pages(real_output):
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
    assert nav == ["Home", "Compare cities", "Employers A–Z", "Jobs", "Career advice",
                   "Next steps"], "short labels: a page's nav_title when it has one"
    advice = parse(real_output / "career-advice/index.html")
    assert texts(advice, "//nav[@class='breadcrumbs']//a") == ["Home", "Career advice"]
    assert texts(advice, "//h1") == ["Positioning yourself for an ML career"]


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
    clean = SiteDir(built.root / "clean")
    shutil.copytree(built.content, clean.content)
    result = clean.build()
    assert result.returncode == 0, result.stderr
    assert tree_bytes(built.out) == tree_bytes(clean.out), "incremental and clean builds agree"


def test_the_outline_ships_with_the_engine() -> None:
    assert ukmap.OUTLINE.is_relative_to(ROOT / "mlguide")
