"""The `_headers` file: every published file gets the right cache and security headers,
and the Content-Security-Policy it sets is enforced in Chromium without blocking anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .browser import static_server
from .cdn import HeaderRule, headers_for, matching_rules, parse_headers_file
from .conftest import SiteDir
from .pages import parse, reader_pages

YEAR_IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_REVALIDATE = "public, max-age=300, must-revalidate"
# The whole policy, as the site means it: nothing but its own scripts, styles, images and
# fetches; no plugins, frames, forms to elsewhere or <base> tricks.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
          "frame-ancestors 'none'")
SECURITY = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors where no rule sets a policy: see the 404
}


# Where Pagefind runs (the search page, and Pagefind's worker), the policy also lets the
# browser compile WebAssembly, and nothing more: 'wasm-unsafe-eval' allows no eval of
# JavaScript. The jobs page's search reads plain JSON (publish/role_index.py): no wasm.
SEARCH_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
SEARCHING = ("search/", "pagefind/")
# The browser editor's own policy (mlguide/editor/cms.py): inline styles and eval for Decap
# CMS, GitHub and decap-server on this machine; never indexed.
ADMIN_POLICY = ("default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' "
                "'unsafe-inline'; img-src 'self' data: blob: https:; font-src 'self' data:; "
                "connect-src 'self' http://127.0.0.1:* http://localhost:* https://api.github.com "
                "https://*.netlify.com https://*.netlify.app; frame-src 'self' blob:; worker-src "
                "'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def expected_headers(file: str) -> dict[str, str]:
    """Every header a CDN must send with `file`, in full."""
    cache = YEAR_IMMUTABLE if file.startswith("assets/") else SHORT_REVALIDATE
    if file.startswith("admin/"):
        return {**SECURITY, "Content-Security-Policy": ADMIN_POLICY,
                "X-Robots-Tag": "noindex, nofollow", "Cache-Control": cache}
    policy = SEARCH_POLICY if file.startswith(SEARCHING) else POLICY
    return {**SECURITY, "Content-Security-Policy": policy, "Cache-Control": cache}
NOT_SERVED = {"_headers", "_redirects", ".mlguide-manifest.json"}  # read by the CDN, `diff`


def published_files(out: Path) -> list[str]:
    """Every output file a CDN serves, relative to the output folder."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and p.relative_to(out).as_posix() not in NOT_SERVED)


def request_paths(base_path: str, file: str) -> list[str]:
    """The URL paths that serve `file`: 'cities/leeds/index.html' is also '/cities/leeds/'."""
    paths = [base_path + file]
    if file == "index.html" or file.endswith("/index.html"):
        paths.append(base_path + file.removesuffix("index.html"))
    return paths


def csp_directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


def check_rules(out: Path, base_path: str) -> list[HeaderRule]:
    """Each rule matches some file; each file's headers come one per name, and are right."""
    rules = parse_headers_file((out / "_headers").read_text(encoding="utf-8"))
    assert len(rules) <= 100, "Cloudflare Pages reads at most 100 rules"
    files = [f for f in published_files(out) if not f.endswith((".gz", ".br"))]
    every_path = [path for file in files for path in request_paths(base_path, file)]
    for rule in rules:
        assert rule.pattern.startswith(base_path), f"{rule.pattern} is outside {base_path}"
        assert any(rule.matches(path) for path in every_path), f"{rule.pattern} matches no file"
    for file in files:
        for path in request_paths(base_path, file):
            assert headers_for(rules, path) == expected_headers(file), path
    return rules


def test_headers_file_gives_every_file_its_cache_and_security_headers_under_a_sub_path(
        site: SiteDir) -> None:
    result = site.build("--base-url", "https://example.org/guide/", "--compress")
    assert result.returncode == 0, result.stderr
    rules = check_rules(site.out, "/guide/")
    assert [r.pattern for r in rules][:3] == ["/guide/*", "/guide/assets/*", "/guide/"]
    assets = matching_rules(rules, "/guide/assets/style.css")
    assert [dict(r.headers)["Cache-Control"] for r in assets[1:]] == [YEAR_IMMUTABLE]
    feed_rules = matching_rules(rules, "/guide/jobs/feed.xml")
    assert {r.pattern for r in feed_rules} == {"/guide/*", "/guide/jobs/*"}, "feeds revalidate"
    assert not matching_rules(rules, "/elsewhere/index.html"), "nothing outside the site"


