#!/usr/bin/env python3
"""Where a cold build's time goes: one build in this process, under cProfile, on one core.

Usage: profile_build.py CONTENT_DIR [--top 25] [--today 2026-11-25] [--edit job|city] [--cpu]
                        [--wall]

Builds CONTENT_DIR from nothing into a temporary folder (no kept state), with
one worker so that every stage runs in the profiled process, and prints the
seconds spent in each stage of the pipeline, then the functions with the most
time of their own. With `--edit`, the cold build runs unprofiled on a copy of
the content, then one job's title (or one city's summary) is rewritten and the
rebuild after it, in a fresh BuildCache as a new process would have, is the one
profiled. `--cpu` times the profile in CPU seconds of this process rather than wall
seconds, so that a machine busy with other work does not inflate every stage (each
call then costs a system call more, so the total runs longer). `--wall` runs no
profiler: each stage is timed by the clock, with the build's usual workers, since a
profiler's cost per call makes the stages that call many small functions (keying the
routes) look several times dearer than they are. Before the cold build the copied
content is dated ten seconds back, as an editor's files are older than the last build:
files written just before a build are "racy" to it and would all be read again.
Standard library and the project only.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The pipeline's stages, by the function that does each (module path, function name).
STAGES = [
    ("load", "load.py", "load_sources"),
    ("validate", "validate.py", "check_content"),
    ("site facts and routes", "routes.py", "site_map"),
    ("templates compiled", "render.py", "compile_templates"),
    ("kept state read", "store.py", "load_state"),
    ("keys and plan", "render.py", "plan_outputs"),
    ("markdown", "render.py", "prepare_markdown"),
    ("render and write", "render.py", "execute_plan"),
    ("trees opened and checked", "write.py", "open_staging_tree"),
    ("live tree trusted", "write.py", "trusted"),
    ("search records", "search.py", "search_records"),
    ("roles' own index", "role_index.py", "index_files"),
    ("search index (started)", "search.py", "__init__"),
    ("search index (waited for)", "search.py", "finish"),
    ("kept state saved", "store.py", "save_state"),
]


def edit(content: Path, kind: str, today: str) -> str:
    """Rewrite one open job's title or one city's summary in place; what was edited."""
    folder = content / ("jobs" if kind == "job" else "cities")
    field = "title:" if kind == "job" else "summary:"
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        closes = [line[len("closes: "):].strip() for line in text.splitlines()
                  if line.startswith("closes: ")]
        if kind == "job" and closes and closes[0] < today:
            continue  # a closed role's title shows nowhere
        lines = text.splitlines(keepends=True)
        for n, line in enumerate(lines):
            if line.startswith(field):
                lines[n] = f"{field} Edited for profiling\n"
                path.write_text("".join(lines), encoding="utf-8")
                return str(path)
    raise SystemExit(f"no {field} line to edit under {folder}")


def clocked_stages() -> dict[str, float]:
    """Wrap each stage's function where the pipeline calls it; the seconds each took."""
    from mlguide import pipeline
    from mlguide.publish import role_index, search

    spent: dict[str, float] = {}

    def clocked(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started
        return timed

    modules = {"search.py": search, "role_index.py": role_index}
    for label, module, name in STAGES:
        # Where the pipeline looks the function up: its own namespace (it imports most
        # stages by name), a module it calls through, or the search step's class.
        owner = search.Indexing if name in ("__init__", "finish") else \
            pipeline if hasattr(pipeline, name) else modules[module]
        setattr(owner, name, clocked(label, getattr(owner, name)))
    return spent


def date_back(folder: Path, seconds: float) -> None:
    """Give every file under `folder` a modification time `seconds` ago."""
    when = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (when, when))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--today", default="2026-11-25")
    parser.add_argument("--edit", choices=("job", "city"))
    parser.add_argument("--cpu", action="store_true", help="time in CPU seconds, not wall")
    parser.add_argument("--wall", action="store_true",
                        help="no profiler: each stage by the clock, with the usual workers")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    from mlguide.pipeline import BuildCache, Settings, build

    imported = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as work:
        content = args.content
        if args.edit:
            import shutil

            content = Path(work) / "content"
            shutil.copytree(args.content, content)
            date_back(content, 10)
        settings = Settings(content=content, templates=ROOT / "templates",
                            static=ROOT / "static", out=Path(work) / "out",
                            today=dt.date.fromisoformat(args.today),
                            base_url="https://bench.example/",
                            **({} if args.wall else {"workers": 1}))
        if args.edit:
            build(settings, BuildCache())
            print(f"edited {edit(content, args.edit, args.today)}")
        if args.wall:
            spent = clocked_stages()
            started = time.perf_counter()
            report = build(settings, BuildCache())
            total = time.perf_counter() - started
            print(f"imports {imported:.2f}s; {report.summary()}")
            for label, _, _ in STAGES:
                print(f"  {label:<26} {spent.get(label, 0.0):6.2f}s")
            print(f"  {'the rest':<26} {total - sum(spent.values()):6.2f}s")
            return 0
        profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        profile.enable()
        report = build(settings, BuildCache())
        profile.disable()
    print(f"imports {imported:.2f}s; {report.summary()}")
    stats = pstats.Stats(profile)
    timings = stats.stats  # type: ignore[attr-defined]
    for label, module, function in STAGES:
        seconds = sum(row[3] for (path, _, name), row in timings.items()
                      if path.endswith(module) and name == function)
        print(f"  {label:<24} {seconds:6.2f}s")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
