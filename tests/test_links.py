"""The editor's links: refused schemes said plainly, pages and anchors checked, sub-paths rebased.

Each case writes one link into Leeds' overview (line 10 of the fixture), runs
`check` in-process as the editor would from the project folder, and reads the
exact message; the good links build, and under a sub-path they lead to pages
the build wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mlguide.cli import main
from mlguide.load import load_sources
from mlguide.pipeline import Settings, build
from mlguide.validate import validate_content
from mlguide.views import anchors

from .conftest import JOB, LEEDS, PAGE, ROOT, SECTORS, SITE, TODAY, YORK, SiteDir
from .pages import parse

CITY = "content/cities/leeds.yaml"
OVERVIEW = "Leeds has a growing data community."
REFUSED = ("only https:, http: and mailto: links, and pages of this site like /cities/leeds/, "
           "are allowed, because other schemes (javascript:, data:, vbscript:, file: ...) can "
           "run code or open files on the reader's machine; link to a web page (https://...) "
           "or an email address (mailto:...) instead, or remove the link")


def check(site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          *args: str) -> tuple[int, list[str]]:
    """Run `build.py check` in the site's folder; its exit status and the lines it printed."""
    monkeypatch.chdir(site.root)
    status = main(["check", "--templates", str(ROOT / "templates"), "--static",
                   str(ROOT / "static"), "--today", TODAY, *args])
    printed = capsys.readouterr()
    return status, (printed.out + printed.err).splitlines()


def with_link(site: SiteDir, url: str) -> None:
    site.write("cities/leeds.yaml", LEEDS.replace(OVERVIEW, f"See [this]({url}) for more."))


@pytest.mark.parametrize(("url", "message"), [
    ("javascript:alert(1)", f"links may not use 'javascript:'; {REFUSED}"),
    ("data:text/html,hi", f"links may not use 'data:'; {REFUSED}"),
    ("vbscript:msgbox", f"links may not use 'vbscript:'; {REFUSED}"),
    ("file:///etc/passwd", f"links may not use 'file:'; {REFUSED}"),
    ("www.example.com", "the address 'www.example.com' has no 'https://', so it would lead to "
     "a page of this site that does not exist; write 'https://www.example.com'"),
    ("/cities/yrok/", "there is no page /cities/yrok/ on this site; did you mean '/cities/york/'?"),
    ("/cities/leeds/#specialism-3", "the page /cities/leeds/ has no anchor '#specialism-3'; "
     "did you mean '#specialism-2'?"),
    ("/cities/york", "the link '/cities/york' lacks the '/' at the end of the page's address; "
     "write '/cities/york/'"),
    ("cities/york/", "the link 'cities/york/' is relative to the page that shows it; write it "
     "from the site's root, like '/cities/york/'"),
    ("//evil.example/", "the link '//evil.example/' starts with '//' and names no scheme; write "
     "'https://evil.example/'"),
    ("mailto:", "the email link 'mailto:' has no address; write it like mailto:name@example.org"),
    ("#nowhere", "the page /cities/leeds/ has no anchor '#nowhere'; its anchors are: #employer-1, "
     "#employer-2, #employers, #glance-title, #jobs, #main, #overview, #related, "
     "#specialism-1, #specialism-2, #specialisms, #subscribe-title"),
])
def test_a_bad_link_is_a_problem_at_its_line(site: SiteDir, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], url: str,
                                             message: str) -> None:
    with_link(site, url)
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    assert lines == [f"{CITY}:10:14: overview: {message}", "1 error found; nothing was written."]


@pytest.mark.parametrize("url", [
    "https://www.leeds.ac.uk/", "mailto:jobs@example.org", "/cities/york/", "/",
    "/cities/leeds/#employer-2", "/employers/#letter-u", "#overview", "/jobs/?sector=fintech",
    "/jobs/data-scientist-leeds/#about-role", "/career-advice/", "/sectors/fintech/",
    "/jobs/feed.xml", "/sitemap.xml", "/robots.txt",
])
def test_links_to_the_web_and_to_pages_and_anchors_that_exist_pass(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        url: str) -> None:
    with_link(site, url)
    assert check(site, monkeypatch, capsys) == (
        0, ["content OK: 2 cities, 2 sectors, 1 jobs, 1 pages"])


