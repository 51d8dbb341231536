"""The editor's day: the usual mistakes said in plain words, and ranks that need no renumbering.

Each case edits the small site as an editor would, runs `check` in-process from
the site's folder and reads the exact lines; the rank cases build and read the
position readers see.
"""

from __future__ import annotations

import datetime as dt

import pytest

from mlguide.cli import main
from mlguide.editor.serve import Preview
from mlguide.pipeline import Settings, build

from .conftest import JOB, LEEDS, ROOT, TODAY, YORK, SiteDir, build_cache
from .pages import parse, texts

CITY = "content/cities/leeds.yaml"
JOB_FILE = "content/jobs/data-scientist-leeds.yaml"


def check(site: SiteDir, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Run `build.py check` in the site's folder; the lines it printed (it must fail)."""
    monkeypatch.chdir(site.root)
    status = main(["check", "--templates", str(ROOT / "templates"), "--today", TODAY])
    printed = capsys.readouterr()
    assert status == (1 if printed.err else 0)
    return (printed.out + printed.err).splitlines()


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize(("file", "text", "expected"), [
    pytest.param("cities/leeds.yaml", edit(LEEDS, "  lon: -1.5491", "\tlon: -1.5491"),
                 [f"{CITY}:7:1: line 7 starts with a tab; use spaces: YAML indents with spaces "
                  "only, two for each level"], id="tab"),
    pytest.param("cities/leeds.yaml", edit(LEEDS, "    description: Fraud detection.",
                                           "    description: |\n\t  Fraud detection."),
                 [f"{CITY}:18:1: line 18 starts with a tab; use spaces: YAML indents with "
                  "spaces only, two for each level"], id="tab-in-text"),
    pytest.param("cities/leeds.yaml", edit(LEEDS, "summary: A northern", "summary: Leeds: a"),
                 [f"{CITY}:8:15: line 8 has a second ': ' inside its value, which YAML reads "
                  "as another field; put the value in double quotes: summary: \"Leeds: a city "
                  "with banks and hospitals.\""], id="colon-in-value"),
    pytest.param("cities/leeds.yaml", edit(LEEDS, "  lat: 53.8008", "    lat: 53.8008"),
                 [f"{CITY}:7:3: line 7 does not line up with the fields above it; indent it "
                  "like the other fields at its level; if it belongs to the text above, put "
                  "that whole text in double quotes"], id="indentation"),
    pytest.param("cities/leeds.yaml", edit(LEEDS, "name: Leeds\nnation", 'name: "Leeds\nnation'),
                 [f"{CITY}:1:7: the quote opened on line 1 is never closed; add the closing "
                  "quote at the end of the text"], id="unclosed-quote"),
    pytest.param("cities/leeds.yaml", edit(LEEDS, "[fintech, healthcare]",
                                           "[healthcare, helthcare]"),
                 [f"{CITY}:16:27: specialisms[2].sectors[2] (the second specialism's second "
                  "sector): unknown sector 'helthcare': content/sectors.yaml has no such key; "
                  "use one of its keys (fintech, healthcare), or add 'helthcare' to "
                  "content/sectors.yaml first"], id="sector-already-listed-not-suggested"),
    pytest.param("jobs/data-scientist-leeds.yaml", edit(JOB, "city: leeds", "city: Leeds"),
                 [f"{JOB_FILE}:3:7: city: 'Leeds' is not a valid key: keys are lower-case "
                  "letters, digits and hyphens; write 'leeds'"], id="city-in-capitals"),
    pytest.param("jobs/data-scientist-leeds.yaml",
                 edit(JOB, "posted: 2026-11-20", "posted: 12/01/2026"),
                 [f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text "
                  "'12/01/2026'; write it year-month-day: 2026-01-12 (12 January 2026) or "
                  "2026-12-01 (1 December 2026)"], id="date-two-readings"),
    pytest.param("jobs/data-scientist-leeds.yaml",
                 edit(JOB, "posted: 2026-11-20", "posted: 20/11/2026"),
                 [f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text "
                  "'20/11/2026'; write it year-month-day: 2026-11-20 (20 November 2026)"],
                 id="date-one-reading"),
    pytest.param("cities/leeds.yaml",
                 edit(LEEDS, "summary: A northern city with banks and hospitals.\n", ""),
                 [f"{CITY}:1:1: summary: required field 'summary' is missing; add a line "
                  "'summary:' with plain text, at most 200 characters"], id="missing-field"),
    pytest.param("cities/leeds.yaml", edit(LEEDS, "    type: research-lab\n", ""),
                 [f"{CITY}:23:5: employers[2].type (the second employer's type): required "
                  "field 'type' is missing; add a line 'type:' with one of company, "
                  "university, research-lab, public-body, hub, startup or consultancy"],
                 id="missing-field-in-a-list"),
    pytest.param("cities/york.yaml", edit(edit(YORK, "rank: 2", "rank: 1"), "nation: England",
                                          "nation: Englnd"),
                 ["content/cities/york.yaml:2:9: nation: expected one of England, Scotland, "
                  "Wales, Northern Ireland; got text 'Englnd'; did you mean 'England'?",
                  "content/cities/york.yaml:3:7: rank: rank 1 is already used by "
                  f"{CITY}; give this city a rank no other city has, like 2"],
                 id="rank-clash-beside-another-mistake"),
])
def test_the_usual_mistakes_in_plain_words(site: SiteDir, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str], file: str,
                                           text: str, expected: list[str]) -> None:
    site.write(file, text)
    count = len(expected)
    assert check(site, monkeypatch, capsys) == [
        *expected, f"{count} error{'s' if count > 1 else ''} found; nothing was written."]


