"""Turn routes into bytes through one Jinja environment that records what each page reads.

A template reads its route's context (keyed by graph.value_digest) and the
site's globals and filters; the environment records, while a page renders,
every template it loads (extends, include, import) and every global or filter
that consults a site-wide fact, so the page's key holds exactly those facts.
Feeds are made by Python producers (feeds.py) that record their reads the
same way.

Markdown is rendered first, once per distinct text; pages are then rendered,
in forked workers when there are many (schedule.py).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.runtime
from markupsafe import Markup

from . import feeds
from .confine import STATIC_LIMITS, STATIC_NAME, ConfinedLoader, read_tree
from .graph import (
    RENDERING,
    Facts,
    Made,
    Memo,
    Reads,
    digest,
    is_current,
    note_late_read,
    output_key,
    sha256_hex,
    value_digest,
)
from .links import rebase
from .markup import MarkdownCache, render_many
from .model import City, Job, PageFrontMatter, Sector
from .problems import ContentError, Problem, display_path
from .routes import (
    Links,
    Listing,
    Route,
    SiteIndex,
    city_url,
    job_listings,
    job_url,
    listing_for,
    page_url,
    sector_url,
)
from .schedule import WorkerFailed, deal, run_forked
from .views import anchors, present
from .views.hiring import EmployerEntry
from .write import FileRecord, StagingTree

PARALLEL_TEXTS = 400  # Markdown texts: below this, forking costs more than it saves
PARALLEL_WORK = 2000  # render weight (see render_weight) below which forking does not pay
EVERYTHING = "content"  # the fact a global of unknown reach stands for: all of the content


def published(name: str, data: bytes) -> bytes:
    """A static file as readers get it: a script without its comments and spaces.

    The source in static/ keeps its comments for the next person to read it; a phone
    gets about a third fewer bytes. A script that is not UTF-8 is published as it is.
    """
    if not name.endswith(".js"):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    import rjsmin

    return rjsmin.jsmin(text).encode("utf-8")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Assets:
    """Static files published under content-hashed names, so a CDN may cache them for a year."""

    files: dict[str, tuple[str, bytes]]  # source name -> (hashed output path, bytes)

    @classmethod
    def from_folder(cls, folder: Path) -> Assets:
        """The static files, read by confine.py's rules; a ContentError for what breaks them."""
        found, problems = read_tree(folder, display_path(folder), STATIC_LIMITS, STATIC_NAME)
        if problems:
            raise ContentError(problems)
        files = {}
        for item in found:
            stem, dot, suffix = item.name.rpartition(".")
            data = published(item.name, item.data)
            hashed = sha256_hex(data)[:10]
            files[item.name] = (f"assets/{stem}.{hashed}.{suffix}" if dot
                                else f"assets/{item.name}.{hashed}", data)
        return cls(files)

    def output(self, name: str) -> str:
        return self.files[name][0]

    def outputs(self) -> dict[str, str]:
        return {name: path for name, (path, _) in self.files.items()}

    def with_file(self, output: str, data: bytes) -> Assets:
        """These assets and one more written as it is at `output`: a file whose name
        carries its version (admin/decap-cms-3.16.3.js), outside assets/."""
        return Assets({**self.files, output: (output, data)})


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept by a long-lived process (the preview server), in memory.

    Jinja checks each entry against its template's source, so an edited template is
    compiled again and an unchanged one never is.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self._compiled: set[tuple[str, str]] = set()  # (bucket key, source checksum)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()
        self._compiled.add((bucket.key, bucket.checksum))

    def compiled_before(self, name: str, filename: str | None, source: str) -> bool:
        """Whether this very source of template `name` was compiled (so it has no syntax
        error), without loading its code."""
        return (self.get_cache_key(name, filename),
                self.get_source_checksum(source)) in self._compiled


# What a template may ask of a record that gives its fields whole (besides "_..." and the
# model API's "model_..."): pydantic's older names and the record's own digests.
WHOLE_RECORD = frozenset({"record_json", "digest", "shown_digest", "dict", "json", "copy"})


def late_records(index: SiteIndex) -> dict[str, Mapping[str, Any]]:
    """The records of each kind that has late fields (model.LATE_FIELDS), by slug: where a
    page's read of one is looked up. A kind missing here would have its late fields'
    facts 'absent' build after build, and its pages never made again for them (a test
    holds every kind with late fields to being here)."""
    return {"City": index.city_by_slug}


class TrackingContext(jinja2.runtime.Context):
    """A template context that records each site-wide global a template resolves."""

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        environment = self.environment
        if isinstance(environment, TrackingEnvironment) and environment.reads is not None \
                and key in environment.global_facts and value is environment.globals.get(key):
            environment.reads.update(environment.global_facts[key])
        return value


