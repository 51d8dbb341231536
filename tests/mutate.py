"""Mutation-test one engine module with the tests that cover it (mutmut 3).

    .venv/bin/python tests/mutate.py routes              # mutate mlguide/routes.py, run, report
    .venv/bin/python tests/mutate.py routes --report     # the score of what has run, no run
    .venv/bin/python tests/mutate.py routes --show       # the unexplained survivors as diffs
    .venv/bin/python tests/mutate.py routes --sample 150 --seed 14   # a reproducible sample
    .venv/bin/python tests/mutate.py routes --again      # rerun the survivors (after a new test)
    .venv/bin/python tests/mutate.py routes --fresh      # forget every result, start again

mutmut reads its settings from the pyproject.toml of the folder it runs in, so
each module gets a copy of the project in `.mutation/<module>/` (ignored by
git) whose `[tool.mutmut]` names that one file and its focused tests. A run
there keeps mutmut's results, so running again tries only the mutants not yet
tried (`--again` retries the survivors, `--fresh` everything).

mutmut runs, for each mutant, only the tests that called the mutated function.
A build made once by a module- or session-scoped fixture is called by the first
test that asks for it, so mutmut would credit that one test alone and run only
it; this file is also a pytest plugin (`-p tests.mutate`) that credits every
test using such a fixture with what the fixture's set-up called. Each mutant
gets a time limit of (its tests' measured time + TIME_CONSTANT) x TIME_FACTOR
seconds; one that runs longer counts as timed out (reported on its own).
Survivors explained in tests/mutation-survivors.md count as justified.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
JUSTIFIED = ROOT / "tests" / "mutation-survivors.md"
COPIED = ("mlguide", "tests", "templates", "static", "content", "schema", "bench")
TIME_FACTOR, TIME_CONSTANT = 8, 10  # seconds; generous: the machine is shared and loaded
WORKERS = 2  # mutants run at once (the machine has two cores)
# The in-process tests of the long lists' pages (that file also runs Chromium and Java).
PAGED_LISTS = [f"tests/test_paged_lists.py::test_{name}" for name in (
    "the_home_page_shows_the_first_cities_and_links_on_to_them_all",
    "the_cities_list_holds_every_city_once_in_the_guides_order",
    "the_comparison_goes_on_a_page_of_cities_at_a_time",
    "each_order_of_the_figures_goes_on_over_pages_in_that_order",
    "the_a_to_z_goes_on_over_pages_with_no_entry_lost_or_repeated",
    "every_new_page_is_in_the_sitemap_with_its_own_title")]
# Each module and the in-process tests that exercise it (no browser, server or Node tool).
FOCUS: dict[str, tuple[str, list[str]]] = {
    "validate": ("mlguide/validate.py", [
        "tests/test_content_errors.py", "tests/test_build.py", "tests/test_city_trust.py",
        "tests/test_jobs_uk_facts.py", "tests/test_hostile_values.py", "tests/test_links.py",
        "tests/test_city_figures.py::test_check_warns_about_an_old_figure_and_still_passes",
        "tests/test_city_figures.py::test_check_is_quiet_about_a_figure_within_the_age_and_"
        "warns_about_one_dated_ahead",
        "tests/test_hostile_limits.py::test_a_page_named_like_a_section_is_found_by_check",
        "tests/test_jobs_listing.py::test_job_ids_may_not_take_the_lists_urls"]),
    "load": ("mlguide/load.py", ["tests/test_content_errors.py", "tests/test_build.py"]),
    "routes": ("mlguide/routes.py", ["tests/test_build.py", "tests/test_jobs_listing.py",
                                     "tests/test_jobs_feeds.py", "tests/test_jobs_closed.py",
                                     "tests/test_serve_incremental.py", "tests/test_golden.py",
                                     "tests/test_links.py", *PAGED_LISTS]),
    "write": ("mlguide/write.py", ["tests/test_build.py", "tests/test_publish_diff.py",
                                   "tests/test_publish_compress.py", "tests/test_engine_state.py",
                                   "tests/test_serve_incremental.py",
                                   "tests/test_hostile_faults.py", "tests/test_golden.py"]),
    "feeds": ("mlguide/feeds.py", ["tests/test_jobs_feeds.py", "tests/test_hostile_values.py",
                                   "tests/test_golden.py", "tests/test_jobs_uk_facts.py"]),
    "jobposting": ("mlguide/views/jobposting.py", ["tests/test_jobs_structured_data.py",
                                                   "tests/test_hostile_values.py"]),
    "signature": ("mlguide/signature.py", ["tests/test_engine_noop.py",
                                           "tests/test_engine_incremental.py",
                                           "tests/test_engine_state.py", "tests/test_build.py"]),
    "graph": ("mlguide/graph.py", ["tests/test_engine_incremental.py",
                                   "tests/test_serve_incremental.py", "tests/test_build.py",
                                   "tests/test_engine_state.py", "tests/test_engine_noop.py",
                                   "tests/test_jobs_listing.py::test_lists_are_reused_unless_"
                                   "their_jobs_change"]),
}
# Tests that fail under mutmut whatever the mutant: each builds in a process of its own (a
# preview server, `python build.py`), whose build stops with mutmut's "Could not figure out
# where the code to mutate is" while mutmut finds out which tests call what; that failure
# stops the run of every module that lists the file. Their in-process twins stay.
DESELECTED = [
    "--deselect", "tests/test_serve_incremental.py::test_the_preview_server_makes_the_index_"
    "in_the_build_after_a_save",
    "--deselect", "tests/test_serve_incremental.py::test_a_page_that_never_comes_back_holds_"
    "the_index_two_seconds_at_most",
    "--deselect", "tests/test_content_errors.py::test_the_command_line_prints_every_problem_"
    "and_exits_1_as_a_process",
    # No-ops in a process of their own: under mutmut the mutated engine's files are the
    # toolchain's, so the process builds instead (and imports the whole stack).
    "--deselect", "tests/test_engine_noop.py::test_a_no_op_build_loads_nothing_but_the_"
    "signature_check",
    "--deselect", "tests/test_engine_noop.py::test_in_a_git_working_copy_a_no_op_asks_git_"
    "again_only_when_its_index_changed",
    "--deselect", "tests/test_engine_noop.py::test_a_git_index_changed_just_before_the_build_"
    "is_asked_about_every_time",
    # It builds as another user (no permission on the output), so in a process of its own.
    "--deselect", "tests/test_hostile_faults.py::test_permission_denied_on_the_output_and_on_"
    "content"]
# What mutmut's exit codes for a mutant mean (mutmut's stats.status_by_exit_code).
KILLED = {1, 3}  # a test failed
TIMED_OUT = {36, -24, 24, 152, 255}  # the tests ran past the time limit
UNREACHED = {5, 33}  # no focused test calls the function
SURVIVED = {0}  # every test that calls it passed
NOT_RUN = {None, 2, 34}  # not checked yet, interrupted, skipped


# --- the pytest plugin: credit every test with its shared fixtures' calls ---------------

_MADE_BY: dict[int, set[str]] = {}  # id(FixtureDef) -> mutated functions its set-up called


def _hits() -> set[str] | None:
    """mutmut's set of functions called since the last test ended, while it collects stats."""
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return None
    from mutmut.state import state  # only present when mutmut runs the tests

    hits: set[str] = state()._stats
    return hits


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None, None, None]:
    """Note what a fixture's set-up calls, keeping it in the current test's hits too."""
    hits = _hits()
    if hits is None:
        yield
        return
    before = set(hits)
    hits.clear()
    yield
    if fixturedef.scope != "function":
        _MADE_BY.setdefault(id(fixturedef), set()).update(hits)
    hits.update(before)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> None:
    """Before mutmut reads this test's hits: add those of the shared fixtures it used."""
    hits = _hits()
    if hits is None:
        return
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        for fixturedef in definitions:
            hits.update(_MADE_BY.get(id(fixturedef), ()))


