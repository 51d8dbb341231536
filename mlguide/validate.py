"""Check loaded files against the content model and against each other.

Each file is validated by its pydantic model; pydantic's findings are
translated into YAML terms and located with the loader's position table.
References to sectors and cities are checked by the models themselves,
against the known keys passed as validation context; the one rule that spans
files (unique city names and ranks) is checked afterwards. Nothing is raised
until every file is seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .load import SourceFile, Sources
from .model import (
    COUNTRY_PATTERN,
    CURRENCY_PATTERN,
    FORM_FIELD_PATTERN,
    LANGUAGE_PATTERN,
    RESERVED_JOB_IDS,
    RESERVED_PAGE_SLUGS,
    SLUG_PATTERN,
    UK_LAT,
    UK_LON,
    City,
    Job,
    PageFrontMatter,
    Sector,
    SectorsFile,
    Site,
    is_slug,
)
from .problems import (
    ContentError,
    FieldPath,
    Problem,
    describe_value,
    did_you_mean,
    format_field_path,
    nearest,
)

M = TypeVar("M", bound=BaseModel)


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


def _message(
    error: Mapping[str, Any], model: type[BaseModel], path: FieldPath
) -> tuple[str, str | None, bool]:
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
        return f"expected {expected}, got {describe_value(value)}", _type_hint(kind, value), False
    if kind == "unknown_reference":
        return str(error["msg"]), did_you_mean(str(value), ctx["known"]), False
    if kind == "literal_error":
        options = [o.strip(" '") for o in ctx["expected"].replace(" or ", ", ").split(",")]
        suggestion = did_you_mean(str(value), options) if isinstance(value, str) else None
        return (f"expected one of {', '.join(options)}; got {describe_value(value)}",
                suggestion, False)
    if kind in ("string_too_long", "too_long") and isinstance(value, str):
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
    return str(error["msg"]), ctx.get("suggestion"), False  # a model's own rule


def _type_hint(kind: str, value: Any) -> str | None:
    """The plain fix for a value of the wrong type, when there is one."""
    if kind == "string_type" and value is not None:
        return "put it in quotes"
    if isinstance(value, dt.datetime):
        return "leave out the time"
    if isinstance(value, str) and _would_parse(kind, value):
        return "remove the quotes"
    return None


def _would_parse(kind: str, text: str) -> bool:
    """Whether quoted `text` would be the right type without its quotes ("3", "2026-03-01")."""
    parsers: dict[str, Callable[[str], object]] = {
        "int_type": int, "float_type": float, "date_type": dt.date.fromisoformat,
    }
    try:
        parsers[kind](text)
    except (KeyError, ValueError):
        return False
    return True


def _bound_message(kind: str, value: Any, ctx: Mapping[str, Any], path: FieldPath) -> str:
    if path and path[-1] in ("lat", "lon"):
        name, (low, high) = ("latitude", UK_LAT) if path[-1] == "lat" else ("longitude", UK_LON)
        return f"{value} is outside the UK: {name} must be between {low} and {high}"
    words = {
        "greater_than": "greater than", "greater_than_equal": "at least",
        "less_than": "less than", "less_than_equal": "at most",
    }
    limit = next(iter(ctx.values()))
    return f"must be {words[kind]} {limit}, got {describe_value(value)}"


def _pattern_message(value: Any, pattern: str) -> str:
    if pattern == SLUG_PATTERN:
        return f"'{value}' is not a valid key: use lower-case letters, digits and hyphens"
    if pattern == CURRENCY_PATTERN:
        return f"expected a three-letter ISO 4217 currency code like GBP, got '{value}'"
    if pattern == COUNTRY_PATTERN:
        return (f"expected a two-letter ISO 3166 country code like GB (the United Kingdom) "
                f"or IE, got '{value}'")
    if pattern == LANGUAGE_PATTERN:
        return f"expected a language tag like en-GB, got '{value}'"
    if pattern == FORM_FIELD_PATTERN:
        return f"expected a form field name like email (letters, digits, '_', '-'), got '{value}'"
    if pattern.endswith("/$"):
        return f"must end with '/', got '{value}'"
    return f"'{value}' does not have the expected form"


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


def validate_file(source: SourceFile, model: type[M], problems: list[Problem],
                  known: Mapping[str, list[str]] | None = None) -> M | None:
    """The file's data as `model`, or None after adding its problems.

    `known` lists the sector keys and city slugs that references may name. A record
    kept from an earlier build of the same bytes is checked by the model again, with
    today's `known`; if it fails, the file is parsed anew so its problems have places.
    """
    if source.kept:
        try:
            return model.model_validate_json(source.kept, context=known)
        except ValidationError:
            source = source.parsed()
    problems.extend(source.problems)
    if not isinstance(source.data, dict):
        if not source.problems:  # a syntax error already said why there is no mapping
            problems.append(source.problem((), f"expected a mapping of fields, got "
                                            f"{describe_value(source.data)}"))
        return None
    # A file the loader found fault with (a duplicate key, an impossible date) is still
    # checked, so that all its mistakes show at once; a field it flagged is not flagged twice.
    flagged = {problem.field for problem in source.problems}
    try:
        item = model.model_validate(source.data, context=known)
        return None if source.problems else item
    except ValidationError as error:
        found = []
        for detail in error.errors():
            path = tuple(p for p in detail["loc"] if not str(p).startswith("function-"))
            bad_key = bool(path) and path[-1] == "[key]"  # a bad mapping key, like a sector slug
            if bad_key:
                path = path[:-1]
                detail = {**detail, "input": path[-1]}
            message, suggestion, at_key = _message(detail, model, path)
            found.append((path, detail["type"], message, suggestion, at_key or bad_key))
        # A misspelt required key is one mistake: report the unknown key, not also the missing one.
        misspelt = {(*path[:-1], nearest(str(path[-1]), _known_fields(model, path[:-1])))
                    for path, kind, *_ in found if kind == "extra_forbidden"}
        problems += [source.problem(path, message, suggestion, key=at_key)
                     for path, kind, message, suggestion, at_key in found
                     if not (kind == "missing" and path in misspelt)
                     and format_field_path(path) not in flagged]
        return None


@dataclass(frozen=True)
class Content:
    """Everything the site is made from, validated and cross-checked."""

    site: Site
    sectors: dict[str, Sector]
    cities: tuple[City, ...]  # in rank order
    jobs: tuple[Job, ...]  # newest first, then by id
    pages: tuple[tuple[PageFrontMatter, str], ...]  # front matter and Markdown body, by slug
    # Each YAML file with the record made from it: what a build keeps for the next one.
    records: tuple[tuple[SourceFile, str], ...] = ()  # (the file, its record as JSON)
    dated_figures: tuple[DatedFigure, ...] = ()  # every city's sourced figures, for `check`


@dataclass(frozen=True, order=True)
class DatedFigure:
    """A city's sourced figure, its date, and where its date is written."""

    at: Problem  # located at the figure's as_of; its message is filled in by stale_figures
    name: str
    as_of: dt.date


