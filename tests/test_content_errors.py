"""The editor's story: every mistake the content model forbids is refused, precisely.

Each case writes one bad file into a site that built fine (a copy of the output
and state of one build of the small site, made once for the module), builds again, and
checks the exact error lines (file:line:column: field: message; suggestion),
the exit status, the count line, that no traceback leaks out, and that the
previous output is untouched. Line numbers refer to the fixture texts in
conftest.py after the case's edit.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import JOB, LEEDS, PAGE, SECTORS, SITE, YORK, SiteDir, small_site, tree_bytes
from .pages import reader_pages

CITY = "content/cities/leeds.yaml"
JOB_FILE = "content/jobs/data-scientist-leeds.yaml"


def swap(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced by `new`; `old` must be there, so a case cannot go stale."""
    assert text.count(old) == 1, f"{old!r} is not once in the fixture"
    return text.replace(old, new)


def count_line(count: int) -> str:
    return f"{count} error{'s' if count != 1 else ''} found; nothing was written."


def error_lines(stderr: str) -> list[str]:
    """The reported problems: stderr without its final count line."""
    lines = stderr.rstrip("\n").splitlines()
    return lines[:-1]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    """The small site, built once: each case starts from a copy of its output and state."""
    built = small_site(tmp_path_factory.mktemp("good"))
    result = built.build()
    assert result.returncode == 0, result.stderr
    return built


def build_ok(site: SiteDir, good_build: SiteDir) -> dict[str, bytes]:
    """The small site as a build left it: its output, to compare with after a refused build.

    The site's content is the small site's; its output folder and the state kept beside
    it are copies of good_build's, the bytes a build of the same content leaves.
    """
    assert tree_bytes(site.content) == tree_bytes(good_build.content)
    shutil.copytree(good_build.out, site.out, symlinks=True)
    shutil.copytree(good_build.root / ".mlguide", site.root / ".mlguide", symlinks=True)
    return tree_bytes(site.out)


def assert_refused(site: SiteDir, expected: list[str], *args: str,
                   command: str | None = None) -> str:
    """The build fails with exactly `expected` and the count, without a traceback."""
    result = site.build(*args, command=command)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert error_lines(result.stderr) == expected
    assert result.stderr.rstrip("\n").splitlines()[-1] == count_line(len(expected))
    return result.stderr


@dataclass(frozen=True)
class Bad:
    """One broken file and the exact lines the build must print for it."""

    file: str  # relative to content/
    text: str | bytes
    expected: tuple[str, ...]


def bad(file: str, text: str | bytes, *expected: str) -> Bad:
    return Bad(file, text, expected)


def city(old: str, new: str) -> str:
    return swap(LEEDS, old, new)


def job(old: str, new: str) -> str:
    return swap(JOB, old, new)


def salary_line(line: str) -> str:
    """The job with `line` added to its salary, on line 10."""
    return job("  max: 60000\n", f"  max: 60000\n  {line}\n")


LONG_SUMMARY = "x" * 201
LONG_DESCRIPTION = "y" * 161

