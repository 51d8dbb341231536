"""HTTP headers for any CDN: the `_headers` file that Netlify and Cloudflare Pages read.

The policy itself (cache lifetimes, Content-Security-Policy) lives in the
template `templates/_headers`; this module decides which paths each rule
names. For a site at https://example.org/guide/:

    /guide/*               security headers, for every path (but the CSP: see below)
    /guide/assets/*        a year, immutable: asset names carry their content's hash
    /guide/, /guide/cities/*, /guide/sitemap.xml, ...
                           a short cache, then revalidate
    and each of the last two sets the Content-Security-Policy of its paths: under
    /guide/search/* and /guide/pagefind/* it also allows WebAssembly for Pagefind
    (publish/search.py), elsewhere not (the jobs page's search is plain JSON and
    script: publish/role_index.py)

The policy's form-action names the site itself and site.yaml's newsletter
endpoint, if there is one (`Newsletter.form_action`: the address without its
query, as Content-Security-Policy sources are written).

No two rules that match one path may set the same header: Cloudflare Pages
joins repeated values with a comma and Netlify keeps one of them, so the
short-cache rules name each top-level file and folder outside assets/ rather
than the whole site. (Cloudflare Pages reads at most 100 rules.)
"""

from __future__ import annotations

from collections.abc import Iterable

from ..routes import REDIRECTS_OUTPUT, Route

HEADERS_OUTPUT = "_headers"
ASSETS_FOLDER = "assets"


def revalidated_patterns(outputs: Iterable[str]) -> tuple[str, ...]:
    """Site-relative patterns covering every output outside assets/, the site root first.

    ['index.html', 'cities/leeds/index.html', 'assets/style.1a2b.css']
        => ('', 'cities/*', 'index.html')
    """
    tops: set[str] = set()
    for path in outputs:
        first, slash, _ = path.partition("/")
        if path in (HEADERS_OUTPUT, REDIRECTS_OUTPUT) or (slash and first == ASSETS_FOLDER):
            continue
        tops.add(f"{first}/*" if slash else first)
    return ("", *sorted(tops))


def headers_route(outputs: Iterable[str], searching: Iterable[str] = ()) -> Route:
    """The `_headers` file as one more output of the build, rendered from its template.

    `searching` names the patterns whose pages run the search (WebAssembly); the
    Content-Security-Policy allows it there only.
    """
    patterns = revalidated_patterns(outputs)
    wasm = tuple(sorted(searching))
    return Route(HEADERS_OUTPUT, HEADERS_OUTPUT, HEADERS_OUTPUT,
                 {"revalidated": patterns, "searching": wasm},
                 in_sitemap=False)
