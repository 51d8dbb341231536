"""`build.py new city NAME` and `new job TITLE`: a commented file that check guides to done."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from mlguide.editor.scaffold import slugify

from .conftest import ROOT, SiteDir
from .test_schema import file_data, schema_errors

CITY_FILE = "content/cities/milton-keynes.yaml"
JOB_FILE = "content/jobs/senior-ml-engineer-leeds.yaml"


def fill(text: str, values: dict[str, str]) -> str:
    """Fill each empty field named in `values`, as an editor would: 'nation:' => 'nation: Wales'."""
    for field, value in values.items():
        name = field.rsplit(".", 1)[-1]
        pattern = rf"^(\s*(?:- )?){re.escape(name)}:( \[\])?[ \t]*$"
        text, count = re.subn(pattern, rf"\g<1>{name}: {value}", text, count=1,
                              flags=re.MULTILINE)
        assert count == 1, f"no empty '{name}:' in the new file"
    return text


def fields_named(stderr: str, file: str) -> list[str]:
    """The field paths of the problems reported for `file`."""
    return [line.split(": ", 2)[1] for line in stderr.splitlines()
            if line.startswith(file + ":")]


def test_new_city_is_complete_commented_and_guided_by_check(site: SiteDir) -> None:
    made = site.build("city", "Milton Keynes", command="new")
    assert made.returncode == 0, made.stderr
    # The command printed is the one that works from here: this Python (the project's
    # .venv on an editor's machine), this build.py, and the folders given to `new`.
    command = (f"{sys.executable} {ROOT / 'build.py'} check "
               f"--templates {ROOT / 'templates'} --static {ROOT / 'static'}")
    assert made.stdout == f"wrote {CITY_FILE}: fill in the empty fields, then run {command}\n"
    path = site.root / CITY_FILE
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/city.schema.json\n")
    assert "\nname: Milton Keynes\n" in text
    assert "\nrank: 3\n" in text, "the next rank after Leeds (1) and York (2)"
    for field in ("nation", "status", "location", "lat", "lon", "summary", "overview",
                  "specialisms", "sectors", "description", "employers"):
        assert re.search(rf"^\s*(- )?{field}:", text, re.MULTILINE), field
    assert "#   fintech, healthcare" in text, "the known sector keys are listed"

    checked = site.build(command="check")
    assert checked.returncode == 1
    assert fields_named(checked.stderr, CITY_FILE) == [
        "nation", "location.lat", "location.lon", "summary", "overview",
        "specialisms[1].name (the first specialism's name)",
        "specialisms[1].sectors (the first specialism's sectors)",
        "specialisms[1].description (the first specialism's description)"]
    assert f"{CITY_FILE}:9:8: nation: expected one of England, Scotland, Wales, Northern " \
        "Ireland; got nothing" in checked.stderr

    filled = fill(text, {"nation": "England", "lat": "52.0406", "lon": "-0.7594",
                         "summary": "A new town with logistics and autonomy research.",
                         "overview": "Milton Keynes tests self-driving pods.",
                         "specialisms.name": "Autonomous vehicles",
                         "specialisms.sectors": "[fintech]",
                         "specialisms.description": "Trials on public roads."})
    path.write_text(filled, encoding="utf-8")
    checked = subprocess.run([*shlex.split(command), "--today", "2026-11-25"], cwd=site.root,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("content OK: 3 cities")
    assert schema_errors("city", file_data(path)) == []


def test_a_new_city_ranks_after_the_last_even_a_decimal_one(site: SiteDir) -> None:
    york = site.content / "cities/york.yaml"
    york.write_text(york.read_text().replace("rank: 2", "rank: 7.5"))
    assert site.build("city", "Milton Keynes", command="new").returncode == 0
    assert "\nrank: 8\n" in (site.root / CITY_FILE).read_text(encoding="utf-8")


def test_new_job_has_todays_date_and_passes_check_once_filled(site: SiteDir) -> None:
    made = site.build("job", "Senior ML Engineer,", "Leeds", command="new")
    assert made.returncode == 0, made.stderr
    path = site.root / JOB_FILE
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/job.schema.json\n")
    assert "\ntitle: Senior ML Engineer, Leeds\n" in text
    assert "\nposted: 2026-11-25\n" in text, "the build date (--today)"
    assert "#   leeds, york" in text, "the city slugs are listed"
    for field in ("employer", "city", "location", "workplace", "employment_type", "salary",
                  "min", "max", "currency", "period", "posted", "closes", "apply_url",
                  "summary", "sectors"):
        assert re.search(rf"^#?\s*{field}:", text, re.MULTILINE), field

    checked = site.build(command="check")
    assert checked.returncode == 1
    assert fields_named(checked.stderr, JOB_FILE) == ["location", "apply_url", "summary"]

    filled = fill(text, {"location": "Leeds (hybrid)",
                         "apply_url": "https://jobs.example/apply/42",
                         "summary": "Build models for hospitals.", "city": "leeds",
                         "sectors": "[healthcare]"})
    filled = filled.replace("#   min: 50000", "  min: 50000")
    path.write_text(filled, encoding="utf-8")
    checked = site.build(command="check")
    assert checked.returncode == 0, checked.stderr
    assert schema_errors("job", file_data(path)) == []


@pytest.mark.parametrize(("kind", "name", "file"), [
    ("city", "Leeds", "content/cities/leeds.yaml"),
    ("job", "Data Scientist Leeds", "content/jobs/data-scientist-leeds.yaml"),
])
def test_an_existing_file_is_never_overwritten(site: SiteDir, kind: str, name: str,
                                                file: str) -> None:
    before = (site.root / file).read_bytes()
    made = site.build(kind, name, command="new")
    assert made.returncode == 2
    assert made.stderr.startswith(f"error: {file} already exists; ")
    assert len(made.stderr.splitlines()) == 1
    assert (site.root / file).read_bytes() == before


def test_a_name_without_letters_or_digits_is_refused(site: SiteDir) -> None:
    made = site.build("city", "???", command="new")
    assert made.returncode == 2
    assert made.stderr == "error: '???' gives no file name: use letters or digits\n"


@pytest.mark.parametrize(("name", "slug"), [
    ("Milton Keynes", "milton-keynes"),
    ("Brighton & Hove", "brighton-hove"),
    ("Ystrad Mynach", "ystrad-mynach"),
    ("Zürich", "zurich"),
    ("  Senior ML Engineer – Insurance (London) ", "senior-ml-engineer-insurance-london"),
])
def test_slugs_come_from_the_name(name: str, slug: str) -> None:
    assert slugify(name) == slug


CITY_EMPTY_FIELDS = ["nation", "location/lat", "location/lon", "summary", "overview",
                     "specialisms/0/name", "specialisms/0/sectors", "specialisms/0/description"]


def test_the_editor_flags_the_new_files_empty_fields_and_accepts_it_once_filled(
        site: SiteDir) -> None:
    """The schema flags exactly the fields check names (test above), and nothing once filled."""
    assert site.build("city", "Milton Keynes", command="new").returncode == 0
    path = site.root / CITY_FILE
    flagged = [e.split(": ", 1)[0] for e in schema_errors("city", file_data(path))]
    assert sorted(set(flagged), key=flagged.index) == CITY_EMPTY_FIELDS
    path.write_text(fill(path.read_text(encoding="utf-8"), {
        "nation": "England", "lat": "52.0406", "lon": "-0.7594",
        "summary": "A new town.", "overview": "Milton Keynes is new.",
        "specialisms.name": "Autonomy", "specialisms.sectors": "[fintech]",
        "specialisms.description": "Trials."}), encoding="utf-8")
    assert schema_errors("city", file_data(path)) == []