# One entry per rule of the content model (EDITING.md, mlguide/model.py); the id names the rule.
RULES: dict[str, list[Bad]] = {
    "yaml-syntax-error": [
        bad("cities/leeds.yaml", city("summary: A northern", "summary: Leeds: a"),
            f"{CITY}:8:15: line 8 has a second ': ' inside its value, which YAML reads as "
            'another field; put the value in double quotes: summary: "Leeds: a city with '
            'banks and hospitals."'),
    ],
    "file-not-utf8": [
        bad("cities/leeds.yaml", city("Leeds has", "Leeds café has").encode("latin-1"),
            f"{CITY}:10:12: the file is not valid UTF-8 text; save it with UTF-8 encoding"),
    ],
    "top-level-not-a-mapping": [
        bad("cities/leeds.yaml", "- Leeds\n- York\n",
            f"{CITY}:1:1: expected a mapping of fields, got a list; write 'field: value' "
            "lines; start from a copy of a file that works, or from build.py new"),
        bad("cities/leeds.yaml", "",
            f"{CITY}:1:1: expected a mapping of fields, got nothing; write 'field: value' "
            "lines; start from a copy of a file that works, or from build.py new"),
        bad("pages/career-advice.md", "---\n- title\n---\nBody.\n",
            "content/pages/career-advice.md:2:1: expected a mapping of fields, got a "
            "list; write 'field: value' lines; start from a copy of a file that works, "
            "or from build.py new"),
    ],
    "duplicate-key": [
        bad("cities/leeds.yaml", city("rank: 1\n", "rank: 1\nrank: 3\n"),
            f"{CITY}:4:1: rank: duplicate key 'rank' (first given on line 3); "
            "remove one of the two"),
        bad("cities/leeds.yaml", city("  lon: -1.5491\n", "  lon: -1.5491\n  lat: 53.0\n"),
            f"{CITY}:8:3: location.lat: duplicate key 'lat' (first given on line 6); "
            "remove one of the two"),
        bad("pages/career-advice.md", swap(PAGE, "nav: 2\n", "nav: 2\ntitle: Again\n"),
            "content/pages/career-advice.md:5:1: title: duplicate key 'title' "
            "(first given on line 2); remove one of the two"),
    ],
    "unknown-key-suggests-nearest": [
        bad("cities/leeds.yaml", city("nation:", "natoin:"),
            f"{CITY}:2:1: natoin: unknown field 'natoin'; did you mean 'nation'?"),
        bad("cities/leeds.yaml", city("    sectors: [healthcare]\n    description: Waiting",
                                      "    sectros: [healthcare]\n    description: Waiting"),
            f"{CITY}:13:5: specialisms[1].sectros (the first specialism's sectros): "
            "unknown field 'sectros'; did you mean 'sectors'?"),
        bad("jobs/data-scientist-leeds.yaml", salary_line("curency: EUR"),
            f"{JOB_FILE}:10:3: salary.curency: unknown field 'curency'; did you mean 'currency'?"),
        bad("cities/leeds.yaml", city("rank: 1\n", "rank: 1\nzzzqqq: 3\n"),
            f"{CITY}:4:1: zzzqqq: unknown field 'zzzqqq'; known fields are: employers, figures, "
            "location, name, nation, overview, rank, reviewed, specialisms, status, summary"),
    ],
    "missing-required-field": [
        bad("site.yaml", swap(SITE, "title: Test Guide\n", ""),
            "content/site.yaml:1:1: title: required field 'title' is missing; add a line "
            "'title:' with plain text"),
        bad("cities/leeds.yaml", city("summary: A northern city with banks and hospitals.\n", ""),
            f"{CITY}:1:1: summary: required field 'summary' is missing; add a line "
            "'summary:' with plain text, at most 200 characters"),
        bad("jobs/data-scientist-leeds.yaml", job("apply_url: https://jobs.example/apply/1\n", ""),
            f"{JOB_FILE}:1:1: apply_url: required field 'apply_url' is missing; add a "
            "line 'apply_url:' with a full web address starting https://"),
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20\n", ""),
            f"{JOB_FILE}:1:1: posted: required field 'posted' is missing; add a line 'posted:' "
            "with a date like 2026-03-01 (year-month-day, no quotes)"),
        bad("pages/career-advice.md",
            swap(PAGE, "description: How to prepare for an ML career.\n", ""),
            "content/pages/career-advice.md:2:1: description: required field "
            "'description' is missing; add a line 'description:' with plain text, at "
            "most 160 characters"),
        bad("cities/leeds.yaml", city("    type: research-lab\n", ""),
            f"{CITY}:23:5: employers[2].type (the second employer's type): required field "
            "'type' is missing; add a line 'type:' with one of company, university, "
            "research-lab, public-body, hub, startup or consultancy"),
        # Inside a list item's own mapping: the fix names what that mapping's field takes.
        bad("cities/leeds.yaml", city("    description: Fraud detection.\n",
                                      "    description: Fraud detection.\n    correction:\n"
                                      "      note: Renamed in 2024.\n"),
            f"{CITY}:19:7: specialisms[2].correction.source (the second "
            "specialism's correction's source): "
            "required field 'source' is missing; add a line 'source:' with a full web address "
            "starting https://"),
        bad("cities/leeds.yaml", city("location:\n  lat: 53.8008\n  lon: -1.5491\n", ""),
            f"{CITY}:1:1: location: required field 'location' is missing; add a line "
            "'location:' with its fields (lat:, lon:) on the lines below it, indented by two "
            "spaces"),
    ],
    "wrong-type": [
        bad("cities/leeds.yaml", city("rank: 1", 'rank: "three"'),
            f"{CITY}:3:7: rank: expected a number like 3 or 3.5, got text 'three'; write "
            "digits, like 3"),
        bad("cities/leeds.yaml", city("rank: 1", "rank: true"),
            f"{CITY}:3:7: rank: expected a number like 3 or 3.5, got true (a yes/no "
            "value); write digits, like 3"),
        bad("cities/leeds.yaml", city("rank: 1", 'rank: "1"'),
            f"{CITY}:3:7: rank: expected a number like 3 or 3.5, got text '1'; remove the "
            "quotes"),
        bad("cities/leeds.yaml", city("name: Leeds\nnation", "name: 123\nnation"),
            f'{CITY}:1:7: name: expected text, got the number 123; put it in quotes: "123"'),
        bad("cities/leeds.yaml",
            LEEDS.split("specialisms:")[0] + "specialisms: Health data\n",
            f"{CITY}:11:14: specialisms: expected a list, got text 'Health data'; write "
            "it in brackets, [Health data], or as '- ' items on the lines below"),
        bad("cities/leeds.yaml",
            city("location:\n  lat: 53.8008\n  lon: -1.5491\n", "location: Leeds\n"),
            f"{CITY}:5:11: location: expected a mapping of fields, got text 'Leeds'; "
            "write its fields on the lines below it, indented by two spaces"),
        bad("jobs/data-scientist-leeds.yaml",
            job("workplace: hybrid", "workplace: remote") + "applicant_locations:\n",
            f"{JOB_FILE}:16:21: applicant_locations: expected a list, got nothing; write a list "
            "in brackets, like [a, b]"),
    ],
    "empty-required-text": [
        bad("cities/leeds.yaml", city("summary: A northern city with banks and hospitals.",
                                      'summary: "  "'),
            f"{CITY}:8:10: summary: must not be empty; write plain text, at most 200 "
            "characters, or remove the line"),
        bad("site.yaml", swap(SITE, "title: Test Guide", "title:"),
            "content/site.yaml:1:7: title: expected text, got nothing; write plain text"),
    ],
    "enum-suggests-nearest": [
        bad("cities/leeds.yaml", city("nation: England", "nation: Englnd"),
            f"{CITY}:2:9: nation: expected one of England, Scotland, Wales, Northern Ireland; "
            "got text 'Englnd'; did you mean 'England'?"),
        bad("cities/leeds.yaml", city("status: emerging", "status: emergin"),
            f"{CITY}:4:9: status: expected one of established, emerging, honourable-mention; "
            "got text 'emergin'; did you mean 'emerging'?"),
        bad("cities/leeds.yaml", city("type: university", "type: universty"),
            f"{CITY}:20:11: employers[1].type (the first employer's type): expected one "
            "of company, university, research-lab, public-body, hub, startup, "
            "consultancy; got text 'universty'; did you mean 'university'?"),
        bad("jobs/data-scientist-leeds.yaml", job("workplace: hybrid", "workplace: hybird"),
            f"{JOB_FILE}:5:12: workplace: expected one of onsite, hybrid, remote; "
            "got text 'hybird'; did you mean 'hybrid'?"),
        bad("jobs/data-scientist-leeds.yaml",
            job("employment_type: full-time", "employment_type: fulltime"),
            f"{JOB_FILE}:6:18: employment_type: expected one of full-time, part-time, contract, "
            "temporary, internship; got text 'fulltime'; did you mean 'full-time'?"),
        bad("jobs/data-scientist-leeds.yaml", salary_line("period: yeer"),
            f"{JOB_FILE}:10:11: salary.period: expected one of year, month, day, hour; "
            "got text 'yeer'; did you mean 'year'?"),
        bad("cities/leeds.yaml", city("nation: England", "nation: Xq"),
            f"{CITY}:2:9: nation: expected one of England, Scotland, Wales, Northern Ireland; "
            "got text 'Xq'; write one of them, spelt exactly as here"),
        bad("cities/leeds.yaml", city("nation: England", "nation: 7"),
            f"{CITY}:2:9: nation: expected one of England, Scotland, Wales, Northern Ireland; "
            "got the number 7; write one of them, spelt exactly as here"),
    ],
    "rank-positive": [
        bad("cities/leeds.yaml", city("rank: 1", "rank: 0"),
            f"{CITY}:3:7: rank: must be greater than 0, got the number 0; use a number "
            "above 0, like 1"),
        bad("cities/leeds.yaml", city("rank: 1", "rank: -2"),
            f"{CITY}:3:7: rank: must be greater than 0, got the number -2; use a number "
            "above 0, like 1"),
    ],
    "rank-unique": [
        bad("cities/leeds.yaml", city("rank: 1", "rank: 2"),
            "content/cities/york.yaml:3:7: rank: rank 2 is already used by "
            "content/cities/leeds.yaml; give this city a rank no other city has, like 3"),
        # Ranks 1 (Hull and Leeds) and 2 (York): the free rank offered lies between them.
        bad("cities/hull.yaml", swap(swap(YORK, "name: York", "name: Hull"), "rank: 2", "rank: 1"),
            f"{CITY}:3:7: rank: rank 1 is already used by content/cities/hull.yaml; give this "
            "city a rank no other city has, like 1.5 (between 1 and the next rank)"),
    ],
    "city-name-unique-ignoring-case": [
        bad("cities/leeds.yaml", city("name: Leeds\nnation", "name: YORK\nnation"),
            "content/cities/york.yaml:1:7: name: the name 'York' is already used by "
            "content/cities/leeds.yaml (as 'YORK'); give this city another name, or "
            "delete one of the two files if they are the same city"),
    ],
    "file-name-is-a-slug": [
        bad("cities/Leeds_City.yaml", swap(swap(YORK, "name: York", "name: Bradford"),
                                           "rank: 2", "rank: 3"),
            "content/cities/Leeds_City.yaml:1:1: (file name): 'Leeds_City' is not a "
            "valid slug; rename the file to leeds-city.yaml"),
    ],
    "sector-key-is-a-slug": [
        bad("sectors.yaml", swap(SECTORS, "fintech:", "FinTech:"),
            "content/sectors.yaml:4:1: FinTech: 'FinTech' is not a valid key: keys are "
            "lower-case letters, digits and hyphens; write 'fintech'"),
    ],
    "sector-reference-suggests-nearest": [
        bad("cities/leeds.yaml", city("[fintech, healthcare]", "[fintech, helthcare]"),
            f"{CITY}:16:24: specialisms[2].sectors[2] (the second specialism's second "
            "sector): unknown sector 'helthcare': content/sectors.yaml has no such key; "
            "did you mean 'healthcare'? Its keys are: fintech, healthcare"),
        bad("cities/leeds.yaml", city("A lab.\n    sectors: [healthcare]",
                                      "A lab.\n    sectors: [fintec]"),
            f"{CITY}:26:15: employers[2].sectors[1] (the second employer's first sector): "
            "unknown sector 'fintec': content/sectors.yaml has no such key; did you mean "
            "'fintech'? Its keys are: fintech, healthcare"),
        bad("jobs/data-scientist-leeds.yaml", job("sectors: [healthcare]", "sectors: [finance]"),
            f"{JOB_FILE}:15:11: sectors[1] (the first sector): unknown sector 'finance': "
            "content/sectors.yaml has no such key; did you mean 'fintech'? Its keys are: "
            "fintech, healthcare"),
    ],
    "city-reference-suggests-nearest": [
        bad("jobs/data-scientist-leeds.yaml", job("city: leeds", "city: leds"),
            f"{JOB_FILE}:3:7: city: unknown city 'leds': there is no city file leds.yaml; "
            "did you mean 'leeds'?"),
    ],
    "urls-are-absolute-http": [
        bad("cities/leeds.yaml", city("url: https://www.leeds.ac.uk/", "url: javascript:alert(1)"),
            f"{CITY}:21:10: employers[1].url (the first employer's url): links may not "
            "use 'javascript:'; only https: and http: links are allowed, because other "
            "schemes (javascript:, data:, vbscript:, file: ...) can run code or open "
            "files on the reader's machine; link to a web page (https://...) instead, or "
            "remove the link"),
        bad("jobs/data-scientist-leeds.yaml",
            job("apply_url: https://jobs.example/apply/1", "apply_url: ftp://jobs.example/1"),
            f"{JOB_FILE}:12:12: apply_url: links may not use 'ftp:'; only https: and "
            "http: links are allowed, because other schemes (javascript:, data:, "
            "vbscript:, file: ...) can run code or open files on the reader's machine; "
            "link to a web page (https://...) instead, or remove the link"),
        bad("jobs/data-scientist-leeds.yaml",
            job("apply_url: https://jobs.example/apply/1", "apply_url: /apply/1"),
            f"{JOB_FILE}:12:12: apply_url: '/apply/1' is not a full web address; write "
            "the address as the browser shows it, starting https://"),
        bad("site.yaml", swap(SITE, "base_url: https://guide.example/",
                              "base_url: https://guide.example/guide"),
            "content/site.yaml:4:11: base_url: must end with '/', got "
            "'https://guide.example/guide'; write 'https://guide.example/guide/'"),
        bad("site.yaml", swap(SITE, "base_url: https://guide.example/", "base_url: guide/"),
            "content/site.yaml:4:11: base_url: 'guide/' is not a full web address; write "
            "the address as the browser shows it, starting https://"),
    ],
    "dates-are-dates": [
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20", "posted: soon"),
            f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text 'soon'; "
            "write it year-month-day, like 2026-03-01"),
        # YAML reads 2026-13-45 as a timestamp, which no calendar has.
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20", "posted: 2026-13-45"),
            f"{JOB_FILE}:10:9: posted: '2026-13-45' is not a real date (month must be in 1..12); "
            "write a date like 2026-03-01, or put the text in quotes"),
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20", 'posted: "2026-11-20"'),
            f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text '2026-11-20'; "
            "remove the quotes"),
        bad("jobs/data-scientist-leeds.yaml",
            job("closes: 2026-12-31", "closes: 2026-12-31 17:00:00"),
            f"{JOB_FILE}:11:9: closes: expected a date like 2026-03-01, got a date and time "
            "2026-12-31 17:00:00; leave out the time"),
        # Day first (as in the UK), then month first; a reading no calendar has is left out.
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20", "posted: 12/01/2026"),
            f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text '12/01/2026'; "
            "write it year-month-day: 2026-01-12 (12 January 2026) or 2026-12-01 "
            "(1 December 2026)"),
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20", "posted: 31/12/2026"),
            f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text '31/12/2026'; "
            "write it year-month-day: 2026-12-31 (31 December 2026)"),
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20", "posted: 2026/11/20"),
            f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text '2026/11/20'; "
            "write it year-month-day: 2026-11-20 (20 November 2026)"),
        bad("jobs/data-scientist-leeds.yaml", job("posted: 2026-11-20", "posted: 45/45/2026"),
            f"{JOB_FILE}:10:9: posted: expected a date like 2026-03-01, got text '45/45/2026'; "
            "write it year-month-day, like 2026-03-01"),
    ],
    "closes-not-before-posted": [
        bad("jobs/data-scientist-leeds.yaml", job("closes: 2026-12-31", "closes: 2026-11-01"),
            f"{JOB_FILE}:11:9: closes: closes (2026-11-01) is before posted (2026-11-20); "
            "a job cannot close before it is posted: make closes 2026-11-20 or later, or "
            "correct posted"),
    ],
    "location-inside-uk": [
        bad("cities/leeds.yaml", city("lat: 53.8008", "lat: 40"),
            f"{CITY}:6:8: location.lat: 40 is outside the UK: latitude must be between "
            "49.8 and 60.9; look the place up on a map; west of Greenwich the longitude "
            "is negative, and lat and lon may be swapped"),
        bad("cities/leeds.yaml", city("lon: -1.5491", "lon: 5"),
            f"{CITY}:7:8: location.lon: 5 is outside the UK: longitude must be between "
            "-8.7 and 1.8; look the place up on a map; west of Greenwich the longitude "
            "is negative, and lat and lon may be swapped"),
    ],
    "text-length-limits": [
        bad("cities/leeds.yaml", city("A northern city with banks and hospitals.", LONG_SUMMARY),
            f"{CITY}:8:10: summary: is 201 characters long; at most 200 are allowed; "
            "shorten it by at least 1 character"),
        bad("site.yaml", swap(SITE, "A small guide used by the tests.", LONG_DESCRIPTION),
            "content/site.yaml:3:14: description: is 161 characters long; at most 160 "
            "are allowed; shorten it by at least 1 character"),
        bad("pages/career-advice.md",
            swap(PAGE, "How to prepare for an ML career.", LONG_DESCRIPTION),
            "content/pages/career-advice.md:3:14: description: is 161 characters long; "
            "at most 160 are allowed; shorten it by at least 1 character"),
    ],
    "lists-not-empty": [
        bad("cities/leeds.yaml", LEEDS.split("specialisms:")[0] + "specialisms: []\n",
            f"{CITY}:11:14: specialisms: must list at least one item; add at least one: a "
            "list, one item per line starting '  - name:'"),
        bad("cities/leeds.yaml", city("sectors: [fintech, healthcare]", "sectors: []"),
            f"{CITY}:16:14: specialisms[2].sectors (the second specialism's sectors): "
            "must list at least one item; add at least one: sector keys from "
            "content/sectors.yaml in brackets, like [healthcare]"),
    ],
    "uk-facts-fit-the-role": [
        bad("jobs/data-scientist-leeds.yaml",
            job("workplace: hybrid", "workplace: remote") + "office_days: 2\n",
            f"{JOB_FILE}:16:14: office_days: 'office_days' is for roles with 'workplace: "
            "hybrid'; this role's workplace is 'remote'; set 'workplace: hybrid' or remove "
            "'office_days'"),
        bad("jobs/data-scientist-leeds.yaml", JOB + "contract:\n  ir35: outside\n",
            f"{JOB_FILE}:17:3: contract: 'contract' is for roles with 'employment_type: "
            "contract'; this role's employment_type is 'full-time'; set 'employment_type: "
            "contract' or remove 'contract'"),
        bad("jobs/data-scientist-leeds.yaml",
            job("employment_type: full-time", "employment_type: contract")
            + "contract:\n  ir35: outsid\n  duration_months: 0\n",
            f"{JOB_FILE}:17:9: contract.ir35: expected one of inside, outside, "
            "undetermined; got text 'outsid'; did you mean 'outside'?",
            f"{JOB_FILE}:18:20: contract.duration_months: must be greater than 0, got the "
            "number 0; use a number above 0, like 1"),
    ],
    "numbers-within-bounds": [
        bad("jobs/data-scientist-leeds.yaml", JOB + "office_days: 0\n",
            f"{JOB_FILE}:16:14: office_days: must be at least 1, got the number 0; use 1 or more"),
        bad("jobs/data-scientist-leeds.yaml", JOB + "office_days: 6\n",
            f"{JOB_FILE}:16:14: office_days: must be at most 5, got the number 6; use 5 or less"),
        bad("site.yaml", SITE + "closed_job_days: -1\n",
            "content/site.yaml:11:18: closed_job_days: must be at least 0, got the number -1; "
            "use 0 or more"),
    ],
    "country-codes": [
        bad("jobs/data-scientist-leeds.yaml",
            job("workplace: hybrid", "workplace: remote") + "applicant_locations: [UK, IE]\n",
            f"{JOB_FILE}:16:23: applicant_locations[1] (the first applicant location): "
            "'UK' is not an ISO 3166 country code; the United Kingdom's code is GB"),
        bad("jobs/data-scientist-leeds.yaml",
            job("workplace: hybrid", "workplace: remote") + "applicant_locations: [GB, gb]\n",
            f"{JOB_FILE}:16:27: applicant_locations[2] (the second applicant location): "
            "expected a two-letter ISO 3166 country code like GB (the United Kingdom) or "
            "IE, got 'gb'; write 'GB'"),
    ],
    "salary-sound": [
        bad("jobs/data-scientist-leeds.yaml", job("min: 50000", "min: 70000"),
            f"{JOB_FILE}:8:3: salary: max (60000) is less than min (70000); swap the two "
            "amounts, or correct the one mistyped"),
        bad("jobs/data-scientist-leeds.yaml",
            job("  min: 50000\n  max: 60000\n", "  currency: GBP\n"),
            f"{JOB_FILE}:8:3: salary: give at least one of 'min' and 'max'; add 'min:' or "
            "'max:' with the amount, or remove 'salary:' if the posting gives no pay"),
        bad("jobs/data-scientist-leeds.yaml", job("min: 50000", "min: -5"),
            f"{JOB_FILE}:8:8: salary.min: must be at least 0, got the number -5; use 0 or "
            "more"),
        bad("jobs/data-scientist-leeds.yaml", job("min: 50000", 'min: "50,000"'),
            f"{JOB_FILE}:8:8: salary.min: expected a number like 80000 (digits only, no "
            "commas or £), got text '50,000'; write 50000"),
        bad("jobs/data-scientist-leeds.yaml", job("min: 50000", "min: yes"),
            f"{JOB_FILE}:8:8: salary.min: expected a number like 80000 (digits only, no "
            "commas or £), got true (a yes/no value); write digits only, like 80000"),
        bad("jobs/data-scientist-leeds.yaml", salary_line("currency: pounds"),
            f"{JOB_FILE}:10:13: salary.currency: expected a three-letter ISO 4217 "
            "currency code like GBP, got 'pounds'; write GBP, EUR or USD, in capitals"),
        bad("jobs/data-scientist-leeds.yaml", salary_line("currency: gbp"),
            f"{JOB_FILE}:10:13: salary.currency: expected a three-letter ISO 4217 "
            "currency code like GBP, got 'gbp'; write 'GBP'"),
    ],
    "language-tag": [
        bad("site.yaml", swap(SITE, "language: en-GB", "language: English (UK)"),
            "content/site.yaml:5:11: language: expected a language tag like en-GB, got "
            "'English (UK)'; write en-GB"),
        bad("site.yaml", swap(SITE, "language: en-GB", "language: en_GB"),
            "content/site.yaml:5:11: language: expected a language tag like en-GB, got "
            "'en_GB'; write en-GB"),
    ],
    "settings-have-their-form": [
        bad("site.yaml", SITE + "editing:\n  repo: just-a-name\n",
            "content/site.yaml:12:9: editing.repo: 'just-a-name' does not have the expected "
            "form"),
        bad("site.yaml", SITE + "newsletter:\n  action: https://news.example/s\n"
            "  email_field: e mail\n",
            "content/site.yaml:13:16: newsletter.email_field: expected a form field name like "
            "email (letters, digits, '_', '-'), got 'e mail'"),
    ],
    "page-needs-front-matter": [
        bad("pages/career-advice.md", "# Career advice\n\nLearn Python.\n",
            "content/pages/career-advice.md:1:1: (front matter): a page must start with front "
            "matter between '---' lines; begin the file with '---', then 'title:' and "
            "'description:', then '---'"),
        bad("pages/career-advice.md", "---\ntitle: Career advice\ndescription: Prepare.\n\nBody\n",
            "content/pages/career-advice.md:1:1: (front matter): the front matter opened with "
            "'---' on line 1 is never closed; add a line '---' after the last front matter "
            "field, before the Markdown"),
    ],
    "page-front-matter-unknown-key": [
        bad("pages/career-advice.md", swap(PAGE, "nav: 2", "navv: 2"),
            "content/pages/career-advice.md:4:1: navv: unknown field 'navv'; "
            "did you mean 'nav'?"),
    ],
    "page-slug-not-reserved": [
        bad("pages/jobs.md", swap(PAGE, "title: Career advice", "title: Jobs"),
            "content/pages/jobs.md:1:1: (file name): the page name 'jobs' is taken by the "
            "site's own section of that name; rename the file, e.g. about-jobs.md"),
    ],
}

