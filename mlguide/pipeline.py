"""The build, start to finish: load -> validate -> render -> write.

Everything is read and checked before anything is written, and the output
folder is replaced whole only once the new tree is complete.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .load import SourceFile, Sources, display_path, load_sources
from .markup import MarkdownCache
from .problems import ContentError, Problem
from .publish.compress import compress_outputs
from .publish.headers import headers_route
from .render import (
    Assets,
    Plan,
    Renderer,
    RenderJob,
    TemplateCache,
    engine_digest,
    execute_plan,
    global_key,
    plan_outputs,
    prepare_markdown,
    template_digests,
    worker_count,
)
from .routes import Links, Route, SiteIndex, site_routes
from .store import SavedWork, store_path
from .validate import Content, validate_content
from .write import (
    MANIFEST_NAME,
    FileRecord,
    StagingTree,
    build_lock,
    check_unique_outputs,
    guard_output_folder,
    open_staging_tree,
    publish,
    read_manifest,
)


@dataclass(frozen=True)
class Settings:
    """Where to read and write, and the two facts a build may not take from the clock."""

    content: Path
    templates: Path
    static: Path
    out: Path
    today: dt.date
    base_url: str | None = None  # overrides site.yaml's base_url
    compress: bool = False  # also write .gz and .br beside every text file
    workers: int = field(default_factory=worker_count)


@dataclass
class BuildCache:
    """What one long-lived process (the preview server) keeps between builds.

    The parsed files and the rendered Markdown are also kept on disk beside the
    output folder, keyed by content digests, so that a command-line rebuild
    parses and renders only what changed.
    """

    sources: dict[Path, tuple[str, SourceFile]] = field(default_factory=dict)
    markdown: MarkdownCache = field(default_factory=MarkdownCache)
    templates: TemplateCache = field(default_factory=TemplateCache)  # compiled, in memory only
    saved: SavedWork | None = None  # the on-disk copy of sources and markdown

    def load_saved(self, out: Path, version: str) -> None:
        """Adopt what a previous build saved, if it was made by this engine."""
        if self.saved is not None and self.saved.path == store_path(out):
            return  # already adopted, and kept in step since
        self.saved = SavedWork(store_path(out), version)
        files, markdown = self.saved.load()
        if not self.sources and not len(self.markdown):
            self.sources = files
            self.markdown.add(markdown)

    def save(self, files: set[Path], texts: Iterable[str]) -> None:
        """Keep this build's parsed files and the Markdown it shows, on disk too."""
        self.sources = {path: entry for path, entry in self.sources.items() if path in files}
        if self.saved is not None:
            self.saved.save(self.sources, self.markdown.kept(texts))


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    out: Path
    written: int
    reused: int
    closed_jobs: int
    jobs_without_employer: int
    next_closing: dt.date | None
    markdown_rendered: int
    seconds: float

    def summary(self) -> str:
        pages = self.written + self.reused
        parts = [
            f"built {pages} files into {display_path(self.out)} "
            f"({self.reused} unchanged, reused) in {self.seconds:.2f}s",
            f"{self.closed_jobs} closed job{'s' if self.closed_jobs != 1 else ''} left out",
        ]
        if self.jobs_without_employer:
            parts.append(f"{self.jobs_without_employer} job(s) without an employer carry no "
                         "JobPosting data")
        closing = self.next_closing.isoformat() if self.next_closing else "none"
        parts.append(f"next closing: {closing}")
        return "; ".join(parts)


@dataclass(frozen=True)
class Prepared:
    """Everything a build reads and checks before it writes anything."""

    sources: Sources
    content: Content
    index: SiteIndex
    links: Links
    assets: Assets
    renderer: Renderer


def prepare(settings: Settings, cache: BuildCache) -> Prepared:
    """Load and validate the content, and compile the templates; raise on any problem."""
    sources = load_sources(settings.content, cache.sources)
    content = validate_content(sources)
    index = SiteIndex.of(content, settings.today)
    links = Links(settings.base_url or content.site.base_url)
    assets = Assets.from_folder(settings.static)
    renderer = Renderer(settings.templates, index, links, assets, cache.markdown, cache.templates)
    compile_templates(renderer.env, settings.templates)
    return Prepared(sources, content, index, links, assets, renderer)