class TrackingEnvironment(jinja2.Environment):
    """The one Jinja environment: it records the templates and globals each render reads."""

    context_class = TrackingContext

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.global_facts: dict[str, tuple[str, ...]] = {}

    @property
    def reads(self) -> Reads | None:
        """The reads of the render under way, if any (graph.RENDERING, set by Renderer.render)."""
        return RENDERING.get()

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        if self.reads is not None and isinstance(name, str):
            self.reads.add(f"template:{self.join_path(name, parent) if parent else name}")
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None,
                        globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        if self.reads is not None:
            self.reads.update(f"template:{n}" for n in names if isinstance(n, str))
        return super().select_template(names, parent, globals)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._note(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str):  # record["overview"], and map(attribute=...), sort(...)
            self._note(obj, argument)
        return super().getitem(obj, argument)

    def _note(self, obj: Any, attribute: str) -> None:
        """A read of a record's late field is a fact of its own; so is every late field, for
        what the model API (model_dump, record_json, __dict__...) gives whole."""
        late = getattr(type(obj), "LATE_FIELDS", None)
        if not late:
            return
        if attribute in late:
            note_late_read(obj, (attribute,))
        elif attribute.startswith(("_", "model_")) or attribute in WHOLE_RECORD:
            note_late_read(obj)

    def provide(self, name: str, value: Any, reads: Iterable[str]) -> None:
        """A global that stands for the facts it reads (none for pure code)."""
        self.globals[name] = value
        self.global_facts[name] = tuple(reads)

    def filter(self, name: str, function: Callable[..., Any],
               reads: Callable[..., Iterable[str]] | Iterable[str] = ()) -> None:
        """A filter that records the facts it reads (given, or made from its arguments)."""
        if not callable(reads) and not tuple(reads):
            self.filters[name] = function
            return
        facts = reads if callable(reads) else (lambda *_: tuple(reads))

        # pass_context also keeps Jinja from calling it on a constant at compile time
        # ("sitemap.xml"|absolute), which would bake the fact in and hide the read.
        @jinja2.pass_context
        def recorded(context: jinja2.runtime.Context, *args: Any) -> Any:
            if self.reads is not None:
                self.reads.update(facts(*args))
            return function(*args)

        self.filters[name] = recorded

    def undeclared_globals(self) -> list[str]:
        """Globals added without saying what they read: they count as reading everything."""
        return [name for name in self.globals if name not in self.global_facts
                and name not in jinja2.defaults.DEFAULT_NAMESPACE]


class ListingView:
    """A job list as a template sees it through the `listing` filter.

    Its address and title come from its subject alone; reading how many jobs it has
    is a read of that number; reading its jobs (or anything else of it) is recorded as
    a read of the list. So a page that only links to a city's roles, or counts them, is
    not made again when one of them changes.
    """

    _FREE = frozenset({"url", "title", "subject", "atom_url", "json_url", "is_everything"})

    def __init__(self, listing: Listing, env: TrackingEnvironment) -> None:
        self._listing = listing
        self._env = env

    def __getattr__(self, name: str) -> Any:
        if name not in self._FREE and self._env.reads is not None:
            family = "listing-count" if name == "count" else "listing"
            self._env.reads.add(f"{family}:{self._listing.url}")
        return getattr(self._listing, name)


@dataclass(frozen=True)
class Fragment:
    """A partial template as rendered once for a build (Renderer.fragment)."""

    html: Markup
    reads: frozenset[str]
    values: Mapping[str, Any]  # what it was rendered with, kept alive with it