CASES = [pytest.param(case, id=f"{rule}-{number}")
         for rule, cases in RULES.items() for number, case in enumerate(cases, 1)]


@pytest.mark.parametrize("case", CASES)
def test_bad_content_is_refused_with_a_located_message(site: SiteDir, good_build: SiteDir,
                                                        case: Bad) -> None:
    before = build_ok(site, good_build)
    path = site.content / case.file
    if isinstance(case.text, bytes):
        path.write_bytes(case.text)
    else:
        site.write(case.file, case.text)
    assert_refused(site, list(case.expected))
    assert tree_bytes(site.out) == before


def test_the_command_line_prints_every_problem_and_exits_1_as_a_process(
        site: SiteDir, good_build: SiteDir) -> None:
    """The contract as an editor's shell or CI sees it: a real `python build.py` process."""
    before = build_ok(site, good_build)
    site.write("cities/leeds.yaml", city("nation: England", "natoin: England"))
    site.write("jobs/data-scientist-leeds.yaml", salary_line("curency: EUR"))
    result = site.run()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{CITY}:2:1: natoin: unknown field 'natoin'; did you mean 'nation'?",
        f"{JOB_FILE}:10:3: salary.curency: unknown field 'curency'; did you mean 'currency'?",
        count_line(2)]
    assert tree_bytes(site.out) == before


