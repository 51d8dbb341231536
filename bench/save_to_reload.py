#!/usr/bin/env python3
"""Time from saving a content file to the open page showing the change, at seed scale.

Usage: .venv/bin/python bench/save_to_reload.py [--runs 9] [--city leeds]
                                                 [--field overview|summary] [--pause 0.5]

The real content/ and templates/ are copied into a temp folder; `build.py serve`
runs on them on a free loopback port; headless Chromium (/usr/bin/chromium)
opens the city's page once. Each run writes the city's YAML with new text in
--field (the overview, shown on the city's page only; or the summary, which
every city card across the site shows, so most pages are rendered again) and
measures, with time.perf_counter, from just before the write to the moment
the page (reloaded by the preview server, never by this script) shows the new
text: watcher debounce + build + publish + reload message + page load. The
server's own build times are read from its terminal lines. Prints each run,
then median, min and max. Measures; does not judge.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402  (the suite's Chromium launch)

EDITS = {  # where each run's new text goes
    "summary": (re.compile(r"^summary: .*$", re.MULTILINE), "summary: {marker}"),
    "overview": (re.compile(r"^overview: \|\n", re.MULTILINE), "overview: |\n  {marker}\n\n"),
}
BUILT = re.compile(r"\] built \d+ files .* in (\d+\.\d+)s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--city", default="leeds")
    parser.add_argument("--field", choices=sorted(EDITS), default="overview")
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds of quiet between runs (default 0.5)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mlguide-save-to-reload-") as work:
        root = Path(work)
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(ROOT / "templates", root / "templates")
        city = root / "content" / "cities" / f"{args.city}.yaml"
        original = city.read_text(encoding="utf-8")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
             "--content", "content", "--templates", "templates", "--static",
             str(ROOT / "static"), "--out", "out"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        printed: list[str] = []
        assert server.stdout is not None
        stdout = server.stdout

        def read() -> None:
            for line in stdout:
                printed.append(line)

        threading.Thread(target=read, daemon=True).start()
        try:
            deadline = time.monotonic() + 60
            while not any("Serving the preview at" in line for line in printed):
                if server.poll() is not None or time.monotonic() > deadline:
                    print("".join(printed), file=sys.stderr)
                    return 1
                time.sleep(0.05)
            first_build = next(line for line in printed if BUILT.search(line)).strip()
            print(f"seed content: {first_build.split('] ', 1)[1]}")
            timings = measure(port, city, original, args)
        finally:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        builds = [float(m.group(1)) for line in printed[1:] if (m := BUILT.search(line))]
    print(f"edited: the {args.field} of {args.city}")
    report(timings, builds)
    return 0


def measure(port: int, city: Path, original: str, args: argparse.Namespace) -> list[float]:
    """Save, then wait for the open page to show the save; seconds per run."""
    timings = []
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/cities/{args.city}/")
        for run in range(1, args.runs + 1):
            marker = f"Save {run} of the benchmark, {time.time_ns()}."
            pattern, replacement = EDITS[args.field]
            text = pattern.sub(replacement.format(marker=marker), original, count=1)
            assert text != original, f"no {args.field} in {city.name}"
            time.sleep(args.pause)  # let the previous reload settle: each run starts idle
            started = time.perf_counter()
            city.write_text(text, encoding="utf-8")
            page.get_by_text(marker).first.wait_for(timeout=15000)
            timings.append(time.perf_counter() - started)
            print(f"run {run}: {timings[-1] * 1000:.0f} ms")
        page.close()
    return timings


def report(timings: list[float], builds: list[float]) -> None:
    ms = [t * 1000 for t in timings]
    print(f"save to reloaded page, {len(ms)} runs: median {statistics.median(ms):.0f} ms, "
          f"min {min(ms):.0f} ms, max {max(ms):.0f} ms")
    if builds:
        print(f"of which the server's rebuild: median {statistics.median(builds) * 1000:.0f} ms "
              f"({len(builds)} builds)")


if __name__ == "__main__":
    sys.exit(main())
