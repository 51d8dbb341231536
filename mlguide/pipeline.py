"""The build, start to finish: load -> validate -> site map -> render -> write.

Everything is read and checked before anything is written, and the output
folder is replaced whole only once the new tree is complete. Which outputs are
made again is the graph's call (graph.py): each output's key is what it read.
"""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .confine import TEMPLATE_LIMITS, read_tree
from .editor import cms
from .graph import Facts, Made, Settings, library_versions, toolchain_digest
from .links import unresolved
from .load import Parsed, Sources, load_sources
from .markup import MarkdownCache
from .problems import ContentError, display_path
from .publish import role_index, search
from .publish.compress import compress_outputs
from .publish.search import Record
from .render import (
    Assets,
    Plan,
    Renderer,
    RenderJob,
    TemplateCache,
    compile_templates,
    execute_plan,
    plan_outputs,
    prepare_markdown,
)
from .routes import Links, Route, SiteIndex, draft_link_targets, link_targets, site_map
from .signature import MANIFEST_NAME
from .store import (
    Kept,
    State,
    build_lock,
    forget_signature,
    keep_signature,
    load_state,
    refuse_if_tracked,
    save_state,
    signature_of,
    tidy,
    unchanged_content,
)
from .validate import Content, Validated, check_content
from .write import (
    FileRecord,
    OutputFailed,
    StagingTree,
    files_under,
    guard_output_folder,
    open_staging_tree,
    publish,
    read_manifest,
    trusted,
)

__all__ = ["BuildCache", "BuildReport", "Settings", "Superseded", "build", "check"]


class Superseded(Exception):
    """A build given up, before it wrote anything, for a newer one (BuildCache.superseded)."""


@dataclass
class BuildCache:
    """What one long-lived process (the preview server) keeps between builds, in memory.

    The same graph runs with it or without: it only saves reading back what the
    last build kept on disk, and parsing files whose bytes did not change.
    """

    sources: Parsed = field(default_factory=dict)
    records: Validated = field(default_factory=dict)  # validated records, by file and bytes
    markdown: MarkdownCache = field(default_factory=MarkdownCache)
    templates: TemplateCache = field(default_factory=TemplateCache)  # compiled, in memory only
    state: State | None = None  # what the last build kept, as it is on disk
    # The preview's: a build whose search records changed publishes the last index as it
    # was (BuildReport.search_pending), so the reload does not wait; the next one makes it.
    search_later: bool = False
    kept: Kept | None = None
    toolchain: str = ""
    # The roles' own index this process last published: its key (role_index.records_key)
    # and its files' paths.
    roles: tuple[str, frozenset[str]] | None = None
    # Set by the preview when a save comes while a build runs: that build, no longer the
    # latest, stops before it writes anything (Superseded), and the next one starts sooner.
    superseded: threading.Event = field(default_factory=threading.Event)

    def stop_if_superseded(self) -> None:
        """Give up the build here if a newer one is wanted: nothing has been written yet."""
        if self.superseded.is_set():
            raise Superseded

    def state_for(self, kept: Kept) -> State:
        """The kept state of this output folder, read from disk once per process."""
        if self.state is None or self.kept != kept:
            self.toolchain = toolchain_digest(library_versions())
            self.state, self.kept = load_state(kept, self.toolchain), kept
            self.markdown.add(self.state.markdown)
        return self.state


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    out: Path
    written: int
    reused: int
    closed_jobs: int
    jobs_without_employer: int
    next_closing: str | None
    markdown_rendered: int
    seconds: float
    repaired: tuple[str, ...] = ()  # what was found in the state folder and thrown away
    search_pending: bool = False  # the search index is the last build's (BuildCache.search_later)

    def summary(self) -> str:
        return "; ".join((self.headline(), *self.notices()))

    def headline(self) -> str:
        """What this build did: different every time."""
        pages = self.written + self.reused
        return (f"built {pages} files into {display_path(self.out)} "
                f"({self.reused} unchanged, reused) in {self.seconds:.2f}s"
                + ("; the search index follows" if self.search_pending else ""))

    def notices(self) -> tuple[str, ...]:
        """What the content is like: the same from save to save until the content changes."""
        parts = [f"{self.closed_jobs} closed job{'s' if self.closed_jobs != 1 else ''} left out"]
        if self.jobs_without_employer:
            parts.append(f"{self.jobs_without_employer} job(s) without an employer carry no "
                         "JobPosting data")
        parts.append(f"next closing: {self.next_closing or 'none'}")
        if self.repaired:
            parts.append(f"kept state held files the build did not write "
                         f"({', '.join(self.repaired)}): it was thrown away and rebuilt")
        return tuple(parts)


