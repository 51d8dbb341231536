"""`build.py diff OLD_MANIFEST`: what a sync must upload and purge since the last publication."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import YORK, SiteDir

NEWCASTLE = YORK.replace("name: York", "name: Newcastle").replace("rank: 2", "rank: 3")


def test_manifest_records_every_files_path_size_and_content_hash(built: SiteDir) -> None:
    import hashlib

    files = json.loads((built.out / ".mlguide-manifest.json").read_text())["files"]
    on_disk = sorted(p.relative_to(built.out).as_posix() for p in built.out.rglob("*")
                     if p.is_file() and p.name != ".mlguide-manifest.json")
    assert sorted(files) == on_disk
    for path, entry in files.items():
        data = (built.out / path).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_diff_lists_the_added_changed_and_removed_paths_then_the_counts(built: SiteDir,
                                                                         tmp_path: Path) -> None:
    old = tmp_path / "published.json"
    shutil.copy(built.out / ".mlguide-manifest.json", old)
    built.write("cities/york.yaml", YORK.replace("York is small.", "York is small and old."))
    built.write("cities/newcastle.yaml", NEWCASTLE)
    built.remove("pages/career-advice.md")
    result = built.build()
    assert result.returncode == 0, result.stderr

    diff = built.build(str(old), command="diff")
    assert diff.returncode == 0, diff.stderr
    lines = diff.stdout.splitlines()
    marked = [tuple(line.split(" ", 1)) for line in lines[:-1]]
    assert [path for _, path in marked] == sorted(path for _, path in marked)
    added = {p for m, p in marked if m == "+"}
    changed = {p for m, p in marked if m == "~"}
    removed = {p for m, p in marked if m == "-"}
    assert {m for m, _ in marked} <= {"+", "~", "-"}
    assert "cities/newcastle/index.html" in added
    # The search index's pieces are named by their content, so a new city adds some too.
    assert all("newcastle" in path for path in added if not path.startswith("pagefind/")), \
        "its page, job listing and feeds"
    assert {p for p in removed if not p.startswith("pagefind/")} == {"career-advice/index.html"}
    assert "cities/york/index.html" in changed
    assert {"index.html", "sitemap.xml", "_headers"} <= changed, "lists, sitemap, headers"
    assert "cities/leeds/index.html" in changed, "its related cities now include Newcastle"
    assert "robots.txt" not in changed and "404.html" in changed  # the navigation lost a page
    assert lines[-1] == f"{len(added)} added, {len(changed)} changed, {len(removed)} removed"


def test_diff_of_a_build_against_itself_is_empty(built: SiteDir) -> None:
    diff = built.build(str(built.out / ".mlguide-manifest.json"), command="diff")
    assert diff.stdout == "0 added, 0 changed, 0 removed\n"


def test_diff_takes_an_earlier_output_folder_too(built: SiteDir, tmp_path: Path) -> None:
    earlier = tmp_path / "earlier"
    shutil.copytree(built.out, earlier)
    built.write("cities/newcastle.yaml", NEWCASTLE)
    assert built.build().returncode == 0
    diff = built.build(str(earlier), command="diff")
    assert "+ cities/newcastle/index.html" in diff.stdout.splitlines()


def test_diff_without_a_readable_manifest_says_so_in_one_line(built: SiteDir,
                                                              tmp_path: Path) -> None:
    missing = built.build(str(tmp_path / "nope.json"), command="diff")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.startswith("error: ") and "no such manifest" in missing.stderr
    assert len(missing.stderr.splitlines()) == 1
    other = tmp_path / "package.json"
    other.write_text('{"name": "x"}')
    wrong = built.build(str(other), command="diff")
    assert wrong.returncode == 2 and "not a manifest written by mlguide" in wrong.stderr
    never_built = SiteDir(tmp_path / "fresh")
    never_built.root.mkdir()
    fresh = never_built.build(str(built.out / ".mlguide-manifest.json"), command="diff")
    assert fresh.returncode == 2 and "no such manifest" in fresh.stderr
