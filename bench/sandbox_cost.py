#!/usr/bin/env python3
"""What Jinja's sandbox would cost: every page rendered by the build's environment, then by a
SandboxedEnvironment with the same loader, options, globals and filters.

    python3 bench/make_site.py /tmp/big --cities 1000 --jobs 10000
    .venv/bin/python bench/sandbox_cost.py /tmp/big [--runs 1]

Markdown is rendered once beforehand (both environments show the same HTML) and
feeds are left out (Python writes them, not Jinja), so the figures are template
time alone, on one core. Prints the pages rendered and the seconds for each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jinja2.sandbox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlguide.pipeline import BuildCache, Settings, prepare  # noqa: E402
from mlguide.render import TrackingEnvironment, prepare_markdown  # noqa: E402


class SandboxedTracking(jinja2.sandbox.SandboxedEnvironment, TrackingEnvironment):
    """The build's environment, with Jinja's sandbox checking every attribute and call."""


def sandboxed(env: TrackingEnvironment) -> TrackingEnvironment:
    """A sandboxed environment set up as `env` is."""
    sandbox = SandboxedTracking(
        loader=env.loader, autoescape=env.autoescape, undefined=env.undefined,
        trim_blocks=env.trim_blocks, lstrip_blocks=env.lstrip_blocks,
        keep_trailing_newline=env.keep_trailing_newline)
    sandbox.globals.update(env.globals)
    sandbox.filters.update(env.filters)
    sandbox.global_facts = dict(env.global_facts)
    return sandbox


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(content=args.content, templates=ROOT / "templates",
                            static=ROOT / "static", out=Path(scratch) / "out",
                            today=dt.date(2026, 11, 25), base_url="https://bench.example/",
                            workers=2)
        cache = BuildCache()
        ready = prepare(settings, cache)
        routes = [r for r in ready.routes if not r.producer]
        prepare_markdown(cache.markdown, [t for r in routes for t in r.markdown], 2)
        renderer = ready.renderer
        plain = renderer.env
        results = {}
        for name, env in (("Environment", plain), ("SandboxedEnvironment", sandboxed(plain))):
            renderer.env = env
            for template in env.list_templates():  # compiled before the clock starts, as in a build
                env.get_template(template)
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                for route in routes:
                    renderer.render(route)
                times.append(time.perf_counter() - started)
            results[name] = statistics.median(times)
            print(f"{name}: {len(routes)} pages in {results[name]:.2f} s", flush=True)
    ratio = results["SandboxedEnvironment"] / results["Environment"]
    print(f"sandbox / plain: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
