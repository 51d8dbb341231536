"""JSON Schemas of the content files, generated from the content model, for editors.

VS Code (and any editor using yaml-language-server) reads these to complete
field names, show what each field means and flag a mistake as it is typed.
They state every rule of one file that JSON Schema can state: required and
unknown fields, types, choices, patterns, bounds and lengths. Rules that span
files (sector and city references, unique names and ranks) or compare two
fields (closes after posted, max above min) stay with `build.py check`.

    python build.py schema            write schema/*.schema.json
    python build.py schema --check    exit 1 if they are out of date
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

# The model's own checks whose rule JSON Schema can state as a pattern.
from ..model import (
    CURRENCY_PATTERN,
    FORM_FIELD_PATTERN,
    LANGUAGE_PATTERN,
    SLUG_PATTERN,
    City,
    Job,
    PageFrontMatter,
    SectorsFile,
    Site,
    _absolute_web_url,
    _not_blank,
)

DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft every yaml-language-server knows

# A file kind: its schema's name, its model, and what the file is.
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "site": (Site, "content/site.yaml: the guide's title, address and home page text."),
    "sectors": (SectorsFile, "content/sectors.yaml: the sectors, keyed by slug. Every "
                "'sectors:' list in the other files names keys from here."),
    "city": (City, "content/cities/<slug>.yaml: one city of the guide; the file name is its "
             "slug."),
    "job": (Job, "content/jobs/<id>.yaml: one job posting; the file name is its id."),
    "page": (PageFrontMatter, "The front matter of content/pages/<slug>.md, between the "
             "'---' lines above the Markdown."),
}

# Checks done by Python functions, and the pattern that says the same.
NOT_BLANK = r"\S"  # not empty or only spaces
# An absolute http(s) URL with a host; the scheme in any case, as urlsplit reads it.
WEB_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]"
FUNCTION_PATTERNS: dict[Callable[..., Any], str] = {_not_blank: NOT_BLANK,
                                                    _absolute_web_url: WEB_URL}

# What an editor says when a pattern fails (yaml-language-server reads
# patternErrorMessage; validators that do not know it ignore it), in the loader's words.
PATTERN_MESSAGES = {
    NOT_BLANK: "must not be empty",
    WEB_URL: "expected an absolute http(s) URL like https://example.org/",
    r"/$": "must end with '/'",
    SLUG_PATTERN: "use lower-case letters, digits and hyphens",
    CURRENCY_PATTERN: "expected a three-letter ISO 4217 currency code like GBP",
    LANGUAGE_PATTERN: "expected a language tag like en-GB",
    FORM_FIELD_PATTERN: "expected a form field name like email",
}

# Rules of a model validator that JSON Schema can state, by model name.
MODEL_RULES: dict[str, JsonSchemaValue] = {
    "Salary": {"anyOf": [
        {"required": ["min"], "properties": {"min": {"type": "number"}}},
        {"required": ["max"], "properties": {"max": {"type": "number"}}},
    ]},
}

# What each field means, with an example, shown by the editor on hover and completion.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Site": {
        "title": "The guide's name, shown on every page. Example: UK Machine Learning "
                 "Location Guide",
        "tagline": "A short line shown under the title (optional). Example: Where ML "
                   "careers grow, city by city",
        "description": "The home page's summary for search engines, at most 160 characters.",
        "base_url": "The published address, absolute and ending in '/'. Example: "
                    "https://guide.example/",
        "language": "The language of the text, as a language tag. Example: en-GB",
        "intro": "The home page's opening text, in Markdown.",
        "why_uk": "The 'why the UK' points on the home page (optional), each with a title "
                  "and a Markdown body.",
        "how_chosen": "How the cities were chosen and grouped (optional), in Markdown: a "
                      "note on the home page, linked from every city page.",
        "newsletter": "The subscribe form (optional): the https address it posts to, and the "
                      "field names the endpoint expects. Without it, the box explains the feeds.",
        "figures_max_age_days": "How old a city's sourced figure may be before `check` warns "
                                "(optional, default 365). Example: 180",
        "closed_job_days": "How many days a closed job keeps its page, marked closed, before "
                           "its address redirects to its city's roles (optional, default 30). "
                           "Example: 30",
        "page_sizes": "How many entries one page of a long list holds (optional); a longer "
                      "list goes on to numbered pages.",
        "editing": "Where the browser editor at /admin/ saves (optional): the GitHub "
                   "repository (repo: owner/name) and its branch (default main). Without it, "
                   "/admin/ uses Netlify's Git Gateway.",
    },
    "PageSizes": {
        "roles": "Roles on one page of a list of roles (optional, default 50). Example: 50",
        "lists": "Lists on one page of jobs/cities/ and jobs/employers/ (optional, default "
                 "200). Example: 200",
        "cities": "Cities on the home page and on one page of the comparison; more go on to "
                  "the pages of cities/ (optional, default 50). Example: 50",
        "employers": "Entries on one page of the employers A–Z (optional, default 500). "
                     "Example: 500",
    },
    "Editing": {
        "repo": "The GitHub repository the editor commits to, as owner/name. Example: "
                "example-org/ml-guide",
        "branch": "The branch it commits to (optional, default main). Example: main",
    },
    "Newsletter": {
        "action": "The address the form posts to, https only. Example: "
                  "https://news.example/subscribe",
        "email_field": "The name the endpoint gives the email field (optional, default email). "
                       "Example: EMAIL",
        "honeypot_field": "The name of the hidden field only bots fill in (optional, default "
                          "website); the endpoint should drop posts that fill it.",
    },
    "Figure": {
        "name": "What the figure is. Example: Median advertised ML salary",
        "value": "The number, digits only (no commas or £). Example: 72000",
        "unit": "What the number counts. Example: GBP a year",
        "source": "Where the figure comes from, an absolute http(s) URL.",
        "as_of": "The date the source gives the figure for, like 2026-10-01 (no quotes).",
    },
    "Correction": {
        "note": "What changed since the source article, in a sentence. Example: Renamed "
                "Google DeepMind in 2023.",
        "source": "Where a reader can check it, an absolute http(s) URL.",
    },
    "WhyPoint": {
        "title": "The point's heading. Example: World-class universities",
        "body": "The point's text, in Markdown.",
    },
    "Sector": {
        "name": "The sector's name as readers see it. Example: Healthcare and life sciences",
        "description": "What the sector covers, in Markdown; shown on the sector's page.",
    },
    "City": {
        "name": "The city's name, unique across cities. Example: Manchester",
        "nation": "The nation the city is in: England, Scotland, Wales or Northern Ireland.",
        "rank": "The city's place in the guide: any number no other city has, lower "
                "first. Gaps are fine, and 3.5 goes between 3 and 4; the position readers "
                "see (number 4 in the guide) is counted from the order. Example: 3",
        "status": "How established its ML scene is (optional): established, emerging or "
                  "honourable-mention.",
        "location": "Where the city is, for the map: lat and lon inside the UK.",
        "summary": "One or two plain sentences for cards and search engines, at most 200 "
                   "characters.",
        "overview": "The city page's main text, in Markdown.",
        "specialisms": "What the city is strong in: at least one, each with a name, "
                       "sectors and a description.",
        "employers": "Companies and institutions in the city (optional), each with a name, "
                     "type and description.",
        "reviewed": "When the city's text was last checked (optional), like 2026-11-25: "
                    "shown as 'Last reviewed'.",
        "figures": "Figures from elsewhere (optional), each with a name, value, unit, source "
                   "and as_of date; never a figure without a source.",
    },
    "Location": {
        "lat": "Latitude in degrees, between 49.8 and 60.9. Example: 53.4808",
        "lon": "Longitude in degrees, between -8.7 and 1.8 (west is negative). "
               "Example: -2.2426",
    },
    "Specialism": {
        "name": "The specialism's name. Example: Health informatics",
        "sectors": "At least one sector key from content/sectors.yaml. Example: [healthcare]",
        "description": "What the city does in it, in Markdown.",
        "correction": "Where the text departs from the source article (optional): a note "
                      "and the source that backs it.",
    },
    "Employer": {
        "name": "The organisation's name. Example: University of Manchester",
        "type": "What kind of organisation it is: company, university, research-lab, "
                "public-body, hub, startup or consultancy.",
        "url": "Its website (optional), an absolute http(s) URL. Example: "
               "https://www.manchester.ac.uk/",
        "description": "What it does in ML, in Markdown.",
        "sectors": "Sector keys from content/sectors.yaml (optional). Example: [healthcare]",
        "correction": "Where the entry departs from the source article (optional): a note "
                      "and the source that backs it.",
    },
    "Job": {
        "title": "The job title as advertised. Example: Senior MLOps Engineer",
        "employer": "The hiring organisation or agency (optional: leave it out when the "
                    "posting does not say). Example: Data Idols",
        "city": "The slug of a city file (optional): the job is listed on that city's page. "
                "Example: london",
        "location": "Where the job is, as readers should see it. Example: London (hybrid)",
        "workplace": "Where the work happens (optional): onsite, hybrid or remote.",
        "employment_type": "The kind of contract (optional): full-time, part-time, contract, "
                           "temporary or internship.",
        "salary": "The pay (optional): at least one of min and max, digits only.",
        "posted": "The date the job was posted, like 2026-11-20 (no quotes).",
        "closes": "The last day to apply (optional), like 2027-01-31, not before posted. "
                  "The job is left out of the site after it.",
        "apply_url": "Where to apply, an absolute http(s) URL. Example: "
                     "https://jobs.example/apply/123",
        "summary": "What the job is, in Markdown.",
        "sectors": "Sector keys from content/sectors.yaml (optional). Example: [insurance]",
        "visa_sponsorship": "Whether the employer sponsors a work visa (optional): true or "
                            "false. Leave it out when the posting does not say.",
        "office_days": "Days a week in the office, 1 to 5 (optional, hybrid roles only). "
                       "Example: 2",
        "applicant_locations": "Where applicants may live, as two-letter ISO 3166 country "
                               "codes (optional, remote roles only). Example: [GB, IE]",
        "contract": "The contract's terms (optional, employment_type contract only): ir35 "
                    "and duration_months.",
    },
    "Contract": {
        "ir35": "The role's IR35 status (optional): inside, outside or undetermined.",
        "duration_months": "How long the contract runs, in months (optional). Example: 6",
    },
    "Salary": {
        "min": "The lowest pay, digits only (no commas or £). Example: 80000",
        "max": "The highest pay, digits only, not below min. Example: 90000",
        "currency": "A three-letter ISO 4217 currency code (optional, default GBP). "
                    "Example: GBP",
        "period": "What the amounts are per (optional, default year): year, month, day "
                  "or hour.",
    },
    "PageFrontMatter": {
        "title": "The page's title. Example: Positioning yourself for an ML career",
        "description": "The page's summary for search engines, at most 160 characters.",
        "nav": "The page's place in the main navigation (optional): a whole number, "
               "lower first. Example: 2",
        "nav_title": "A short name for the menu and the breadcrumbs (optional, at most 24 "
                     "characters); the title is used without it. Example: Career advice",
    },
}

# Bounds that pydantic leaves under their Python names when a validator wraps them.
_BOUND_NAMES = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum",
                "lt": "exclusiveMaximum"}


class ContentSchema(GenerateJsonSchema):
    """pydantic's generator, taught the checks it cannot see."""

    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> JsonSchemaValue:
        generated = super().function_after_schema(schema)
        pattern = FUNCTION_PATTERNS.get(schema["function"]["function"])
        return _with_rule(generated, {"pattern": pattern}) if pattern else generated

    def chain_schema(self, schema: core_schema.ChainSchema) -> JsonSchemaValue:
        """A value must pass every step of a chain, not only the first."""
        if self.mode != "validation":
            return super().chain_schema(schema)
        generated: JsonSchemaValue = {}
        for step in schema["steps"]:
            generated = _with_rule(generated, self.generate_inner(step))
        return generated


