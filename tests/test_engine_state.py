"""What a build keeps is checked before it is trusted: tampered state is refused or repaired.

Everything the build keeps for the output folder `out/` is in `.mlguide/out/`:
the lock, the spare tree and `state.sqlite`. Each test tampers with one part,
as a committed or damaged copy would, and checks that the next build either
says why it will not run or gives exactly the bytes of a clean build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from mlguide.cli import main
from mlguide.graph import digest
from mlguide.pipeline import Settings, build

from .conftest import ROOT, TODAY, SiteDir, build_cache, clean_tree, tree_bytes

YORK_PAGE = "cities/york/index.html"


@pytest.fixture
def settings(site: SiteDir) -> Settings:
    return Settings(content=site.content, templates=ROOT / "templates", static=ROOT / "static",
                    out=site.out, today=dt.date.fromisoformat(TODAY), workers=1)


def kept(site: SiteDir) -> Path:
    return site.root / ".mlguide" / "out"




def cli_args(site: SiteDir) -> list[str]:
    return ["--content", str(site.content), "--templates", str(ROOT / "templates"),
            "--static", str(ROOT / "static"), "--out", str(site.out), "--today", TODAY]


def test_the_build_keeps_one_hidden_folder_beside_the_output(
        site: SiteDir, settings: Settings) -> None:
    build(settings, build_cache())
    build(settings, build_cache())
    assert sorted(p.name for p in site.root.iterdir()) == [".mlguide", "content", "out"]
    assert sorted(p.name for p in kept(site).iterdir()) == [
        "lock", "signature.json", "spare", "state.sqlite"]


def test_an_edited_spare_file_is_made_again_not_published_as_unchanged(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    build(settings, build_cache())
    build(settings, build_cache())  # now the spare tree holds a whole build
    spare = kept(site) / "spare" / YORK_PAGE
    original = spare.read_bytes()
    info = spare.stat()
    forged = original.replace(b"York", b"Yuck")  # same size, and the old mtime put back
    spare.write_bytes(forged)
    os.utime(spare, ns=(info.st_atime_ns, info.st_mtime_ns))
    (kept(site) / "spare" / "stray.html").write_text("<p>not ours</p>")
    build(settings, build_cache())
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_spare_tree_that_is_a_file_or_a_link_is_replaced_and_nothing_else_is_touched(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    victim = site.root / "precious"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep me")
    spare = kept(site) / "spare"
    clean = clean_tree(settings, tmp_path / "clean" / "out")
    for plant in (lambda: spare.symlink_to(victim, target_is_directory=True),
                  lambda: spare.write_text("not a tree")):
        build(settings, build_cache())
        if spare.is_dir() and not spare.is_symlink():
            shutil.rmtree(spare)
        spare.unlink(missing_ok=True)
        plant()
        build(settings, build_cache())
        assert tree_bytes(settings.out) == clean
        assert spare.is_dir() and not spare.is_symlink()
    assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    assert (victim / "keep.txt").read_text() == "keep me"

def test_a_spare_file_swapped_for_a_link_to_the_same_bytes_is_not_published_as_a_link(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    """A link whose target hashes to the manifest's digest is still no file the engine left."""
    build(settings, build_cache())
    build(settings, build_cache())  # now the spare tree holds a whole build
    spare = kept(site) / "spare" / YORK_PAGE
    elsewhere = tmp_path / "york.html"
    elsewhere.write_bytes(spare.read_bytes())
    spare.unlink()
    spare.symlink_to(elsewhere)
    build(settings, build_cache())
    published = settings.out / YORK_PAGE
    assert not published.is_symlink()
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_an_edited_live_file_is_not_linked_into_the_next_build(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    build(settings, build_cache())
    page = settings.out / YORK_PAGE
    page.write_bytes(page.read_bytes().replace(b"York", b"Yuck"))
    build(settings, build_cache())
    build(settings, build_cache())
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_file_put_in_the_state_folder_makes_the_build_start_afresh(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    build(settings, build_cache())
    (kept(site) / "saved.pickle").write_bytes(b"\x80\x04cos\nsystem\n")
    report = build(settings, build_cache())
    assert report.repaired == ("saved.pickle",) and report.reused == 0
    assert "it was thrown away and rebuilt" in report.summary()
    assert not (kept(site) / "saved.pickle").exists()
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_every_kept_row_checks_after_a_rebuild_that_rewrote_some(
        site: SiteDir, settings: Settings) -> None:
    """A rebuild writes only the rows that changed; each row on disk still carries its digest."""
    build(settings, build_cache())
    york = site.content / "cities/york.yaml"
    york.write_text(york.read_text().replace("A small city.", "A small, old city."))
    build(settings, build_cache())
    with closing(sqlite3.connect(kept(site) / "state.sqlite")) as database:
        for table in ("records", "markdown", "log", "files"):
            rows = database.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
            assert rows, table
            assert all(row[-1] == digest(*(str(v) for v in row[:-1])) for row in rows), table
        record = database.execute("SELECT record FROM records WHERE path LIKE '%york.yaml'")
        assert "A small, old city." in record.fetchone()[0]


def test_a_damaged_database_is_thrown_away(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    build(settings, build_cache())
    (kept(site) / "state.sqlite").write_bytes(b"this is not a database" * 100)
    build(settings, build_cache())
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")


def test_a_tampered_record_row_is_not_used(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    build(settings, build_cache())
    with sqlite3.connect(kept(site) / "state.sqlite") as database:
        changed = database.execute(
            "UPDATE records SET record = replace(record, 'Data Scientist', 'Chief Forger') "
            "WHERE record LIKE '%Data Scientist%'")
        assert changed.rowcount == 1
    shutil.rmtree(settings.out)
    build(settings, build_cache())
    assert tree_bytes(settings.out) == clean_tree(settings, tmp_path / "clean" / "out")
    assert b"Chief Forger" not in b"".join(tree_bytes(settings.out).values())


def test_a_damaged_signature_means_a_full_check_not_a_crash(
        site: SiteDir, settings: Settings, tmp_path: Path) -> None:
    """Each way signature.json can be broken is read as "no earlier build", never trusted."""
    assert main(cli_args(site)) == 0
    signature = kept(site) / "signature.json"
    good = json.loads(signature.read_text())
    damaged = ["{", json.dumps({**good, "taken_ns": "soon"}),
               json.dumps({k: v for k, v in good.items() if k != "racy"}),
               json.dumps({**good, "racy": []}), json.dumps({**good, "output": 5}),
               json.dumps({**good, "output": [1]}), "null"]
    clean = clean_tree(settings, tmp_path / "clean" / "out")
    for text in damaged:
        signature.write_text(text)
        assert main(cli_args(site)) == 0, text
        assert json.loads(signature.read_text())["stats"] == good["stats"], "written anew"
    assert tree_bytes(settings.out) == clean

def test_a_lock_that_is_a_link_is_refused_and_its_target_untouched(
        site: SiteDir, capsys: pytest.CaptureFixture[str]) -> None:
    victim = site.root / "precious.txt"
    victim.write_text("keep me")
    kept(site).mkdir(parents=True)
    (kept(site) / "lock").symlink_to(victim)
    assert main(cli_args(site)) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {kept(site) / 'lock'} is not a plain file") \
        and "remove it" in error, error
    assert victim.read_text() == "keep me" and not site.out.exists()


def test_state_that_git_tracks_is_refused(
        site: SiteDir, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    build(settings, build_cache())
    git = ["git", "-C", str(site.root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", ".mlguide"], check=True)
    subprocess.run([*git, "commit", "-qm", "state"], check=True)
    assert main(cli_args(site)) == 2
    error = capsys.readouterr().err
    assert "is tracked by git" in error and "git rm -r --cached .mlguide" in error, error
    assert "Traceback" not in error
