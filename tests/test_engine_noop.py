"""A build with nothing changed says so after a stat per input, and is never wrong to.

A file whose stat is the one the last build saw is not read again. A file edited
just before a build (within the file system's clock tick of it) is
"racy": its size and mtime alone could hide a second edit. The signature keeps
the digest of each such file, so the next check hashes just those again: a no-op
right after an edit stays a no-op, and a same-size edit with the old mtime put
back is still seen.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlguide.cli import main
from mlguide.graph import RACY_NS
from mlguide.pipeline import Settings, build
from mlguide.signature import up_to_date

from .conftest import ROOT, TODAY, SiteDir, build_cache, clean_tree, tree_bytes

JOB_FILE = "jobs/data-scientist-leeds.yaml"


@pytest.fixture
def settings(site: SiteDir) -> Settings:
    return Settings(content=site.content, templates=ROOT / "templates", static=ROOT / "static",
                    out=site.out, today=dt.date.fromisoformat(TODAY), workers=1)


def nothing_changed(settings: Settings) -> bool:
    """The no-op check the command line makes before it loads the engine."""
    return up_to_date(settings.text(), settings.folders(), settings.out)


def signature_file(site: SiteDir) -> Path:
    """Where the last build of the site's out/ kept the stat of every input."""
    return site.root / ".mlguide" / "out" / "signature.json"


def racy_inputs(site: SiteDir) -> set[str]:
    """The inputs the last build's signature holds a digest of."""
    return {name.partition(":")[2]
            for name in json.loads(signature_file(site).read_text())["racy"]}


def cli_args(site: SiteDir) -> list[str]:
    return ["--content", str(site.content), "--templates", str(ROOT / "templates"),
            "--static", str(ROOT / "static"), "--out", str(site.out), "--today", TODAY]