def _with_rule(schema: JsonSchemaValue, rule: JsonSchemaValue) -> JsonSchemaValue:
    """`schema` that also requires `rule`; a clashing keyword goes into allOf."""
    merged = dict(schema)
    for key, value in rule.items():
        if key in merged and merged[key] != value:
            merged.setdefault("allOf", []).append({key: value})
        else:
            merged[key] = value
    return merged


def _subschemas(node: JsonSchemaValue) -> Iterator[JsonSchemaValue]:
    """The schemas directly inside a schema (not its property names or keywords)."""
    for key in ("properties", "patternProperties", "definitions"):
        yield from node.get(key, {}).values()
    for key in ("anyOf", "allOf", "oneOf"):
        yield from node.get(key, [])
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield node[key]


def _collapse_nullable(node: JsonSchemaValue) -> None:
    """anyOf [text with rules, null] => one schema of type [string, null].

    Editors then complete an optional field's choices and name the rule it breaks,
    instead of saying "not valid under any of the given schemas". Rules like pattern
    apply to their own type only, so null still passes.
    """
    branches = node.get("anyOf", [])
    if len(branches) != 2 or {"type": "null"} not in branches:
        return
    (other,) = [branch for branch in branches if branch != {"type": "null"}]
    if not isinstance(other.get("type"), str):
        return  # a $ref to a mapping (salary) stays as it is
    del node["anyOf"]
    node.update(other)
    node["type"] = [other["type"], "null"]
    if "enum" in node:
        node["enum"] = [*node["enum"], None]


