"""Mutation-test one engine module with the tests that cover it (mutmut 3).

    .venv/bin/python tests/mutate.py routes          # mutate mlguide/routes.py, run, report
    .venv/bin/python tests/mutate.py routes --show   # the survivors (by mutmut) as diffs

mutmut reads its settings from the pyproject.toml of the folder it runs in, so
each module gets a copy of the project in `.mutation/<module>/` (ignored by
git) whose `[tool.mutmut]` names that one file and its focused tests. A run
there keeps mutmut's results, so running again after adding a test checks
only what changed. The score counts a mutant killed when a test failed (or
timed out) with it; see tests/README.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
COPIED = ("mlguide", "tests", "templates", "static", "content", "schema", "bench")
# Each module and the in-process tests that exercise it (no browser, server or Node tool).
FOCUS: dict[str, tuple[str, list[str]]] = {
    "validate": ("mlguide/validate.py", ["tests/test_content_errors.py", "tests/test_build.py"]),
    "load": ("mlguide/load.py", ["tests/test_content_errors.py", "tests/test_build.py"]),
    "routes": ("mlguide/routes.py", ["tests/test_build.py", "tests/test_jobs_listing.py",
                                     "tests/test_serve_incremental.py",
                                     "tests/test_jobs_feeds.py"]),
    "write": ("mlguide/write.py", ["tests/test_build.py", "tests/test_publish_diff.py",
                                   "tests/test_publish_compress.py",
                                   "tests/test_serve_incremental.py"]),
    "feeds": ("mlguide/feeds.py", ["tests/test_jobs_feeds.py"]),
    "jobposting": ("mlguide/views/jobposting.py", ["tests/test_jobs_structured_data.py"]),
    "graph": ("mlguide/graph.py", ["tests/test_engine_incremental.py",
                                   "tests/test_serve_incremental.py", "tests/test_build.py"]),
}
# What mutmut's exit codes for a mutant mean (mutmut/__main__.py's status_by_exit_code).
KILLED = {1, 3, 36, -24, 24, 152, 255}  # a test failed, or the run timed out
SURVIVED = {0, 5, 33}  # every test passed, or no test reached the change
NOT_RUN = {None, 2, 34}  # not checked yet, interrupted, skipped


def workspace(module: str) -> Path:
    """The module's copy of the project, brought up to date, with its own [tool.mutmut]."""
    target, tests = FOCUS[module]
    folder = ROOT / ".mutation" / module
    folder.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copytree(ROOT / name, folder / name, dirs_exist_ok=True,
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
        'pytest_add_cli_args = ["-n", "0", "-p", "no:cacheprovider"]\n'
        f"pytest_add_cli_args_test_selection = [{selection}]\n"
    )
    (folder / "pyproject.toml").write_text(project, encoding="utf-8")
    return folder


def score(folder: Path, target: str) -> tuple[int, int, list[str]]:
    """Mutants tried, mutants killed, and the names of those that survived."""
    meta = folder / "mutants" / f"{target}.meta"
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    tried = {name: code for name, code in codes.items() if code not in NOT_RUN}
    survived = sorted(name for name, code in tried.items() if code in SURVIVED)
    killed = sum(1 for code in tried.values() if code in KILLED)
    return len(tried), killed, survived


def recheck(folder: Path, tests: list[str], survived: list[str]) -> list[str]:
    """The survivors that still survive every focused test, run with each mutant in turn.

    mutmut runs, for a mutant, only the tests it saw reach the function; a module-scoped
    fixture's build is seen by the module's first test only, so a mutant the other tests
    kill can look like a survivor. This runs them all (to the first failure) for each.
    """
    still = []
    for name in survived:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider",
             *tests], cwd=folder / "mutants", env={**os.environ, "MUTANT_UNDER_TEST": name},
            capture_output=True, text=True, check=False)
        if result.returncode == 0:
            still.append(name)
    return still


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in FOCUS:
        print(__doc__, f"modules: {', '.join(FOCUS)}", sep="\n", file=sys.stderr)
        return 2
    module, target = argv[0], FOCUS[argv[0]][0]
    if not (ROOT / target).is_file():
        print(f"{target} does not exist (yet)", file=sys.stderr)
        return 2
    folder = workspace(module)
    if "--show" not in argv:
        subprocess.run([str(MUTMUT), "run", "--max-children", "2"], cwd=folder, check=False)
    tried, killed, survived = score(folder, target)
    if "--show" not in argv:
        still = recheck(folder, FOCUS[module][1], survived)
        killed += len(survived) - len(still)
        survived = still
    for name in survived:
        if "--show" in argv:
            subprocess.run([str(MUTMUT), "show", name], cwd=folder, check=False)
        else:
            print(f"survived: {name}")
    percent = 100 * killed / tried if tried else 0.0
    print(f"{target}: {killed} of {tried} mutants killed ({percent:.1f} %), "
          f"{len(survived)} survived")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
