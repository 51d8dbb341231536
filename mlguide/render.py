"""Turn routes into bytes through one Jinja environment, spread over the cores.

Markdown is rendered first, once per distinct text, in parallel; pages are
then rendered by forked workers that inherit the model and the rendered
Markdown, each writing its own files into the staging tree. A page whose
inputs (its route key) match the previous build's is hard-linked, not
rendered again.
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.meta

from . import feeds
from .markup import MarkdownCache, render_many
from .model import City, Job, PageFrontMatter, Sector
from .routes import (
    Links,
    Route,
    SiteIndex,
    city_url,
    job_url,
    listing_for,
    page_url,
    sector_url,
)
from .views import cards, jobposting, present
from .write import FileRecord, StagingTree

PARALLEL_THRESHOLD = 400  # texts: below this, forking costs more than it saves
PARALLEL_WORK = 2000  # render weight (see render_weight) below which forking does not pay
ENGINE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Assets:
    """Static files published under content-hashed names, so a CDN may cache them for a year."""

    files: dict[str, tuple[str, bytes]]  # source name -> (hashed output path, bytes)

    @classmethod
    def from_folder(cls, folder: Path) -> Assets:
        files = {}
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                data = path.read_bytes()
                name = path.relative_to(folder).as_posix()
                stem, dot, suffix = name.rpartition(".")
                digest = hashlib.sha256(data).hexdigest()[:10]
                hashed = f"assets/{stem}.{digest}.{suffix}" if dot else f"assets/{name}.{digest}"
                files[name] = (hashed, data)
        return cls(files)

    def output(self, name: str) -> str:
        return self.files[name][0]

    def digest(self) -> str:
        return hashlib.blake2b("\0".join(p for p, _ in self.files.values()).encode()).hexdigest()


def engine_digest() -> str:
    """Changes whenever the engine's code does, so cached pages never outlive it."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(ENGINE_DIR.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates, and the templates each one names, kept by a long-lived process.

    Jinja checks each entry against its template's source, so an edited template is
    compiled again and an unchanged one never is: the preview server's rebuilds skip
    the parsing that is most of a small build's time.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self.references: dict[str, frozenset[str | None]] = {}  # source digest -> names

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def template_digests(env: jinja2.Environment) -> dict[str, str]:
    """Each template's digest together with every template it extends, includes or imports.

    A page's key holds its template's digest, so editing city.html re-renders the city
    pages only, and editing base.html every page that extends it. A name computed at
    render time ({% include name %}) could be any template, so it counts as all of them.
    """
    assert env.loader is not None
    known = env.bytecode_cache.references if isinstance(env.bytecode_cache, TemplateCache) \
        else {}
    names = env.list_templates()
    own: dict[str, str] = {}
    uses: dict[str, set[str]] = {}
    for name in names:
        source = env.loader.get_source(env, name)[0]
        own[name] = hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
        if own[name] not in known:
            known[own[name]] = frozenset(jinja2.meta.find_referenced_templates(env.parse(source)))
        found = known[own[name]]
        uses[name] = set(names) if None in found else {n for n in found if n is not None}
    digests = {}
    for name in names:
        chain, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in own and current not in chain:
                chain.add(current)
                todo.extend(uses[current])
        text = "\0".join(f"{n}\0{own[n]}" for n in sorted(chain))
        digests[name] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return digests


class Renderer:
    """One Jinja environment over the site's templates, with the site's helpers."""

    def __init__(self, templates: Path, index: SiteIndex, links: Links, assets: Assets,
                 markdown: MarkdownCache, compiled: TemplateCache | None = None) -> None:
        self.index = index
        self.links = links
        self.markdown = markdown
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            bytecode_cache=compiled,
            # Plain-text outputs are not HTML: escaping would turn 'self' into &#39;self&#39;.
            autoescape=lambda name: not (name or "").endswith((".txt", "_headers")),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        content = index.content
        self.env.globals.update(
            site=content.site,
            sectors=content.sectors,
            cities=content.cities,
            nav=self._nav(content.pages),
            today=index.today,
            index=index,
            links=links,
            asset=lambda name: links.path(assets.output(name)),
            present=present,
            job_posting=lambda job, city: jobposting.embedded(
                job, city, content.site, links, markdown.html(job.summary)),
        )
        self.env.filters.update(
            markdown=markdown.html,
            href=self.href,
            absolute=links.absolute,
            sector=lambda key: content.sectors[key],
            city=lambda slug: index.city_by_slug.get(slug),
            listing=lambda subject: listing_for(index, subject),
        )
        self.feeds = feeds.FeedContext(content.site, links, index.today, index.city_by_slug,
                                       content.sectors, markdown.html)

    @staticmethod
    def _nav(pages: Sequence[tuple[PageFrontMatter, str]]) -> list[tuple[str, str]]:
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

    def render(self, route: Route) -> bytes:
        if route.producer == "card":
            return cards.draw(route.context["card"])
        if route.producer:
            return feeds.produce(route, self.feeds)
        template = self.env.get_template(route.template)
        return template.render(route=route, **route.context).encode("utf-8")