@dataclass(frozen=True)
class Prepared:
    """Everything a build reads and checks before it writes anything."""

    sources: Sources
    content: Content
    index: SiteIndex
    renderer: Renderer
    routes: list[Route]
    facts: Facts


def prepare(settings: Settings, cache: BuildCache, state: State | None = None,
            unchanged: Mapping[str, int] | None = None) -> Prepared:
    """Load and validate the content, compile the templates and map the site; raise on problems."""
    sources = load_sources(settings.content, cache.sources, state.records if state else None,
                           unchanged)
    cache.stop_if_superseded()
    # Static files and templates break rules of their own (links out, sizes): all at once.
    others = read_tree(settings.templates, display_path(settings.templates),
                       TEMPLATE_LIMITS)[1]
    try:
        assets = Assets.from_folder(settings.static)
        for output, data in cms.admin_files().items():
            assets = assets.with_file(output, data)
    except ContentError as error:
        others = [*error.problems, *others]
    checked = check_content(sources, cache.records)
    cache.stop_if_superseded()
    if checked.problems or others:
        # Broken links are told with the other mistakes: resolved against the pages the
        # content will have once it validates (routes.draft_link_targets).
        draft = draft_link_targets(checked, settings.today)
        raise ContentError([*checked.problems, *others,
                            *unresolved(checked.content.site_links, draft)])
    content = checked.content
    index = SiteIndex.of(content, settings.today)
    links = Links(settings.base_url or content.site.base_url)
    renderer = Renderer(settings.templates, index, links, assets, cache.markdown, cache.templates)
    compile_templates(renderer.env, settings.templates)
    editor = cms.admin_routes(content.site, {k: s.name for k, s in content.sectors.items()},
                              _in_repository(settings.content), settings.cms_port, links.base_url)
    cache.stop_if_superseded()
    routes = site_map(index, assets.outputs(), editor, cache.stop_if_superseded)
    broken = unresolved(content.site_links, link_targets(routes))  # links.py: /cities/glasgw/
    if broken:
        raise ContentError(broken)
    return Prepared(sources, content, index, renderer, routes, renderer.facts())


def _in_repository(content: Path) -> str:
    """The content folder as the CMS names it in git: relative to the working folder."""
    absolute = content.resolve()
    return absolute.relative_to(Path.cwd().resolve()).as_posix() \
        if absolute.is_relative_to(Path.cwd().resolve()) else "content"


def check(settings: Settings, cache: BuildCache | None = None) -> Content:
    """Load and validate the content and templates, and map the site; write nothing."""
    return prepare(settings, cache or BuildCache()).content


def build(settings: Settings, cache: BuildCache | None = None) -> BuildReport:
    """Build the whole site into settings.out, replacing it only on success."""
    started, cache = time.perf_counter(), cache or BuildCache()
    with refused_writes(settings.out):
        out, kept = settings.out.resolve(), Kept.beside(settings.out)
        guard_output_folder(out, [settings.content, settings.templates, settings.static,
                                  Path.cwd(), kept.root.parent])
        index = refuse_if_tracked(kept)
    with paused_gc(), refused_writes(settings.out) as writes, build_lock(kept) as lock:
        repaired = tidy(kept)
        seen = signature_of(settings, index)  # before reading: a later edit is seen next time
        state = cache.state_for(kept)
        ready = prepare(settings, cache, state, unchanged_content(kept, seen, settings.content))
        cache.stop_if_superseded()  # the last point before the spare tree is changed
        files = {**state.spare_files, **state.live_files}  # one inode may be in both trees
        tree = open_staging_tree(kept, files)
        live = trusted(out, read_manifest(out / MANIFEST_NAME), files)
        # The search index is one step whose inputs are its records (publish/search.py): it
        # runs beside the rendering, and the forked workers keep none of its pipes.
        bundles = search.search_records(ready.index, ready.renderer.links)
        pagefind = {name: bundles[name] for name in search.PAGEFIND_BUNDLES}
        with search.Indexing(tree, live, out, pagefind, cache.search_later) as indexing:
            kept_off = [lock, *indexing.pipes]
            plan = plan_outputs(ready.routes, cache.toolchain, state.log, ready.facts,
                                tree.records, live)
            rendered = prepare_markdown(cache.markdown, _texts(plan), settings.workers, kept_off)
            job = RenderJob(ready.renderer, plan, tree, out, cache.toolchain, ready.facts)
            records, made = execute_plan(job, settings.workers, kept_off)
            records += indexing.finish()
        roles, roles_key, roles_pending = roles_index(cache, tree, live, out,
                                                       bundles[search.ROLES])
        records += roles
        if settings.compress:
            records += compress_outputs(tree, records, live, out, settings.workers)
        forget_signature(kept)
        tree.prune({r.path for r in records})
        tree.write_manifest(records)
        publish(tree, out)
        writes.published = True
        if roles_key is not None:
            cache.roles = (roles_key, frozenset(r.path for r in roles))
        remember(state, ready, records, made, cache.markdown)
        save_state(kept, state)
        pending = indexing.pending or roles_pending
        if not pending:  # else the next build, even of the same inputs, makes them
            keep_signature(kept, seen, settings)
    return replace(report(settings, ready, plan, rendered, time.perf_counter() - started,
                          repaired), search_pending=pending)


