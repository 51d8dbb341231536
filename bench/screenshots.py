#!/usr/bin/env python3
"""Screenshot the guide at phone and desktop width, in light and dark, for a person to look at.

Usage: screenshots.py OUT_DIR [--page NAME=URL ...] [--only NAME ...] [--print]

Builds the repository's content into a temporary folder, serves it on
127.0.0.1 and, with the machine's Chromium (/usr/bin/chromium, through
Playwright), writes full-page PNGs named NAME-WIDTH-SCHEME.png into OUT_DIR:
one page of every kind (home, a city, a city with no open roles, a sector, a
job, the jobs list, a city's jobs list, compare, employers, a prose page and
the 404 page; add more with --page NAME=URL), each at 360 and 1280 px wide,
light and dark. --only NAME keeps to the pages named. --print also saves the
city page as the print stylesheet lays it out (city-print.pdf).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sitekit import CHROMIUM, PAGES, build_site, free_port, serve

# Every kind of page the guide has, beyond the benchmarks' four.
EVERY_KIND = {
    **PAGES,
    "city-empty": "cities/sheffield/",
    "sector": "sectors/fintech/",
    "city-jobs": "jobs/cities/london/",
    "compare": "compare/",
    "employers": "employers/",
    "prose": "career-advice/",
    "404": "404.html",
}
WIDTHS = (360, 1280)
SCHEMES = ("light", "dark")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="another page to capture, by its site-relative URL",
    )
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="capture only this page (repeatable)")
    parser.add_argument("--print", action="store_true", help="also save the city page as PDF")
    options = parser.parse_args()
    pages = dict(EVERY_KIND)
    pages.update(item.split("=", 1) for item in options.page)
    if options.only:
        pages = {name: url for name, url in pages.items() if name in options.only}
    options.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as temp:
        site = Path(temp) / "site"
        build_site(site, f"http://127.0.0.1:{port}/")
        with serve(site, port) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for width in WIDTHS:
                for scheme in SCHEMES:
                    page = browser.new_page(
                        viewport={"width": width, "height": 800}, color_scheme=scheme
                    )  # type: ignore[arg-type]
                    for name, url in pages.items():
                        page.goto(base + url, wait_until="load")
                        path = options.out / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(path), full_page=True)
                        print(path)
                    page.close()
            if options.print:
                page = browser.new_page()
                page.goto(base + EVERY_KIND["city"], wait_until="load")
                path = options.out / "city-print.pdf"
                page.pdf(path=str(path), format="A4")
                print(path)
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
