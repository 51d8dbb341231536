"""Bounded work, and `check` finding everything `build` would trip on.

Each hostile file is small; each must end in one clear problem within seconds,
never a traceback, a hang or a MemoryError. The last test runs them all at once in
a real process with its memory capped.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import pytest

from .conftest import JOB, PAGE, ROOT, TODAY, SiteDir
from .hostile import refused, run

JOB_FILE = "content/jobs/data-scientist-leeds.yaml"
NINE = ", ".join(["*a"] * 9)
# Nine aliases of nine aliases ... eight levels deep: 9**9 strings once expanded.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{NINE.replace('a', chr(97 + i))}]\n" for i in range(8))
MERGE_BOMB = "a: &a {x: 1, y: 2}\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)}\n  <<: [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
    f"  k{i}: 1\n" for i in range(8))


def job_with_summary(summary: str) -> str:
    return JOB.replace("summary: |\n  Build **models** for hospitals.\n",
                       "summary: |\n" + "".join(f"  {line}\n" for line in summary.split("\n")))


def problem(line_col: str, field: str, message: str) -> str:
    return f"{JOB_FILE}:{line_col}: {field + ': ' if field else ''}{message}"


CASES = [
    pytest.param(ALIAS_BOMB, [problem(
        "1:14", "e[1][3][1][6][3]", "the file holds more than 10,000 values (an alias counts "
        "each time it is used); write the values out, or use fewer aliases")], id="alias-bomb"),
    pytest.param(MERGE_BOMB, [problem(
        "1:11", "e.x", "the file holds more than 10,000 values (an alias counts each time it "
        "is used); write the values out, or use fewer aliases")], id="merge-bomb"),
    pytest.param("a: &a\n  <<: *a\n", [problem(
        "1:4", "a", "a merge ('<<') takes in the mapping it sits in; merge another mapping")],
        id="merge-loop"),
    pytest.param("title: &a [*a]\n", [problem(
        "1:8", "title" + "[1]" * 32, "is nested more than 32 levels deep; no content field "
        "nests that deep: check the indentation and aliases")], id="recursive-alias"),
    pytest.param("title: " + "[" * 500 + "]" * 500 + "\n", [problem(
        "1:40", "title" + "[1]" * 32, "is nested more than 32 levels deep; no content field "
        "nests that deep: check the indentation and aliases")], id="500-levels"),
    pytest.param("- " * 100_000 + "x\n", [problem(
        "1:65", "", "is nested more than 32 levels deep; no content field nests that "
        "deep: check the indentation")], id="100000-block-levels"),
    pytest.param("title: x\n" + "#" * (256 * 1024), [problem(
        "1:1", "(file)", "is 262,153 bytes; at most 262,144 bytes are allowed; split it, or "
        "make it smaller")], id="too-big"),
    pytest.param(job_with_summary("[" * 20_000), [problem(
        "13:10", "summary", "is 20,001 characters long; Markdown texts hold at most 20,000")],
        id="markdown-too-long"),
    pytest.param(job_with_summary("[" * 9 + "a"), [problem(
        "13:10", "summary", "opens more than 8 '[' brackets at once")], id="brackets"),
    pytest.param(job_with_summary("# x\n" * 501), [problem(
        "13:10", "summary", "has more than 500 lines with no blank line between them; leave a "
        "blank line between paragraphs")], id="long-block"),
    pytest.param(job_with_summary("".join("    " * i + "- x\n" for i in range(20))), [problem(
        "13:10", "summary", "has a line indented more than 64 columns (spaces, tabs and '>'); "
        "lists and quotes nest at most 16 deep")], id="deep-lists"),
    pytest.param(JOB.replace("max: 60000", "max: .inf"), [problem(
        "9:8", "salary.max", "expected an amount like 80000, got the number inf")], id="inf"),
    pytest.param(JOB.replace("max: 60000", "max: .nan"), [problem(
        "9:8", "salary.max", "expected an amount like 80000, got the number nan")], id="nan"),
    pytest.param(JOB.replace("max: 60000", "max: 1" + "0" * 5000), [problem(
        "9:8", "salary.max", "'1000000000000000000000000000000000000...' is too long to be "
        "read as a number; write a shorter number, or put the text in quotes")],
        id="huge-number"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_hostile_job_file_is_one_clear_problem_within_seconds(
        site: SiteDir, text: str, expected: list[str]) -> None:
    assert run(site).code == 0
    (site.content / "jobs" / "data-scientist-leeds.yaml").write_text(text, encoding="utf-8")
    started = time.process_time()  # CPU seconds of this process: a busy machine adds none
    assert refused(site, command="check") == expected
    assert refused(site) == expected
    assert time.process_time() - started < 10


def test_a_run_of_brackets_renders_in_linear_time() -> None:
    """A few KB of '[' took seconds per KB in python-markdown (20,000 took minutes).

    At the limit each takes well under a second; the bound is on CPU seconds, so other work
    on the machine does not move it, and it still fails the quadratic version.
    """
    from mlguide.markup import MAX_MARKDOWN, render_markdown

    for unit in ("[", "![", "[a](", "[(", "[a]() "):
        text = (unit * MAX_MARKDOWN)[:MAX_MARKDOWN]
        started = time.process_time()
        render_markdown(text)
        assert time.process_time() - started < 10, unit


@pytest.mark.parametrize("name", ["compare", "employers", "jobs"])
def test_a_page_named_like_a_section_is_found_by_check(site: SiteDir, name: str) -> None:
    site.write(f"pages/{name}.md", PAGE)
    expected = [f"content/pages/{name}.md:1:1: (file name): the page name '{name}' is taken by "
                f"the site's own section of that name; rename the file, e.g. about-{name}.md"]
    assert refused(site, command="check") == expected
    assert refused(site) == expected


def test_too_many_files_are_refused_before_any_is_read(site: SiteDir) -> None:
    # 100,001 names for two empty files: a hard link is a file like any other to the
    # build, and costs a third of a new file (one inode may have at most 65,000 names).
    folder = os.open(site.content / "jobs", os.O_RDONLY)
    try:
        for number in range(100_001):
            if number < 2:
                os.close(os.open(f"j{number}.yaml", os.O_CREAT | os.O_WRONLY, dir_fd=folder))
            else:
                os.link(f"j{number % 2}.yaml", f"j{number}.yaml", src_dir_fd=folder,
                        dst_dir_fd=folder)
    finally:
        os.close(folder)
    assert refused(site, command="check") == [
        "content:1:1: (folder): holds more than 100,000 files; remove files that are not part "
        "of the site"]


def _cap_memory() -> None:
    limit = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_all_of_them_at_once_in_bounded_memory_and_time(site: SiteDir) -> None:
    """The command-line contract: 1.5 GB of address space and a minute are plenty."""
    for number, case in enumerate(CASES):
        (site.content / "jobs" / f"hostile-{number}.yaml").write_text(case.values[0],
                                                                      encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--content", "content", "--out", "out",
         "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
         "--today", TODAY], capture_output=True, text=True, cwd=site.root, timeout=60,
        preexec_fn=_cap_memory)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"{len(CASES)} errors found; nothing was written."
    assert time.perf_counter() - started < 60
