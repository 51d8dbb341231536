"""Faults of the file system, for real: a full disk, a name too long, permission denied.

Each is one line and a non-zero exit, and the output folder keeps the previous
build whole. The full disk is an 8 MB tmpfs mounted for the test (the suite runs as
root, as CI does); permissions are tested in a process without the capability
that lets root ignore them.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, TODAY, SiteDir, run_cli, small_site, tree_bytes
from .hostile import run

CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB file system of its own (a build takes 5.3 MB with /admin/'s script), mounted for
    this test only."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_is_one_line_and_the_old_build_stays_whole(
        tmp_path: Path, small_disk: Path) -> None:
    site = small_site(tmp_path / "site")
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    out = small_disk / "out"
    assert run(site, "--out", str(out), static=static).code == 0
    before = tree_bytes(out)
    (static / "video.bin").write_bytes(os.urandom(3900 * 1024))  # within the 4 MB a file may be
    result = run(site, "--out", str(out), static=static)
    assert result.code == 3
    assert result.err.splitlines() == [
        f"error: cannot write assets/video.{_hash(static / 'video.bin')}.bin: No space left on "
        f"device; {out} still holds the previous build, whole"]
    assert tree_bytes(out) == before


def _hash(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def test_a_name_too_long_for_the_file_system_is_one_line(site: SiteDir) -> None:
    out = site.root / ("o" * 256)
    result = run(site, "--out", str(out))
    assert result.code == 3
    assert result.err.splitlines() == [
        f"error: cannot write {'o' * 256}: File name too long; nothing was published"]
    assert not os.path.exists(out)


def test_an_output_folder_that_is_a_mount_point_is_one_line(site: SiteDir) -> None:
    """A volume mounted at out/ (as a container may have it) cannot be swapped for a new
    tree: the build says so and leaves the volume as it was."""
    site.out.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(site.out)], check=True)
    try:
        result = run(site)
        assert result.code == 3
        assert result.err.splitlines() == [
            "error: cannot write out: Device or resource busy; out still holds the previous "
            "build, whole"]
        assert list(site.out.iterdir()) == []
    finally:
        subprocess.run(["umount", str(site.out)], check=True)

def _without_root_privilege() -> None:
    """In the child: drop the capabilities that let root read and write any file."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


def build_unprivileged(site: SiteDir, out: Path, command: str = "build") -> \
        subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), command, "--content", "content", "--out",
         str(out), "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
         "--today", TODAY], capture_output=True, text=True, cwd=site.root, timeout=120,
        preexec_fn=_without_root_privilege)


def test_permission_denied_on_the_output_and_on_content(site: SiteDir) -> None:
    shelf = site.root / "shelf"
    shelf.mkdir()
    out = shelf / "out"
    assert build_unprivileged(site, out).returncode == 0
    before = tree_bytes(out)
    site.write("cities/york.yaml", (site.content / "cities/york.yaml").read_text()
               .replace("A small city.", "A smaller city."))
    shelf.chmod(0o555)
    try:
        result = build_unprivileged(site, out)
    finally:
        shelf.chmod(0o755)
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines() == [
        "error: cannot write shelf/out: Permission denied; shelf/out still holds the previous "
        "build, whole"]
    assert tree_bytes(out) == before

    (site.content / "cities/york.yaml").chmod(0)
    result = build_unprivileged(site, out, "check")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/cities/york.yaml:1:1: (file): cannot be read: Permission denied; check that "
        "the file exists and that its permissions let you read it",
        "1 error found; nothing was written."]


def test_without_an_atomic_swap_each_build_still_publishes_whole_past_a_stale_folder(
        site: SiteDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the file system cannot swap two folders (renameat2 answers EINVAL, ENOSYS or
    EOPNOTSUPP), the build moves them by three renames instead: each build still
    publishes whole, even past the folder a build killed between them left."""
    from mlguide import write
    from mlguide.store import Kept

    from .conftest import LEEDS

    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    assert site.build().returncode == 0
    stale = Kept.beside(site.out).root / "old"
    (stale / "jobs").mkdir(parents=True)
    (stale / "jobs" / "left.html").write_text("what a killed build left", encoding="utf-8")
    for summary in ("A northern city of banks, hospitals and robots.",
                    "A northern city with banks and hospitals."):
        site.write("cities/leeds.yaml", LEEDS.replace(
            "A northern city with banks and hospitals.", summary))
        assert site.build().returncode == 0
        argv = site.argv()
        fresh = tmp_path / f"fresh-{len(summary)}"
        argv[argv.index("--out") + 1] = str(fresh)
        assert run_cli(argv, site.root).returncode == 0
        assert tree_bytes(site.out) == tree_bytes(fresh), "a clean build's bytes"
        assert summary in site.page("cities/leeds/index.html")
        assert not stale.exists(), "the stale folder was cleared, not published or kept"