@pytest.mark.parametrize("name", ["site.yaml", "sectors.yaml"])
def test_missing_required_file_is_named(site: SiteDir, good_build: SiteDir, name: str) -> None:
    before = build_ok(site, good_build)
    site.remove(name)
    assert_refused(site, [f"content/{name}:1:1: (file): {name} is missing; "
                          f"create content/{name} as described in EDITING.md"])
    assert tree_bytes(site.out) == before


def test_content_folder_that_does_not_exist(site: SiteDir, good_build: SiteDir) -> None:
    before = build_ok(site, good_build)
    assert_refused(site, ["nowhere:1:1: (folder): the content folder does not exist; "
                          "pass --content DIR"], "--content", "nowhere")
    assert tree_bytes(site.out) == before


def test_byte_order_mark_is_tolerated(site: SiteDir) -> None:
    bom = b"\xef\xbb\xbf"
    (site.content / "cities/leeds.yaml").write_bytes(bom + LEEDS.encode())
    (site.content / "pages/career-advice.md").write_bytes(bom + PAGE.encode())
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "Leeds" in parse_page(site.out / "cities/leeds/index.html").text
    assert "Career advice" in parse_page(site.out / "career-advice/index.html").text


MANY_EXPECTED = [
    f"{CITY}:2:9: nation: expected one of England, Scotland, Wales, Northern Ireland; "
    "got text 'Wles'; did you mean 'Wales'?",
    f"{CITY}:16:24: specialisms[2].sectors[2] (the second specialism's second sector): "
    "unknown sector 'helthcare': content/sectors.yaml has no such key; did you mean "
    "'healthcare'? Its keys are: fintech, healthcare",
    "content/cities/york.yaml:3:7: rank: expected a number like 3 or 3.5, got text 'two'; "
    "write digits, like 3",
    f"{JOB_FILE}:3:7: city: unknown city 'yrok': there is no city file yrok.yaml; "
    "did you mean 'york'?",
    f"{JOB_FILE}:11:9: closes: closes (2026-11-01) is before posted (2026-11-20); "
    "a job cannot close before it is posted: make closes 2026-11-20 or later, or correct posted",
    "content/pages/career-advice.md:4:1: navv: unknown field 'navv'; did you mean 'nav'?",
    "content/site.yaml:4:11: base_url: must end with '/', got 'https://guide.example'; "
    "write 'https://guide.example/'",
]