def roles_index(cache: BuildCache, tree: StagingTree, live: Mapping[str, FileRecord],
                out: Path, roles: Sequence[Record]) -> tuple[list[FileRecord], str | None, bool]:
    """The jobs page's own index of the open roles (publish/role_index.py): its files, the
    key of what they hold, and whether a newer one is left to the next build.

    Made anew in a build of the command line, which needs no key. The preview, which
    knows what it published last, links that as it is (when the live tree still holds all
    of it) if the roles did not change, and if they did leaves the new one to the build
    after the save's, as Pagefind's (0.6 s at 10,000 roles).
    """
    if not cache.search_later and cache.roles is None:
        return role_index.placed(tree, live, out, role_index.index_files(roles)), None, False
    key = role_index.records_key(roles)
    last = files_under(live, role_index.FOLDER)
    if cache.roles is not None and {r.path for r in last} == cache.roles[1] and \
            (key == cache.roles[0] or cache.search_later):
        return [tree.link(out, r) for r in last], cache.roles[0], key != cache.roles[0]
    return role_index.placed(tree, live, out, role_index.index_files(roles)), key, False


@dataclass
class _Writes:
    published: bool = False  # whether the new build has been swapped in yet


@contextmanager
def refused_writes(out: Path) -> Iterator[_Writes]:
    """A write the file system refuses (disk full, permissions, a name too long): one line.

    Until the swap, the output folder still holds the previous build, whole.
    """
    writes = _Writes()
    try:
        yield writes
    except (OutputFailed, OSError, sqlite3.Error) as error:
        if isinstance(error, OutputFailed):
            what = str(error)
        else:
            name = getattr(error, "filename", None)
            where = display_path(Path(name)) if name else f"beside {display_path(out)}"
            what = f"cannot write {where}: {getattr(error, 'strerror', None) or error}"
        if writes.published:
            raise OutputFailed(f"the new build is published in {display_path(out)}, but "
                               f"what it keeps for the next one is not: {what}") from None
        kept = (f"{display_path(out)} still holds the previous build, whole"
                if _is_folder(out) else "nothing was published")
        raise OutputFailed(f"{what}; {kept}") from None


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long to look up
        return False


def remember(state: State, ready: Prepared, records: list[FileRecord],
             made: dict[str, Made], markdown: MarkdownCache) -> None:
    """What the next build starts from: this build's records, log, Markdown and files."""
    state.records = {str(source.path): (source.digest, record)
                     for source, record in ready.content.records}
    state.log = made
    state.markdown = markdown.kept(t for route in ready.routes for t in route.markdown)
    state.spare_files = state.live_files
    state.live_files = {r.inode[0]: r.file_stat() for r in records if r.inode}


def report(settings: Settings, ready: Prepared, plan: Plan, rendered: int, seconds: float,
           repaired: list[str]) -> BuildReport:
    """The summary of a build."""
    index = ready.index
    closing = min((j.closes for j in index.open_jobs if j.closes), default=None)
    return BuildReport(
        out=settings.out, written=len(plan.render), reused=len(plan.keep) + len(plan.link),
        closed_jobs=len(index.closed_jobs),
        jobs_without_employer=sum(1 for j in index.open_jobs if j.employer is None),
        next_closing=closing.isoformat() if closing else None, markdown_rendered=rendered,
        seconds=seconds, repaired=tuple(repaired))


def _texts(plan: Plan) -> list[str]:
    return [text for route, _ in plan.render for text in route.markdown]


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

