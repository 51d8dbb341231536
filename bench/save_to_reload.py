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

The same machinery times the preview of the large synthetic site, and of
`hugo server`, in build_vs_hugo.py: start_server, time_saves, stop_server.
"""

from __future__ import annotations

import argparse
import contextlib
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"

EDITS = {  # where each run's new text goes in a city's YAML
    "summary": (re.compile(r"^summary: .*$", re.MULTILINE), "summary: {marker}"),
    "overview": (re.compile(r"^overview: \|\n", re.MULTILINE), "overview: |\n  {marker}\n\n"),
}
BUILT = re.compile(r"\] built \d+ files .* in (\d+\.\d+)s")
MLGUIDE_READY = re.compile(r"Serving the preview at (http://\S+/)")
HUGO_READY = re.compile(r"Web Server is available at http://")

# A function from a run's marker text to the file's new text.
Edit = Callable[[str], str]


def free_port() -> int:
    """A port that was free on loopback a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A preview server started by this script, with what it printed."""

    proc: subprocess.Popen[str]
    url: str = ""
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    startup: float = 0.0  # seconds from start to serving


def start_server(
    cmd: Sequence[str], cwd: Path, ready: re.Pattern[str], url: str | None, timeout: float
) -> Server:
    """Start a preview server; return once a line matches `ready` (its group 1 is the URL).

    Raises RuntimeError with the server's output when it exits or times out first.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    server = Server(proc)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            server.lines.append(line)
            match = ready.search(line)
            if match and not server.ready.is_set():
                server.url = url or match.group(1)
                server.ready.set()
        server.ended.set()
        server.ready.set()  # wake the waiter: the server is gone

    threading.Thread(target=read, daemon=True).start()
    if not server.ready.wait(timeout) or not server.url:
        stop_server(server)
        raise RuntimeError("the server did not start:\n" + "".join(server.lines[-25:]))
    server.startup = time.perf_counter() - t0
    return server


def stop_server(server: Server) -> tuple[int, float]:
    """Stop the server (Ctrl-C, then SIGKILL to its group); return its peak RSS KiB, CPU s."""
    pid = server.proc.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGINT)
    timer = threading.Timer(10, lambda: _kill_group(pid))
    timer.start()
    try:
        _, status, usage = os.wait4(pid, 0)
    finally:
        timer.cancel()
    server.proc.returncode = os.waitstatus_to_exitcode(status)
    _kill_group(pid)  # anything it left behind
    server.ended.wait(5)
    return usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def time_saves(
    url: str, target: Path, edit: Edit, saves: int, pause: float, timeout: float, label: str = "",
    painted: list[float] | None = None,
) -> list[float]:
    """Open `url` in Chromium; per save, seconds from writing `target` to the page showing it.

    The page must be reloaded by the server; this never reloads it. The file is
    restored afterwards (the caller stops the server first if it must not rebuild).
    Playwright sees the text by polling, up to ~100 ms late after a navigation; so
    `painted`, if given, gets per save the seconds to the reloaded page's first
    contentful paint, by the page's own clock (the wall clock both sides share), for
    each save whose page reports one.
    """
    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium  # the suite's Chromium launch (Debian's, never a download)

    original = target.read_text(encoding="utf-8")
    timings: list[float] = []
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(url)
            for run in range(1, saves + 1):
                marker = f"Preview save {run} {time.time_ns()}"
                text = edit(marker)
                if text == original or marker not in text:
                    raise ValueError(f"the edit of {target.name} changed nothing")
                time.sleep(pause)  # let the previous reload settle: each save starts idle
                started, written = time.perf_counter(), time.time() * 1000
                target.write_text(text, encoding="utf-8")
                page.get_by_text(marker).first.wait_for(timeout=timeout * 1000)
                timings.append(time.perf_counter() - started)
                paint = page.evaluate(FIRST_PAINT)
                if painted is not None and paint is not None:
                    painted.append((paint - written) / 1000)
                shown = f", painted at {paint - written:.0f} ms" if paint is not None else ""
                print(f"  {label} save {run}/{saves}: {timings[-1] * 1000:.0f} ms{shown}",
                      flush=True)
            page.close()
    finally:
        target.write_text(original, encoding="utf-8")
    return timings


# The page's first contentful paint as a wall-clock time in ms, or null if it reports none.
FIRST_PAINT = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return paint ? performance.timeOrigin + paint.startTime : null;
}"""


def city_edit(path: Path, field_name: str) -> Edit:
    """An Edit that puts the marker into one field of a city's YAML."""
    original = path.read_text(encoding="utf-8")
    pattern, replacement = EDITS[field_name]
    return lambda marker: pattern.sub(replacement.format(marker=marker), original, count=1)


def mlguide_serve_command(content: Path, out: Path, python: str = sys.executable) -> list[str]:
    """`build.py serve` on a free port of 127.0.0.1, with the repository's templates and static."""
    return [
        python,
        str(ROOT / "build.py"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--content",
        str(content),
        "--templates",
        str(ROOT / "templates"),
        "--static",
        str(ROOT / "static"),
        "--out",
        str(out),
        "--today",
        TODAY,
    ]


def main() -> int:
    """Time saves of one city of the real guide in the preview."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--city", default="leeds")
    parser.add_argument("--field", choices=sorted(EDITS), default="overview")
    parser.add_argument(
        "--pause", type=float, default=0.5, help="seconds of quiet between runs (default 0.5)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mlguide-save-to-reload-") as work:
        root = Path(work)
        shutil.copytree(ROOT / "content", root / "content")
        city = root / "content" / "cities" / f"{args.city}.yaml"
        server = start_server(
            mlguide_serve_command(root / "content", root / "out"),
            root,
            MLGUIDE_READY,
            None,
            timeout=120,
        )
        try:
            first_build = next((line for line in server.lines if BUILT.search(line)), "")
            print(f"seed content: {first_build.strip().split('] ', 1)[-1]}")
            painted: list[float] = []
            timings = time_saves(
                f"{server.url}cities/{args.city}/",
                city,
                city_edit(city, args.field),
                args.runs,
                args.pause,
                15,
                f"{args.city}'s {args.field}",
                painted,
            )
        finally:
            stop_server(server)
        builds = [float(m.group(1)) for line in server.lines[1:] if (m := BUILT.search(line))]
    print(f"edited: the {args.field} of {args.city}")
    report(timings, builds, painted)
    return 0


def report(timings: list[float], builds: list[float], painted: Sequence[float] = ()) -> None:
    """Median, min and max of the runs, and of the server's own rebuild times."""
    ms = [t * 1000 for t in timings]
    print(
        f"save to reloaded page, {len(ms)} runs: median {statistics.median(ms):.0f} ms, "
        f"min {min(ms):.0f} ms, max {max(ms):.0f} ms"
    )
    if painted:
        paints = [t * 1000 for t in painted]
        print(
            f"save to the reloaded page's first paint, {len(paints)} runs: median "
            f"{statistics.median(paints):.0f} ms, min {min(paints):.0f} ms, "
            f"max {max(paints):.0f} ms"
        )
    if builds:
        print(
            f"of which the server's rebuild: median {statistics.median(builds) * 1000:.0f} ms "
            f"({len(builds)} builds)"
        )


if __name__ == "__main__":
    sys.exit(main())
