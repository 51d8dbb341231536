#!/usr/bin/env python3
"""Where a cold build's time goes: one build in this process, under cProfile, on one core.

Usage: profile_build.py CONTENT_DIR [--top 25] [--today 2026-11-25] [--edit job|city] [--cpu]

Builds CONTENT_DIR from nothing into a temporary folder (no kept state), with
one worker so that every stage runs in the profiled process, and prints the
seconds spent in each stage of the pipeline, then the functions with the most
time of their own. With `--edit`, the cold build runs unprofiled on a copy of
the content, then one job's title (or one city's summary) is rewritten and the
rebuild after it, in a fresh BuildCache as a new process would have, is the one
profiled. `--cpu` times the profile in CPU seconds of this process rather than wall
seconds, so that a machine busy with other work does not inflate every stage (each
call then costs a system call more, so the total runs longer). Standard library and
the project only.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--today", default="2026-11-25")
    parser.add_argument("--edit", choices=("job", "city"))
    parser.add_argument("--cpu", action="store_true", help="time in CPU seconds, not wall")
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
        settings = Settings(content=content, templates=ROOT / "templates",
                            static=ROOT / "static", out=Path(work) / "out",
                            today=dt.date.fromisoformat(args.today),
                            base_url="https://bench.example/", workers=1)
        if args.edit:
            build(settings, BuildCache())
            print(f"edited {edit(content, args.edit, args.today)}")
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
