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
import functools
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .links import Link, form_problems, markdown_links, walk_fields
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
    error: Mapping[str, Any], model: type[BaseModel], path: FieldPath, facts: Facts
) -> tuple[str, str | None, bool]:
    """Plain-English message, suggestion, and whether to point at the key."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return (f"required field '{path[-1]}' is missing",
                f"add a line '{path[-1]}:' with {what_to_put(model, path)}", False)
    if kind == "extra_forbidden":
        known = _known_fields(model, path[:-1])
        suggestion = did_you_mean(str(path[-1]), known)
        listing = ", ".join(sorted(known))
        return f"unknown field '{path[-1]}'", suggestion or f"known fields are: {listing}", True
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        hint = _type_hint(kind, value) or (f"write {what_to_put(model, path)}" if value is None
                                           else _shape_hint(kind, value))
        return f"expected {expected}, got {describe_value(value)}", hint, False
    if kind == "unknown_reference":
        return _reference_message(str(value), path, facts)
    if kind == "literal_error":
        options = [o.strip(" '") for o in ctx["expected"].replace(" or ", ", ").split(",")]
        suggestion = did_you_mean(str(value), options) if isinstance(value, str) else None
        return (f"expected one of {', '.join(options)}; got {describe_value(value)}",
                suggestion or "write one of them, spelt exactly as here", False)
    if kind in ("string_too_long", "too_long") and isinstance(value, str):
        over = len(value) - ctx["max_length"]
        return (f"is {len(value)} characters long; at most {ctx['max_length']} are allowed",
                f"shorten it by at least {over} character{'s' if over != 1 else ''}", False)
    if kind == "too_short":
        return "must list at least one item", f"add at least one: {what_to_put(model, path)}", \
            False
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _bound_message(kind, value, ctx, path)
    if kind == "string_pattern_mismatch":
        return (*_pattern_message(value, ctx["pattern"], path, facts), False)
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        if message == "must not be empty":
            return message, f"write {what_to_put(model, path)}, or remove the line", False
        return message, None, False
    return str(error["msg"]), ctx.get("suggestion"), False  # a model's own rule


@dataclass(frozen=True)
class Facts:
    """What messages may name beyond the file: the known keys and where they are defined."""

    sectors: tuple[str, ...] | None  # None when sectors.yaml is broken
    cities: tuple[str, ...]
    sectors_file: str  # 'content/sectors.yaml'
    data: Any = None  # the file's raw data, for the list a bad item stands in

    def context(self) -> dict[str, frozenset[str]]:
        """The validation context the model's reference checks read."""
        return self._known

    @functools.cached_property  # asked once per file: a set of 1,000 cities made once
    def _known(self) -> dict[str, frozenset[str]]:
        known = {"city": frozenset(self.cities)}
        if self.sectors is not None:
            known["sector"] = frozenset(self.sectors)
        return known


NO_FACTS = Facts(None, (), "content/sectors.yaml")


def _siblings(data: Any, path: FieldPath) -> list[Any]:
    """The other items of the list that the value at `path` is an item of."""
    current = data
    for part in path[:-1]:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            return []
    if not isinstance(current, list) or not isinstance(path[-1], int):
        return []
    return [item for index, item in enumerate(current) if index != path[-1]]


def _reference_message(value: str, path: FieldPath, facts: Facts) -> tuple[str, str, bool]:
    """An unknown sector or city: where the known ones are, and the nearest one not yet listed."""
    if "city" in path:
        guess = did_you_mean(value, facts.cities)
        return (f"unknown city '{value}': there is no city file {value}.yaml",
                guess or "write the name of a city file without '.yaml', like "
                f"'{(facts.cities or ('leeds',))[0]}'", False)
    keys = facts.sectors or ()
    free = [key for key in keys if key not in _siblings(facts.data, path)]
    guess = did_you_mean(value, free)
    listing = ", ".join(keys)
    return (f"unknown sector '{value}': {facts.sectors_file} has no such key",
            f"{guess} Its keys are: {listing}" if guess else
            f"use one of its keys ({listing}), or add '{value}' to {facts.sectors_file} first",
            False)


