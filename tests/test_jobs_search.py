"""The job seeker searches, in a real Chromium, under the site's own CSP.

The 56-role site of test_jobs_listing is built once and served on loopback with
its `_headers` applied, as Netlify or Cloudflare Pages would. On the jobs page the
roles' own index answers (publish/role_index.py), on the search page Pagefind's.
Nothing of an index is fetched until the reader types; a word of a role's summary
finds it, and so does a mistyped one; ticking a facet narrows the count; a shared
address opens the same search; and the policy blocks nothing while it allows
WebAssembly only where Pagefind runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from .browser import static_server
from .cdn import headers_for, parse_headers_file
from .conftest import run_cli
from .test_jobs_browser import Watched
from .test_jobs_listing import make_listing_site

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def watched_page(browser: Any, served: str) -> tuple[Any, Watched]:
    """A new context's page, its requests and errors watched, and any policy violation kept
    in window.__violations."""
    context = browser.new_context()
    context.add_init_script(WATCH_VIOLATIONS)
    return context, Watched(context.new_page(), served)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_listing_site(tmp_path_factory.mktemp("jobs-search"))
    result = site.build()
    assert result.returncode == 0, result.stderr
    rules = parse_headers_file((site.out / "_headers").read_text(encoding="utf-8"))
    with static_server(site.out, headers=lambda path: headers_for(rules, path)) as base:
        yield base


SHOWN_AT_ONCE = 10  # results listed before "Show more"


def found_titles(page: Any) -> list[str]:
    titles: list[str] = page.locator("#search-list li h3").all_inner_texts()
    return titles


def count(page: Any) -> str:
    text: str = page.locator("#search-count").inner_text()
    return text


def wait_for_count(page: Any, text: str) -> None:
    # Locator waits, not wait_for_function: the page's CSP forbids evaluating strings.
    from playwright.sync_api import expect

    expect(page.locator("#search-count")).to_have_text(text)
    # The count is written first and the results as their fragments arrive: wait for them.
    matches = int(text.split()[0])
    expect(page.locator("#search-list li h3")).to_have_count(min(matches, SHOWN_AT_ONCE))


def test_a_word_of_a_summary_finds_the_role_and_a_facet_narrows_the_count(
        browser: Any, served: str) -> None:
    context, watched = watched_page(browser, served)
    page = watched.page
    response = page.goto(served + "jobs/")
    assert response is not None
    assert "'wasm-unsafe-eval'" not in response.headers["content-security-policy"]
    page.locator("#search").wait_for(state="visible")
    assert index_requests(watched) == [], "nothing of the index is fetched before the reader types"

    page.locator("#search-query").press_sequentially("hospitals")
    wait_for_count(page, "1 role matches.")
    assert found_titles(page) == ["Data Scientist"], "found by a word of its summary only"
    assert page.locator("#job-listing").is_hidden()
    fetched = index_requests(watched)
    assert served + "search/roles/index.json" in fetched
    # The roles' own index, and nothing of Pagefind's (publish/role_index.py).
    assert all(url.startswith(served + "search/roles/") for url in fetched), fetched

    page.locator("#search-query").fill("models")
    wait_for_count(page, "56 roles match.")
    page.locator("#search-facets").get_by_label("Remote").check()
    wait_for_count(page, "2 roles match.")
    assert sorted(found_titles(page)) == ["Remote Health Modeller", "Remote Payments ML Engineer"]
    assert "workplace=Remote" in page.url and "q=models" in page.url
    page.locator("#search-sort").select_option("posted")
    wait_for_count(page, "2 roles match.")
    page.locator("#search-list li h3").first.filter(
        has_text="Remote Payments ML Engineer").wait_for()
    assert found_titles(page) == ["Remote Payments ML Engineer", "Remote Health Modeller"]

    page.locator("#search-query").fill("")
    page.locator("#search-facets").get_by_label("Remote").uncheck()
    page.locator("#search-sort").select_option("")
    page.locator("#job-listing").wait_for(state="visible")
    assert page.evaluate("window.__violations") == []
    assert watched.errors == [] and watched.outside() == [] and watched.dialogs == []
    context.close()


def test_a_shared_address_opens_the_same_search(browser: Any, served: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + "jobs/?q=analyst&type=Full+time&sort=posted")
    wait_for_count(page, "52 roles match.")
    assert page.locator("#search-query").input_value() == "analyst"
    assert page.locator("#search-facets").get_by_label("Full time").is_checked()
    assert len(found_titles(page)) == 10 and page.locator("#search-more").is_visible()
    page.locator("#search-more").click()
    page.locator("#search-list li").nth(19).wait_for()
    context.close()


def test_the_search_page_finds_cities_and_employers_too(browser: Any, served: str) -> None:
    """Pagefind, under the search page's policy, which lets it compile its WebAssembly."""
    context, watched = watched_page(browser, served)
    page = watched.page
    page.goto(served + "search/")
    page.locator("#search").wait_for(state="visible")
    assert index_requests(watched) == [], "nothing of the index before the reader types"
    page.locator("#search-query").press_sequentially("leeds")
    page.locator("#search-list li").first.wait_for()
    kinds = {text.split(" · ")[0] for text in
             page.locator("#search-list li .job-employer").all_inner_texts()}
    assert {"City", "Employer", "Role"} <= kinds
    # The roles come from their own index, beside Pagefind's: they still count as roles.
    kind = page.locator("#search-facets fieldset").first
    kind.get_by_role("checkbox", name="Role").check()
    wait_for_count(page, "2 results.")
    assert sorted(found_titles(page)) == ["Data Scientist", "Fraud Analyst"]
    kind.get_by_role("checkbox", name="Role").uncheck()
    kind.get_by_role("checkbox", name="City").check()
    wait_for_count(page, "1 result.")
    assert found_titles(page) == ["Leeds"]
    # Only roles have pay: ordered by it, they come first, then the cities and employers.
    kind.get_by_role("checkbox", name="City").uncheck()
    page.locator("#search-sort").select_option("pay")
    page.locator("#search-list li h3").first.filter(has_text="Data Scientist").wait_for()
    titles = found_titles(page)
    assert titles[:2] == ["Data Scientist", "Fraud Analyst"] and "Leeds" in titles[2:], titles
    fetched = index_requests(watched)
    assert any(u.endswith(".pagefind") for u in fetched), "Pagefind's WebAssembly ran"
    # Pagefind's bundle of cities and employers, and the roles' own index beside it.
    assert all(u.startswith((served + "pagefind/guide/", served + "search/roles/"))
               for u in fetched), fetched
    assert served + "search/roles/index.json" in fetched
    assert page.evaluate("window.__violations") == []
    assert watched.errors == [] and watched.outside() == []
    context.close()