def write_many_mistakes(site: SiteDir) -> None:
    """Mistakes in five files, written out of order, several in one file."""
    site.write("site.yaml", swap(SITE, "https://guide.example/", "https://guide.example"))
    site.write("pages/career-advice.md", swap(PAGE, "nav: 2", "navv: 2"))
    site.write("jobs/data-scientist-leeds.yaml",
               swap(job("city: leeds", "city: yrok"), "closes: 2026-12-31", "closes: 2026-11-01"))
    site.write("cities/york.yaml", swap(YORK, "rank: 2", "rank: two"))
    site.write("cities/leeds.yaml", swap(city("nation: England", "nation: Wles"),
                                         "[fintech, healthcare]", "[fintech, helthcare]"))


def test_many_mistakes_are_reported_together_sorted_and_counted(site: SiteDir,
                                                                 good_build: SiteDir) -> None:
    before = build_ok(site, good_build)
    write_many_mistakes(site)
    stderr = assert_refused(site, MANY_EXPECTED)
    assert stderr.rstrip("\n").endswith("7 errors found; nothing was written.")
    assert tree_bytes(site.out) == before


def test_a_file_with_a_duplicate_key_still_shows_its_other_mistakes(
        site: SiteDir, good_build: SiteDir) -> None:
    before = build_ok(site, good_build)
    site.write("cities/leeds.yaml", city("rank: 1\n", "rank: 1\nrank: 3\n")
               .replace("nation: England", "nation: Englnd"))
    assert_refused(site, [
        f"{CITY}:2:9: nation: expected one of England, Scotland, Wales, Northern Ireland; "
        "got text 'Englnd'; did you mean 'England'?",
        f"{CITY}:4:1: rank: duplicate key 'rank' (first given on line 3); remove one of the two",
    ])
    assert tree_bytes(site.out) == before