def _inline_optional_mappings(node: JsonSchemaValue, definitions: JsonSchemaValue) -> None:
    """An optional mapping (salary) written out in place, of type [object, null].

    As anyOf [$ref, null] an editor could only say "not valid under any of the given
    schemas"; in place it names the field at fault. Keywords for mappings (required,
    properties) let null through.
    """
    for field in node.get("properties", {}).values():
        branches = field.get("anyOf", [])
        if len(branches) == 2 and {"type": "null"} in branches:
            (other,) = [branch for branch in branches if branch != {"type": "null"}]
            if "$ref" in other:
                del field["anyOf"]
                name = other["$ref"].rsplit("/", 1)[-1]
                field.update({**definitions[name], **field, "type": ["object", "null"]})


def _finish(node: JsonSchemaValue, model: str | None) -> None:
    """Descriptions, closed mappings, standard bound names; no generated titles or null defaults."""
    _collapse_nullable(node)
    node.pop("title", None)
    if "default" in node and node["default"] is None:
        del node["default"]  # editors would complete an optional field as 'null'
    for python, standard in _BOUND_NAMES.items():
        if python in node:
            node[standard] = node.pop(python)
    if "patternProperties" in node:
        node["additionalProperties"] = False  # a mapping key must match, like a sector slug
    if node.get("pattern") in PATTERN_MESSAGES:
        node["patternErrorMessage"] = PATTERN_MESSAGES[node["pattern"]]
    if model is not None:
        node.update(MODEL_RULES.get(model, {}))
        properties = node.get("properties", {})
        for name, description in DESCRIPTIONS.get(model, {}).items():
            field = properties[name]
            if "$ref" in field:  # draft 7 ignores the keywords beside a $ref
                field["allOf"] = [{"$ref": field.pop("$ref")}]
            field["description"] = description
    for inner in _subschemas(node):
        _finish(inner, None)