# --- the driver -------------------------------------------------------------------------

def workspace(module: str) -> Path:
    """The module's copy of the project, brought up to date, with its own [tool.mutmut]."""
    target, tests = FOCUS[module]
    folder = ROOT / ".mutation" / module
    folder.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.rmtree(folder / name, ignore_errors=True)
        shutil.copytree(ROOT / name, folder / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "build.py", folder / "build.py")
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = project.split("\n[tool.mutmut]")[0].rstrip() + "\n"
    selection = ", ".join(json.dumps(t) for t in tests)
    project += (
        "\n[tool.mutmut]\n"
        'source_paths = ["mlguide"]\n'
        f"only_mutate = [{json.dumps(target)}]\n"
        'also_copy = ["build.py", "templates", "static", "content", "schema", "bench"]\n'
        'pytest_add_cli_args = ["-n", "0", "-p", "no:cacheprovider", "-p", "tests.mutate", '
        f'{", ".join(json.dumps(a) for a in DESELECTED)}]\n'
        f"pytest_add_cli_args_test_selection = [{selection}]\n"
        f"timeout_multiplier = {TIME_FACTOR}\n"
        f"timeout_constant = {TIME_CONSTANT}\n"
        "use_git_change_detection = false\n"
    )
    (folder / "pyproject.toml").write_text(project, encoding="utf-8")
    _refresh_unmutated(folder, target)
    return folder


def _refresh_unmutated(folder: Path, target: str) -> None:
    """Bring mutmut's copy of the project (mutants/) up to date with the work tree.

    mutmut copies a source file into mutants/ only when no copy is there yet, and
    copies its other folders over the old ones, so after a rebase its copy would
    keep old modules and files since deleted (a stale golden tree fails every test).
    """
    mutants = folder / "mutants"
    if not mutants.is_dir():
        return
    for name in COPIED:
        for old in sorted((mutants / name).rglob("*"), reverse=True):
            relative = old.relative_to(mutants)
            if "__pycache__" in relative.parts or old.suffix in (".meta", ".spans") or \
                    (folder / relative).exists():
                continue
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink()
    for path in (folder / "mlguide").rglob("*"):
        relative = path.relative_to(folder)
        copy = mutants / relative
        if path.is_file() and relative.as_posix() != target and "__pycache__" not in \
                relative.parts and (not copy.is_file() or copy.read_bytes() != path.read_bytes()):
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)