class Renderer:
    """One Jinja environment over the site's templates, with the site's helpers."""

    def __init__(self, templates: Path, index: SiteIndex, links: Links, assets: Assets,
                 markdown: MarkdownCache, compiled: TemplateCache | None = None) -> None:
        self.templates = templates
        self.index = index
        self.links = links
        self.assets = assets
        self.markdown = markdown
        self.env = TrackingEnvironment(
            loader=ConfinedLoader(templates),  # no template from outside its folder
            bytecode_cache=compiled,
            # Plain-text outputs are not HTML: escaping would turn 'self' into &#39;self&#39;.
            autoescape=lambda name: not (name or "").endswith(
                (".txt", ".yml", "_headers", "_redirects")),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one build sees one version of each template
        )
        content = index.content
        env = self.env
        env.provide("site", content.site, ["site"])
        env.provide("sectors", content.sectors, ["sectors"])
        env.provide("cities", content.cities, ["cities"])
        env.provide("nav", self.nav(content.pages), ["nav"])
        env.provide("today", index.today, ["today"])
        env.provide("index", index, [EVERYTHING])
        env.provide("links", links, ["links"])
        env.provide("asset", lambda name: links.path(assets.output(name)), ["assets", "links"])
        env.provide("present", present, [])
        env.provide("anchors", anchors, [])
        env.provide("job_posting", self._job_posting, ["site", "links"])
        # Its reads are those of the fragment, told to each page that shows it.
        env.provide("fragment", self.fragment, [])
        env.filter("markdown", self.html, ["links"])
        env.filter("href", self.href, ["links"])
        env.filter("absolute", links.absolute, ["links"])
        env.filter("sector", lambda key: content.sectors[key], ["sectors"])
        env.filter("city", lambda slug: index.city_by_slug.get(slug), ["cities"])
        env.filter("listing", lambda subject=None: ListingView(listing_for(index, subject), env))
        self.feeds = feeds.FeedContext(content.site, links, index.today, index.city_by_slug,
                                       content.sectors, self.html)
        self._fragments: dict[tuple[object, ...], Fragment] = {}

    def fragment(self, name: str, **values: Any) -> Markup:
        """The partial template `name` rendered with `values` alone (and the globals), once
        per build and process for the same values: a job's entry shows on every list it is
        in and among other jobs' similar roles, some fourteen times at 10,000 jobs.

        The facts it read are added to those of each page it is shown on, as an include's
        would be. Values are told apart by identity (records are made once per build), and
        kept with the fragment, so that no identity is reused while the build runs.
        """
        key = (name, *sorted((k, v if v is None or isinstance(v, str | int | float) else id(v))
                             for k, v in values.items()))
        known = self._fragments.get(key)
        if known is None:
            reads = Reads()
            outer = RENDERING.set(reads)
            try:
                html = Markup(self.env.get_template(name).render(**values))  # noqa: S704
            finally:
                RENDERING.reset(outer)
            known = self._fragments[key] = Fragment(html, frozenset(reads.names), values)
        page = RENDERING.get()
        if page is not None:
            page.update(known.reads)
        return known.html

    def html(self, text: str) -> Markup:
        """Markdown as safe HTML, its site links (/cities/leeds/) under the base URL's path."""
        return Markup(rebase(self.markdown.html(text), self.links.base_path))  # noqa: S704

    def _job_posting(self, job: Job, city: City | None,
                     entry: EmployerEntry | None = None) -> str | None:
        from .views import jobposting

        content = self.index.content
        return jobposting.embedded(job, city, content.site, self.links,
                                   self.html(job.summary),
                                   entry.employer.url if entry else None)

    @staticmethod
    def nav(pages: Sequence[tuple[PageFrontMatter, str]]) -> list[tuple[str, str]]:
        """The main navigation: fixed sections, then pages that ask for a place."""
        listed = sorted((p.nav, p.slug, p.label) for p, _ in pages if p.nav is not None)
        return [("", "Home"), ("compare/", "Compare cities"), ("employers/", "Employers A–Z"),
                ("jobs/", "Jobs"), *((f"{slug}/", title) for _, slug, title in listed)]

    def href(self, item: City | Sector | Job | PageFrontMatter | str) -> str:
        """The link to a model object's page (or to a site-relative URL)."""
        url_of: dict[type, Callable[[Any], str]] = {
            City: city_url, Sector: sector_url, Job: job_url, PageFrontMatter: page_url,
        }
        url = item if isinstance(item, str) else url_of[type(item)](item)
        return self.links.path(url)

    def facts(self) -> Facts:
        """The site-wide facts a page may read, each known by its digest, for this build."""
        content, index = self.index.content, self.index
        listings: dict[str, Listing] = {}

        def listing_at(url: str) -> Listing | None:
            if not listings:
                listings.update((each.url, each) for each in job_listings(index))
            return listings.get(url)

        def listing(url: str) -> str | None:
            found = listing_at(url)
            return value_digest(found, {}) if found is not None else None

        def listing_count(url: str) -> str | None:
            found = listing_at(url)
            return str(found.count) if found is not None else None

        def template(name: str) -> str | None:
            assert self.env.loader is not None
            try:
                return digest(self.env.loader.get_source(self.env, name)[0])
            except jinja2.TemplateNotFound:
                return None

        def asset(name: str) -> str | None:
            found = self.assets.files.get(name)
            return sha256_hex(found[1]) if found else None

        def card_style() -> str:
            from .views import cards

            return cards.style_digest()  # the drawing code, Pillow and the font files

        values: dict[str, Callable[[], str]] = {
            "site": lambda: content.site.digest,
            "sectors": lambda: digest(*(s.digest for s in content.sectors.values())),
            # As a route holds them: a page reads a city's late fields as facts of their own.
            "cities": lambda: digest(*(c.shown_digest for c in content.cities)),
            "nav": lambda: value_digest(self.nav(content.pages), {}),
            "today": lambda: index.today.isoformat(),
            "links": lambda: self.links.base_url,
            "assets": lambda: value_digest(self.assets.outputs(), {}),
            EVERYTHING: lambda: digest(
                content.site.digest, *(s.digest for s in content.sectors.values()),
                *(c.digest for c in content.cities), *(j.digest for j in content.jobs),
                *(p.digest for p, _ in content.pages), index.today.isoformat(),
                self.links.base_url),
        }
        records = late_records(index)

        def late(argument: str) -> str | None:  # 'City/leeds/overview'
            kind, _, rest = argument.partition("/")
            slug, _, name = rest.partition("/")
            record = records.get(kind, {}).get(slug)
            return record.late_field_digest(name) if record is not None else None

        def city(slug: str) -> str | None:  # as a route holds it: its late fields apart
            found = index.city_by_slug.get(slug)
            return found.shown_digest if found is not None else None

        values["card-style"] = card_style
        return Facts(values, {"listing": listing, "listing-count": listing_count,
                              "template": template, "asset": asset, "late": late,
                              "city": city})

    def render(self, route: Route) -> tuple[bytes, set[str]]:
        """The route's bytes, and the facts read to make them."""
        reads = Reads()
        reads.update(EVERYTHING for _ in self.env.undeclared_globals()[:1])
        rendering = RENDERING.set(reads)  # the environment, and a record read whole, add to it
        try:
            return self._made(route, reads), reads.names
        finally:
            RENDERING.reset(rendering)

    def _made(self, route: Route, reads: Reads) -> bytes:
        if route.producer == "card":
            from .views import cards  # Pillow: loaded only when a card is drawn

            reads.add("card-style")
            return cards.draw(route.context["card"])
        if route.producer == "asset":
            name = route.context["name"]
            reads.add(f"asset:{name}")
            return self.assets.files[name][1]
        if route.producer:
            return feeds.produce(route, self.feeds, reads)
        template = self.env.get_template(route.template)
        return template.render(route=route, **route.context).encode("utf-8")