def test_check_reports_the_same_and_writes_nothing(site: SiteDir) -> None:
    write_many_mistakes(site)
    checked = assert_refused(site, MANY_EXPECTED, command="check")
    assert not site.out.exists()
    built = assert_refused(site, MANY_EXPECTED)
    assert checked == built
    assert not site.out.exists()


class _Elements(HTMLParser):
    """Every start tag with its attributes, and every text run, of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.runs: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.runs.append(data)

    @property
    def text(self) -> str:
        """All text outside scripts, entities decoded, as a reader sees it."""
        return "".join(self.runs)


def parse_page(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


HOSTILE_SUMMARY = '<script>alert(1)</script> & "quotes"'
HOSTILE_OVERVIEW = """\
overview: |
  Leeds has a growing data community.

  <script>alert(1)</script>

  <img src="x.png" onerror="alert(1)">

  A raw <a href="javascript:alert(2)">link</a> (a Markdown one is refused: test_links.py).
"""


def test_hostile_text_and_markdown_are_inert(site: SiteDir) -> None:
    leeds = city("summary: A northern city with banks and hospitals.",
                 "summary: '" + HOSTILE_SUMMARY + "'")
    site.write("cities/leeds.yaml",
               swap(leeds, "overview: |\n  Leeds has a growing data community.\n",
                    HOSTILE_OVERVIEW))
    result = site.build()
    assert result.returncode == 0, result.stderr
    city_page = parse_page(site.out / "cities/leeds/index.html")
    assert HOSTILE_SUMMARY in city_page.text, "plain text is shown as typed"
    assert HOSTILE_SUMMARY in parse_page(site.out / "index.html").text
    for page in reader_pages(site.out):
        parsed = parse_page(page)
        where = page.relative_to(site.out).as_posix()
        for (_, attrs), body in zip(
            [t for t in parsed.tags if t[0] == "script"], parsed.scripts, strict=True
        ):
            # Structured data is the only inline script a page may carry, and it may not break
            # out; any other script is one of the site's own files (static/jobs.js).
            if attrs.get("src"):
                assert attrs["src"].startswith("/assets/") and not body.strip(), where
                continue
            assert attrs.get("type") == "application/ld+json", f"<script> in {where}"
            assert "</" not in body and "<!--" not in body, f"script breakout in {where}"
        for tag, attrs in parsed.tags:
            assert not [a for a in attrs if a.startswith("on")], f"{tag} handler in {where}"
            for name in ("href", "src", "action", "formaction"):
                value = attrs.get(name, "").strip().lower()
                assert not value.startswith("javascript:"), f"{tag} {name}={value} in {where}"
    assert "Leeds has a growing data community." in city_page.text, "the overview is shown"
    assert "<script>alert(1)</script>" in city_page.text, "raw HTML in Markdown shows as text"
    assert not [t for t, _ in city_page.tags if t in ("script", "img")]