def _chunks(items: Sequence[Any], count: int) -> list[Sequence[Any]]:
    size = max(1, -(-len(items) // count))
    return [items[i:i + size] for i in range(0, len(items), size)]


def prepare_markdown(cache: MarkdownCache, texts: Iterable[str], workers: int) -> int:
    """Render the texts not yet in the cache, in parallel when there are many."""
    missing = cache.missing(texts)
    if len(missing) < PARALLEL_THRESHOLD or workers < 2:
        cache.add(render_many(missing))
    else:
        gc.freeze()
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            for rendered in pool.map(render_many, _chunks(missing, workers * 4)):
                cache.add(rendered)
    return len(missing)


@dataclass(frozen=True)
class Plan:
    """What each output needs: nothing (the staging tree has it), a link, or a render."""

    keep: tuple[FileRecord, ...]  # already right in the staging tree
    link: tuple[FileRecord, ...]  # unchanged since the live build: hard-link from it
    render: tuple[tuple[Route, str], ...]  # route and its key


def plan_outputs(routes: Sequence[Route], global_key: str, staged: dict[str, FileRecord],
                 live: dict[str, FileRecord], templates: Mapping[str, str]) -> Plan:
    """Sort routes by the least work that gives their bytes.

    `templates` maps each template to the digest of its chain (template_digests): a
    route's key holds its own template's, so a template edit re-renders only its pages.
    """
    keep, link, render = [], [], []
    for route in routes:
        key = route.key(global_key + templates.get(route.template, ""))
        if (record := staged.get(route.output)) is not None and record.key == key:
            keep.append(record)
        elif (record := live.get(route.output)) is not None and record.key == key:
            link.append(record)
        else:
            render.append((route, key))
    return Plan(tuple(keep), tuple(link), tuple(render))


@dataclass(frozen=True)
class RenderJob:
    """What the page workers need; inherited by fork, never pickled."""

    renderer: Renderer
    plan: Plan
    tree: StagingTree
    live_root: Path


_job: RenderJob | None = None  # set in each forked worker by _start_worker only


def _start_worker(job: RenderJob) -> None:
    global _job
    _job = job


def _run_share(share: tuple[list[int], list[int]]) -> list[FileRecord]:
    assert _job is not None
    return run_share(_job, *share)


def run_share(job: RenderJob, links: Sequence[int], renders: Sequence[int]) -> list[FileRecord]:
    """Link the plan's links and render the plan's renders at these positions."""
    records = [job.tree.link(job.live_root, job.plan.link[i]) for i in links]
    for i in renders:
        route, key = job.plan.render[i]
        records.append(job.tree.write(route.output, job.renderer.render(route), key))
    return records


def render_weight(route: Route) -> int:
    """Roughly how much a route costs to render: its inputs count what it lists."""
    return 1 + len(route.deps)


def deal(weights: Sequence[int], parts: int) -> list[list[int]]:
    """Positions dealt heaviest first onto the lightest part, so workers finish together."""
    shares: list[tuple[int, int, list[int]]] = [(0, n, []) for n in range(parts)]
    for position in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        load, n, share = heapq.heappop(shares)
        share.append(position)
        heapq.heappush(shares, (load + weights[position], n, share))
    return [sorted(share) for _, _, share in sorted(shares, key=lambda item: item[1])]


def execute_plan(job: RenderJob, workers: int) -> list[FileRecord]:
    """Carry out the plan, in forked workers when there is much to do."""
    plan = job.plan
    records = list(plan.keep)
    weights = [render_weight(route) for route, _ in plan.render]
    if sum(weights) + len(plan.link) < PARALLEL_WORK or workers < 2:
        return records + run_share(job, range(len(plan.link)), range(len(plan.render)))
    gc.freeze()  # the workers inherit the heap: keep their collector off its pages
    parts = workers * 4
    renders = deal(weights, parts)
    links = deal([1] * len(plan.link), parts)
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                             initializer=_start_worker, initargs=(job,)) as pool:
        for part in pool.map(_run_share, zip(links, renders, strict=True)):
            records += part
    return records


def worker_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def global_key(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()