def what_to_put(model: type[BaseModel], path: FieldPath) -> str:
    """What a field takes, in an editor's words: 'a date like 2026-03-01'."""
    name = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    owner = _model_at(model, path[:-1] if isinstance(path[-1], str) else path[:-2]) \
        if path else None
    info = owner.model_fields.get(name) if owner is not None else None
    if name == "sectors" or name == "sector":
        return "sector keys from content/sectors.yaml in brackets, like [healthcare]"
    if name == "city":
        return "the name of a city file without '.yaml', like leeds"
    if info is None:
        return "a value"
    return _describe_type(info.annotation, [info, *info.metadata], name)


def _describe_type(annotation: Any, metadata: list[Any], name: str) -> str:
    """The kind of value a type takes, with its limits, as an editor would read it."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _describe_type(args[0], list(annotation.__metadata__), name)
    if origin in (types.UnionType, typing.Union) and len(args) == 1:
        return _describe_type(args[0], metadata, name)
    limits = {type(m).__name__: m for m in metadata}
    if origin is typing.Literal:
        options = [str(a) for a in typing.get_args(annotation)]
        return "one of " + ", ".join(options[:-1]) + " or " + options[-1]
    if annotation is dt.date:
        return "a date like 2026-03-01 (year-month-day, no quotes)"
    if annotation is bool:
        return "true or false"
    if annotation in (int, float):
        word = "a whole number" if annotation is int else "a number"
        if "Gt" in limits:
            return f"{word} greater than {limits['Gt'].gt:g}, like 3"
        return f"{word}, digits only, like 80000"
    if origin is list:
        inner = _model_inside(args[0]) if args else None
        first = next(iter(inner.model_fields), "name") if inner else ""
        return (f"a list, one item per line starting '  - {first}:'" if inner
                else "a list in brackets, like [a, b]")
    inner = _model_inside(annotation)
    if inner is not None:
        needed = [f"{n}:" for n, f in inner.model_fields.items() if f.is_required()]
        return (f"its fields ({', '.join(needed)}) on the lines below it, indented by two "
                "spaces" if needed else "its fields on the lines below it, indented")
    extra = next((m.json_schema_extra for m in metadata if hasattr(m, "json_schema_extra")
                  and m.json_schema_extra), None)
    if isinstance(extra, dict) and extra.get("format") == "uri":
        return "a full web address starting https://"
    markdown = isinstance(extra, dict) and extra.get("format") == "markdown"
    longest = f", at most {limits['MaxLen'].max_length} characters" if "MaxLen" in limits else ""
    return ("text (Markdown)" if markdown else "plain text") + longest


def _model_at(model: type[BaseModel], path: FieldPath) -> type[BaseModel] | None:
    """The model of the mapping at `path` inside `model`."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = current.model_fields
        annotation = fields[part].annotation if part in fields else \
            fields["root"].annotation if "root" in fields else None
        current = _model_inside(annotation)
        if current is None:
            return None
    return current if isinstance(current, type) else None


def _shape_hint(kind: str, value: Any) -> str | None:
    """The fix for a value of the wrong shape: a list where one value goes, and so on."""
    if kind == "list_type" and isinstance(value, str):
        return f"write it in brackets, [{value}], or as '- ' items on the lines below"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "write its fields on the lines below it, indented by two spaces"
    if kind in ("int_type", "float_type") and isinstance(value, str):
        return "write digits only, like 3"
    return None


def _type_hint(kind: str, value: Any) -> str | None:
    """The plain fix for a value of the wrong type, when there is one."""
    if kind == "string_type" and value is not None:
        return f'put it in quotes: "{value}"' if isinstance(value, int | float) else \
            "put it in quotes"
    if isinstance(value, dt.datetime):
        return "leave out the time"
    if isinstance(value, str) and _would_parse(kind, value):
        return "remove the quotes"
    if kind == "date_type" and isinstance(value, str):
        return _date_readings(value)
    return None


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_YEAR_FIRST = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\s*$")