def _tidy(node: JsonSchemaValue) -> None:
    """Each schema's keywords in reading order: what it is, then its rules."""
    first = [key for key in ("$schema", "title", "description", "type", "enum") if key in node]
    ordered = {key: node[key] for key in first} | node
    node.clear()
    node.update(ordered)
    for inner in _subschemas(node):
        _tidy(inner)


def schema_for(kind: str) -> JsonSchemaValue:
    """The JSON Schema of one kind of content file."""
    model, about = KINDS[kind]
    schema = model.model_json_schema(schema_generator=ContentSchema,
                                     ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    _finish(schema, model.__name__)
    for name, definition in definitions.items():
        _finish(definition, name)
    for node in (schema, *definitions.values()):
        _inline_optional_mappings(node, definitions)
    definitions = {name: d for name, d in definitions.items()
                   if f'"#/definitions/{name}"' in json.dumps([schema, definitions])}
    result: JsonSchemaValue = {"$schema": DRAFT, "title": f"{kind} file",
                               **schema, "description": about}
    if definitions:
        result["definitions"] = definitions
    _tidy(result)
    return result


def schema_text(kind: str) -> str:
    """The schema file's text: stable, readable JSON."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def schema_files(folder: Path) -> dict[Path, str]:
    """Each schema file's path and text."""
    return {folder / f"{kind}.schema.json": schema_text(kind) for kind in KINDS}


def write_schemas(folder: Path) -> list[Path]:
    """Write the schema files that changed; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in schema_files(folder).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def stale_schemas(folder: Path) -> list[Path]:
    """The schema files that are missing or differ from the model."""
    return [path for path, text in schema_files(folder).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]