def test_a_build_right_after_an_edit_is_a_no_op(
        site: SiteDir, settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    build(settings, build_cache())
    path = site.content / JOB_FILE
    path.write_text(path.read_text().replace("Data Scientist", "Lead Data Scientist"))
    build(settings, build_cache())
    assert str(path) in racy_inputs(site), "the edit is newer than the build can trust by stat"
    assert nothing_changed(settings)
    assert main(cli_args(site)) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_racy_edit_that_keeps_size_and_mtime_is_built(
        site: SiteDir, settings: Settings, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = site.content / JOB_FILE
    build(settings, build_cache())
    assert str(path) in racy_inputs(site)
    before = path.stat()
    text = path.read_text()
    path.write_text(text.replace("Data Scientist", "Data Sciontist"))  # one letter, same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert not nothing_changed(settings)
    assert main(cli_args(site)) == 0
    assert "nothing changed" not in capsys.readouterr().out
    assert "Data Sciontist" in (settings.out / "jobs/data-scientist-leeds/index.html").read_text()
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_tampered_racy_digest_is_no_no_op(site: SiteDir, settings: Settings) -> None:
    build(settings, build_cache())
    signature = signature_file(site)
    data = json.loads(signature.read_text())
    assert data["racy"], "the site was just written: its files are racy"
    data["racy"] = {name: "0" * 32 for name in data["racy"]}
    signature.write_text(json.dumps(data))
    assert not nothing_changed(settings)


def test_a_file_racy_at_the_last_build_and_old_now_is_trusted_by_its_bytes(
        site: SiteDir, settings: Settings) -> None:
    """A file saved just within the racy window of the last build (so it kept the file's
    digest), checked now, when its stat is older than the window of this check: it is
    hashed once more, and the same bytes are a no-op, other bytes of the same size and
    mtime are not."""
    build(settings, build_cache())
    path = site.content / JOB_FILE
    signature = signature_file(site)
    data = json.loads(signature.read_text())
    name = f"content:{path}"
    assert name in data["racy"], "the file was just written: the build kept its digest"
    saved_ns = data["taken_ns"] - RACY_NS  # the oldest mtime that build could not trust
    os.utime(path, ns=(saved_ns, saved_ns))
    data["stats"][name][1] = saved_ns  # as that build would have seen it
    signature.write_text(json.dumps(data))
    assert nothing_changed(settings)
    text = path.read_text()
    path.write_text(text.replace("Data Scientist", "Data Sciontist"))  # one letter, same size
    os.utime(path, ns=(saved_ns, saved_ns))
    assert not nothing_changed(settings)


@pytest.mark.parametrize("changed", [
    ["--compress"], ["--base-url", "https://other.example/guide/"], ["--cms-port", "8090"],
    ["--today", "2026-12-02"]], ids=["compress", "base-url", "cms-port", "today"])
def test_a_changed_setting_is_never_a_no_op(
        site: SiteDir, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        changed: list[str]) -> None:
    """Each setting that shapes a byte is part of the signature: the next build is made
    with it, and gives the bytes of a clean build made with it."""
    assert main(cli_args(site)) == 0
    assert main([*cli_args(site), *changed]) == 0
    assert "nothing changed" not in capsys.readouterr().out
    clean = tmp_path / "clean" / "out"
    assert main([*cli_args(site), "--out", str(clean), *changed]) == 0
    assert tree_bytes(site.out) == tree_bytes(clean)


def test_a_file_with_the_stat_the_last_build_saw_is_not_read_again(
        site: SiteDir, settings: Settings) -> None:
    """What a rebuild trusts, as ninja does: a file whose size, mtime and inode are those
    the last build saw (and old enough then not to be racy) has the bytes it had.

    Shown by breaking a file behind the stat's back: an hour-old mtime put back and the
    same size. The rebuild after an edit elsewhere uses the kept record, not the bytes.
    """
    path = site.content / JOB_FILE
    hour_ago = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    build(settings, build_cache())
    assert str(path) not in racy_inputs(site)
    broken = b"title: [" + b"x" * (path.stat().st_size - len(b"title: ["))  # not YAML
    path.write_bytes(broken)
    os.utime(path, ns=(hour_ago, hour_ago))
    york = site.content / "cities/york.yaml"
    york.write_text(york.read_text().replace("A small city.", "A small, old city."))
    build(settings, build_cache())
    assert "Data Scientist" in (settings.out / "jobs/data-scientist-leeds/index.html").read_text()
    assert "A small, old city." in (settings.out / "cities/york/index.html").read_text()


# What a no-op build must not load: the rendering and validating stack, the scheduler
# (forking workers, with its C bindings), and the rest of the engine, with the standard
# modules it needs (dataclasses brings inspect and ast; hashlib, OpenSSL; shutil, bz2 and
# lzma). Each costs milliseconds of a no-op whose whole budget is a few tens of them.
NOT_FOR_A_NO_OP = {"jinja2", "pydantic", "pydantic_core", "markdown", "nh3", "yaml", "PIL",
                   "feedgen", "lxml", "livereload", "ctypes", "mlguide.pipeline",
                   "mlguide.render", "mlguide.routes", "mlguide.validate", "mlguide.model",
                   "mlguide.load", "mlguide.schedule", "mlguide.write", "mlguide.graph",
                   "mlguide.store", "mlguide.problems", "dataclasses", "typing", "hashlib",
                   "subprocess", "sqlite3", "shutil", "difflib"}
NO_OP_PROGRAM = ("import sys\nfrom mlguide.cli import main\ncode = main(sys.argv[1:])\n"
                 "print(' '.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)\n")


def modules_of_a_build(site: SiteDir) -> tuple[str, set[str]]:
    """A real process, as an editor's second `python build.py` is: what it said, and the
    modules it had imported when it ended."""
    done = subprocess.run([sys.executable, "-c", NO_OP_PROGRAM, *cli_args(site)],
                          cwd=site.root, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode in (0, 2), done.stdout + done.stderr
    lines = done.stderr.splitlines()
    return done.stdout + "\n".join(lines[:-1]), set(lines[-1].split()) if lines else set()


def test_a_no_op_build_loads_nothing_but_the_signature_check(
        site: SiteDir, settings: Settings) -> None:
    build(settings, build_cache())
    said, loaded = modules_of_a_build(site)
    assert "nothing changed" in said, said
    assert "mlguide.signature" in loaded, "the modules are the ones the no-op check imported"
    assert loaded & NOT_FOR_A_NO_OP == set()


def git(site: SiteDir, *words: str) -> None:
    subprocess.run(["git", "-C", str(site.root), "-c", "user.name=t", "-c",
                    "user.email=t@example.org", *words], check=True, capture_output=True)


def test_in_a_git_working_copy_a_no_op_asks_git_again_only_when_its_index_changed(
        site: SiteDir, settings: Settings) -> None:
    """The build asks git whether it tracks the state folder (a committed copy is refused).
    The answer holds while git's index keeps the stat it had before the build asked."""
    git(site, "init", "-q")
    (site.root / ".gitignore").write_text(".mlguide/\nout/\n")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "content")
    index = site.root / ".git" / "index"
    older = index.stat().st_mtime_ns - 10 * 10**9  # as a working copy's index is, mostly
    os.utime(index, ns=(older, older))
    build(settings, build_cache())
    said, loaded = modules_of_a_build(site)
    assert "nothing changed" in said and "mlguide.store" not in loaded, said
    git(site, "add", "-f", ".mlguide")
    said, loaded = modules_of_a_build(site)
    assert "is tracked by git" in said and "nothing changed" not in said, said


def test_a_git_index_changed_just_before_the_build_is_asked_about_every_time(
        site: SiteDir, settings: Settings) -> None:
    """An index rewritten within the racy window of the build could change again unseen."""
    git(site, "init", "-q")
    (site.root / ".gitignore").write_text(".mlguide/\nout/\n")
    git(site, "add", "-A")
    build(settings, build_cache())
    for _ in range(2):
        said, loaded = modules_of_a_build(site)
        assert "nothing changed" in said and "mlguide.store" in loaded, said


def test_the_signature_keeps_the_stat_of_gits_index_the_build_asked_git_about(
        site: SiteDir, settings: Settings) -> None:
    """In process (the test above runs builds as processes of their own): what the next
    no-op compares git's index with."""
    git(site, "init", "-q")
    (site.root / ".gitignore").write_text(".mlguide/\nout/\n")
    git(site, "add", "-A")
    build(settings, build_cache())
    index = (site.root / ".git" / "index").stat()
    kept = json.loads(signature_file(site).read_text())["index"]
    assert kept == [index.st_size, index.st_mtime_ns, index.st_ino]


def test_a_dangling_link_in_the_content_is_a_content_error_after_a_build_too(
        site: SiteDir, capsys: pytest.CaptureFixture[str]) -> None:
    """The no-op check stats a link as itself: one pointing nowhere is an input like any
    other, and the build that follows says what is wrong with it."""
    assert main(cli_args(site)) == 0
    (site.content / "cities" / "ghost.yaml").symlink_to(site.content / "cities" / "gone.yaml")
    capsys.readouterr()
    assert main(cli_args(site)) == 1
    error = capsys.readouterr().err
    assert "ghost.yaml" in error and "Traceback" not in error, error