def test_no_message_speaks_the_parsers_language(site: SiteDir, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    site.write("cities/leeds.yaml", edit(LEEDS, "summary: A northern", "summary: Leeds: a"))
    site.write("cities/york.yaml", edit(YORK, "  lon: -1.0815", "\tlon: -1.0815"))
    site.write("jobs/data-scientist-leeds.yaml", "- a list\n")
    said = "\n".join(check(site, monkeypatch, capsys))
    for jargon in ("(document)", "mapping values", "token", "scalar", "[0]"):
        assert jargon not in said


def settings(site: SiteDir) -> Settings:
    return Settings(content=site.content, templates=ROOT / "templates", static=ROOT / "static",
                    out=site.out, today=dt.date.fromisoformat(TODAY), workers=1)


MILTON_KEYNES = edit(edit(edit(YORK, "name: York", "name: Milton Keynes"), "rank: 2", "rank: 1.5"),
                     "lat: 53.9590", "lat: 52.0406")


def test_a_decimal_rank_puts_a_city_between_two_without_renumbering(site: SiteDir) -> None:
    site.write("cities/york.yaml", edit(YORK, "rank: 2", "rank: 20"))  # gaps are fine
    site.write("cities/milton-keynes.yaml", MILTON_KEYNES)
    build(settings(site))
    home = parse(site.out / "index.html")
    cards = "//ol[contains(@class, 'cards')]/li"
    assert texts(home, f"{cards}/h3") == ["Leeds", "Milton Keynes", "York"]
    assert home.xpath(f"{cards}/@value") == ["1", "2", "3"]
    for slug, position in (("leeds", 1), ("milton-keynes", 2), ("york", 3)):
        page = parse(site.out / f"cities/{slug}/index.html")
        assert texts(page, "//p[@class='eyebrow']") == [f"Number {position} in the guide"]


def test_a_rank_clash_suggests_the_midpoint_to_the_next_rank(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    site.write("cities/milton-keynes.yaml", edit(MILTON_KEYNES, "rank: 1.5", "rank: 1"))
    assert check(site, monkeypatch, capsys) == [
        "content/cities/milton-keynes.yaml:3:7: rank: rank 1 is already used by "
        f"{CITY}; give this city a rank no other city has, like 1.5 (between 1 and the next "
        "rank)", "1 error found; nothing was written."]


def test_the_preview_says_a_notice_once_until_it_changes(
        site: SiteDir, capsys: pytest.CaptureFixture[str]) -> None:
    preview, cache, chosen = Preview(settings(site)), build_cache(), settings(site)
    preview.finished(build(chosen, cache))
    site.write("cities/leeds.yaml", edit(LEEDS, "A northern city", "A busy northern city"))
    preview.finished(build(chosen, cache))
    site.write("jobs/data-scientist-leeds.yaml", edit(JOB, "closes: 2026-12-31",
                                                      "closes: 2026-12-24"))
    preview.finished(build(chosen, cache))
    said = [line.split("] ", 1)[1].split(" in ", 1)[1] for line in
            capsys.readouterr().out.splitlines()]
    seconds = [line.split("; ", 1)[0] for line in said]
    assert [line.removeprefix(f"{s}").lstrip("; ") for line, s in zip(said, seconds, strict=True)] \
        == ["0 closed jobs left out; next closing: 2026-12-31", "",
            "next closing: 2026-12-24"]