def generate(folder: Path, target: str) -> dict[str, int | None]:
    """Write the module's mutants (if its source changed) and return mutmut's results so far."""
    subprocess.run([sys.executable, "-c",
                    "import sys; from mutmut.__main__ import create_file_mutants as make; "
                    "r = make(__import__('pathlib').Path(sys.argv[1])); "
                    "sys.exit(1 if r.error else 0)", target],
                   cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return results(folder, target)


def results(folder: Path, target: str) -> dict[str, int | None]:
    """Each mutant's exit code as mutmut recorded it (None: not run)."""
    meta = folder / "mutants" / f"{target}.meta"
    codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return codes


def justified(module: str) -> set[str]:
    """The survivors that tests/mutation-survivors.md explains (by mutmut's mutant name)."""
    if not JUSTIFIED.is_file():
        return set()
    names = set()
    for line in JUSTIFIED.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] == module:
            names.add(cells[2])
    return names


def report(module: str, target: str, codes: dict[str, int | None],
           chosen: set[str] | None) -> list[str]:
    """Print the score and return the survivors that nothing explains."""
    if chosen is not None:
        codes = {name: code for name, code in codes.items() if name in chosen}
    explained = justified(module)
    tried = {name: code for name, code in codes.items() if code not in NOT_RUN}
    def count(kind: set[int | None]) -> list[str]:
        return sorted(name for name, code in tried.items() if code in kind)
    killed, timed_out = count(KILLED), count(TIMED_OUT)
    survived = count(SURVIVED) + count(UNREACHED)
    unknown = sorted(set(tried) - set(killed) - set(timed_out) - set(survived))
    excused = [name for name in survived if name in explained]
    left = [name for name in survived if name not in explained] + unknown
    for name in left:
        kind = "unreached" if tried[name] in UNREACHED else f"survived (exit {tried[name]})"
        print(f"{kind}: {name}")
    raw = 100 * (len(killed) + len(timed_out)) / len(tried) if tried else 0.0
    fair = 100 * (len(killed) + len(timed_out) + len(excused)) / len(tried) if tried else 0.0
    print(f"{target}: {len(codes)} mutants{' in the sample' if chosen is not None else ''}, "
          f"{len(tried)} tried: {len(killed)} killed, {len(timed_out)} timed out, "
          f"{len(excused)} survived and justified, {len(left)} survived unexplained; "
          f"{raw:.1f} % killed, {fair:.1f} % killed or justified")
    return left


def option(argv: list[str], name: str, default: int) -> int:
    """The integer after `name` in argv, or the default."""
    return int(argv[argv.index(name) + 1]) if name in argv else default


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in FOCUS:
        print(__doc__, f"modules: {', '.join(FOCUS)}", sep="\n", file=sys.stderr)
        return 2
    module, target = argv[0], FOCUS[argv[0]][0]
    if not (ROOT / target).is_file():
        print(f"{target} does not exist (yet)", file=sys.stderr)
        return 2
    run = "--report" not in argv and "--show" not in argv
    folder = ROOT / ".mutation" / module
    if run or not (folder / "mutants" / f"{target}.meta").is_file():
        # Copying the project and writing the mutants again while a run of this module
        # goes on would change the code under it: --report and --show only read results.
        folder = workspace(module)
        if "--fresh" in argv:
            shutil.rmtree(folder / "mutants", ignore_errors=True)
        codes = generate(folder, target)
    else:
        codes = results(folder, target)
    chosen = None
    if "--sample" in argv:
        names = sorted(codes)
        size = min(option(argv, "--sample", len(names)), len(names))
        chosen = set(random.Random(option(argv, "--seed", 14)).sample(names, size))
    retry = SURVIVED | UNREACHED | TIMED_OUT if "--again" in argv else set()
    names_to_run = sorted(name for name, code in codes.items()
                          if (chosen is None or name in chosen)
                          and (code in retry or (chosen is not None and code in NOT_RUN)))
    if run and (names_to_run or ("--again" not in argv and chosen is None)):
        log = folder / "mutmut.log"  # mutmut's progress, kept out of the report
        print(f"running {len(names_to_run) or 'the untried'} mutants; progress in {log}",
              flush=True)
        with log.open("w", encoding="utf-8") as stream:
            subprocess.run([str(MUTMUT), "run", "--max-children", str(WORKERS), *names_to_run],
                           cwd=folder, check=False, stdout=stream, stderr=subprocess.STDOUT)
    left = report(module, target, results(folder, target), chosen)
    if "--show" in argv:
        for name in left:
            subprocess.run([str(MUTMUT), "show", name], cwd=folder, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
