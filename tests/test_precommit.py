"""The pre-commit hook refuses a commit that breaks the content, and lets others through.

A throwaway git repository gets the project's files, the real
.pre-commit-config.yaml and the project's .venv; `git commit` then runs the
hooks exactly as on an editor's machine (nothing is downloaded).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import LEEDS, ROOT, small_site

PRE_COMMIT = ROOT / ".venv/bin/pre-commit"


def run(repo: Path, *argv: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run([str(a) for a in argv], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=120)


def said(result: subprocess.CompletedProcess[str]) -> str:
    """What git and the hooks printed (git commit sends the hooks' output to stderr)."""
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def first_commit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the project with the small site's content, hooks installed,
    made once for the module (each test works on a copy)."""
    site = small_site(tmp_path_factory.mktemp("precommit"))
    repo = site.root / "repo"
    repo.mkdir()
    for name in ("build.py", ".pre-commit-config.yaml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    for name in ("mlguide", "templates", "static", "schema"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(site.content, repo / "content")
    (repo / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    (repo / ".gitignore").write_text("/.venv\n/output/\n/.output.*\n")
    assert run(repo, "git", "init", "-q").returncode == 0
    installed = run(repo, PRE_COMMIT, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    run(repo, "git", "add", "-A")
    first = run(repo, "git", "commit", "-q", "-m", "The guide")
    assert first.returncode == 0, first.stdout + first.stderr
    return repo


@pytest.fixture
def repo(first_commit: Path, tmp_path: Path) -> Path:
    """A copy of the repository for one test, its hooks and .venv link as they were."""
    copy = tmp_path / "repo"
    shutil.copytree(first_commit, copy, symlinks=True)
    return copy


def test_a_commit_that_breaks_the_content_is_refused_with_the_error(repo: Path) -> None:
    city = repo / "content/cities/leeds.yaml"
    city.write_text(LEEDS.replace("nation: England", "nation: Englnd"), encoding="utf-8")
    run(repo, "git", "add", "content")
    refused = run(repo, "git", "commit", "-m", "Typo")
    assert refused.returncode != 0
    assert "content/cities/leeds.yaml:2:9: nation: expected one of England, Scotland, Wales, " \
        "Northern Ireland; got text 'Englnd'; did you mean 'England'?" in said(refused)
    assert "The commit was NOT made. Fix the problems above, then run git add and git commit " \
        "again." in said(refused)
    assert run(repo, "git", "rev-list", "--count", "HEAD").stdout.strip() == "1"

    city.write_text(LEEDS.replace("A northern city", "A fixed city"), encoding="utf-8")
    run(repo, "git", "add", "content")
    fixed = run(repo, "git", "commit", "-m", "Leeds, fixed")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "check content (build.py check)" in said(fixed) and "Passed" in said(fixed)


def test_a_commit_that_does_not_touch_content_skips_the_check(repo: Path) -> None:
    (repo / "README.md").write_text("An edited read-me.\n")
    run(repo, "git", "add", "README.md")
    committed = run(repo, "git", "commit", "-m", "Read-me")
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert re.search(r"check content \(build\.py check\)\.+\(no files to check\)Skipped",
                     said(committed))


def test_a_schema_that_no_longer_matches_the_model_is_refused(repo: Path) -> None:
    schema = repo / "schema/job.schema.json"
    schema.write_text(schema.read_text().replace('"minimum": 0', '"minimum": 1'))
    run(repo, "git", "add", "schema")
    refused = run(repo, "git", "commit", "-m", "Hand-edited schema")
    assert refused.returncode != 0
    assert "schema/job.schema.json: out of date; run .venv/bin/python build.py schema" \
        in said(refused)
    assert "The commit was NOT made. Run .venv/bin/python build.py schema" in said(refused)