def dated_figures(cities: Iterable[tuple[SourceFile, City]]) -> tuple[DatedFigure, ...]:
    """Each city's figures with their dates' positions, in file order."""
    return tuple(DatedFigure(source.problem(("figures", number, "as_of"), ""), figure.name,
                             figure.as_of)
                 for source, city in cities for number, figure in enumerate(city.figures))


def stale_figures(content: Content, today: dt.date) -> list[Problem]:
    """Warnings, not errors: sourced figures older than site.yaml allows, or dated ahead."""
    limit = content.site.figures_max_age_days
    warnings = []
    for figure in content.dated_figures:
        age = (today - figure.as_of).days
        if age > limit:
            warnings.append(replace(
                figure.at, message=f"the figure '{figure.name}' is from {figure.as_of}, {age} days "
                f"before the build date; figures older than {limit} days are flagged",
                suggestion="check it against its source and update value and as_of "
                "(figures_max_age_days in site.yaml sets the age)"))
        elif age < 0:
            warnings.append(replace(
                figure.at, message=f"the figure '{figure.name}' is dated {figure.as_of}, after "
                "the build date", suggestion="as_of is the date the source gives the figure for"))
    return sorted(warnings)


def slug_problems(sources: Iterable[SourceFile]) -> list[Problem]:
    """Each file name must be a slug."""
    return [
        Problem(s.display, 1, 1, "(file name)", f"'{s.path.stem}' is not a valid slug",
                "name the file with lower-case letters, digits and hyphens, like new-city.yaml")
        for s in sources if not is_slug(s.path.stem)
    ]


def _located(source: SourceFile) -> SourceFile:
    """The file with its positions: a kept record has none, so its file is parsed again."""
    return source.parsed() if source.kept else source