def _date_readings(text: str) -> str | None:
    """The ISO readings of a date written another way: '12/01/2026' => 2026-01-12 or 2026-12-01."""
    readings: list[dt.date] = []
    if match := _YEAR_FIRST.match(text):
        candidates = [(int(match[1]), int(match[2]), int(match[3]))]
    elif match := _DAY_FIRST.match(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        candidates = [(year, second, first), (year, first, second)]  # day first (UK), then US
    else:
        return "write it year-month-day, like 2026-03-01"
    for year, month, day in candidates:
        try:
            reading = dt.date(year, month, day)
        except ValueError:
            continue
        if reading not in readings:
            readings.append(reading)
    if not readings:
        return "write it year-month-day, like 2026-03-01"
    said = " or ".join(f"{d.isoformat()} ({d.day} {d.strftime('%B')} {d.year})" for d in readings)
    return f"write it year-month-day: {said}"


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


def _bound_message(kind: str, value: Any, ctx: Mapping[str, Any],
                   path: FieldPath) -> tuple[str, str | None, bool]:
    if path and path[-1] in ("lat", "lon"):
        name, (low, high) = ("latitude", UK_LAT) if path[-1] == "lat" else ("longitude", UK_LON)
        return (f"{value} is outside the UK: {name} must be between {low} and {high}",
                "look the place up on a map; west of Greenwich the longitude is negative, "
                "and lat and lon may be swapped", False)
    words = {
        "greater_than": "greater than", "greater_than_equal": "at least",
        "less_than": "less than", "less_than_equal": "at most",
    }
    limit = next(iter(ctx.values()))
    shown = f"{limit:g}" if isinstance(limit, float) else str(limit)
    fix = {"greater_than": f"use a number above {shown}",
           "greater_than_equal": f"use {shown} or more",
           "less_than": f"use a number below {shown}",
           "less_than_equal": f"use {shown} or less"}[kind]
    if kind == "greater_than" and limit == 0:
        fix += ", like 1"
    return f"must be {words[kind]} {shown}, got {describe_value(value)}", fix, False


def _pattern_message(value: Any, pattern: str, path: FieldPath,
                     facts: Facts) -> tuple[str, str | None]:
    if pattern == SLUG_PATTERN:
        written = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
        known = facts.cities if "city" in path else facts.sectors or ()
        fix = (f"write '{written}'" if not known or written in known else
               did_you_mean(written, known) or f"write '{written}'")
        return f"'{value}' is not a valid key: keys are lower-case letters, digits and hyphens", \
            fix
    if pattern == CURRENCY_PATTERN:
        upper = str(value).strip().upper()
        fix = f"write '{upper}'" if re.fullmatch(CURRENCY_PATTERN, upper) else \
            "write GBP, EUR or USD, in capitals"
        return f"expected a three-letter ISO 4217 currency code like GBP, got '{value}'", fix
    if pattern == COUNTRY_PATTERN:
        return (f"expected a two-letter ISO 3166 country code like GB (the United Kingdom) "
                f"or IE, got '{value}'", f"write '{str(value).strip().upper()}'"
                if re.fullmatch(r"[A-Za-z]{2}", str(value).strip()) else None)
    if pattern == LANGUAGE_PATTERN:
        return f"expected a language tag like en-GB, got '{value}'", "write en-GB"
    if pattern == FORM_FIELD_PATTERN:
        return (f"expected a form field name like email (letters, digits, '_', '-'), "
                f"got '{value}'", None)
    if pattern.endswith("/$"):
        return f"must end with '/', got '{value}'", f"write '{value}/'"
    return f"'{value}' does not have the expected form", None


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
                  facts: Facts = NO_FACTS) -> M | None:
    """The file's data as `model`, or None after adding its problems.

    `facts` lists the sector keys and city slugs that references may name. A record
    kept from an earlier build of the same bytes is checked by the model again, with
    today's facts; if it fails, the file is parsed anew so its problems have places.
    """
    if source.kept:
        try:
            item = model.model_validate_json(source.kept, context=facts.context())
        except ValidationError:
            source = source.parsed()
        else:
            # The kept JSON is the record as the build that validated these bytes wrote it:
            # the record's text (and so its digest) without writing it out again.
            item.__dict__["record_json"] = source.kept
            return item
    problems.extend(source.problems)
    if not isinstance(source.data, dict):
        if not source.problems:  # a syntax error already said why there is no mapping
            problems.append(source.problem((), f"expected a mapping of fields, got "
                                            f"{describe_value(source.data)}",
                                            "write 'field: value' lines; start from a copy "
                                            "of a file that works, or from build.py new"))
        return None
    # A file the loader found fault with (a duplicate key, an impossible date) is still
    # checked, so that all its mistakes show at once; a field it flagged is not flagged twice.
    flagged = {problem.field for problem in source.problems}
    context = facts.context()
    facts = replace(facts, data=source.data)
    try:
        item = model.model_validate(source.data, context=context)
        return None if source.problems else item
    except ValidationError as error:
        found = []
        for detail in error.errors():
            path = tuple(p for p in detail["loc"] if not str(p).startswith("function-"))
            bad_key = bool(path) and path[-1] == "[key]"  # a bad mapping key, like a sector slug
            if bad_key:
                path = path[:-1]
                detail = {**detail, "input": path[-1]}
            message, suggestion, at_key = _message(detail, model, path, facts)
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
    site_links: tuple[Link, ...] = ()  # links to the site's own pages, resolved once it is mapped


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
                f"rename the file to {_slugified(s.path.stem) or 'new-city'}{s.path.suffix}")
        for s in sources if not is_slug(s.path.stem)
    ]