def test_pages_that_do_not_search_may_not_run_webassembly(served: str) -> None:
    import urllib.request

    for path, wasm in (("jobs/", False), ("search/", True), ("cities/leeds/", False), ("", False)):
        with urllib.request.urlopen(served + path) as response:  # noqa: S310 - loopback
            policy = response.headers["Content-Security-Policy"]
        assert ("'wasm-unsafe-eval'" in policy) is wasm, path
        assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in policy


def facet_labels(page: Any, legend: str) -> list[str]:
    """The shown values of one facet, as the reader reads them: 'Remote (2)'."""
    fieldset = page.locator("#search-facets fieldset").filter(
        has=page.locator("legend", has_text=legend))
    labels: list[str] = fieldset.locator("label:visible").all_inner_texts()
    return [" ".join(label.split()) for label in labels]


def index_requests(watched: Watched) -> list[str]:
    """What the page fetched of either index: the roles' own, or Pagefind's."""
    return [url for url in watched.requests if "/pagefind/" in url or "/search/roles/" in url]


def test_the_facets_show_at_once_with_the_builds_counts_before_any_fetch(
        browser: Any, served: str) -> None:
    context = browser.new_context()
    watched = Watched(context.new_page(), served)
    page = watched.page
    page.goto(served + "jobs/")
    page.locator("#search-facets").wait_for(state="visible")
    assert page.locator("#search-facets legend").all_inner_texts() == [
        "City", "Sector", "Workplace", "Employment type", "Pay, a year", "Visa sponsorship"]
    assert facet_labels(page, "Workplace") == ["Hybrid (1)", "On site (53)", "Remote (2)"]
    assert facet_labels(page, "Employment type") == [
        "Contract (1)", "Full time (54)", "Not stated (1)"]
    assert facet_labels(page, "Pay, a year") == [
        "£40,000 to £59,999 (1)", "£80,000 to £99,999 (1)", "Not disclosed (54)"]
    page.wait_for_load_state("networkidle")
    assert index_requests(watched) == [], "the controls are the page's: the index waits"

    page.locator("#search-facets").get_by_label("Remote").check()
    wait_for_count(page, "2 roles match.")
    assert index_requests(watched), "the first tick fetches the index"
    assert facet_labels(page, "Workplace") == ["Remote (2)"], "counts from the search"
    assert facet_labels(page, "Employment type") == ["Contract (1)", "Full time (1)"]
    assert watched.errors == [] and watched.outside() == []
    context.close()


