"""The editors' JSON Schemas agree with the loader, and are wired up for VS Code.

Every real content file passes both the schema and `build.py check`; every
bad-input case of test_content_errors.py that JSON Schema can express fails
both. The cases it cannot express are listed below with the reason. The
same files go through yaml-language-server, the checker behind VS Code's
YAML extension, which must flag every one of those mistakes too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mlguide.editor.schema import KINDS, schema_files, schema_for
from mlguide.load import load_page_file, load_sources, load_yaml_file
from mlguide.validate import validate_content

from .conftest import ROOT, SiteDir, run_cli
from .lsp import YamlLanguageServer
from .test_content_errors import RULES, Bad

SCHEMA_DIR = ROOT / "schema"

# Rules that no per-file JSON Schema can state, and why.
NOT_EXPRESSIBLE = {
    "yaml-syntax-error": "the file is not YAML at all; the editor's YAML parser flags it",
    "file-not-utf8": "the file is not text",
    "duplicate-key": "the YAML parser keeps one of the two keys before any schema sees them",
    "rank-unique": "compares several files",
    "city-name-unique-ignoring-case": "compares several files",
    "file-name-is-a-slug": "a rule on the file name, not its content",
    "sector-reference-suggests-nearest": "names keys of another file (sectors.yaml)",
    "city-reference-suggests-nearest": "names another file (a city)",
    "closes-not-before-posted": "compares two fields",
    "page-needs-front-matter": "the Markdown around the front matter, not its fields",
    "page-slug-not-reserved": "a rule on the file name, not its content",
    "job-id-not-reserved": "a rule on the file name, not its content",
}
# Single cases of otherwise expressible rules.
NOT_EXPRESSIBLE_CASES = {
    # Unquoted, YAML reads a date; quoted, text. In JSON both are the same string.
    "dates-are-dates-3": "a quoted date is the same JSON string as an unquoted one",
    "salary-sound-1": "compares two fields (max below min)",
    "uk-facts-fit-the-role-1": "compares two fields (office days need a hybrid workplace)",
    "uk-facts-fit-the-role-2": "compares two fields (contract terms need a contract)",
    "country-codes-1": "'UK' has the code's form; only the build knows which codes are assigned",
}


def schema_kind(relative: str) -> str:
    """Which schema a content file answers to: 'cities/leeds.yaml' => 'city'."""
    folder, _, name = relative.rpartition("/")
    return {"cities": "city", "jobs": "job", "pages": "page"}.get(
        folder, name.removesuffix(".yaml"))


def as_json(value: Any) -> Any:
    """YAML data as an editor's YAML server sees it: dates are strings."""
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def file_data(path: Path) -> Any:
    """The data of a content file (a page's front matter), as the loader reads it."""
    source = load_page_file(path, path.name) if path.suffix == ".md" else \
        load_yaml_file(path, path.name)
    return as_json(source.data)