def _located(source: SourceFile) -> SourceFile:
    """The file with its positions: a kept record has none, so its file is parsed again."""
    return source.parsed() if source.kept else source


def _as_written(source: SourceFile, valid: Mapping[str, City]) -> Mapping[str, Any]:
    """A city's name and rank: from its model when valid, else from the file as written."""
    city = valid.get(source.path.stem)
    if city is not None:
        return {"name": city.name, "rank": city.rank}
    data = _located(source).data
    return data if isinstance(data, dict) else {}


def _slugified(text: str) -> str:
    """'Leeds_City' => 'leeds-city'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _number(value: Any) -> float | None:
    """A rank as written, if it is a number at all (a wrong one is reported by the model)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _shown(number: float) -> str:
    """3.0 => '3', 3.5 => '3.5'."""
    return f"{number:g}"


def free_rank(rank: float, ranks: Iterable[float]) -> float:
    """A rank no city has next to `rank`: halfway to the next rank up, or one more than the last."""
    above = [r for r in set(ranks) if r > rank]
    return (rank + min(above)) / 2 if above else float(int(rank) + 1)


def cross_check(cities: Iterable[SourceFile], valid: Mapping[str, City]) -> list[Problem]:
    """The rule that spans files: each city's name (ignoring case) and rank are its own.

    A valid city is read from its model (`valid`, by slug), any other as written, so that
    a clash shows beside a file's other mistakes.
    """
    problems: list[Problem] = []
    seen_names: dict[str, tuple[str, str]] = {}  # casefolded name => (file, name as written)
    seen_ranks: dict[float, str] = {}
    written = [(s, _as_written(s, valid)) for s in cities]
    ranks = [r for _, data in written if (r := _number(data.get("rank"))) is not None and r > 0]
    for source, data in written:
        name = data.get("name")
        if isinstance(name, str) and name.strip():
            folded = name.strip().casefold()
            if folded in seen_names:
                other, first = seen_names[folded]
                spelt = f" (as '{first}')" if first != name else ""
                problems.append(_located(source).problem(
                    ("name",), f"the name '{name}' is already used by {other}{spelt}",
                    "give this city another name, or delete one of the two files if they "
                    "are the same city"))
            else:
                seen_names[folded] = (source.display, name)
        rank = _number(data.get("rank"))
        if rank is None or rank <= 0:
            continue
        if rank in seen_ranks:
            free = free_rank(rank, ranks)
            problems.append(_located(source).problem(
                ("rank",), f"rank {_shown(rank)} is already used by {seen_ranks[rank]}",
                f"give this city a rank no other city has, like {_shown(free)} (between "
                f"{_shown(rank)} and the next rank)" if free != int(rank) + 1 or
                any(r > rank for r in ranks) else
                f"give this city a rank no other city has, like {_shown(free)}"))
        else:
            seen_ranks[rank] = source.display
    return problems


# Records a long-lived process validated, by file, bytes and the references then known:
# the preview server's saves validate again only the files they changed.
Validated = dict[tuple[str, str, str], Any]


def markdown_formats(model: type[BaseModel]) -> dict[str, Any]:
    """Which fields of `model` hold Markdown: {'overview': 'markdown', 'specialisms': {...}}."""
    return fields_of_format(model, "markdown")