def test_headers_file_at_the_domain_root_names_root_paths(built: SiteDir) -> None:
    rules = check_rules(built.out, "/")
    assert rules[0].pattern == "/*" and rules[1].pattern == "/assets/*"


def test_the_real_sites_headers_cover_every_file_it_publishes(real_output: Path) -> None:
    check_rules(real_output, "/")


def test_the_policy_allows_only_the_sites_own_scripts_styles_and_images(built: SiteDir) -> None:
    rules = parse_headers_file((built.out / "_headers").read_text(encoding="utf-8"))
    csp = csp_directives(headers_for(rules, "/")["Content-Security-Policy"])
    assert csp == {
        "default-src": ["'none'"], "script-src": ["'self'"], "style-src": ["'self'"],
        "img-src": ["'self'", "data:"], "connect-src": ["'self'"], "manifest-src": ["'self'"],
        "base-uri": ["'none'"], "form-action": ["'self'"], "frame-ancestors": ["'none'"],
    }


def test_pages_carry_no_inline_script_or_style_the_policy_would_block(real_output: Path) -> None:
    for page in reader_pages(real_output):
        doc = parse(page)
        where = page.relative_to(real_output)
        assert not doc.xpath("//script[not(@src)][not(@type='application/ld+json')]"), where
        assert not doc.xpath("//style | //*[@style]"), where
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), where


@pytest.fixture(scope="module")
def cdn_base(real_output: Path) -> Any:
    """The real site served with its `_headers` applied, as Netlify or Cloudflare would."""
    rules = parse_headers_file((real_output / "_headers").read_text(encoding="utf-8"))
    with static_server(real_output, headers=lambda path: headers_for(rules, path)) as base:
        yield base


WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
"""
STYLED = """() => [...document.styleSheets].length > 0
    && [...document.styleSheets].every(sheet => sheet.cssRules.length > 0)"""


# Every reader page is opened under its policy, sent as above, in test_quality_browser.py:
# its one visit per page checks the policy header, the stylesheet, that nothing is refused
# (WATCH_VIOLATIONS), and no console error, warning or failed request, with axe's runs.


def test_the_policy_is_enforced_so_a_console_error_would_show_a_block(cdn_base: str,
                                                                       browser: Any) -> None:
    """The control: an inline script and an inline style are refused, and say so."""
    context = browser.new_context()
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(cdn_base)
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__ran = true';
        document.body.append(script);
        document.body.setAttribute('style', 'display: none');
    }""")
    page.wait_for_function("window.__violations.length >= 2")
    assert page.evaluate("window.__ran") is None
    assert page.locator("h1").first.is_visible(), "the inline style was refused"
    directives = page.evaluate("window.__violations")
    assert any(v.startswith("script-src") for v in directives)
    assert any(v.startswith("style-src") for v in directives)
    assert any("Content Security Policy" in e for e in errors)
    context.close()


# What a <meta> policy can carry of the reader pages' policy: all but frame-ancestors.
META_POLICY = POLICY.removesuffix("; frame-ancestors 'none'")


def test_an_unknown_address_gets_the_404_page_with_the_reader_pages_policy(
        real_output: Path, cdn_base: str, browser: Any) -> None:
    """No `_headers` rule with a policy matches an unknown address: the page carries its own."""
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(cdn_base + "no/such/page/")  # noqa: S310 - loopback
    assert refused.value.code == 404
    sent = refused.value.headers
    assert sent["Content-Security-Policy"] is None, "as a CDN sends it: no rule's policy"
    assert sent["X-Frame-Options"] == "DENY", "framing refused all the same"
    doc = parse(real_output / "404.html")
    head = doc.xpath("//head/*")
    assert [e.get("charset") for e in head[:1]] == ["utf-8"]
    assert head[1].get("http-equiv") == "Content-Security-Policy", "before anything it governs"
    assert head[1].get("content") == META_POLICY

    context = browser.new_context()
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []
    unknown = cdn_base + "no/such/page/"
    # The page's own 404 status is logged as a failed load: anything else is a problem.
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") and m.location.get("url") != unknown else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}")
            if r.status >= 400 and r.url != unknown else None)
    response = page.goto(unknown)
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.evaluate(STYLED), "the stylesheet applies"
    assert page.evaluate("window.__violations") == [] and problems == [], problems
    # The control: the page's own policy refuses an inline script.
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__ran = true';
        document.body.append(script);
    }""")
    page.wait_for_function("window.__violations.length >= 1")
    assert page.evaluate("window.__ran") is None
    assert [v.split()[0] for v in page.evaluate("window.__violations")] == ["script-src-elem"]
    context.close()