def test_a_link_to_a_closed_job_is_broken_once_its_page_goes(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with_link(site, "/jobs/data-scientist-leeds/")
    assert check(site, monkeypatch, capsys)[0] == 0
    # It closes on 2026-12-31; its page stays 30 days (closed_job_days), then redirects.
    status, lines = check(site, monkeypatch, capsys, "--today", "2027-03-01")
    assert (status, lines[0]) == (1, f"{CITY}:10:14: overview: there is no page "
                                     "/jobs/data-scientist-leeds/ on this site; did you mean "
                                     "'/jobs/cities/leeds/'?")


def test_link_problems_show_with_the_files_other_mistakes(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    site.write("cities/leeds.yaml", LEEDS.replace(OVERVIEW, "A [bad](javascript:x) link.")
               .replace("nation: England", "nation: Englnd"))
    site.write("pages/career-advice.md", "---\ntitle: Advice\ndescription: Advice.\n---\n"
               "Read the [guide](www.example.org/guide).\n")
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    assert lines == [
        f"{CITY}:2:9: nation: expected one of England, Scotland, Wales, Northern Ireland; got "
        "text 'Englnd'; did you mean 'England'?",
        f"{CITY}:10:11: overview: links may not use 'javascript:'; {REFUSED}",
        "content/pages/career-advice.md:5:18: body: the address 'www.example.org/guide' has no "
        "'https://', so it would lead to a page of this site that does not exist; write "
        "'https://www.example.org/guide'",
        "3 errors found; nothing was written.",
    ]


def test_broken_site_links_show_with_the_files_other_mistakes(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A field's mistake, a mistyped page and a missing anchor of the same file: one run."""
    site.write("cities/leeds.yaml", LEEDS.replace(OVERVIEW, "See [York](/cities/yrok/) and "
                                                  "[more](#nosuch).")
               .replace("nation: England", "nation: Englnd"))
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    assert lines == [
        f"{CITY}:2:9: nation: expected one of England, Scotland, Wales, Northern Ireland; got "
        "text 'Englnd'; did you mean 'England'?",
        f"{CITY}:10:14: overview: there is no page /cities/yrok/ on this site; did you mean "
        "'/cities/york/'?",
        f"{CITY}:10:40: overview: the page /cities/leeds/ has no anchor '#nosuch'; its anchors "
        "are: #employer-1, #employer-2, #employers, #glance-title, #jobs, #main, #overview, "
        "#related, #roles-follow, #roles-nearby, #roles-remote, #specialism-1, #specialism-2, "
        "#specialisms, #subscribe-consent, #subscribe-email, #subscribe-title, "
        "#subscribe-website",
        "3 errors found; nothing was written.",
    ]


def test_links_into_files_with_mistakes_lead_where_those_pages_will_be(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """York, sectors.yaml and site.yaml each have a mistake: their pages still count."""
    site.write("cities/york.yaml", YORK.replace("rank: 2", "rank: two"))
    site.write("sectors.yaml", SECTORS.replace("name: Finance and fintech", "name: [Finance]"))
    site.write("site.yaml", SITE.replace("language: en-GB", "language: English"))
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace("posted: 2026-11-20",
                                                             "posted: soon"))
    good = ("/cities/york/#specialism-1", "/sectors/fintech/", "/jobs/sectors/fintech/feed.xml",
            "/jobs/data-scientist-leeds/#about-role", "/jobs/employers/leeds-data-lab/",
            "/#why-heading", "/compare/#row-fintech", "/employers/#letter-y")
    bad = ("/cities/york/#specialism-2", "/sectors/fintec/", "/jobs/nothing-here/")
    site.write("pages/career-advice.md", PAGE + "".join(f"[{n}]({url})\n"
                                                         for n, url in enumerate((*good, *bad))))
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    links = [line for line in lines if "career-advice" in line]
    assert links == [
        "content/pages/career-advice.md:15:5: body: the page /cities/york/ has no anchor "
        "'#specialism-2'; did you mean '#specialism-1'?",
        "content/pages/career-advice.md:16:5: body: there is no page /sectors/fintec/ on this "
        "site; did you mean '/sectors/fintech/'?",
        "content/pages/career-advice.md:17:6: body: there is no page /jobs/nothing-here/ on this "
        "site; link to a page the site has, like /cities/<city>/ or /jobs/ (sitemap.xml lists "
        "them all)",
    ]
    assert len(lines) == 4 + len(links) + 1, lines  # the four files' own mistakes, the count


def test_links_to_any_place_a_broken_citys_or_sectors_page_may_have_pass(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Whether a broken city will have roles, nearby ones or related cities is not known yet:
    each of those places is accepted on its page, and a place it cannot have (the search
    form, which only the first page of jobs/ has) is not."""
    site.write("cities/leeds.yaml", LEEDS.replace("rank: 1", "rank: one"))
    site.write("cities/york.yaml", YORK.replace("rank: 2", "rank: two"))
    site.write("sectors.yaml", SECTORS.replace("name: Finance and fintech", "name: [Finance]"))
    good = ("/cities/york/#roles-nearby", "/cities/york/#roles-remote", "/cities/york/#related",
            "/cities/york/#roles-follow", "/cities/leeds/#employers", "/cities/leeds/#employer-2",
            "/jobs/cities/york/feed.xml", "/jobs/cities/york/feed.json",
            "/sectors/fintech/#sector-cities", "/sectors/fintech/#sector-jobs",
            "/jobs/sectors/fintech/feed.json", "/employers/#letter-q")
    site.write("pages/career-advice.md", PAGE + "".join(
        f"[{n}]({url})\n" for n, url in enumerate((*good, "/cities/york/#employers",
                                                    "/jobs/cities/york/#search"))))
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    assert [line for line in lines if "career-advice" in line] == [
        "content/pages/career-advice.md:19:6: body: the page /cities/york/ has no anchor "
        "'#employers'; its anchors are: #glance-title, #jobs, #main, #overview, #related, "
        "#roles-follow, #roles-nearby, #roles-remote, #specialism-1, #specialisms, "
        "#subscribe-consent, #subscribe-email, #subscribe-title, #subscribe-website",
        "content/pages/career-advice.md:20:6: body: the page /jobs/cities/york/ has no anchor "
        "'#search'; its anchors are: #job-count, #job-list, #job-listing, #job-pager, #main, "
        "#subscribe-consent, #subscribe-email, #subscribe-title, #subscribe-website"]


def test_a_valid_citys_places_that_other_files_decide_pass_while_those_have_mistakes(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Leeds is valid, but its related cities (York) and its roles (the job) have mistakes:
    the places those give Leeds's page once fixed are accepted; one it cannot have is not."""
    site.write("cities/york.yaml", YORK.replace("rank: 2", "rank: two"))
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace("posted: 2026-11-20",
                                                             "posted: soon"))
    good = ("/cities/leeds/#related", "/cities/leeds/#roles-nearby", "/cities/leeds/#jobs",
            "/cities/leeds/#roles-follow", "/cities/leeds/#employer-2")
    site.write("pages/career-advice.md", PAGE + "".join(
        f"[{n}]({url})\n" for n, url in enumerate((*good, "/cities/leeds/#specialism-3"))))
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    assert [line for line in lines if "career-advice" in line] == [
        "content/pages/career-advice.md:12:5: body: the page /cities/leeds/ has no anchor "
        "'#specialism-3'; did you mean '#specialism-2'?"]
    assert len(lines) == 2 + 1 + 1, lines  # York's and the job's own mistakes, the count


def test_an_anchor_is_checked_on_the_page_its_text_is_shown_on(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """site.yaml's intro is on the home page, a sector's description on its page, a job's
    summary on the job's, even while the job has another mistake."""
    site.write("site.yaml", SITE.replace("Welcome to the **test** guide.",
                                         "Welcome, see [why](#why-headin)."))
    site.write("sectors.yaml", SECTORS.replace("Hospitals and labs.",
                                               "Hospitals, [cities](#sector-citie)."))
    site.write("jobs/data-scientist-leeds.yaml", JOB.replace("Build **models** for hospitals.",
                                                             "Build [models](#about-rol)."))
    site.write("jobs/broken-role.yaml", JOB.replace("posted: 2026-11-20", "posted: soon")
               .replace("Build **models** for hospitals.", "See [more](#about-rol)."))
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    assert lines == [
        "content/jobs/broken-role.yaml:10:9: posted: expected a date like 2026-03-01, got text "
        "'soon'; write it year-month-day, like 2026-03-01",
        "content/jobs/broken-role.yaml:14:14: summary: the page /jobs/broken-role/ has no "
        "anchor '#about-rol'; did you mean '#about-role'?",
        "content/jobs/data-scientist-leeds.yaml:14:18: summary: the page "
        "/jobs/data-scientist-leeds/ has no anchor '#about-rol'; did you mean '#about-role'?",
        "content/sectors.yaml:3:36: healthcare.description: the page /sectors/healthcare/ has "
        "no anchor '#sector-citie'; did you mean '#sector-cities'?",
        "content/site.yaml:7:22: intro: the page / has no anchor '#why-headin'; did you mean "
        "'#why-heading'?",
        "5 errors found; nothing was written.",
    ]

def test_a_valid_site_yaml_keeps_its_own_places_while_a_city_has_a_mistake(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Only a site.yaml that failed stands in for every optional section of the home page."""
    site.write("cities/york.yaml", YORK.replace("rank: 2", "rank: two"))
    site.write("pages/career-advice.md", PAGE + "[x](/#how-chosen)\n")
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1
    assert lines[1:] == [
        "content/pages/career-advice.md:7:5: body: the page / has no anchor '#how-chosen'; its "
        "anchors are: #cities-heading, #home-title, #main, #map-caption, #subscribe-title, "
        "#why-heading",
        "2 errors found; nothing was written."]

def test_site_links_are_rebased_under_a_sub_path(site: SiteDir) -> None:
    with_link(site, "/cities/york/#specialisms")
    settings = Settings(content=site.content, templates=ROOT / "templates", static=ROOT / "static",
                        out=site.out, today=dt.date.fromisoformat(TODAY),
                        base_url="https://example.org/guide/", workers=1)
    build(settings)
    overview = parse(site.out / "cities/leeds/index.html").xpath("//section[h2[@id='overview']]")
    links = [str(h) for h in overview[0].xpath(".//a/@href")]
    assert links == ["/guide/cities/york/#specialisms"]
    target = site.out / links[0].removeprefix("/guide/").split("#")[0] / "index.html"
    assert "specialisms" in parse(target).xpath("//@id")


def test_the_anchors_checked_are_the_anchors_the_pages_have(site: SiteDir) -> None:
    """anchors.py names them for the templates and the checker: a built page has each."""
    assert site.build().returncode == 0
    leeds = set(parse(site.out / "cities/leeds/index.html").xpath("//@id"))
    # Leeds: two specialisms, two employers, related cities (York), an open role.
    city = next(c for c in validate_content(load_sources(site.content)).cities
                if c.slug == "leeds")
    listed = set(anchors.city(city, has_related=True))
    assert listed == {"overview", "specialisms", "jobs", "employers", "related", "glance-title",
                      "specialism-1", "specialism-2", "employer-1", "employer-2"}
    assert listed <= leeds
    letters = set(parse(site.out / "employers/index.html")
                  .xpath("//h2/@id[starts-with(., 'letter-')]"))
    assert letters == {"letter-l", "letter-u"}


NOWHERE = "qqqqqqqq"  # an anchor close to none, so the message lists the page's own


# One page a city and an A–Z entry: the lists go on over pages (cities/, compare/page/2/,
# compare/by/pay/page/2/, employers/page/3/), each page with anchors of its own.
PAGED = "page_sizes:\n  cities: 1\n  employers: 1\n"


@pytest.mark.parametrize(("sizes", "pages"), [("", 29), (PAGED, 39)], ids=["one-page", "paged"])
def test_every_id_of_every_page_is_a_place_a_link_may_lead_and_no_other(
        site: SiteDir, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], sizes: str, pages: int) -> None:
    """Each page's ids as built are the anchors `check` accepts there: no more, no fewer."""
    site.write("site.yaml", SITE + "how_chosen: By their *employers*.\n"
               "newsletter:\n  action: https://news.example/subscribe\n" + sizes)
    assert site.build().returncode == 0
    built = {_page_url(page): set(parse(page).xpath("//@id")) for page in site.out.rglob("*.html")
             if page.parts[len(site.out.parts)] != "admin"}
    assert len(built) == pages and {"main", "subscribe-website", "how-chosen"} <= built["/"]
    site.write("pages/career-advice.md", PAGE + "".join(
        f"[{n}]({url}#{place})\n" for n, (url, ids) in enumerate(sorted(built.items()))
        for place in sorted(ids)))
    status, lines = check(site, monkeypatch, capsys)
    assert (status, lines) == (0, ["content OK: 2 cities, 2 sectors, 1 jobs, 1 pages"])
    site.write("pages/career-advice.md", PAGE + "".join(
        f"[{n}]({url}#{NOWHERE})\n" for n, url in enumerate(sorted(built))))
    status, lines = check(site, monkeypatch, capsys)
    assert status == 1 and lines[-1] == f"{len(built)} errors found; nothing was written."
    refused = dict(re.fullmatch(rf"content/pages/career-advice.md:\d+:\d+: body: the page "
                                rf"(\S+) has no anchor '#{NOWHERE}'; its anchors are: (.*)",
                                line).groups() for line in lines[:-1])  # type: ignore[union-attr]
    assert {url: set(text.replace("#", "").split(", ")) for url, text in refused.items()} == built


def _page_url(page: Path) -> str:
    """'out/cities/leeds/index.html' => '/cities/leeds/'; 'out/404.html' => '/404.html'."""
    relative = page.as_posix().split("/out/", 1)[1]
    return "/" + relative.removesuffix("index.html")