@functools.cache  # per model class: asked once for every file of the site
def fields_of_format(model: type[BaseModel], kind: str) -> dict[str, Any]:
    """Which fields of `model` hold text of format `kind` ('markdown', 'uri'), nested ones
    under their field: {'url': 'uri', 'figures': {'source': 'uri'}}."""
    formats: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if _format_of(info.annotation, [info, *info.metadata]) == kind:
            formats[name] = kind
            continue
        inner = _model_inside(info.annotation)
        if inner is not None and inner is not model:
            below = fields_of_format(inner, kind)
            if below:
                formats[name] = below
    return formats


def _format_of(annotation: Any, metadata: Iterable[Any]) -> str | None:
    """The JSON Schema format a field's type carries ('markdown', 'uri'), through Optional."""
    for item in metadata:
        extra = getattr(item, "json_schema_extra", None)
        if isinstance(extra, dict) and isinstance(extra.get("format"), str):
            return str(extra["format"])
    for argument in typing.get_args(annotation):
        found = _format_of(argument, getattr(argument, "__metadata__", ()))
        if found is not None:
            return found
    return None


def file_links(source: SourceFile, model: type[BaseModel], page: str,
               item: BaseModel | None) -> list[Link]:
    """Every link in the Markdown of one file: read from its model when it is valid (a kept
    record has no parsed data), else from the file as written."""
    data: Any = item if item is not None else _located(source).data
    if model is SectorsFile:  # keyed by slug: each sector's page is its own
        sectors = data.root if isinstance(data, SectorsFile) else data
        formats = markdown_formats(Sector)
        return [Link(url, source, path, f"sectors/{key}/")
                for key, value in (sectors.items() if isinstance(sectors, dict) else ())
                for path, text in walk_fields(value, (str(key),), formats)
                for url in markdown_links(text)]
    texts = list(walk_fields(data, (), markdown_formats(model)))
    if source.body:
        texts.append((("body",), source.body))
    return [Link(url, source, path, page) for path, text in texts for url in markdown_links(text)]


def content_links(sources: Sources, items: Mapping[Path, BaseModel], site: Site | None,
                  sector_file: SectorsFile | None) -> list[Link]:
    """Every Markdown link of the site; a link's page is the page its text is shown on.

    `items` holds the valid files' models by path. The pages' URLs follow routes.py
    (cities/<slug>/, jobs/<id>/, <slug>/).
    """
    found: list[Link] = []
    if sources.site is not None:
        found += file_links(sources.site, Site, "", site)
    if sources.sectors is not None:
        found += file_links(sources.sectors, SectorsFile, "", sector_file)
    for kind, model, folder in (("cities", City, "cities/"), ("jobs", Job, "jobs/"),
                                ("pages", PageFrontMatter, "")):
        for source in getattr(sources, kind):
            found += file_links(source, model, f"{folder}{source.path.stem}/",
                                items.get(source.path))
    return found


@dataclass(frozen=True)
class CityOutline:
    """A city file that failed validation, as far as its page can be told from it."""

    slug: str
    specialisms: int  # how many it lists, valid or not: each has its #specialism-N
    employers: int


@dataclass(frozen=True)
class Unvalidated:
    """The pages that the files failing validation would have, read from them as written."""

    sectors: tuple[str, ...] | None = None  # the keys of sectors.yaml, when it failed
    cities: tuple[CityOutline, ...] = ()
    jobs: tuple[tuple[str, str], ...] = ()  # (job id, its employer as written, or '')
    pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checked:
    """Content and its problems. With problems, `content` holds the files that validate
    (and a stand-in site if site.yaml does not), for mapping what the site would be."""

    content: Content
    problems: tuple[Problem, ...]
    unvalidated: Unvalidated = Unvalidated()


# When site.yaml fails: a site with every optional section, so that no link to one of its
# places is called broken because of a mistake elsewhere in the file.
STAND_IN_SITE = Site.model_validate({
    "title": "-", "description": "-", "base_url": "https://example.org/", "language": "en",
    "intro": "-", "why_uk": [{"title": "-", "body": "-"}], "how_chosen": "-",
    "newsletter": {"action": "https://example.org/"}})