def template_problem(error: BaseException, folder: Path) -> Problem:
    """A template error located at its template's file and line."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Problem(display_path(Path(error.filename)), error.lineno or 1, 1, "(template)",
                       f"template syntax error: {error.message}")
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename and Path(f.filename).is_relative_to(folder.resolve())]
    where = frames[-1] if frames else None
    file = display_path(Path(where.filename)) if where else display_path(folder)
    return Problem(file, (where.lineno or 1) if where else 1, 1, "(template)",
                   f"template error: {error}")


def compile_templates(env: jinja2.Environment, folder: Path) -> None:
    """Compile every template, reporting all syntax errors together."""
    if not folder.is_dir():
        raise ContentError([Problem(display_path(folder), 1, 1, "(folder)",
                                    "the templates folder does not exist", "pass --templates DIR")])
    problems = []
    compiled = env.bytecode_cache if isinstance(env.bytecode_cache, TemplateCache) else None
    for name in env.list_templates():
        try:
            # A source compiled before by this process has no syntax error: loaded only if a
            # page uses it (the preview's save renders a few pages of a few templates).
            if compiled is not None and env.loader is not None and \
                    compiled.compiled_before(name, *_file_and_source(env, name)):
                continue
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            problems.append(template_problem(error, folder))
    if problems:
        raise ContentError(problems)


def _file_and_source(env: jinja2.Environment, name: str) -> tuple[str | None, str]:
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, name)
    return filename, source


# --- Markdown, before the pages ------------------------------------------------------------


def prepare_markdown(cache: MarkdownCache, texts: Iterable[str], workers: int,
                     close: Iterable[int] = ()) -> int:
    """Render the texts not yet in the cache, in parallel when there are many."""
    missing = cache.missing(texts)
    if len(missing) < PARALLEL_TEXTS or workers < 2:
        cache.add(render_many(missing))
        return len(missing)
    shares = [list(range(i, len(missing), workers)) for i in range(workers)]
    for rendered in run_forked(lambda share: render_many(missing[i] for i in share), shares,
                               _describe, close):
        cache.add(rendered)
    return len(missing)


# --- the plan: which outputs to make, and making them --------------------------------------


@dataclass(frozen=True)
class Plan:
    """What each output needs: nothing (the staging tree has it), a link, or a render."""

    keep: tuple[FileRecord, ...]  # already right in the staging tree
    link: tuple[FileRecord, ...]  # unchanged since the live build: hard-link from it
    render: tuple[tuple[Route, str], ...]  # route and its digest
    made: Mapping[str, Made]  # how the outputs kept or linked were made


def plan_outputs(routes: Sequence[Route], toolchain: str, log: Mapping[str, Made],
                 facts: Facts, staged: Mapping[str, FileRecord],
                 live: Mapping[str, FileRecord]) -> Plan:
    """Sort routes by the least work that gives their bytes.

    An output is current when its route (context records included) and every fact
    it read last time have the digests they had: then the staging tree's copy or
    the live one is right, as long as it still holds the bytes the engine left.
    """
    keep, link, render, made = [], [], [], {}
    memo: Memo = {}
    for route in routes:
        route_digest = value_digest(route, memo)
        before = log.get(route.output)
        if before is not None and is_current(before, toolchain, route_digest, facts):
            if (record := staged.get(route.output)) is not None and record.key == before.key:
                keep.append(record)
                made[route.output] = before
                continue
            if (record := live.get(route.output)) is not None and record.key == before.key:
                link.append(record)
                made[route.output] = before
                continue
        render.append((route, route_digest))
    return Plan(tuple(keep), tuple(link), tuple(render), made)


@dataclass(frozen=True)
class RenderJob:
    """What the page workers need; inherited by fork, never pickled."""

    renderer: Renderer
    plan: Plan
    tree: StagingTree
    live_root: Path
    toolchain: str
    facts: Facts


def run_share(job: RenderJob, links: Sequence[int], renders: Sequence[int]) -> list[Any]:
    """Link the plan's links and render its renders at these positions: records as JSON."""
    rows: list[Any] = []
    for i in links:
        record = job.tree.link(job.live_root, job.plan.link[i])
        rows.append(_row(record, None))
    for i in renders:
        route, route_digest = job.plan.render[i]
        data, reads = job.renderer.render(route)
        key = output_key(job.toolchain, route_digest, reads, job.facts)
        rows.append(_row(job.tree.write(route.output, data, key), sorted(reads)))
    return rows