def test_without_javascript_the_facets_stay_hidden_and_the_lists_show(
        browser: Any, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "jobs/")
    assert page.locator("#search").is_hidden() and page.locator("#search-facets").is_hidden()
    assert page.locator("nav.job-browse").get_by_role("link", name="Remote").is_visible()
    context.close()


def history_length(page: Any) -> int:
    length: int = page.evaluate("window.history.length")
    return length


def test_back_undoes_a_facet_and_forward_redoes_it(browser: Any, served: str) -> None:
    context, watched = watched_page(browser, served)
    page = watched.page
    page.goto(served + "jobs/")
    start = history_length(page)
    facets = page.locator("#search-facets")
    facets.get_by_label("Remote").check()
    wait_for_count(page, "2 roles match.")
    facets.get_by_label("Healthcare and life sciences").check()
    wait_for_count(page, "1 role matches.")
    assert found_titles(page) == ["Remote Health Modeller"]
    assert history_length(page) == start + 2, "one step per tick"

    page.go_back()
    wait_for_count(page, "2 roles match.")
    assert facets.get_by_label("Remote").is_checked()
    assert not facets.get_by_label("Healthcare and life sciences").is_checked()
    assert page.url == served + "jobs/?workplace=Remote"
    assert sorted(found_titles(page)) == ["Remote Health Modeller", "Remote Payments ML Engineer"]

    page.go_back()
    page.locator("#job-listing").wait_for(state="visible")
    assert page.locator("#search-results").is_hidden()
    assert not facets.get_by_label("Remote").is_checked() and page.url == served + "jobs/"

    page.go_forward()
    wait_for_count(page, "2 roles match.")
    assert facets.get_by_label("Remote").is_checked()
    assert page.evaluate("window.__violations") == []
    assert watched.errors == [] and watched.outside() == []
    context.close()


def test_typed_words_become_one_step_once_typing_pauses(browser: Any, served: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + "jobs/")
    start = history_length(page)
    page.locator("#search-query").press_sequentially("analyst")
    wait_for_count(page, "53 roles match.")
    page.wait_for_url("**/jobs/?q=analyst")
    assert history_length(page) == start + 1, "one step for the word, not one per letter"
    page.locator("#search-facets").get_by_label("Full time").check()
    wait_for_count(page, "52 roles match.")
    page.locator("#search-query").fill("analyst models")
    page.locator("#search-query").press("Enter")
    page.wait_for_url("**/jobs/?q=analyst+models&type=Full+time")
    assert history_length(page) == start + 3, "Enter makes the words a step at once"

    page.go_back()
    wait_for_count(page, "52 roles match.")
    assert page.locator("#search-query").input_value() == "analyst"
    page.go_back()
    wait_for_count(page, "53 roles match.")
    assert not page.locator("#search-facets").get_by_label("Full time").is_checked()
    page.go_back()
    page.locator("#job-listing").wait_for(state="visible")
    assert page.locator("#search-query").input_value() == ""
    context.close()