def validate_content(sources: Sources, memo: Validated | None = None) -> Content:
    """The whole site's content, or a ContentError listing every problem.

    `memo` (kept by the caller from run to run) holds the records validated last time.
    """
    checked = check_content(sources, memo)
    if checked.problems:
        raise ContentError(checked.problems)
    return checked.content


def check_content(sources: Sources, memo: Validated | None = None) -> Checked:
    """The whole site's content and every problem in it; see validate_content."""
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
    facts = Facts(sectors=tuple(sectors) if sector_file is not None else None,
                  cities=tuple(source.path.stem for source in sources.cities),
                  sectors_file=sources.sectors.display if sources.sectors else
                  "content/sectors.yaml")
    before: Validated = memo if memo is not None else {}
    now: Validated = {}
    cities = _validated_files(sources.cities, City, problems, facts, before, now)
    jobs = _validated_files(sources.jobs, Job, problems, facts, before, now)
    pages = _validated_files(sources.pages, PageFrontMatter, problems, NO_FACTS, before, now)
    if memo is not None:
        memo.clear()
        memo.update(now)
    problems += cross_check(sources.cities, {s.path.stem: c for s, c in cities})
    links = content_links(sources, {s.path: item for s, item in (*cities, *jobs, *pages)},
                          site, sector_file)
    problems += form_problems(links)
    records = [(source, item.record_json) for source, item in (*cities, *jobs)]
    if sources.site is not None and site is not None:
        records.append((sources.site, site.record_json))
    if sources.sectors is not None and sector_file is not None:
        records.append((sources.sectors, sector_file.record_json))
    ordered = tuple(sorted((c for _, c in cities), key=lambda c: (c.rank, c.slug)))
    for position, city in enumerate(ordered, 1):
        city._position = position
    content = Content(
        site=site or STAND_IN_SITE,
        sectors=dict(sorted(sectors.items())),
        cities=ordered,
        jobs=tuple(sorted((j for _, j in jobs), key=lambda j: (-j.posted.toordinal(), j.slug))),
        pages=tuple((page, source.body) for source, page in pages),
        dated_figures=dated_figures(cities),
        records=tuple(records),
        site_links=tuple(link for link in links if link.url.startswith(("/", "#"))),
    )
    valid = {source.path for source, _ in (*cities, *jobs, *pages)}
    return Checked(content, tuple(problems), unvalidated(sources, valid, sector_file)
                   if problems else Unvalidated())


def unvalidated(sources: Sources, valid: set[Path], sector_file: SectorsFile | None
                ) -> Unvalidated:
    """What the files that failed validation would add to the site map, read as written."""
    def failed(files: Iterable[SourceFile], reserved: frozenset[str] = frozenset()) -> list[
            tuple[str, dict[str, Any]]]:
        return [(s.path.stem, data if isinstance(data := _located(s).data, dict) else {})
                for s in files if s.path not in valid and is_slug(s.path.stem)
                and s.path.stem not in reserved]

    def count(value: Any) -> int:
        return len(value) if isinstance(value, list) else 0

    keys = None
    if sources.sectors is not None and sector_file is None:
        data = _located(sources.sectors).data
        keys = tuple(k for k in data if isinstance(k, str) and is_slug(k)) \
            if isinstance(data, dict) else ()
    return Unvalidated(
        sectors=keys,
        cities=tuple(CityOutline(slug, count(data.get("specialisms")), count(data.get("employers")))
                     for slug, data in failed(sources.cities)),
        jobs=tuple((slug, employer if isinstance(employer := data.get("employer"), str) else "")
                   for slug, data in failed(sources.jobs, RESERVED_JOB_IDS)),
        pages=tuple(slug for slug, _ in failed(sources.pages, RESERVED_PAGE_SLUGS)))


def _validated_files(
    sources: Iterable[SourceFile], model: type[M], problems: list[Problem],
    facts: Facts, before: Validated, now: Validated,
) -> list[tuple[SourceFile, M]]:
    validated = []
    references = repr(sorted((k, sorted(v)) for k, v in facts.context().items()))
    for source in sources:
        key = (str(source.path), source.digest, references)
        item = before.get(key)
        if item is None:
            item = validate_file(source, model, problems, facts)
            if item is not None:
                item.identified(source.path.stem)  # type: ignore[attr-defined]
        if item is not None:
            now[key] = item
            validated.append((source, item))
    return validated
