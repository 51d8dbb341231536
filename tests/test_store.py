"""What a build saves for the next one: read back whole, written back by difference."""

from __future__ import annotations

from pathlib import Path

from mlguide.load import load_yaml_file
from mlguide.store import SavedWork

from .conftest import LEEDS, YORK


def parsed(tmp_path: Path, name: str, text: str) -> tuple[Path, tuple[str, object]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source = load_yaml_file(path, name)
    return path, (source.digest, source)


def test_saved_work_reads_back_what_was_saved(tmp_path: Path) -> None:
    leeds, york = parsed(tmp_path, "leeds.yaml", LEEDS), parsed(tmp_path, "york.yaml", YORK)
    store = tmp_path / ".out.saved"
    SavedWork(store, "v1").save(dict([leeds, york]), {"abc": "<p>x</p>"})  # type: ignore[arg-type]
    files, markdown = SavedWork(store, "v1").load()
    assert markdown == {"abc": "<p>x</p>"}
    assert {path: digest for path, (digest, _) in files.items()} == {
        leeds[0]: leeds[1][0], york[0]: york[1][0]}
    assert files[leeds[0]][1].data["name"] == "Leeds"  # type: ignore[attr-defined]


def test_another_engines_work_is_not_reused(tmp_path: Path) -> None:
    store = tmp_path / ".out.saved"
    SavedWork(store, "v1").save(dict([parsed(tmp_path, "leeds.yaml", LEEDS)]), {})  # type: ignore[arg-type]
    assert SavedWork(store, "v2").load() == ({}, {})


def test_a_damaged_file_is_thrown_away(tmp_path: Path) -> None:
    store = tmp_path / ".out.saved"
    store.write_bytes(b"this is not a database" * 100)
    assert SavedWork(store, "v1").load() == ({}, {})
    assert not store.exists()


def test_saving_again_keeps_what_changed_and_drops_what_went(tmp_path: Path) -> None:
    store = tmp_path / ".out.saved"
    leeds, york = parsed(tmp_path, "leeds.yaml", LEEDS), parsed(tmp_path, "york.yaml", YORK)
    first = SavedWork(store, "v1")
    first.save(dict([leeds, york]), {"a": "A", "b": "B"})  # type: ignore[arg-type]
    again = SavedWork(store, "v1")
    again.load()
    edited = parsed(tmp_path, "leeds.yaml", LEEDS.replace("Leeds", "Leodis"))
    again.save(dict([edited]), {"a": "A", "c": "C"})  # type: ignore[arg-type]
    files, markdown = SavedWork(store, "v1").load()
    assert markdown == {"a": "A", "c": "C"}
    assert list(files) == [edited[0]] and files[edited[0]][0] == edited[1][0]
    assert files[edited[0]][1].data["name"] == "Leodis"  # type: ignore[attr-defined]