def schema_errors(kind: str, data: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(schema_for(kind),
                                           format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


def content_files(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob("*") if p.suffix in (".yaml", ".md"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_schema_is_a_valid_draft_7_schema(kind: str) -> None:
    jsonschema.Draft7Validator.check_schema(schema_for(kind))


def test_the_schema_files_in_the_repo_are_generated_from_the_model() -> None:
    for path, text in schema_files(SCHEMA_DIR).items():
        assert path.read_text(encoding="utf-8") == text, \
            f"{path.name} is out of date: run python build.py schema"


def test_schema_command_reports_stale_files_and_rewrites_them(tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, folder)
    (folder / "job.schema.json").write_text("{}\n")
    command = ["schema", "--dir", str(folder)]
    # The command-line contract once as a process of its own; the rest in this process.
    stale = subprocess.run([sys.executable, str(ROOT / "build.py"), *command, "--check"],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert stale.returncode == 1
    assert f"job.schema.json: out of date; run {sys.executable} {ROOT / 'build.py'} schema\n" \
        in stale.stderr
    assert run_cli(command, tmp_path).returncode == 0
    assert run_cli([*command, "--check"], tmp_path).returncode == 0
    assert (folder / "job.schema.json").read_text() == (SCHEMA_DIR / "job.schema.json").read_text()


def test_every_field_has_a_description_and_every_mapping_is_closed() -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, f"{where} is open"
            for name, field in node.get("properties", {}).items():
                if where.count("anyOf") == 0:
                    assert field.get("description"), f"{where}.{name} has no description"
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}[{index}]")

    for kind in KINDS:
        schema = schema_for(kind)
        walk({k: v for k, v in schema.items() if k != "definitions"}, kind)
        for name, definition in schema.get("definitions", {}).items():
            walk(definition, f"{kind}.{name}")


def test_enums_reach_the_editor() -> None:
    city = schema_for("city")
    assert city["properties"]["nation"]["enum"] == ["England", "Scotland", "Wales",
                                                    "Northern Ireland"]
    employer_type = city["definitions"]["Employer"]["properties"]["type"]["enum"]
    assert "research-lab" in employer_type


def test_real_content_passes_the_schema_and_the_loader() -> None:
    content = ROOT / "content"
    validate_content(load_sources(content))  # raises ContentError on any problem
    files = content_files(content)
    assert len(files) > 10
    for path in files:
        relative = path.relative_to(content).as_posix()
        assert schema_errors(schema_kind(relative), file_data(path)) == [], relative


def test_fixture_content_passes_the_schema(site: SiteDir) -> None:
    for path in content_files(site.content):
        relative = path.relative_to(site.content).as_posix()
        assert schema_errors(schema_kind(relative), file_data(path)) == [], relative


def test_content_files_name_their_schema_in_a_modeline() -> None:
    for path in content_files(ROOT / "content"):
        if path.suffix != ".yaml":
            continue  # a page's front matter is inside Markdown: no modeline there
        relative = path.relative_to(ROOT / "content").as_posix()
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), relative
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (SCHEMA_DIR / f"{schema_kind(relative)}.schema.json").resolve(), relative


def test_vscode_maps_each_kind_of_file_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping == {
        "./schema/site.schema.json": "content/site.yaml",
        "./schema/sectors.schema.json": "content/sectors.yaml",
        "./schema/city.schema.json": "content/cities/*.yaml",
        "./schema/job.schema.json": "content/jobs/*.yaml",
    }
    for schema_path in mapping:
        assert (ROOT / schema_path).is_file()


def expressible(rule: str, case_id: str) -> bool:
    return rule not in NOT_EXPRESSIBLE and case_id not in NOT_EXPRESSIBLE_CASES


ALL_CASES = [(rule, case, f"{rule}-{number}")
             for rule, cases in RULES.items() for number, case in enumerate(cases, 1)]
CASES = [pytest.param(rule, case, id=case_id) for rule, case, case_id in ALL_CASES
         if expressible(rule, case_id)]
# The rest, but for files that are no mapping of fields at all (no YAML, no text, no front
# matter): any schema refuses those, so there is nothing to show there.
NOT_A_MAPPING = {"yaml-syntax-error", "file-not-utf8", "page-needs-front-matter"}
BEYOND_THE_SCHEMA = [pytest.param(rule, case, id=case_id) for rule, case, case_id in ALL_CASES
                     if not expressible(rule, case_id) and rule not in NOT_A_MAPPING]
LOCATION = re.compile(r"^[^:]+:(?P<line>\d+):\d+: (?P<field>[^:]+): ")


def write_case(site: SiteDir, case: Bad) -> Path:
    """Put the case's broken file into the small site; its path."""
    path = site.content / case.file
    if isinstance(case.text, bytes):
        path.write_bytes(case.text)
    else:
        site.write(case.file, case.text)
    return path


FIELD_PATH = re.compile(r"^[\w-]+(\[\d+\])*(\.[\w-]+(\[\d+\])*)*( \(the [^)]*\))?$")


def schema_path(field: str) -> list[str]:
    """A problem's field as JSON Schema's path, counting from 0:
    "specialisms[1].sectros (the first specialism's sectros)" => specialisms, 0, sectros.

    A problem with the whole file (no field, or '(file)') is at the top: [].
    """
    if field.startswith("(") or not FIELD_PATH.match(field):
        return []
    parts = [p for p in re.split(r"[.\[\]]+", field.split(" (the ", 1)[0]) if p]
    return [str(int(p) - 1) if p.isdigit() else p for p in parts]


def names_the_field(error: jsonschema.ValidationError, field: str) -> bool:
    """Whether the schema's error is about the loader's field: at its path, or at the mapping
    holding it and naming it (an unknown or missing key)."""
    path = [str(p) for p in error.absolute_path]
    want = schema_path(field)
    return path == want or (path == want[:-1] and f"'{want[-1]}'" in error.message)


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_bad_inputs_fail_the_schema_at_the_loaders_field(
        site: SiteDir, rule: str, case: Bad) -> None:
    path = write_case(site, case)
    where = LOCATION.match(case.expected[0])
    assert where is not None, case.expected[0]
    validator = jsonschema.Draft7Validator(schema_for(schema_kind(case.file)),
                                           format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(file_data(path)))
    assert any(names_the_field(e, where["field"]) for e in errors), \
        f"the schema does not flag {where['field']} as check does: {case.expected[0]}; " \
        f"it says {[e.message for e in errors]}"


@pytest.mark.parametrize(("rule", "case"), BEYOND_THE_SCHEMA)
def test_what_the_schema_cannot_express_it_accepts(site: SiteDir, rule: str, case: Bad) -> None:
    """The list of rules beyond JSON Schema is true: each of their cases passes the schema
    (the loader's own tests show that check refuses them)."""
    path = write_case(site, case)
    assert schema_errors(schema_kind(case.file), file_data(path)) == [], \
        "the schema can say this after all: move it out of NOT_EXPRESSIBLE"


# The same schemas in the editors' own checker, yaml-language-server (the server behind
# VS Code's YAML extension), reached through the modeline each content file starts with.


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[YamlLanguageServer, Path]]:
    """yaml-language-server on a workspace holding the schemas, as a checkout would."""
    workspace = tmp_path_factory.mktemp("workspace")
    shutil.copytree(SCHEMA_DIR, workspace / "schema")
    server = YamlLanguageServer(workspace)
    try:
        yield server, workspace
    finally:
        server.close()


def modeline(relative: str) -> str:
    """The first line of a content file: 'cities/x.yaml' names ../../schema/city.schema.json."""
    up = "../.." if "/" in relative else ".."
    return f"# yaml-language-server: $schema={up}/schema/{schema_kind(relative)}.schema.json\n"


def test_the_editor_flags_nothing_in_the_real_content(
        editor: tuple[YamlLanguageServer, Path]) -> None:
    server, workspace = editor
    files = {workspace / "content" / path.relative_to(ROOT / "content"):
             path.read_text(encoding="utf-8")
             for path in content_files(ROOT / "content") if path.suffix == ".yaml"}
    assert len(files) >= 18, "ten cities, six jobs, the sectors and the site"
    flagged = server.open_all(files)
    assert {path.relative_to(workspace): found for path, found in flagged.items() if found} \
        == {}


def test_the_editor_completes_fields_and_explains_them(
        editor: tuple[YamlLanguageServer, Path]) -> None:
    server, workspace = editor
    path = workspace / "content/cities/completion.yaml"
    text = modeline("cities/x.yaml") + "name: Leeds\n\n"
    server.open(path, text)
    document = {"uri": path.as_uri()}
    completion = server.request("textDocument/completion",
                                {"textDocument": document, "position": {"line": 2, "character": 0}})
    items = completion["items"] if isinstance(completion, dict) else completion
    labels = {item["label"] for item in items}
    assert {"nation", "rank", "status", "location", "summary", "specialisms"} <= labels
    assert "name" not in labels, "a field already given is not offered again"
    hover = server.request("textDocument/hover",
                           {"textDocument": document, "position": {"line": 1, "character": 1}})
    assert "The city's name, unique across cities." in json.dumps(hover)


# An empty file is no document to an editor: only `check` says it is not a mapping.
EDITOR_SKIPS = {"top-level-not-a-mapping-2": "an empty file"}
# Where the editor underlines another line than check names: a mapping missing a key is
# underlined at the key that holds it (`salary:`, line 7), check names its first line.
# Where the editor marks another line than check: a mapping missing a field is marked at
# its own key ("correction:") by the editor, at its first field by check.
EDITOR_LINES = {"salary-sound-2": 7, "missing-required-field-7": 18}
YAML_CASES = [pytest.param(rule, case, id=f"{rule}-{number}")
              for rule, cases in RULES.items() for number, case in enumerate(cases, 1)
              if rule not in NOT_EXPRESSIBLE and isinstance(case.text, str)
              and case.file.endswith(".yaml")
              and f"{rule}-{number}" not in {**NOT_EXPRESSIBLE_CASES, **EDITOR_SKIPS}]


def case_document(workspace: Path, case_id: str, case: Bad) -> tuple[Path, str]:
    """Where a case's file is opened in the editor's workspace, and its text."""
    folder, _, name = case.file.rpartition("/")
    assert isinstance(case.text, str)
    return workspace / "content" / folder / f"{case_id}-{name}", modeline(case.file) + case.text


@pytest.fixture(scope="module")
def flagged_cases(editor: tuple[YamlLanguageServer, Path]) -> dict[str, list[dict[str, Any]]]:
    """What the editor flags in each case's file, all opened at once, by case id."""
    server, workspace = editor
    documents = {param.id: case_document(workspace, str(param.id), param.values[1])
                 for param in YAML_CASES}
    found = server.open_all(dict(documents.values()))
    return {case_id: found[path] for case_id, (path, _) in documents.items()}


@pytest.mark.parametrize(("rule", "case"), YAML_CASES)
def test_the_editor_flags_each_mistake_the_schema_can_express(
        flagged_cases: dict[str, list[dict[str, Any]]], rule: str, case: Bad,
        request: pytest.FixtureRequest) -> None:
    flagged = flagged_cases[request.node.callspec.id]
    location = LOCATION.match(case.expected[0])
    assert location is not None, case.expected[0]
    # The modeline is one more line above the content, so the editor's 0-based line
    # numbers are check's 1-based ones.
    line = EDITOR_LINES.get(request.node.callspec.id, int(location["line"]))
    assert line in [d["range"]["start"]["line"] for d in flagged], \
        f"the editor does not flag line {line} as check does: {case.expected[0]}; it says " \
        f"{[(d['range']['start']['line'], d['message']) for d in flagged]}"
