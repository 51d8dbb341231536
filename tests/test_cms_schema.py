"""The browser editor's forms and the JSON Schemas state the same rules, field by field.

Both are read as they are emitted: admin/config.yml of a built site and the
schema/*.schema.json files, never through the code that makes them. Each form
field is walked beside its schema property, nested groups and lists included,
and each pair must agree on whether the field is required, what kind of value
it holds, and which values it accepts: the same probe values are put to what
Decap CMS 3.16 checks (presence, `pattern` tested on the value as JavaScript's
RegExp.test does, a number's min and max, a list's min and max, a choice's
options) and to the JSON Schema (jsonschema's draft 7 validator), and a value
one accepts and the other refuses is a disagreement.

What a form cannot say stays with `check`, and is named here as such: rules
across fields (a salary's min or max), and the fields of an optional group,
which the form leaves optional (Decap would refuse to save an empty optional
group whose fields it requires).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import ROOT, SiteDir

SCHEMAS = ROOT / "schema"
Node = dict[str, Any]

# Text put to every text field: blanks, slugs, codes, addresses, names in other cases.
TEXTS = ["", " ", "\n", "x", " x ", "Leeds", "Northern Ireland", "fintech", "health-care",
         "Fintech", "-x", "x-", "a--b", "a b", "a_b", "GBP", "gbp", "GB", "G", "GBR", "en-GB",
         "en", "e", "EN-gb-oxendict", "email", "EMAIL", "user[email]", "1email", "owner/name",
         "owner/", "main", "/", "https://example.org/", "http://x", "HTTPS://X.ORG",
         "https://", "https:///x", "www.example.org", "example.org/", "ftp://example.org/",
         "javascript:alert(1)", "mailto:a@example.org", "2026-11-24"]
NUMBERS = [-1000, -8.71, -8.7, -1, -0.5, 0, 0.5, 1, 1.5, 1.8, 1.81, 2, 3.5, 5, 6, 49.79,
           49.8, 60.9, 60.91, 72000, 10**9]


@dataclass(frozen=True)
class Pair:
    """A form field and the schema property it edits, with where it is."""

    path: str
    field: Node
    schema: Node
    required_in_schema: bool
    in_optional_group: bool


def resolved(node: Node, root: Node) -> Node:
    """The schema node with its $ref (alone or in allOf) read in and null dropped from anyOf."""
    node = dict(node)
    refs = [node.pop("$ref")] if "$ref" in node else []
    for part in node.pop("allOf", []):
        if "$ref" in part:
            refs.append(part["$ref"])
        else:
            node.setdefault("allOf", []).append(part)
    for ref in refs:
        target = root
        for step in ref.removeprefix("#/").split("/"):
            target = target[step]
        node = {**resolved(target, root), **node}
    branches = [b for b in node.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) == 1 and len(node["anyOf"]) == 2:
        del node["anyOf"]
        node = {**resolved(branches[0], root), **node}
    return node


def types(node: Node) -> set[str]:
    kinds = node.get("type", [])
    return ({kinds} if isinstance(kinds, str) else set(kinds)) - {"null"}


def schema_accepts(node: Node, root: Node, value: Any) -> bool:
    """Whether the JSON Schema (draft 7, with the file's definitions) accepts `value`."""
    whole = {**node, "definitions": root.get("definitions", {})}
    return jsonschema.Draft7Validator(whole).is_valid(value)


def js_string(value: Any) -> str:
    """The value as JavaScript turns it into text for RegExp.test: 3.0 is '3', a list 'a,b'."""
    if isinstance(value, list):
        return ",".join(js_string(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_accepts(field: Node, value: Any) -> bool:
    """What Decap CMS 3.16 checks before a save: presence, pattern, then the widget's own."""
    empty = value is None or value == "" or value == []
    if empty:
        return field.get("required", True) is False
    pattern = field.get("pattern")
    # A JavaScript pattern, tested with search semantics; these use no syntax Python reads
    # differently (no lookbehind, named groups or flags).
    if pattern and not re.search(pattern[0], js_string(value)):
        return False
    widget = field["widget"]
    if widget == "number":
        low, high = field.get("min"), field.get("max")
        return (low is None or value >= low) and (high is None or value <= high)
    if widget == "select":
        options = [o["value"] if isinstance(o, dict) else o for o in field["options"]]
        chosen = value if field.get("multiple") else [value]
        low, high = field.get("min"), field.get("max")
        return (all(v in options for v in chosen) and (low is None or len(chosen) >= low)
                and (high is None or len(chosen) <= high))
    if widget == "list":
        low, high = field.get("min"), field.get("max")
        items = "field" not in field or all(form_accepts(field["field"], v) for v in value)
        return items and (low is None or len(value) >= low) and (high is None or len(value) <= high)
    return True


def lengths(field: Node, node: Node) -> set[int]:
    """Lengths at either side's bounds: a bound one side lacks shows as a disagreement."""
    found = {node[k] + d for k in ("maxLength", "minLength") if k in node for d in (0, 1)}
    for low, high in re.findall(r"\{(\d+),(\d+)\}", (field.get("pattern") or [""])[0]):
        found |= {int(low), int(high), int(high) + 1}
    return found


def numbers(field: Node, node: Node) -> list[float]:
    """The fixed numbers and each side's bounds with a step either way."""
    bounds = [node.get(k) for k in ("minimum", "maximum", "exclusiveMinimum",
                                    "exclusiveMaximum")] + [field.get("min"), field.get("max")]
    found = set(NUMBERS) | {b + d for b in bounds if b is not None for d in (-0.01, 0, 0.01)}
    if field.get("value_type") == "int":  # the widget writes whole numbers only
        found = {round(n) for n in found}
    return sorted(found)


def probes(pair: Pair) -> Iterator[Any]:
    """The values to put to both sides, by the form field's widget."""
    field, node = pair.field, pair.schema
    widget = field["widget"]
    if widget in ("string", "text", "markdown"):
        yield from TEXTS
        yield from ("x" * n for n in lengths(field, node))
        yield from (" " * n for n in lengths(field, node))
    elif widget == "number":
        yield from numbers(field, node)
    elif widget == "select" and field.get("multiple"):
        options = [o["value"] for o in field["options"]]
        yield from (options[:n] for n in range(len(options) + 1))
    elif widget == "select":
        yield from [o["value"] if isinstance(o, dict) else o for o in field["options"]]
        yield from node.get("enum", [])
        yield "something else"
    elif widget == "list" and "fields" not in field:
        yield from ([t] for t in TEXTS if t and "," not in t)
        yield []
        yield ["GB", "IE"]
        yield ["GB", "ie"]


def pairs(fields: list[Node], node: Node, root: Node, path: str,
          in_optional_group: bool = False) -> Iterator[Pair]:
    """Each form field with its schema property, nested groups and list items included."""
    node = resolved(node, root)
    properties = node.get("properties", {})
    assert [f["name"] for f in fields] == list(properties), \
        f"{path or '(file)'}: the form's fields are not the schema's properties"
    for field in fields:
        inner = resolved(properties[field["name"]], root)
        where = f"{path}.{field['name']}" if path else field["name"]
        pair = Pair(where, field, inner, field["name"] in node.get("required", []),
                    in_optional_group)
        yield pair
        optional = field.get("required", True) is False
        if field["widget"] == "object":
            yield from pairs(field["fields"], inner, root, where, in_optional_group or optional)
        elif field["widget"] == "list" and "fields" in field:
            yield from pairs(field["fields"], inner["items"], root, f"{where}[]")


def collections(config: Node) -> Iterator[tuple[str, list[Node], Node]]:
    """Each form with the schema of the files it writes."""
    by_name = {c["name"]: c for c in config["collections"]}
    schema = {kind: json.loads((SCHEMAS / f"{kind}.schema.json").read_text())
              for kind in ("city", "job", "page", "site", "sectors")}
    yield "cities", by_name["cities"]["fields"], schema["city"]
    yield "jobs", by_name["jobs"]["fields"], schema["job"]
    page_fields = by_name["pages"]["fields"]
    assert page_fields[-1]["name"] == "body"  # the Markdown under the front matter
    yield "pages", page_fields[:-1], schema["page"]
    (site,) = by_name["settings"]["files"]
    yield "settings", site["fields"], schema["site"]
    (sectors,) = by_name["sectors"]["files"]
    # A mapping keyed by slug: each key's group is checked against the one sector schema.
    (key_pattern, sector), = schema["sectors"]["patternProperties"].items()
    for group in sectors["fields"]:
        assert re.search(key_pattern, group["name"]) and group["widget"] == "object"
        yield f"sectors[{group['name']}]", group["fields"], {**sector, **{
            "definitions": schema["sectors"]["definitions"]}}


KINDS = {  # widget => the schema types its value can be
    "string": {"string"}, "text": {"string"}, "markdown": {"string"}, "relation": {"string"},
    "datetime": {"string"}, "boolean": {"boolean"}, "object": {"object"}, "list": {"array"},
}


def disagreements(pair: Pair, root: Node, city_slugs: list[str]) -> Iterator[str]:
    """What the form field and the schema property say differently."""
    field, node, widget = pair.field, pair.schema, pair.field["widget"]
    required_in_form = field.get("required", True) is not False
    if pair.in_optional_group:
        if required_in_form:
            yield "required inside an optional group (Decap would refuse an empty group)"
    elif required_in_form != pair.required_in_schema:
        yield (f"required in the {'form' if required_in_form else 'schema'} only")
    kinds = types(node)
    if widget == "number":
        wanted = {"integer"} if field.get("value_type") == "int" else {"number"}
        if kinds != wanted:
            yield f"a {field.get('value_type')} number in the form, {sorted(kinds)} in the schema"
    elif widget == "select" and field.get("multiple"):
        if kinds != {"array"}:
            yield f"a multiple choice in the form, {sorted(kinds)} in the schema"
        # The choices are sectors.yaml's keys: that a key exists is check's rule (it spans
        # files), that each is a well-formed key the schema's.
        refused = [o["value"] for o in field["options"]
                   if not schema_accepts(node["items"], root, o["value"])]
        if refused:
            yield f"choices the schema refuses: {refused}"
        if node.get("minItems") != field.get("min") or node.get("maxItems") != field.get("max"):
            yield "the least or most choices differ"
    elif widget == "select":
        options = [o["value"] if isinstance(o, dict) else o for o in field["options"]]
        if options != [e for e in node.get("enum", []) if e is not None]:
            yield f"options {options}, schema enum {node.get('enum')}"
    elif kinds != KINDS[widget]:
        yield f"a {widget} in the form, {sorted(kinds)} in the schema"
    dated = (node.get("format"), field.get("format"), field.get("time_format"))
    if widget == "datetime" and dated != ("date", "YYYY-MM-DD", False):
        yield "not a date (YYYY-MM-DD, no time) on both sides"
    if widget == "markdown" and node.get("format") != "markdown":
        yield "Markdown in the form only"
    form_bounds = (field.get("min"), field.get("max"))
    schema_bounds = (node.get("minItems"), node.get("maxItems"))
    if widget == "list" and form_bounds != schema_bounds:
        yield f"list bounds: form {form_bounds}, schema {schema_bounds}"
    if widget == "relation":
        # Its values are the slugs of the collection's files, which must all pass the schema.
        refused = [s for s in city_slugs if not schema_accepts(node, root, s)]
        if field.get("value_field") != "{{slug}}" or refused:
            yield f"city slugs the schema refuses: {refused}"
    for value in probes(pair):
        if value in ("", []) and (pair.in_optional_group or not pair.required_in_schema):
            continue  # left empty, the field is left out: nothing for the schema to check
        form, schema = form_accepts(field, value), schema_accepts(node, root, value)
        if form != schema:
            yield f"{value!r}: the {'form' if form else 'schema'} accepts it, the other refuses it"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Node:
    from .conftest import small_site

    site: SiteDir = small_site(tmp_path_factory.mktemp("forms"))
    result = site.build()
    assert result.returncode == 0, result.stderr
    return yaml.safe_load((site.out / "admin/config.yml").read_text())


def test_every_form_field_agrees_with_its_schema_property(config: Node) -> None:
    found = []
    checked = 0
    for name, fields, root in collections(config):
        for pair in pairs(fields, root, root, ""):
            checked += 1
            found += [f"{name}: {pair.path}: {d}" for d in disagreements(pair, root,
                                                                         ["leeds", "york"])]
    assert not found, "\n".join(found)
    assert checked > 60  # every field of every form, nested ones included


def test_a_bound_the_form_lacks_is_a_disagreement(config: Node) -> None:
    """The comparison can fail: a form without a city summary's length limit is caught."""
    cities = next(c for c in config["collections"] if c["name"] == "cities")
    summary = next(f for f in cities["fields"] if f["name"] == "summary")
    root = json.loads((SCHEMAS / "city.schema.json").read_text())
    loose = Pair("summary", {**summary, "pattern": [r"\S", "must not be empty"]},
                 root["properties"]["summary"], True, False)
    assert list(disagreements(loose, root, [])) == [
        "'" + "x" * 201 + "': the form accepts it, the other refuses it"]

