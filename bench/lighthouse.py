#!/usr/bin/env python3
"""Audit the guide with Lighthouse (mobile) and print the four category scores per page.

Usage: lighthouse.py [--runs 1] [--json-dir DIR] [--strict]

Installs npm's lighthouse@12.2.3 on first use into bench/.cache/lighthouse/ (kept out
of git and out of package.json: it is large and only this script needs it),
builds the repository's content into a temporary folder with its base URL set
to the local server (so canonical links point at the audited origin), serves
it on 127.0.0.1 with the CDN's cache headers, and runs Lighthouse with the
machine's Chromium (/usr/bin/chromium) on the home page, a city page, the jobs
page and a job page, with Lighthouse's default mobile settings (emulated
phone, simulated slow 4G and 4x CPU slowdown). With --runs N each page is
audited N times and the lowest score is shown. Audits that lost points are
listed under the table. The target is 100 everywhere; --strict exits 1 below it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sitekit import CHROMIUM, PAGES, ROOT, build_site, free_port, serve

VERSION = "12.2.3"
CACHE = ROOT / "bench" / ".cache" / "lighthouse"
CLI = CACHE / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
)


def installed_version() -> str | None:
    package = CLI.parent.parent / "package.json"
    if not package.is_file():
        return None
    return str(json.loads(package.read_text(encoding="utf-8"))["version"])


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse into the cache folder unless it is there already."""
    if installed_version() == VERSION:
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"installing lighthouse@{VERSION} into {CACHE.relative_to(ROOT)}/ ...", file=sys.stderr)
    subprocess.run(
        [
            "npm",
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
            str(CACHE),
            f"lighthouse@{VERSION}",
        ],
        check=True,
    )


def audit(url: str, report: Path) -> dict[str, object]:
    """One Lighthouse run on `url`; its JSON report (also saved to `report`)."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            "node",
            str(CLI),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env=env,
        timeout=300,
    )
    result: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
    return result


def scores(result: dict[str, object]) -> dict[str, int]:
    categories = result["categories"]
    assert isinstance(categories, dict)
    return {key: round(100 * (categories[key]["score"] or 0)) for key in CATEGORIES}


def lost_points(result: dict[str, object]) -> list[str]:
    """The audits that counted against a category score, with Lighthouse's title."""
    audits = result["audits"]
    categories = result["categories"]
    assert isinstance(audits, dict) and isinstance(categories, dict)
    lost = []
    for key in CATEGORIES:
        for ref in categories[key]["auditRefs"]:
            item = audits[ref["id"]]
            if ref["weight"] and item["score"] is not None and item["score"] < 1:
                value = f" ({item['displayValue']})" if item.get("displayValue") else ""
                lost.append(f"{key}: {ref['id']}: {item['title']}{value}")
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="audits per page; the lowest counts")
    parser.add_argument("--json-dir", type=Path, help="keep the JSON reports in this folder")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any score is below 100")
    options = parser.parse_args()
    ensure_lighthouse()
    port = free_port()
    rows: dict[str, dict[str, int]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as temp:
        site, reports = Path(temp) / "site", options.json_dir or Path(temp) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        build_site(site, f"http://127.0.0.1:{port}/")
        with serve(site, port) as base:
            for name, url in PAGES.items():
                for run in range(options.runs):
                    result = audit(base + url, reports / f"{name}-{run + 1}.json")
                    got = scores(result)
                    rows[name] = {k: min(v, rows.get(name, got)[k]) for k, v in got.items()}
                    notes += [f"{name}: {line}" for line in lost_points(result)]
    print(f"Lighthouse {VERSION}, mobile, {options.runs} run(s) per page, lowest score shown")
    print(f"{'page':<6} {'url':<38} " + " ".join(f"{c:>14}" for c in CATEGORIES))
    for name, row in rows.items():
        print(f"{name:<6} {'/' + PAGES[name]:<38} " + " ".join(f"{row[c]:>14}" for c in CATEGORIES))
    for line in sorted(set(notes)):
        print("  lost points:", line)
    perfect = all(v == 100 for row in rows.values() for v in row.values())
    return 1 if options.strict and not perfect else 0


if __name__ == "__main__":
    sys.exit(main())
