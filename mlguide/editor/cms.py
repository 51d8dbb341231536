"""The browser editor at /admin/: Decap CMS, its forms generated from the content model.

    admin/index.html             the page that loads the CMS (templates/admin/index.html;
                                 noindex, with its own CSP in _headers)
    admin/config.yml             collections and fields, made here from model.py
    admin/decap-cms-3.16.3.js    the CMS itself, served by the site: no third-party request
    admin/decap-fixes.js         ours: an emptied field left out, a reload between entries

Each form field comes from the same pydantic field that `check` and the JSON
Schemas use: its label from the name, its help text from the schemas'
descriptions, required or not, and a widget by type (text, Markdown, number,
date, a fixed choice); sector lists pick from sectors.yaml's keys, a job's
city from the city files. So what the forms accept, `check` accepts.

The CMS is vendored in editor/decap/ (see its README): pinned, with its
licences and the SHA-256 of the file, which is checked on every build, so
building the site never needs npm or the network.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..model import City, Job, PageFrontMatter, Sector, Site
from ..problems import Refusal
from ..routes import Route
from .schema import DESCRIPTIONS

DECAP_VERSION = "3.16.3"
VENDORED = Path(__file__).parent / "decap"
BUNDLE = f"decap-cms-{DECAP_VERSION}.js"
BUNDLE_OUTPUT = f"admin/{BUNDLE}"
# Our own script beside it: a field emptied in a form is left out of the file, and moving
# from one entry's form straight to another's reloads the page (decap-fixes.js says why).
DECAP_FIXES = Path(__file__).parent / "decap-fixes.js"
DECAP_FIXES_OUTPUT = "admin/decap-fixes.js"
LOCAL_BACKEND_PORT = 8081  # decap-server's own default (its PORT variable changes it)
ADMIN = "admin/"


class BundleCorrupt(Refusal):
    """The vendored CMS does not match its recorded checksum: exit status 2."""


@functools.cache
def bundle(folder: Path = VENDORED) -> bytes:
    """The CMS's script, unpacked from the vendored copy and checked against SHA256SUMS."""
    data = gzip.decompress((folder / f"{BUNDLE}.gz").read_bytes())
    recorded = dict(line.split()[::-1] for line in
                    (folder / "SHA256SUMS").read_text().splitlines() if line.strip())
    if hashlib.sha256(data).hexdigest() != recorded.get(BUNDLE):
        raise BundleCorrupt(f"{folder / BUNDLE}.gz is not the file SHA256SUMS records; "
                            "restore it from git, or vendor it again as its README says")
    return data


def admin_files() -> dict[str, bytes]:
    """The scripts /admin/ loads, by output path: the CMS, then ours."""
    return {BUNDLE_OUTPUT: bundle(), DECAP_FIXES_OUTPUT: DECAP_FIXES.read_bytes()}


def label(name: str) -> str:
    """'employment_type' => 'Employment type'."""
    return name.replace("_", " ").capitalize()


def _plain(annotation: Any) -> tuple[Any, list[Any], bool]:
    """The type inside Optional and Annotated, its constraints, and whether None is allowed."""
    metadata: list[Any] = []
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            metadata += list(annotation.__metadata__)
            annotation = typing.get_args(annotation)[0]
        elif origin in (types.UnionType, typing.Union):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, metadata, optional


def _constraint(metadata: list[Any], name: str) -> Any:
    for item in metadata:
        if hasattr(item, name) and getattr(item, name) is not None:
            return getattr(item, name)
        inner = getattr(item, "metadata", None)
        if isinstance(inner, list):
            found = _constraint(inner, name)
            if found is not None:
                return found
    return None


def _format(metadata: list[Any]) -> str | None:
    for item in metadata:
        extra = getattr(item, "json_schema_extra", None)
        if isinstance(extra, dict) and isinstance(extra.get("format"), str):
            return str(extra["format"])
    return None