def check(settings: Settings, cache: BuildCache | None = None) -> Content:
    """Load and validate the content and templates; write nothing."""
    return prepare(settings, cache or BuildCache()).content


def compile_templates(env: jinja2.Environment, folder: Path) -> None:
    """Compile every template, reporting all syntax errors together."""
    if not folder.is_dir():
        raise ContentError([Problem(display_path(folder), 1, 1, "(folder)",
                                    "the templates folder does not exist", "pass --templates DIR")])
    problems = []
    for name in env.list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            problems.append(template_problem(error, folder))
    if problems:
        raise ContentError(problems)


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


def _extra_routes(index: SiteIndex, routes: list[Route]) -> list[Route]:
    """Files that list the pages: the sitemap and robots.txt."""
    listed = tuple(r.url for r in routes if r.in_sitemap)
    return [
        Route("sitemap.xml", "sitemap.xml", "sitemap.xml", {"urls": listed}, listed, False),
        Route("robots.txt", "robots.txt", "robots.txt", {}, (), False),
    ]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run without the cyclic garbage collector, and freeze the heap before workers fork.

    A build allocates hundreds of thousands of long-lived objects: collecting
    them costs a fifth of a cold build, and in forked workers it would touch
    (and so copy) every page of the inherited heap.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def build(settings: Settings, cache: BuildCache | None = None) -> BuildReport:
    """Build the whole site into settings.out, replacing it only on success."""
    with paused_gc():
        return _build(settings, cache)


def _build(settings: Settings, cache: BuildCache | None) -> BuildReport:
    started = time.perf_counter()
    cache = cache or BuildCache()
    guard_output_folder(settings.out, [settings.content, settings.templates, settings.static,
                                       Path.cwd()])
    engine = engine_digest()
    cache.load_saved(settings.out, engine)
    parsed_before = {path: digest for path, (digest, _) in cache.sources.items()}
    ready = prepare(settings, cache)
    sources, content, index, links = ready.sources, ready.content, ready.index, ready.links
    assets, renderer = ready.assets, ready.renderer
    routes = site_routes(index)
    routes += _extra_routes(index, routes)
    asset_paths = [path for path, _ in assets.files.values()]
    routes.append(headers_route([r.output for r in routes] + asset_paths))
    check_unique_outputs([r.output for r in routes] + asset_paths)
    key = global_key([
        engine, assets.digest(), links.base_url,
        settings.today.isoformat(), content.shared_digest,
    ])
    with build_lock(settings.out):
        tree = open_staging_tree(settings.out)
        live = read_manifest(settings.out / MANIFEST_NAME)
        plan = plan_outputs(routes, key, tree.records, live, template_digests(renderer.env))
        rendered = prepare_markdown(cache.markdown, _texts(plan), settings.workers)
        try:
            records = execute_plan(RenderJob(renderer, plan, tree, settings.out.resolve()),
                                   settings.workers)
        except jinja2.TemplateError as error:
            raise ContentError([template_problem(error, settings.templates)]) from None
        records += _write_assets(tree, assets)
        if settings.compress:
            records += compress_outputs(tree, records, live, settings.out.resolve(),
                                        settings.workers)
        tree.prune({r.path for r in records})
        tree.write_manifest(records)
        publish(tree, settings.out)
        used = {source.path for source in sources.all()}
        if rendered or {p: d for p, (d, _) in cache.sources.items() if p in used} != parsed_before:
            cache.save(used, (t for r in routes for t in r.markdown))
    return BuildReport(
        out=settings.out, written=len(plan.render), reused=len(plan.keep) + len(plan.link),
        closed_jobs=len(index.closed_jobs),
        jobs_without_employer=sum(1 for j in index.open_jobs if j.employer is None),
        next_closing=min((j.closes for j in index.open_jobs if j.closes), default=None),
        markdown_rendered=rendered, seconds=time.perf_counter() - started,
    )


def _texts(plan: Plan) -> list[str]:
    return [text for route, _ in plan.render for text in route.markdown]


def _write_assets(tree: StagingTree, assets: Assets) -> list[FileRecord]:
    """Assets are named by their hash: one already in the tree is already right."""
    records = []
    for path, data in assets.files.values():
        staged = tree.records.get(path)
        records.append(staged if staged is not None else tree.write(path, data))
    return records