def cross_check(cities: list[tuple[SourceFile, City]]) -> list[Problem]:
    """The rule that spans files: each city's name (ignoring case) and rank are its own."""
    problems: list[Problem] = []
    seen_names: dict[str, tuple[str, str]] = {}  # casefolded name => (file, name as written)
    seen_ranks: dict[int, str] = {}
    for source, city in cities:
        name = city.name.casefold()
        if name in seen_names:
            other, written = seen_names[name]
            spelt = f" (as '{written}')" if written != city.name else ""
            problems.append(_located(source).problem(
                ("name",), f"the name '{city.name}' is already used by {other}{spelt}",
                "each city needs its own"))
        else:
            seen_names[name] = (source.display, city.name)
        if city.rank in seen_ranks:
            problems.append(_located(source).problem(
                ("rank",), f"rank {city.rank} is already used by {seen_ranks[city.rank]}",
                "each city needs its own"))
        else:
            seen_ranks[city.rank] = source.display
    return problems


# Records a long-lived process validated, by file, bytes and the references then known:
# the preview server's saves validate again only the files they changed.
Validated = dict[tuple[str, str, str], Any]


def validate_content(sources: Sources, memo: Validated | None = None) -> Content:
    """The whole site's content, or a ContentError listing every problem.

    `memo` (kept by the caller from run to run) holds the records validated last time.
    """
    problems: list[Problem] = list(sources.missing)
    problems += slug_problems((*sources.cities, *sources.jobs, *sources.pages))
    problems += [
        Problem(s.display, 1, 1, "(file name)", f"the page name '{s.path.stem}' is taken by the "
                "site's own section of that name", f"rename the file, e.g. about-{s.path.stem}.md")
        for s in sources.pages if s.path.stem in RESERVED_PAGE_SLUGS
    ]
    problems += [
        Problem(s.display, 1, 1, "(file name)", f"the job id '{s.path.stem}' is taken by the "
                "job lists' URLs", f"rename the file, e.g. {s.path.stem}-role.yaml")
        for s in sources.jobs if s.path.stem in RESERVED_JOB_IDS
    ]
    site = validate_file(sources.site, Site, problems) if sources.site else None
    sector_file = validate_file(sources.sectors, SectorsFile, problems) if sources.sectors else None
    sectors = sector_file.by_slug() if sector_file else {}
    # Every city file counts, valid or not, so that one broken city is not reported again
    # by each job that names it; sectors are not checked when sectors.yaml is broken.
    known = {"city": [source.path.stem for source in sources.cities]}
    if sector_file is not None:
        known["sector"] = list(sectors)
    before: Validated = memo if memo is not None else {}
    now: Validated = {}
    cities = _validated_files(sources.cities, City, problems, known, before, now)
    jobs = _validated_files(sources.jobs, Job, problems, known, before, now)
    pages = _validated_files(sources.pages, PageFrontMatter, problems, None, before, now)
    if memo is not None:
        memo.clear()
        memo.update(now)
    problems += cross_check(cities)
    if problems or site is None or sources.site is None:
        raise ContentError(problems)
    records = [(source, item.record_json) for source, item in (*cities, *jobs)]
    records.append((sources.site, site.record_json))
    if sources.sectors is not None and sector_file is not None:
        records.append((sources.sectors, sector_file.record_json))
    return Content(
        site=site,
        sectors=dict(sorted(sectors.items())),
        cities=tuple(sorted((c for _, c in cities), key=lambda c: c.rank)),
        jobs=tuple(sorted((j for _, j in jobs), key=lambda j: (-j.posted.toordinal(), j.slug))),
        pages=tuple((page, source.body) for source, page in pages),
        dated_figures=dated_figures(cities),
        records=tuple(records),
    )


def _validated_files(
    sources: Iterable[SourceFile], model: type[M], problems: list[Problem],
    known: Mapping[str, list[str]] | None, before: Validated, now: Validated,
) -> list[tuple[SourceFile, M]]:
    validated = []
    references = repr(sorted((k, sorted(v)) for k, v in (known or {}).items()))
    for source in sources:
        key = (str(source.path), source.digest, references)
        item = before.get(key)
        if item is None:
            item = validate_file(source, model, problems, known)
            if item is not None:
                item.identified(source.path.stem)  # type: ignore[attr-defined]
        if item is not None:
            now[key] = item
            validated.append((source, item))
    return validated
