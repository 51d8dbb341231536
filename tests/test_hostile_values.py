"""Values that cannot change the meaning of what they land in.

The base URL lands unescaped in robots.txt and _headers, so it is rebuilt from its
parts or refused; control characters are refused in content and shown as escapes in
every message; the pull request summary's lines cannot break out of their block.
"""

from __future__ import annotations

import json

import pytest

from .conftest import JOB, SITE, SiteDir
from .hostile import refused, run

BASE = "base_url: https://guide.example/"
SITE_FILE = "content/site.yaml"
JOB_FILE = "content/jobs/data-scientist-leeds.yaml"


def base_url_line(value: str, why: str) -> str:
    return (f"{SITE_FILE}:4:11: base_url: expected an address like https://example.org/guide/ "
            f"(scheme, host and path only), got '{value}': {why}")


@pytest.mark.parametrize(("written", "shown", "why"), [
    ('"https://guide.example/\\n\\nDisallow: /\\n#/"',
     "https://guide.example/\\x0a\\x0aDisallow: /\\x0a#/",
     "it holds a space, line break or control character"),
    ("https://guide.example/#top/", "https://guide.example/#top/", "it holds a fragment ('#')"),
    ("https://guide.example/?a=/", "https://guide.example/?a=/", "it holds a query ('?')"),
    ("https://me:pw@guide.example/", "https://me:pw@guide.example/",
     "it holds a user name or password ('@')"),
    ("https://guide.example:99999/", "https://guide.example:99999/",
     "the port must be a number from 1 to 65535"),
    ("https://guide.example/*/", "https://guide.example/*/",
     "its path may hold only letters, digits, '-', '.', '_', '~' and %-escapes between single "
     "slashes"),
    ("https://guide_example/", "https://guide_example/",
     "the host 'guide_example' is not a valid host name (letters, digits and hyphens; an "
     "international name in its xn-- form)"),
])
def test_a_base_url_that_would_change_robots_or_headers_is_refused(
        site: SiteDir, written: str, shown: str, why: str) -> None:
    site.write("site.yaml", SITE.replace(BASE, f"base_url: {written}"))
    assert refused(site, command="check") == [base_url_line(shown, why)]


def test_the_base_url_is_rebuilt_from_its_parts(site: SiteDir) -> None:
    site.write("site.yaml", SITE.replace(BASE, "base_url: HTTPS://Guide.Example:443/sub/"))
    assert run(site).code == 0
    assert site.page("robots.txt").splitlines()[-1] == \
        "Sitemap: https://guide.example/sub/sitemap.xml"
    rules = [line for line in site.page("_headers").splitlines() if line.startswith("/")]
    assert rules[:2] == ["/sub/*", "/sub/assets/*"]


def test_a_bad_base_url_option_is_one_line_with_the_newline_shown(site: SiteDir) -> None:
    result = run(site, "--base-url", "https://guide.example/\nDisallow: /")
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "build.py: error: argument --base-url: expected an address like "
        "https://example.org/guide/ (scheme, host and path only), got "
        "'https://guide.example/\\x0aDisallow: /': it holds a space, line break or control "
        "character")


def test_control_characters_in_a_title_are_refused_and_shown_as_escapes(site: SiteDir) -> None:
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace(
        "title: Data Scientist", 'title: "Data \\e]0;owned\\a\\e[2J Scientist"'))
    result = run(site, command="check")
    assert result.code == 1
    assert result.problems() == [
        f"{JOB_FILE}:1:8: title: contains the control character U+001B (\\x1b); remove it: no "
        "page or feed can hold it"]
    assert "\x1b" not in result.err and "\x07" not in result.err


def test_a_file_name_with_a_terminal_escape_is_shown_escaped(site: SiteDir) -> None:
    site.write("jobs/\x1b[2Jwiped.yaml", JOB)
    problems = refused(site)
    assert problems == [
        "content/jobs/\\x1b[2Jwiped.yaml:1:1: (file name): '\\x1b[2Jwiped' is not a valid slug; "
        "rename the file to 2jwiped.yaml"]


def test_a_raw_control_character_and_a_lone_surrogate_are_problems(site: SiteDir) -> None:
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace("location: Leeds (hybrid)",
                                                             "location: Leeds\x08 (hybrid)"))
    site.write("pages/career-advice.md", "---\ntitle: Advice\ndescription: Read it.\n---\n"
               "Line one.\nTwo \x1b[31mred\n")
    site.write("cities/york.yaml", 'name: "York \\ud800"\n')
    assert refused(site) == [
        "content/cities/york.yaml:1:15: line 1 is not valid YAML (found invalid Unicode "
        "character escape code); check the indentation of this line and the one above, and look "
        "for a quote or bracket that is never closed",
        f"{JOB_FILE}:4:16: contains the control character U+0008 (\\x08); remove "
        "it: no page or feed can hold it",
        "content/pages/career-advice.md:6:5: (body): contains the control character U+001B "
        "(\\x1b); remove it: no page or feed can hold it",
    ]


def test_the_pull_request_summary_lines_cannot_break_out(site: SiteDir) -> None:
    """`diff` prints one line per path whatever the path holds (the summary is a code block)."""
    assert run(site).code == 0
    forged = {"generator": "mlguide", "files": {
        "evil\n```\n# Approved\x1b[8m": {"size": 1, "sha256": "0"},
    }}
    old = site.root / "old.json"
    old.write_text(json.dumps(forged), encoding="utf-8")
    result = run(site, str(old), command="diff")
    assert result.code == 0
    lines = result.out.splitlines()
    assert "- evil\\x0a```\\x0a# Approved\\x1b[8m" in lines
    assert all(line[:2] in ("+ ", "~ ", "- ") for line in lines[:-1])


def test_markup_in_a_job_cannot_end_its_script_feed_or_cdata(site: SiteDir) -> None:
    """JSON-LD, Atom, JSON Feed and Indeed's CDATA each hold a hostile title as text."""
    import lxml.etree
    import lxml.html

    title = "</script><script>alert(1)</script>]]><!--"
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace(
        "title: Data Scientist", f"title: '{title}'"))
    assert run(site).code == 0
    page = lxml.html.fromstring((site.out / "jobs/data-scientist-leeds/index.html").read_bytes())
    [data] = page.xpath("//script[@type='application/ld+json']/text()")
    assert "</script" not in data and "<!--" not in data
    assert json.loads(data)["title"] == title
    assert not page.xpath("//script[not(@type='application/ld+json') and not(@src)]")
    atom = lxml.etree.fromstring((site.out / "jobs/feed.xml").read_bytes())
    assert atom.findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}"
                         "title") == title
    assert json.loads((site.out / "jobs/feed.json").read_text())["items"][0]["title"] == title
    indeed = lxml.etree.fromstring((site.out / "jobs/indeed.xml").read_bytes())
    assert indeed.findtext("job/title") == title