# Text the model refuses, as the form's pattern: [regex, what the form says].
NOT_BLANK = [r"\S", "must not be empty"]
WEB_URL = [r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]",
           "a full web address starting https://, like https://example.org/"]


class Forms:
    """Turns model fields into Decap CMS fields, knowing the site's sectors and cities."""

    def __init__(self, sectors: Mapping[str, str]) -> None:
        self.sector_options = [{"label": name, "value": key} for key, name in sectors.items()]

    def fields(self, model: type[BaseModel]) -> list[dict[str, Any]]:
        """One form field per model field, in the model's order."""
        return [self.field(model.__name__, name, info) for name, info in model.model_fields.items()]

    def field(self, owner: str, name: str, info: FieldInfo) -> dict[str, Any]:
        """The form field for one model field."""
        annotation, metadata, optional = _plain(info.annotation)
        metadata += [info, *info.metadata]
        found: dict[str, Any] = {"name": name, "label": label(name)}
        hint = DESCRIPTIONS.get(owner, {}).get(name)
        if hint:
            found["hint"] = hint
        if optional or not info.is_required():
            found["required"] = False
        found.update(self.widget(name, annotation, metadata))
        if found.get("required") is False and found.get("widget") == "object":
            # Decap checks an empty optional object's required fields too, and would refuse
            # every save; `check` still says what a given one lacks.
            for inner in found["fields"]:
                inner["required"] = False
        return found

    def widget(self, name: str, annotation: Any, metadata: list[Any]) -> dict[str, Any]:
        """The widget and its settings for a value of `annotation`."""
        origin = typing.get_origin(annotation)
        if origin is typing.Literal:
            return {"widget": "select", "options": [str(a) for a in typing.get_args(annotation)]}
        if annotation is bool:
            return {"widget": "boolean"}
        if annotation is dt.date:
            # Written as 2026-11-20: a date to the build's YAML reader, no time, no quotes.
            return {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD",
                    "time_format": False, "picker_utc": True}
        if annotation in (int, float):
            return self.number(annotation, metadata)
        if origin is list:
            return self.listing(name, typing.get_args(annotation)[0], metadata)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return {"widget": "object", "collapsed": False, "fields": self.fields(annotation)}
        return self.text(name, metadata)

    def number(self, annotation: Any, metadata: list[Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"widget": "number",
                                 "value_type": "int" if annotation is int else "float"}
        low, high = _constraint(metadata, "ge"), _constraint(metadata, "le")
        if low is not None:
            found["min"] = low
        if high is not None:
            found["max"] = high
        if _constraint(metadata, "gt") == 0:  # a rank or menu place: above 0, decimals allowed
            found["pattern"] = [r"^(0*[1-9]\d*(\.\d+)?|0*\.\d*[1-9]\d*)$",
                                "a number greater than 0, like 3 or 3.5"]
            if annotation is int:
                found["pattern"] = [r"^0*[1-9]\d*$", "a whole number greater than 0, like 2"]
        return found

    def listing(self, name: str, item: Any, metadata: list[Any]) -> dict[str, Any]:
        inner, _, _ = _plain(item)
        least = _constraint(metadata, "min_length")
        if name == "sectors":  # keys of sectors.yaml: pick from them
            found = {"widget": "select", "multiple": True, "options": self.sector_options}
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            fields = self.fields(inner)
            found = {"widget": "list", "summary": "{{fields.name}}" if "name" in
                     inner.model_fields else "{{fields.title}}", "fields": fields}
        else:  # a list of text (country codes): each item its own box, checked as the model does
            found = {"widget": "list", "field": {"name": name, "label": label(name),
                                                 **self.text(name, _plain(item)[1])}}
        if least:
            found["min"] = least
        return found

    def text(self, name: str, metadata: list[Any]) -> dict[str, Any]:
        if name == "city":  # a city file's slug: pick from the cities
            return {"widget": "relation", "collection": "cities", "value_field": "{{slug}}",
                    "search_fields": ["name"], "display_fields": ["name"]}
        kind = _format(metadata)
        if kind == "markdown":
            return {"widget": "markdown", "buttons": ["bold", "italic", "link", "heading-two",
                                                      "heading-three", "bulleted-list",
                                                      "numbered-list", "quote"],
                    "editor_components": [], "pattern": NOT_BLANK}
        pattern = _constraint(metadata, "pattern")
        if kind == "uri" and pattern:  # base_url: a web address that also ends in '/'
            return {"widget": "string", "pattern": [
                _all_of(WEB_URL[0], pattern), "a full web address starting https:// and "
                f"{DESCRIPTIONS_BY_PATTERN.get(pattern, 'as the hint says')}, like "
                "https://example.org/"]}
        if kind == "uri":
            return {"widget": "string", "pattern": WEB_URL}
        longest = _constraint(metadata, "max_length")
        found: dict[str, Any] = {"widget": "text" if longest and longest > 100 else "string"}
        if longest:
            found["pattern"] = [rf"^(?=[\s\S]*\S)[\s\S]{{1,{longest}}}$",
                                f"at most {longest} characters"]
        elif pattern:
            found["pattern"] = [pattern, DESCRIPTIONS_BY_PATTERN.get(pattern, "see the hint")]
        else:
            found["pattern"] = NOT_BLANK
        return found


def _all_of(*patterns: str) -> str:
    """One pattern that a text matches when it matches each of `patterns` (as RegExp.test).

    Each is searched for in its own lookahead from the start, so a pattern's own ^
    still means the start of the text and its $ the end: [WEB_URL, "/$"] gives
    ^(?=[\\s\\S]*?(?:^[Hh]...))(?=[\\s\\S]*?(?:/$)).
    """
    return "^" + "".join(rf"(?=[\s\S]*?(?:{p}))" for p in patterns)


DESCRIPTIONS_BY_PATTERN = {
    r"/$": "ending in /",
    r"^[A-Z]{2}$": "two capital letters, like GB",
    r"^[A-Z]{3}$": "three capital letters, like GBP",
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$": "a language tag like en-GB",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lower-case letters, digits and hyphens",
}


def _schema_line(fields: list[dict[str, Any]], schema: str) -> list[dict[str, Any]]:
    """`fields` with the file's schema line as the first one's comment.

    Decap writes a whole file on save, comments and all dropped, but puts a field's
    `comment` above its key; the first field is the file's first key, so the line that
    tells editors the file's schema stays the file's first line. (Decap 3.16 reads
    `comment` in folder collections only: sectors.yaml and site.yaml lose theirs.)
    """
    if not fields:
        return fields
    first, *rest = fields
    return [{**first, "comment": f"yaml-language-server: $schema={schema}"}, *rest]


def _folder(name: str, label_text: str, folder: str, model: type[BaseModel],
            forms: Forms, identifier: str, schema: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": label_text, "folder": folder, "create": True,
            "extension": "yaml", "format": "yaml", "slug": "{{slug}}",
            "identifier_field": identifier,
            "fields": _schema_line(forms.fields(model), f"../../schema/{schema}.schema.json"),
            **extra}


def _sectors(path: str, sectors: Mapping[str, str], forms: Forms) -> dict[str, Any]:
    """sectors.yaml as one form: a group of fields per key, named by the key.

    Decap reads a file collection's fields as the file's top-level keys, and the
    file is a mapping keyed by sector slug, so each key the content has is a field.
    """
    groups = [{"name": key, "label": f"{name} ({key})", "widget": "object", "collapsed": False,
               "fields": forms.fields(Sector)} for key, name in sectors.items()]
    return {"name": "sectors", "label": "Sectors", "files": [
        {"name": "sectors", "label": "The sectors (sectors.yaml)", "file": path,
         "fields": groups}]}


def config(site: Site, sectors: Mapping[str, str], content: str,
           local_port: int = LOCAL_BACKEND_PORT, base_url: str | None = None) -> dict[str, Any]:
    """Decap CMS's configuration for this site; `content` is the content folder's path in git."""
    forms = Forms(sectors)
    editing = getattr(site, "editing", None)
    backend = ({"name": "github", "repo": editing.repo, "branch": editing.branch} if editing
               else {"name": "git-gateway", "branch": "main"})
    page_fields = [*forms.fields(PageFrontMatter),
                   {"name": "body", "label": "Text", "widget": "markdown",
                    "hint": "The page's text, in Markdown."}]
    return {
        "backend": backend,
        # `npx decap-server` on this machine: used only when the page is at localhost.
        "local_backend": {"url": f"http://127.0.0.1:{local_port}/api/v1",
                          "allowed_hosts": ["localhost", "127.0.0.1"]},
        "site_url": base_url or site.base_url,
        "display_url": base_url or site.base_url,
        "media_folder": f"{content}/media",  # required by Decap; the forms upload nothing
        "collections": [
            _folder("cities", "Cities", f"{content}/cities", City, forms, "name", "city",
                    sortable_fields=["rank", "name"],
                    summary="{{name}} (rank {{rank}})"),
            _folder("jobs", "Jobs", f"{content}/jobs", Job, forms, "title", "job",
                    sortable_fields=["posted", "title"]),
            {"name": "pages", "label": "Pages", "folder": f"{content}/pages", "create": True,
             "extension": "md", "format": "frontmatter", "slug": "{{slug}}",
             "identifier_field": "title", "fields": page_fields},
            _sectors(f"{content}/sectors.yaml", sectors, forms),
            {"name": "settings", "label": "Site settings", "files": [
                {"name": "site", "label": "The site (site.yaml)", "file": f"{content}/site.yaml",
                 "fields": forms.fields(Site)}]},
        ],
    }


class _NoAliases(yaml.CSafeDumper):
    """Writes a repeated value out each time: no &id001 anchors for a reader to follow.

    libyaml's emitter (the C one), as the loader is: Python's took a quarter of a small
    site's build to write this one file.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


_LAST_CONFIG: dict[tuple[object, ...], str] = {}  # config_text's last text, by its inputs


def config_text(site: Site, sectors: Mapping[str, str], content: str,
                local_port: int = LOCAL_BACKEND_PORT, base_url: str | None = None) -> str:
    """config.yml as written into admin/: stable YAML with a header saying where it comes from.

    The last one made is kept for the same inputs (the site's record by its digest): the
    preview asks again on every save, and writing it out was a tenth of a save's build.
    """
    key = (site.digest, tuple(sectors.items()), content, local_port, base_url)
    if (known := _LAST_CONFIG.get(key)) is not None:
        return known
    body = yaml.dump(config(site, sectors, content, local_port, base_url), Dumper=_NoAliases,
                     sort_keys=False, allow_unicode=True, width=100)
    text = ("# Generated by the build from the content model (mlguide/editor/cms.py): "
            "do not edit.\n" + body)
    _LAST_CONFIG.clear()
    _LAST_CONFIG[key] = text
    return text


def admin_routes(site: Site, sectors: Mapping[str, str], content: str,
                 local_port: int, base_url: str) -> list[Route]:
    """/admin/ and its config.yml; the script is written beside them as an asset (bundle())."""
    text = config_text(site, sectors, content, local_port, base_url)
    return [
        Route("admin/index.html", ADMIN, "admin/index.html",
              {"bundle": BUNDLE_OUTPUT, "decap_fixes": DECAP_FIXES_OUTPUT},
              in_sitemap=False),
        Route("admin/config.yml", "admin/config.yml", "admin/config.yml", {"config": text},
              in_sitemap=False),
    ]
