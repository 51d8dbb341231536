"""The GitHub Actions workflows: linted by actionlint, and doing what the README promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from .conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
SCRIPTS = Path(sys.executable).parent  # the wheels put actionlint and shellcheck here


def actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """actionlint with shellcheck on its PATH, so every run: script is checked too."""
    env = {**os.environ, "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(SCRIPTS / "actionlint"), "-no-color", *map(str, files)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def workflow(name: str) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(action + "@")]


def test_actionlint_passes_on_every_workflow() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} == {"checks.yml", "links.yml", "publish.yml"}
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_here_catches_bad_inputs_and_unsafe_shell(tmp_path: Path) -> None:
    """The linter really runs, with shellcheck: a broken workflow fails."""
    (tmp_path / ".git").mkdir()
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo $UNQUOTED\n"
                   "      - uses: actions/upload-pages-artifact@v4\n        with:\n"
                   "          folder: output\n", encoding="utf-8")
    result = actionlint(bad, cwd=tmp_path)
    assert result.returncode == 1
    assert "SC2086" in result.stdout, "shellcheck checked the run: script"
    assert 'input "folder" is not defined' in result.stdout


def test_pull_requests_run_the_content_check_and_the_readme_test_command() -> None:
    checks = workflow("checks.yml")
    assert set(checks["on"]) == {"pull_request"}
    assert checks["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in checks["jobs"]["test"]["steps"]]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = "python3 tasks.py test"
    assert test_command in runs and test_command in readme
    assert "python3 tasks.py build check" in runs
    python = steps_using(checks["jobs"]["test"], "actions/setup-python")[0]
    assert python["with"]["python-version"] == "3.11"


def test_pull_requests_list_the_changed_files_in_the_job_summary() -> None:
    job = workflow("checks.yml")["jobs"]["changes"]
    script = "\n".join(s.get("run", "") for s in job["steps"])
    refs = [s.get("with", {}).get("ref") for s in steps_using(job, "actions/checkout")]
    assert "${{ github.event.pull_request.base.sha }}" in refs, "the base branch is built too"
    assert re.search(r"tasks\.py build diff \S*base-output/\.mlguide-manifest\.json", script)
    assert '>> "$GITHUB_STEP_SUMMARY"' in script


def test_main_and_a_daily_schedule_publish_to_pages_one_at_a_time_with_least_privilege() -> None:
    publish = workflow("publish.yml")
    assert publish["on"]["push"] == {"branches": ["main"]}
    assert re.fullmatch(r"\d+ \d+ \* \* \*", publish["on"]["schedule"][0]["cron"]), "daily"
    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert publish["permissions"] == {"contents": "read"}
    build, deploy = publish["jobs"]["build"], publish["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert steps_using(deploy, "actions/deploy-pages")
    pages = steps_using(build, "actions/configure-pages")[0]
    built = next(s for s in build["steps"] if "tasks.py build" in s.get("run", ""))
    assert '--base-url "$BASE_URL"' in built["run"]
    assert built["env"]["BASE_URL"] == "${{ steps." + pages["id"] + ".outputs.base_url }}"
    assert steps_using(build, "actions/upload-pages-artifact")[0]["with"]["path"] == "output"


def test_a_weekly_schedule_tries_the_outside_links_and_keeps_its_record() -> None:
    links = workflow("links.yml")
    (schedule,) = links["on"]["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", schedule["cron"]), "once a week"
    assert links["permissions"] == {"contents": "read"}
    job = links["jobs"]["links"]
    runs = [s.get("run", "") for s in job["steps"]]
    assert "python3 tasks.py build check --external" in runs
    # The record is restored before the run and saved after it, failed or not.
    restore, = steps_using(job, "actions/cache/restore")
    save, = steps_using(job, "actions/cache/save")
    order = [job["steps"].index(s) for s in (restore, save)]
    tried = runs.index("python3 tasks.py build check --external")
    assert order[0] < tried < order[1] and save["if"] == "always()"
    assert restore["with"]["path"] == save["with"]["path"] == ".mlguide/output/links.json"
    assert restore["with"]["restore-keys"] == "outside-links-"
    assert save["with"]["key"] == restore["with"]["key"] == "outside-links-${{ github.run_id }}"