def test_a_facet_of_many_values_shows_those_with_the_most_records_first() -> None:
    from mlguide.views.facets import facets

    cities = [f"City {n:02d}" for n in range(1, 15)]
    records = [{"city": [name]} for n, name in enumerate(cities, 1) for _ in range(n)]
    (city,) = facets([*records, {"sector": ["Healthcare and life sciences"]}], ["city", "pay"])
    assert city.legend == "City" and len(city.values) == 12
    assert city.values[:2] == (("City 14", 14), ("City 13", 13))
    assert city.values[-1] == ("City 03", 3), "the two smallest wait for a search"


def test_a_typo_still_finds_the_role_and_the_orders_follow_closing_date_and_pay(
        browser: Any, served: str) -> None:
    context, watched = watched_page(browser, served)
    page = watched.page
    page.goto(served + "jobs/")
    page.locator("#search-query").press_sequentially("hospitls")
    wait_for_count(page, "1 role matches.")
    assert found_titles(page) == ["Data Scientist"], "one letter left out of 'hospitals'"
    assert not [u for u in index_requests(watched) if "/orders." in u], \
        "the closing days and pay wait for an order that needs them"

    page.locator("#search-query").fill("")
    page.locator("#search-sort").select_option("closes")
    wait_for_count(page, "56 roles match.")
    # Leeds Bank's closes on 1 December, the Data Scientist's on 31 December; then the roles
    # open until filled, newest first.
    page.locator("#search-list li h3").first.filter(has_text="Fraud Analyst").wait_for()
    assert found_titles(page)[:3] == ["Fraud Analyst", "Data Scientist",
                                      "Remote Payments ML Engineer"]
    page.locator("#search-sort").select_option("pay")
    page.locator("#search-list li h3").first.filter(
        has_text="Remote Payments ML Engineer").wait_for()
    # Up to £85,000; £50,000 to £60,000 (£55,000); then the undisclosed, newest first.
    assert found_titles(page)[:3] == ["Remote Payments ML Engineer", "Data Scientist",
                                      "Fraud Analyst"]
    assert len([u for u in index_requests(watched) if "/orders." in u]) == 1, "fetched once"
    assert page.evaluate("window.__violations") == []
    assert watched.errors == [] and watched.outside() == []
    context.close()


def role_index_files(out: Any) -> set[str]:
    folder = out / "search/roles"
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.json")}


def test_an_edited_title_changes_only_the_pieces_of_the_index_that_hold_it(
        tmp_path: Any) -> None:
    from .test_jobs_listing import LISTING_JOBS
    from .test_jobs_structured_data import job_yaml

    site = make_listing_site(tmp_path)
    assert site.build().returncode == 0
    before = role_index_files(site.out)
    index = json.loads((site.out / "search/roles/index.json").read_text(encoding="utf-8"))
    assert index["roles"] == 56 and len(index["cards"]) == 2, "32 roles a card file"

    # Posted on 1 October, among the oldest: its card is in the second file.
    edited = {**LISTING_JOBS["fintech-analyst-40"], "title": "Fintech Zebra 40"}
    site.write("jobs/fintech-analyst-40.yaml", job_yaml(**edited))
    assert site.build().returncode == 0
    after = role_index_files(site.out)
    stems = lambda names: sorted(n.rsplit(".", 2)[0] for n in names)  # noqa: E731
    # "analyst" lost a role; "zebra" is new; "fintech" and "40" hold the role as before.
    assert stems(before - after) == ["cards/1", "words/an"]
    assert stems(after - before) == ["cards/1", "words/an", "words/ze"]
    argv = site.argv()
    argv[argv.index("--out") + 1] = str(tmp_path / "fresh")
    assert run_cli(argv, site.root).returncode == 0
    assert role_index_files(tmp_path / "fresh") == after, "what a clean build makes"


def test_the_index_splits_words_as_the_reader_types_them() -> None:
    from mlguide.publish.role_index import pair_name, words

    assert words("Café-based NLP, C++ & R: 3D ML_ops") == [
        "cafe", "based", "nlp", "3d", "ml", "ops"]
    assert [pair_name(w) for w in words("Python 3D ærø ñu")] == [
        "py", "3d", "xc3a672", "nu"]
