"""The subscribe form in Chromium: a plain POST to site.yaml's endpoint, nothing fetched before
the reader sends it, consent unticked, a honeypot, and a Content-Security-Policy whose
form-action lets the form post there and nowhere else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlguide.cli import main

from .browser import static_server
from .cdn import headers_for, parse_headers_file
from .conftest import ROOT, TODAY, small_site

ACTION = "https://news.example/subscribe?list=ml"
NEWSLETTER = f"newsletter:\n  action: {ACTION}\n  email_field: EMAIL\n"
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small site with a newsletter, served with its `_headers` as a CDN would."""
    site = small_site(tmp_path_factory.mktemp("subscribe"))
    site.write("site.yaml", (site.content / "site.yaml").read_text() + NEWSLETTER)
    assert main(["build", "--content", str(site.content), "--templates", str(ROOT / "templates"),
                 "--static", str(ROOT / "static"), "--out", str(site.out),
                 "--today", TODAY]) == 0
    rules = parse_headers_file((site.out / "_headers").read_text(encoding="utf-8"))
    with static_server(site.out, headers=lambda path: headers_for(rules, path)) as base:
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.add_init_script(WATCH_VIOLATIONS)
    yield context.new_page()
    context.close()


def test_the_page_loads_nothing_from_the_newsletter_or_anywhere_else(served: str,
                                                                     page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("", "cities/leeds/", "jobs/"):
        page.goto(served + path)
        page.wait_for_load_state("load")
    assert requested and all(url.startswith(served) for url in requested), requested


def test_the_form_posts_the_address_and_consent_to_the_endpoint(served: str, page: Any) -> None:
    posted: list[tuple[str, str, str | None]] = []

    def endpoint(route: Any) -> None:
        # The reader's browser would reach the newsletter's host; here it is answered
        # in the browser, so the test sends nothing beyond loopback.
        request = route.request
        posted.append((request.method, request.url, request.post_data))
        route.fulfill(status=200, content_type="text/html", body="<p>Thanks</p>")

    page.route("https://news.example/**", endpoint)
    response = page.goto(served + "cities/leeds/")
    policy = dict(d.strip().split(" ", 1) for d in
                  response.headers["content-security-policy"].split(";") if d.strip())
    assert policy["form-action"] == "'self' https://news.example/subscribe"
    form = page.locator("form.subscribe-form")
    assert form.get_attribute("action") == ACTION and form.get_attribute("method") == "post"
    consent = page.get_by_label("Yes, email me new roles")
    assert not consent.is_checked(), "consent starts unticked"
    assert not page.locator("input[name=website]").is_visible(), "the honeypot is hidden"
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    assert posted == [], "without consent the form is not sent"
    consent.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Subscribe").click()
    assert posted == [("POST", ACTION, "EMAIL=reader%40example.org&consent=yes&website=")]
    assert page.evaluate("window.__violations") == []


def test_the_policy_stops_the_form_posting_anywhere_else(served: str, page: Any) -> None:
    reached: list[str] = []
    page.route("https://elsewhere.example/**", lambda route: (reached.append(route.request.url),
                                                             route.abort()))
    page.goto(served + "cities/leeds/")
    page.evaluate("document.querySelector('form.subscribe-form').action = "
                  "'https://elsewhere.example/collect'")
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_label("Yes, email me new roles").check()
    # (Chromium reports the block on the console: the page's policy forbids the string
    # evaluation that waiting on a JavaScript condition would need.)
    with page.expect_console_message(lambda message: "form-action" in message.text):
        page.get_by_role("button", name="Subscribe").click(no_wait_after=True)
    assert page.evaluate("window.__violations") == [
        "form-action https://elsewhere.example/collect"]
    assert reached == []
    assert page.url == served + "cities/leeds/"


def test_a_newsletter_must_post_over_https(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """...and to an address that cannot end the Content-Security-Policy's directive early."""
    site = small_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    site.write("site.yaml", (site.content / "site.yaml").read_text()
               + "newsletter:\n  action: http://news.example/subscribe\n  email_field: e mail\n")
    assert main(["check", "--content", str(site.content), "--templates",
                 str(ROOT / "templates"), "--static", str(ROOT / "static"),
                 "--today", TODAY]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/site.yaml:12:11: newsletter.action: expected an https:// address (the form "
        "sends readers' email addresses), got 'http://news.example/subscribe'",
        "content/site.yaml:13:16: newsletter.email_field: expected a form field name like email "
        "(letters, digits, '_', '-'), got 'e mail'",
        "2 errors found; nothing was written.",
    ]
    site.write("site.yaml", (site.content / "site.yaml").read_text()
               .replace("http://news.example/subscribe", "'https://news.example/a b;script-src *'")
               .replace("e mail", "EMAIL"))
    assert main(["check", "--content", str(site.content), "--templates",
                 str(ROOT / "templates"), "--static", str(ROOT / "static"),
                 "--today", TODAY]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/site.yaml:12:11: newsletter.action: the address may not contain spaces, ';', "
        "',' or quotes, got 'https://news.example/a b;script-src *'",
        "1 error found; nothing was written.",
    ]


def test_the_form_meets_wcag_22_aa_in_light_and_dark(served: str, browser: Any) -> None:
    from .test_quality_browser import axe_context, axe_in_both_schemes

    context = axe_context(browser)
    page = context.new_page()
    page.goto(served + "cities/leeds/")
    assert page.locator("form.subscribe-form").is_visible()
    assert axe_in_both_schemes(page) == []
    context.close()
