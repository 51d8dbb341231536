"""Check loaded files against the content model and against each other.

Each file is validated by its pydantic model; pydantic's findings are
translated into YAML terms and located with the loader's position table.
Rules that span files (unique names and ranks, references to sectors and
cities) are checked afterwards. Nothing is raised until every file is seen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .load import SourceFile, Sources
from .model import (
    RESERVED_PAGE_SLUGS,
    City,
    Job,
    PageFrontMatter,
    Sector,
    SectorsFile,
    Site,
    is_slug,
)
from .problems import ContentError, FieldPath, Problem, did_you_mean

M = TypeVar("M", bound=BaseModel)

_FIELD_EXAMPLES = {
    "posted": "a date like 2026-03-01",
    "closes": "a date like 2026-03-01",
}


def describe_value(value: Any) -> str:
    """How an editor would name a YAML value: "the number 12", "text 'soon'"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"a date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "date_type": "a date like 2026-03-01",
    "date_from_datetime_inexact": "a date like 2026-03-01 (without a time)",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}


def _message(error: Mapping[str, Any], model: type[BaseModel], path: FieldPath) -> tuple[str, str | None, bool]:
    """Plain-English message, suggestion, and whether to point at the key."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"required field '{path[-1]}' is missing", f"add '{path[-1]}:'", False
    if kind == "extra_forbidden":
        known = _known_fields(model, path[:-1])
        suggestion = did_you_mean(str(path[-1]), known)
        listing = ", ".join(sorted(known))
        return f"unknown field '{path[-1]}'", suggestion or f"known fields are: {listing}", True
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        hint = "put it in quotes" if kind == "string_type" and value is not None else None
        return f"expected {expected}, got {describe_value(value)}", hint, False
    if kind == "literal_error":
        options = [o.strip(" '") for o in ctx["expected"].replace(" or ", ", ").split(",")]
        suggestion = did_you_mean(str(value), options) if isinstance(value, str) else None
        return (f"expected one of {', '.join(options)}; got {describe_value(value)}",
                suggestion, False)
    if kind == "string_too_long":
        return (f"is {len(value)} characters long; at most {ctx['max_length']} are allowed",
                "shorten it", False)
    if kind == "too_short":
        return "must list at least one item", None, False
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _bound_message(kind, value, ctx, path), None, False
    if kind == "string_pattern_mismatch":
        return _pattern_message(value, ctx["pattern"]), None, False
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])), None, False
    return str(error["msg"]), None, False


def _bound_message(kind: str, value: Any, ctx: Mapping[str, Any], path: FieldPath) -> str:
    if path and path[-1] in ("lat", "lon"):
        return f"{value} is outside the UK (latitude 49.8 to 60.9, longitude -8.7 to 1.8)"
    words = {
        "greater_than": "greater than", "greater_than_equal": "at least",
        "less_than": "less than", "less_than_equal": "at most",
    }
    limit = next(iter(ctx.values()))
    return f"must be {words[kind]} {limit}, got {describe_value(value)}"


def _pattern_message(value: Any, pattern: str) -> str:
    if "a-z0-9" in pattern:
        return f"'{value}' is not a valid key: use lower-case letters, digits and hyphens"
    if "A-Z]{3}" in pattern:
        return f"expected a three-letter ISO 4217 currency code like GBP, got '{value}'"
    if pattern.endswith("/$"):
        return f"must end with '/', got '{value}'"
    return f"expected a language tag like en-GB, got '{value}'"


def _known_fields(model: type[BaseModel], path: FieldPath) -> list[str]:
    """The field names allowed in the mapping at `path` of `model`."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = current.model_fields
        # A RootModel of a mapping (sectors.yaml): any key leads to the value type.
        annotation = fields[part].annotation if part in fields else fields["root"].annotation
        current = _model_inside(annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _model_inside(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_inside(argument)
        if found is not None:
            return found
    return None


def validate_file(source: SourceFile, model: type[M], problems: list[Problem]) -> M | None:
    """The file's data as `model`, or None after adding its problems."""
    if source.problems:
        problems.extend(source.problems)
        return None
    if not isinstance(source.data, dict):
        problems.append(source.problem((), f"expected a mapping of fields, got "
                                        f"{describe_value(source.data)}"))
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as error:
        for detail in error.errors():
            path = tuple(p for p in detail["loc"] if not str(p).startswith("function-"))
            if path and path[-1] == "[key]":  # a bad mapping key, such as a sector slug
                path = path[:-1]
                detail = {**detail, "input": path[-1]}
            message, suggestion, at_key = _message(detail, model, path)
            problems.append(source.problem(path, message, suggestion, key=at_key))
        return None


@dataclass(frozen=True)
class Content:
    """Everything the site is made from, validated and cross-checked."""

    site: Site
    sectors: dict[str, Sector]
    cities: tuple[City, ...]  # in rank order
    jobs: tuple[Job, ...]  # newest first, then by id
    pages: tuple[tuple[PageFrontMatter, str], ...]  # front matter and Markdown body, by slug
    shared_digest: str  # of the files every page shows a part of: site, sectors, page navigation


def slug_problems(sources: Iterable[SourceFile]) -> list[Problem]:
    """Each file name must be a slug."""
    return [
        Problem(s.display, 1, 1, "(file name)", f"'{s.path.stem}' is not a valid slug",
                "name the file with lower-case letters, digits and hyphens, like new-city.yaml")
        for s in sources if not is_slug(s.path.stem)
    ]


def _reference_problems(source: SourceFile, path: FieldPath, key: str, known: Iterable[str],
                        what: str) -> list[Problem]:
    known = list(known)
    if key in known:
        return []
    return [source.problem(path, f"unknown {what} '{key}'", did_you_mean(key, known))]


def cross_check(
    cities: list[tuple[SourceFile, City]],
    jobs: list[tuple[SourceFile, Job]],
    sector_keys: list[str],
) -> list[Problem]:
    """Rules that span files: unique names and ranks, sector and city references."""
    problems: list[Problem] = []
    seen_names: dict[str, str] = {}
    seen_ranks: dict[int, str] = {}
    for source, city in cities:
        for table, value, field in ((seen_names, city.name.casefold(), "name"),
                                    (seen_ranks, city.rank, "rank")):
            if value in table:
                problems.append(source.problem((field,), f"{field} '{getattr(city, field)}' is "
                                               f"already used by {table[value]}",
                                               "each city needs its own"))
            else:
                table[value] = source.display  # type: ignore[index]
        for i, specialism in enumerate(city.specialisms):
            for j, key in enumerate(specialism.sectors):
                problems += _reference_problems(source, ("specialisms", i, "sectors", j), key,
                                                sector_keys, "sector")
        for i, employer in enumerate(city.employers):
            for j, key in enumerate(employer.sectors):
                problems += _reference_problems(source, ("employers", i, "sectors", j), key,
                                                sector_keys, "sector")
    city_slugs = [city.slug for _, city in cities]
    for source, job in jobs:
        if job.city is not None:
            problems += _reference_problems(source, ("city",), job.city, city_slugs, "city")
        for j, key in enumerate(job.sectors):
            problems += _reference_problems(source, ("sectors", j), key, sector_keys, "sector")
        if job.closes is not None and job.closes < job.posted:
            problems.append(source.problem(("closes",), f"closes ({job.closes}) is before posted "
                                           f"({job.posted})", "a job cannot close before it is posted"))
    return problems


def validate_content(sources: Sources) -> Content:
    """The whole site's content, or a ContentError listing every problem."""
    problems: list[Problem] = list(sources.missing)
    problems += slug_problems((*sources.cities, *sources.jobs, *sources.pages))
    problems += [
        Problem(s.display, 1, 1, "(file name)", f"the page name '{s.path.stem}' is taken by the "
                "site's own section of that name", f"rename the file, e.g. about-{s.path.stem}.md")
        for s in sources.pages if s.path.stem in RESERVED_PAGE_SLUGS
    ]
    site = validate_file(sources.site, Site, problems) if sources.site else None
    sector_file = validate_file(sources.sectors, SectorsFile, problems) if sources.sectors else None
    sectors = sector_file.by_slug() if sector_file else {}
    cities = _validated_files(sources.cities, City, problems)
    jobs = _validated_files(sources.jobs, Job, problems)
    pages = _validated_files(sources.pages, PageFrontMatter, problems)
    if sector_file is not None:
        problems += cross_check(cities, jobs, list(sectors))
    if problems or site is None:
        raise ContentError(problems)
    return Content(
        site=site,
        sectors=dict(sorted(sectors.items())),
        cities=tuple(sorted((c for _, c in cities), key=lambda c: c.rank)),
        jobs=tuple(sorted((j for _, j in jobs), key=lambda j: (-j.posted.toordinal(), j.slug))),
        pages=tuple((page, source.body) for source, page in pages),
        shared_digest=_shared_digest(sources),
    )


def _validated_files(sources: Iterable[SourceFile], model: type[M], problems: list[Problem]) -> list[tuple[SourceFile, M]]:
    validated = []
    for source in sources:
        item = validate_file(source, model, problems)
        if item is not None:
            item.identified(source.path.stem, source.digest)  # type: ignore[attr-defined]
            validated.append((source, item))
    return validated


def _shared_digest(sources: Sources) -> str:
    shared = [s.digest for s in (sources.site, sources.sectors, *sources.pages) if s is not None]
    return hashlib.blake2b("\0".join(shared).encode(), digest_size=16).hexdigest()
