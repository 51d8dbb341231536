"""`--compress`: a .gz and a .br beside every text file, each the original's bytes exactly."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest

from .conftest import YORK, SiteDir, small_site, tree_bytes

TEXT = (".html", ".css", ".js", ".json", ".xml", ".txt", ".svg")


def originals(out: Path) -> list[Path]:
    """The published files, less the compressed copies and the build's own manifest."""
    return sorted(p for p in out.rglob("*") if p.is_file() and p.suffix not in (".gz", ".br")
                  and p.name != ".mlguide-manifest.json")


@pytest.fixture(scope="module")
def compressed(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    """The small site built once with --compress, for the tests that only read it."""
    site = small_site(tmp_path_factory.mktemp("compressed"))
    result = site.build("--compress")
    assert result.returncode == 0, result.stderr
    return site


def test_every_text_file_gets_a_gz_and_a_br_that_decompress_to_it(compressed: SiteDir) -> None:
    site = compressed
    texts = [p for p in originals(site.out) if p.suffix in TEXT]
    assert {p.suffix for p in texts} >= {".html", ".css", ".xml", ".txt", ".json"}
    for path in texts:
        data = path.read_bytes()
        assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == data, path
        assert brotli.decompress(Path(f"{path}.br").read_bytes()) == data, path
    for name in ("_headers", ".mlguide-manifest.json"):
        assert not (site.out / f"{name}.gz").exists(), "files the CDN reads stay as they are"
    compressed = sorted(p for p in site.out.rglob("*") if p.suffix in (".gz", ".br"))
    assert len(compressed) == 2 * len(texts)
    home = site.out / "index.html"
    assert len(Path(f"{home}.br").read_bytes()) < len(home.read_bytes()) / 2


def test_compressed_copies_are_in_the_manifest_so_diff_and_syncs_see_them(
        compressed: SiteDir) -> None:
    site = compressed
    files = json.loads((site.out / ".mlguide-manifest.json").read_text())["files"]
    for name in ("index.html.gz", "index.html.br", "sitemap.xml.gz"):
        data = (site.out / name).read_bytes()
        assert files[name]["size"] == len(data)


def test_compression_is_deterministic_and_redone_only_for_changed_files(site: SiteDir,
                                                                        tmp_path: Path) -> None:
    assert site.build("--compress").returncode == 0
    first = tree_bytes(site.out)
    york_br = site.out / "cities/york/index.html.br"
    inode = york_br.stat().st_ino
    again = SiteDir(tmp_path / "again")
    shutil.copytree(site.content, again.content)
    assert again.build("--compress").returncode == 0
    assert tree_bytes(again.out) == first, "two clean builds give the same bytes"

    site.write("cities/york.yaml", YORK.replace("York is small.", "York is small and old."))
    assert site.build("--compress").returncode == 0
    assert york_br.stat().st_ino != inode, "the changed page was compressed again"
    assert brotli.decompress(york_br.read_bytes()) == (site.out / "cities/york/index.html"
                                                         ).read_bytes()
    robots = site.out / "robots.txt.gz"
    assert robots.stat().st_nlink > 1, "an unchanged file's copies are reused from the last build"
    clean = SiteDir(tmp_path / "clean")
    shutil.copytree(site.content, clean.content)
    assert clean.build("--compress").returncode == 0
    assert tree_bytes(clean.out) == tree_bytes(site.out), "reusing copies equals a clean build"


def test_a_build_without_compress_leaves_no_stale_copies(site: SiteDir) -> None:
    assert site.build("--compress").returncode == 0
    assert site.build().returncode == 0
    assert not [p for p in site.out.rglob("*") if p.suffix in (".gz", ".br")]