def _row(record: FileRecord, reads: list[str] | None) -> list[Any]:
    inode = list(record.inode) if record.inode else None
    return [record.path, record.size, record.sha256, record.key, inode, reads]


def render_weight(route: Route) -> int:
    """Roughly how much a route costs to render: what it lists counts."""
    return 1 + sum(len(v) for v in route.context.values() if isinstance(v, tuple | list))


def _describe(error: BaseException) -> Any:
    """An error in a worker as plain data for its parent."""
    if isinstance(error, ContentError):
        return {"problems": [list(vars(p).values()) for p in error.problems]}
    return {"internal": "".join(traceback.format_exception(error))}


def execute_plan(job: RenderJob, workers: int,
                 close: Iterable[int] = ()) -> tuple[list[FileRecord], dict[str, Made]]:
    """Carry out the plan, in forked workers when there is much to do.

    Returns every output's record and how each was made, for the build log.
    """
    plan = job.plan
    weights = [render_weight(route) for route, _ in plan.render]
    folder = job.renderer.templates

    def share(positions: tuple[Sequence[int], Sequence[int]]) -> list[Any]:
        try:
            return run_share(job, *positions)
        except jinja2.TemplateError as error:
            raise ContentError([template_problem(error, folder)]) from None

    if sum(weights) + len(plan.link) < PARALLEL_WORK or workers < 2:
        rows = share((range(len(plan.link)), range(len(plan.render))))
    else:
        parts = workers
        pairs = list(zip(deal([1] * len(plan.link), parts), deal(weights, parts), strict=True))
        try:
            results = run_forked(lambda s: share(pairs[s[0]]), [[n] for n in range(parts)],
                                 _describe, close)
        except WorkerFailed as failed:
            detail = failed.detail
            if isinstance(detail, dict) and "problems" in detail:
                raise ContentError([Problem(*p) for p in detail["problems"]]) from None
            raise RuntimeError(f"a render worker failed:\n{detail}") from None
        rows = [row for result in results for row in result]
    records = list(plan.keep)
    made = dict(plan.made)
    for path, size, sha, key, inode, reads in rows:
        records.append(FileRecord(path, size, sha, key, tuple(inode) if inode else None))
        if reads is not None:
            made[path] = Made(key, tuple(reads))
    return records, made
