"""The site map: which page each part of the content becomes, and at what URL.

This is the one place that knows output paths and the base URL:

    cities/leeds.yaml  => cities/leeds/index.html   at {base}cities/leeds/
    jobs/<id>.yaml     => jobs/<id>/index.html      at {base}jobs/<id>/
                          (closed: kept, marked closed, for site.closed_job_days;
                           then gone, and _redirects sends it to its city's roles)
    pages/<slug>.md    => <slug>/index.html         at {base}<slug>/

A route holds the typed model objects its page shows, in its context; it
lists no dependencies: the build graph (graph.py) keys each output by the
records in its context and the facts its template reads while it renders.
`site_map` is every output of a build, publishing files included, and the one
check that no two outputs claim one address.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .links import SiteMap
from .model import City, CityStatus, Job, PageFrontMatter, PageSizes, Sector
from .problems import ContentError, Problem
from .validate import STAND_IN_SITE, Checked, Content, Unvalidated
from .views import anchors, cards, compare, facets, glance, hiring, home, nearby, similar, ukmap
from .views.hiring import EmployerEntry


@dataclass(frozen=True)
class Links:
    """Builds every URL from the base URL, so a site under a sub-path works."""

    base_url: str

    @property
    def base_path(self) -> str:
        """'/guide/' for https://example.org/guide/."""
        return urlsplit(self.base_url).path or "/"

    def path(self, url: str) -> str:
        """A site-relative URL as a root-relative link: 'cities/x/' => '/guide/cities/x/'."""
        return self.base_path + url.lstrip("/")

    def absolute(self, url: str) -> str:
        """A site-relative URL as an absolute one, for canonical links, feeds and the sitemap."""
        return self.base_url + url.lstrip("/")


@dataclass(frozen=True)
class Route:
    """One output file: where it goes, what makes it, and the model objects it shows."""

    output: str  # path inside the output folder
    url: str  # site-relative URL ('' for the home page)
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    in_sitemap: bool = True
    markdown: tuple[str, ...] = ()  # the Markdown texts the page shows, rendered beforehand
    producer: str = ""  # a Python producer (feeds.PRODUCERS, 'card', 'asset') that makes it
    source: str = ""  # the content file it comes from, to say where a clash of addresses is
    anchors: tuple[str, ...] = ()  # the page's #anchors (views/anchors.py)


def city_url(city: City) -> str:
    return f"cities/{city.slug}/"


def sector_url(sector: Sector) -> str:
    return f"sectors/{sector.slug}/"


def job_url(job: Job) -> str:
    return f"jobs/{job.slug}/"


def page_url(page: PageFrontMatter) -> str:
    return f"{page.slug}/"


def _index(url: str) -> str:
    return f"{url}index.html" if url else "index.html"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per build
class SiteIndex:
    """Lookups that many pages share, computed once per build."""

    content: Content
    today: dt.date
    open_jobs: tuple[Job, ...]
    closed_jobs: tuple[Job, ...]  # every closed job: counted in the build's summary
    closed_pages: tuple[Job, ...]  # closed, but within site.closed_job_days: page kept
    gone_jobs: tuple[Job, ...]  # closed for longer: no page, a redirect
    jobs_by_city: Mapping[str, tuple[Job, ...]]
    jobs_by_sector: Mapping[str, tuple[Job, ...]]
    jobs_by_employer: Mapping[str, tuple[Job, ...]]  # by hiring.employer_key
    cities_by_sector: Mapping[str, tuple[City, ...]]
    city_by_slug: Mapping[str, City]
    employer_entries: Mapping[str, tuple[EmployerEntry, ...]]  # by hiring.employer_key
    jobs_by_entry: Mapping[str, tuple[Job, ...]]  # by EmployerEntry.url: the roles it lists
    entries_by_city: Mapping[str, tuple[EmployerEntry, ...]]  # by city slug, as listed above

    @classmethod
    def of(cls, content: Content, today: dt.date) -> SiteIndex:
        open_jobs = tuple(j for j in content.jobs if j.is_open_on(today))
        closed = tuple(j for j in content.jobs if not j.is_open_on(today))
        kept = dt.timedelta(days=content.site.closed_job_days)
        entries = hiring.employer_entries(content.cities)
        by_city: dict[str, list[Job]] = {}
        by_sector: dict[str, list[Job]] = {}
        by_employer: dict[str, list[Job]] = {}
        by_entry: dict[str, list[Job]] = {}
        for job in open_jobs:
            if job.city:
                by_city.setdefault(job.city, []).append(job)
            for key in job.sectors:
                by_sector.setdefault(key, []).append(job)
            if employer := hiring.employer_key(job.employer or ""):
                by_employer.setdefault(employer, []).append(job)
            if entry := hiring.entry_for(job, entries):
                by_entry.setdefault(entry.url, []).append(job)
        by_city_entries: dict[str, list[EmployerEntry]] = {}
        for found in entries.values():
            for entry in found:
                by_city_entries.setdefault(entry.city.slug, []).append(entry)
        cities_by_sector: dict[str, list[City]] = {}
        for city in content.cities:
            for key in city.sector_slugs:
                cities_by_sector.setdefault(key, []).append(city)
        return cls(
            content=content, today=today, open_jobs=open_jobs, closed_jobs=closed,
            # A closed job has a closing date (Job.is_open_on).
            closed_pages=tuple(j for j in closed if j.closes and today - j.closes <= kept),
            gone_jobs=tuple(j for j in closed if j.closes and today - j.closes > kept),
            jobs_by_city={k: tuple(v) for k, v in by_city.items()},
            jobs_by_sector={k: tuple(v) for k, v in by_sector.items()},
            jobs_by_employer={k: tuple(v) for k, v in sorted(by_employer.items())},
            cities_by_sector={k: tuple(v) for k, v in cities_by_sector.items()},
            city_by_slug={c.slug: c for c in content.cities},
            employer_entries=entries,
            jobs_by_entry={k: tuple(v) for k, v in by_entry.items()},
            entries_by_city={k: tuple(v) for k, v in by_city_entries.items()},
        )

    def employer_entry(self, job: Job) -> EmployerEntry | None:
        """The city page entry of the job's employer, if the guide describes it."""
        return hiring.entry_for(job, self.employer_entries)

    def similar(self, job: Job) -> tuple[Job, ...]:
        """Three to five open roles like `job`, never a closed one."""
        return similar.similar_roles(job, self.open_jobs, self.jobs_by_city, self.jobs_by_sector)

    def related_cities(self, city: City, limit: int = 4) -> tuple[City, ...]:
        """Other cities closest to `city` by the sectors they share (see related_score)."""
        ranked = self._ranked_by_sectors(tuple(city.sector_sizes.items()), limit + 1)
        return tuple(other for other in ranked if other.slug != city.slug)[:limit]

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - an index lives for one build
    def _ranked_by_sectors(self, sizes: tuple[tuple[str, int], ...],
                           count: int) -> tuple[City, ...]:
        """The `count` cities with the highest related_score for these sector sizes, then by rank.

        Cities with the same sectors of the same sizes share one ranking.
        """
        # The depth two cities share in a sector, min(own, theirs), is the number of sizes
        # 1..own that theirs reaches: so each city's depth is counted by Counter's C loop
        # over the lists of cities reaching each size, not one city at a time in Python.
        shared: Counter[str] = Counter()
        for key, own in sizes:
            reaching = self._cities_reaching(key)
            for size in range(1, min(own, len(reaching)) + 1):
                shared.update(reaching[size - 1])
        weight, rank = self._city_weights
        best = heapq.nsmallest(count, ((-depth * weight[slug], rank[slug], slug)
                                       for slug, depth in shared.items()))
        return tuple(self.city_by_slug[slug] for _, _, slug in best)

    @functools.cache  # noqa: B019 - an index lives for one build
    def _cities_reaching(self, key: str) -> tuple[tuple[str, ...], ...]:
        """For a sector, the slugs of its cities whose size in it is at least 1, 2, 3, ..."""
        cities = self.cities_by_sector.get(key, ())
        largest = max((city.sector_sizes[key] for city in cities), default=0)
        return tuple(tuple(c.slug for c in cities if c.sector_sizes[key] >= size)
                     for size in range(1, largest + 1))

    @functools.cached_property
    def _city_weights(self) -> tuple[dict[str, int], dict[str, float]]:
        """Each city's status weight (related_score per unit of depth) and rank, by slug."""
        return ({c.slug: related_score(1, c.status) for c in self.content.cities},
                {c.slug: c.rank for c in self.content.cities})


# How much a city's status counts when choosing related cities, in the guide's own
# framing: an established city twice an emerging one, an emerging one twice the rest.
STATUS_WEIGHT: dict[CityStatus | None, int] = {
    "established": 4, "emerging": 2, "honourable-mention": 1, None: 1}


def related_score(shared_depth: int, status: CityStatus | None) -> int:
    """How related another city is: the depth of the sectors both share, times its status.

    A sector's size in a city is its specialisms and employers in that sector; the
    depth both share in it is the smaller of the two sizes. Cambridge (robotics 2)
    and Edinburgh (robotics 2, established) share a depth of 2: a score of 2 × 4 = 8.
    """
    return shared_depth * STATUS_WEIGHT[status]


def link_targets(routes: Iterable[Route]) -> SiteMap:
    """Each output's site-relative URL and its anchors, for links.unresolved."""
    return SiteMap({route.url.removesuffix("index.html"): frozenset(route.anchors)
                    for route in routes})


def city_markdown(city: City) -> tuple[str, ...]:
    return (city.overview, *(s.description for s in city.specialisms),
            *(e.description for e in city.employers))


def site_routes(index: SiteIndex, checkpoint: Callable[[], None] = lambda: None) -> list[Route]:
    """Every page of the site, in a stable order; `checkpoint` is called between kinds of
    page (the preview's chance to stop a build that a newer save made useless)."""
    content = index.content
    site = content.site
    roles = {slug: len(jobs) for slug, jobs in index.jobs_by_city.items()}
    totals = home.Totals.of(content, len(index.open_jobs))
    figures = glance.glances(content.cities, index.jobs_by_city)
    by_city = {g.city.slug: g for g in figures}
    # The home page shows the leading cities; a longer guide lists them all on cities/.
    leading = content.cities[:site.page_sizes.cities]
    routes = [
        # The map sizes its markers by each city's open roles, and the page counts them.
        Route("index.html", "", "home.html",
              {"map": ukmap.draw(leading, roles), "totals": totals, "shown": leading,
               "glances": {city.slug: by_city[city.slug] for city in leading},
               "more": CITIES_URL if len(leading) < len(content.cities) else None},
              markdown=(site.intro, *(p.body for p in site.why_uk),
                        *((site.how_chosen,) if site.how_chosen else ())),
              anchors=anchors.home(site)),
        Route("404.html", "404.html", "404.html", {}, in_sitemap=False),
        *job_listing_routes(index),
        *city_list_routes(index, by_city),
        *compare_routes(index, figures),
        *compare_order_routes(figures, site.page_sizes),
        *employer_routes(index),
    ]
    checkpoint()
    remote = nearby.remote_roles(index.open_jobs)
    for city in content.cities:
        jobs = index.jobs_by_city.get(city.slug, ())
        related = index.related_cities(city)
        # A city with no open roles points to the nearest ones and to remote roles instead.
        near = () if jobs else nearby.nearest_with_roles(city, content.cities, index.jobs_by_city)
        elsewhere = () if jobs else remote
        hiring_here = {e.number: hiring.EntryRoles.of(index.jobs_by_entry.get(e.url, ()))
                       for e in _entries_of(index, city)}
        routes.append(Route(_index(city_url(city)), city_url(city), "city.html",
                            {"city": city, "jobs": jobs[:SHOWN_ON_PAGES], "all_jobs": len(jobs),
                             "hiring": hiring_here, "related": related,
                             "nearby": near, "remote": elsewhere,
                             "glance": by_city[city.slug], "share_card": city_card_url(city)},
                            markdown=city_markdown(city), source=f"cities/{city.slug}.yaml",
                            anchors=anchors.city(city, bool(related), bool(jobs), bool(near),
                                                 bool(elsewhere))))
    for sector in content.sectors.values():
        cities = index.cities_by_sector.get(sector.slug, ())
        jobs = index.jobs_by_sector.get(sector.slug, ())
        routes.append(Route(_index(sector_url(sector)), sector_url(sector), "sector.html",
                            {"sector": sector, "cities": cities, "jobs": jobs[:SHOWN_ON_PAGES],
                             "all_jobs": len(jobs), "share_card": sector_card_url(sector)},
                            markdown=(sector.description,), source="sectors.yaml",
                            anchors=(anchors.SECTOR_CITIES, anchors.SECTOR_JOBS)))
    checkpoint()
    routes += [job_page_route(index, job) for job in (*index.open_jobs, *index.closed_pages)]
    checkpoint()
    for page, body in content.pages:
        routes.append(Route(_index(page_url(page)), page_url(page), "page.html",
                            {"page": page, "body": body}, markdown=(body,),
                            source=f"pages/{page.slug}.md"))
    routes += job_feed_routes(index)
    checkpoint()
    routes += card_routes(index, by_city)
    routes += job_index_routes(index)
    routes.append(redirects_route(index))
    everywhere = anchors.every_page(site)  # base.html's, on every page
    return [replace(r, anchors=(*everywhere, *r.anchors)) if r.template.endswith(".html") else r
            for r in routes]


# --- The guide's long lists, page by page (site.page_sizes) --------------------------------
#
#     cities/  cities/page/2/            every city, when the home page cannot show them all
#     compare/  compare/page/2/          the comparison, a page of cities at a time
#     compare/by/open-roles/page/2/      and each of its orders
#     employers/  employers/page/2/      the A–Z, a page of entries at a time

CITIES_URL = "cities/"
T = TypeVar("T")


def pages_of(url: str, items: Sequence[T], per_page: int) -> list[tuple[Pager, Sequence[T]]]:
    """Each page of `items` with its pager; an empty list still has its one (empty) page.

    pages_of('jobs/', 120 roles, 50) => jobs/ (1-50), jobs/page/2/ (51-100), jobs/page/3/.
    """
    count = max(1, -(-len(items) // per_page))
    pagers = [Pager(url, number, count, per_page) for number in range(1, count + 1)]
    return [(pager, items[pager.start:pager.start + per_page]) for pager in pagers]


def city_list_routes(index: SiteIndex, figures: Mapping[str, glance.Glance]) -> list[Route]:
    """cities/: every city in the guide's order, page by page, when the home page shows fewer.

    A guide whose cities all fit on the home page has no such list: it would repeat it.
    """
    cities = index.content.cities
    size = index.content.site.page_sizes.cities
    if len(cities) <= size:
        return []
    return [Route(_index(pager.url(pager.number)), pager.url(pager.number), "cities.html",
                  {"pager": pager, "shown": shown, "total": len(cities),
                   "glances": {city.slug: figures[city.slug] for city in shown}},
                  anchors=(anchors.CITIES_HEADING, *anchors.pager(pager.count)))
            for pager, shown in pages_of(CITIES_URL, cities, size)]


def compare_routes(index: SiteIndex, figures: tuple[glance.Glance, ...]) -> list[Route]:
    """compare/: sectors set against cities, and the cities' figures, a page of cities at a time.

    The sectors keep one order on every page (the most widely shared first, over all
    cities); each page's table has that page's cities as its columns.
    """
    content = index.content
    rows = compare.sector_matrix(content.cities, content.sectors)
    orders = glance.orders(figures)
    routes = []
    for pager, shown in pages_of("compare/", figures, content.site.page_sizes.cities):
        end = pager.start + len(shown)
        url = pager.url(pager.number)
        routes.append(Route(
            _index(url), url, "compare.html",
            {"rows": tuple(replace(row, cells=row.cells[pager.start:end]) for row in rows),
             "shown": tuple(g.city for g in shown), "glances": shown, "orders": orders,
             "order": None, "pager": pager},
            anchors=(*anchors.compare(row.sector.slug for row in rows),
                     *anchors.pager(pager.count))))
    return routes


def compare_order_routes(figures: tuple[glance.Glance, ...], sizes: PageSizes) -> list[Route]:
    """compare/by/<order>/: the cities' figures sorted one way each, for readers without script.

    Kept out of the sitemap (and so out of search results): compare/ is the page to find.
    """
    orders = glance.orders(figures)
    return [Route(_index(pager.url(pager.number)), pager.url(pager.number), "compare_by.html",
                  {"glances": shown, "orders": orders, "order": order, "pager": pager},
                  in_sitemap=False, anchors=(anchors.FIGURES, *anchors.pager(pager.count)))
            for order in orders
            for pager, shown in pages_of(order.url, glance.ordered(figures, order), sizes.cities)]


def employer_routes(index: SiteIndex) -> list[Route]:
    """employers/: the A–Z of every city's employers and institutions, a page of entries at a time.

    Every page's row of letters links each letter where its entries start.
    """
    letters = compare.employers_a_to_z(index.content.cities)
    size = index.content.site.page_sizes.employers
    pages = compare.a_to_z_pages(letters, size)
    pagers = [Pager("employers/", number, len(pages), size) for number in range(1, len(pages) + 1)]
    starts = {group.letter: (pager.url(pager.number), group.id)
              for pager, page in zip(pagers, pages, strict=True)
              for group in page if not group.continued}
    return [Route(_index(pager.url(pager.number)), pager.url(pager.number), "employers.html",
                  {"letters": page, "starts": starts, "pager": pager,
                   "hiring": _hiring_on(index, page)},
                  anchors=(*(anchors.letter(group.letter) for group in page),
                           *anchors.pager(pager.count)))
            for pager, page in zip(pagers, pages, strict=True)]


def _hiring_on(index: SiteIndex, page: Sequence[compare.Letter]) -> dict[str, hiring.EntryRoles]:
    """The open roles of each entry on a page of the A–Z, by the entry's address: counted,
    none named, so a role's edit that changes no count leaves every page of it alone."""
    found = {}
    for group in page:
        for entry in group.entries:
            if roles := index.jobs_by_entry.get(entry.url, ()):
                found[entry.url] = hiring.EntryRoles.of(roles, naming=0)
    return found


# Share cards: one PNG per city, sector and job, and one for the other pages.
SITE_CARD_URL = "cards/site.png"


def city_card_url(city: City) -> str:
    return f"cards/cities/{city.slug}.png"


def sector_card_url(sector: Sector) -> str:
    return f"cards/sectors/{sector.slug}.png"


def job_card_url(job: Job) -> str:
    return f"cards/jobs/{job.slug}.png"


def _card_route(url: str, card: cards.Card) -> Route:
    """A card reads its words and the drawing alone, so it is drawn once, not daily."""
    return Route(url, url, "", {"card": card}, in_sitemap=False, producer="card")


def card_routes(index: SiteIndex, figures: Mapping[str, glance.Glance]) -> list[Route]:
    """The share card of every city, sector and open job, and the site's own."""
    content = index.content
    site = content.site
    routes = [_card_route(SITE_CARD_URL,
                          cards.site_card(site, len(content.cities), len(content.sectors)))]
    routes += [_card_route(city_card_url(city),
                           cards.city_card(site, city, figures[city.slug].open_roles))
               for city in content.cities]
    routes += [_card_route(sector_card_url(sector), cards.sector_card(
                   site, sector, index.cities_by_sector.get(sector.slug, ()),
                   len(index.jobs_by_sector.get(sector.slug, ()))))
               for sector in content.sectors.values()]
    routes += [_card_route(job_card_url(job), cards.job_card(site, job))
               for job in index.open_jobs]
    return routes


# A city's and a sector's page show their newest roles; the full list is a click away.
SHOWN_ON_PAGES = 10
REDIRECTS_OUTPUT = "_redirects"


def _entries_of(index: SiteIndex, city: City) -> tuple[EmployerEntry, ...]:
    return index.entries_by_city.get(city.slug, ())


def job_page_route(index: SiteIndex, job: Job) -> Route:
    """A job's page: open, with JobPosting data; or closed, marked so and kept out of search."""
    closed = not job.is_open_on(index.today)
    shown = index.similar(job)
    entry = index.employer_entry(job)
    return Route(_index(job_url(job)), job_url(job), "job.html",
                 {"job": job, "city": index.city_by_slug.get(job.city or ""), "closed": closed,
                  "similar": shown, "entry": entry,
                  # A closed job has no card of its own (card_routes): the site's stands in.
                  "share_card": SITE_CARD_URL if closed else job_card_url(job)},
                 in_sitemap=not closed, markdown=(job.summary,), source=f"jobs/{job.slug}.yaml",
                 anchors=anchors.job(bool(shown)))


def redirect_target(index: SiteIndex, job: Job) -> str:
    """Where a gone job's address leads: its city's roles, else all roles."""
    city = index.city_by_slug.get(job.city or "")
    return listing_for(index, city).url if city else "jobs/"


def redirects_route(index: SiteIndex) -> Route:
    """`_redirects` (Netlify, Cloudflare Pages): each gone job's address, 301 to its city."""
    moves = tuple((job_url(job), redirect_target(index, job))
                  for job in sorted(index.gone_jobs, key=lambda j: j.slug))
    return Route(REDIRECTS_OUTPUT, REDIRECTS_OUTPUT, "_redirects", {"moves": moves},
                 in_sitemap=False)


# The job lists: every open job, each city's, sector's and employer's, and the remote,
# visa-sponsoring and contract roles, each with stable page URLs and its own feeds (the
# alerts: a reader follows the feed of the list they care about). Job ids may not take
# the lists' names (model.RESERVED_JOB_IDS), so these never meet a job's own page:
#
#     jobs/  jobs/page/2/  jobs/cities/leeds/  jobs/sectors/healthcare/page/2/
#     jobs/remote/  jobs/visa-sponsorship/  jobs/contract/  jobs/employers/data-idols/
#     jobs/feed.xml  jobs/feed.json  jobs/cities/leeds/feed.xml  jobs/indeed.xml
#     jobs/cities/  jobs/employers/  (which lists there are)   jobs/alerts/  search/

# Feed readers want what is new, and poll often: a feed holds a list's newest
# roles, not thousands. Indeed's XML, for aggregators, holds them all.
FEED_ENTRIES = 100
INDEED_FEED_URL = "jobs/indeed.xml"
ALERTS_URL = "jobs/alerts/"
SEARCH_URL = "search/"
SEARCH_FOLDER = "pagefind"  # the search index (publish/search.py)
# The _headers patterns whose pages run Pagefind, or are its worker: their policy allows
# WebAssembly ('wasm-unsafe-eval'); every other path's does not. The jobs page is not
# one: it searches its own index of the roles (publish/role_index.py), plain JSON.
SEARCHING = ("search/*", f"{SEARCH_FOLDER}/*")
TOP_CITIES = 12  # cities linked from the jobs page; jobs/cities/ lists them all


class _ListAddresses:
    """Where a job list and its feeds are, from its URL alone."""

    url: str

    @property
    def atom_url(self) -> str:
        return f"{self.url}feed.xml"

    @property
    def json_url(self) -> str:
        return f"{self.url}feed.json"

    @property
    def is_everything(self) -> bool:
        return self.url == "jobs/"


@dataclass(frozen=True)
class Listing(_ListAddresses):
    """Open jobs with their own URL and feeds: all of them, or those sharing one fact."""

    url: str  # 'jobs/', 'jobs/cities/leeds/'
    title: str  # 'Open roles in Leeds'
    jobs: tuple[Job, ...]
    subject: City | Sector | None = None  # the guide page these jobs belong to, if any
    name: str = "All roles"  # short, for breadcrumbs: 'Leeds', 'Remote'
    about: tuple[str, str] | None = None  # (url, text) of the guide's page on its subject

    @property
    def count(self) -> int:
        return len(self.jobs)

    def head(self) -> ListingHead:
        """The list as a page that does not show all its jobs gives it: with their count."""
        return ListingHead(self.url, self.title, self.count, self.subject, self.name, self.about)


@dataclass(frozen=True)
class ListingHead(_ListAddresses):
    """A job list without its jobs, for the pages that show it but not all of them (a page
    of the list, the index of lists): their keys then hold the count, not every job, so
    one role's edit makes again the page it is on, not each page of every list it is in."""

    url: str
    title: str
    count: int
    subject: City | Sector | None = None
    name: str = "All roles"
    about: tuple[str, str] | None = None


@dataclass(frozen=True)
class Pager:
    """Where one page of a listing sits among its pages."""

    listing_url: str
    number: int
    count: int
    per_page: int

    def url(self, number: int) -> str:
        """'jobs/' for page 1, 'jobs/page/2/' for page 2."""
        return self.listing_url if number == 1 else f"{self.listing_url}page/{number}/"

    @property
    def start(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def previous(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None

    def window(self) -> list[int | None]:
        """The page numbers to link: first, last and two either side; None marks a gap.

        At 200 pages a link to each would outweigh the list itself.
        """
        near = {1, self.count, *range(self.number - 2, self.number + 3)}
        shown = sorted(n for n in near if 1 <= n <= self.count)
        window: list[int | None] = []
        for number in shown:
            if window and number - (window[-1] or 0) > 1:
                window.append(None)
            window.append(number)
        return window


def listing_for(index: SiteIndex, subject: City | Sector | None = None) -> Listing:
    """The list of open jobs in a city or sector, or of all open jobs."""
    if isinstance(subject, City):
        return Listing(f"jobs/cities/{subject.slug}/", f"Open roles in {subject.name}",
                       index.jobs_by_city.get(subject.slug, ()), subject, subject.name,
                       (city_url(subject), f"About machine learning in {subject.name}"))
    if isinstance(subject, Sector):
        return Listing(f"jobs/sectors/{subject.slug}/", f"Open roles in {subject.name}",
                       index.jobs_by_sector.get(subject.slug, ()), subject, subject.name,
                       (sector_url(subject), f"About machine learning in {subject.name}"))
    return Listing("jobs/", "Open machine learning roles", index.open_jobs)


def fact_listings(index: SiteIndex) -> list[Listing]:
    """The lists of roles that share one fact readers filter on: remote, visa, contract."""
    jobs = index.open_jobs
    return [
        Listing("jobs/remote/", "Remote roles", tuple(j for j in jobs if j.workplace == "remote"),
                name="Remote"),
        Listing("jobs/visa-sponsorship/", "Roles offering visa sponsorship",
                tuple(j for j in jobs if j.visa_sponsorship), name="Visa sponsorship"),
        Listing("jobs/contract/", "Contract roles",
                tuple(j for j in jobs if j.employment_type == "contract"), name="Contract"),
    ]


def employer_listing(index: SiteIndex, key: str) -> Listing:
    """The open roles of one employer (hiring.employer_key), linked to its entry if any."""
    jobs = index.jobs_by_employer.get(key, ())
    entry = index.employer_entries.get(key, (None,))[0]
    name = entry.employer.name if entry else (jobs[0].employer or key) if jobs else key
    about = (entry.url, f"About {name} in {entry.city.name}") if entry else None
    return Listing(f"jobs/employers/{key}/", f"Open roles at {name}", jobs, name=name,
                   about=about)


def job_listings(index: SiteIndex) -> list[Listing]:
    """All open jobs, each city's (in rank order), each sector's, the fact lists, employers'."""
    return [listing_for(index), *(listing_for(index, c) for c in index.content.cities),
            *(listing_for(index, s) for s in index.content.sectors.values()),
            *fact_listings(index),
            *(employer_listing(index, key) for key in index.jobs_by_employer)]


def browse_links(index: SiteIndex) -> dict[str, list[tuple[str, str, int]]]:
    """The jobs page's ways in without JavaScript: (url, name, count) by kind of list."""
    sectors = [(listing.url, listing.name, len(listing.jobs))
               for listing in (listing_for(index, s) for s in index.content.sectors.values())
               if listing.jobs]
    cities = sorted(((listing.url, listing.name, len(listing.jobs))
                     for listing in (listing_for(index, c) for c in index.content.cities)
                     if listing.jobs), key=lambda item: (-item[2], item[1]))[:TOP_CITIES]
    facts = [(listing.url, listing.name, len(listing.jobs)) for listing in fact_listings(index)
             if listing.jobs]
    return {"sectors": sectors, "cities": cities, "facts": facts}


def job_listing_routes(index: SiteIndex) -> list[Route]:
    """Each page of each job list: at most one page of jobs, whatever the list's size."""
    routes = []
    browse = browse_links(index)
    shown = facets.PageFacets.of(index)
    for listing in job_listings(index):
        head = listing.head()  # one for all its pages: its digest is taken once
        for pager, jobs in pages_of(listing.url, listing.jobs,
                                    index.content.site.page_sizes.roles):
            # A guide with no open roles has no roles to search (and no index of them).
            searchable = listing.is_everything and pager.number == 1 and bool(listing.jobs)
            url = pager.url(pager.number)
            routes.append(Route(_index(url), url, "jobs.html",
                                {"listing": head, "pager": pager, "jobs": jobs,
                                 "searchable": searchable,
                                 "browse": browse if searchable else {},
                                 "facets": shown.roles if searchable else ()},
                                in_sitemap=bool(listing.jobs) or listing.is_everything,
                                anchors=anchors.job_list(bool(listing.jobs), pager.count,
                                                         searchable)))
    return routes


@dataclass(frozen=True)
class ListIndex:
    """A page of jobs/cities/ or jobs/employers/: which lists there are, with their feeds."""

    url: str
    title: str
    name: str
    lists: tuple[ListingHead, ...]


def job_index_routes(index: SiteIndex) -> list[Route]:
    """jobs/cities/ and jobs/employers/ (paged), jobs/alerts/ and the search page."""
    cities = tuple(listing_for(index, c).head() for c in index.content.cities
                   if c.slug in index.jobs_by_city)
    employers = tuple(sorted((employer_listing(index, key).head()
                              for key in index.jobs_by_employer),
                             key=lambda listing: compare.sort_key(listing.name)))
    routes = []
    for page in (ListIndex("jobs/cities/", "Open roles by city", "Cities", cities),
                 ListIndex("jobs/employers/", "Open roles by employer", "Employers", employers)):
        for pager, shown in pages_of(page.url, page.lists, index.content.site.page_sizes.lists):
            url = pager.url(pager.number)
            routes.append(Route(_index(url), url, "job_lists.html",
                                {"page": page, "pager": pager, "lists": shown},
                                anchors=anchors.pager(pager.count)))
    everything = listing_for(index)
    lists = tuple(listing.head() for listing in (
        everything, *fact_listings(index),
        *(listing_for(index, s) for s in index.content.sectors.values())))
    routes.append(Route(_index(ALERTS_URL), ALERTS_URL, "alerts.html",
                        {"lists": lists, "cities": len(cities), "employers": len(employers)},
                        anchors=anchors.ALERTS))
    routes.append(Route(_index(SEARCH_URL), SEARCH_URL, "search.html",
                        {"facets": facets.PageFacets.of(index).everything,
                         "roles": bool(index.open_jobs)},
                        anchors=anchors.SEARCH_FORM))
    return routes


def job_feed_routes(index: SiteIndex) -> list[Route]:
    """An Atom feed and a JSON Feed per job list (its newest jobs), and Indeed's XML of all."""
    routes = []
    for listing in job_listings(index):
        newest = replace(listing, jobs=listing.jobs[:FEED_ENTRIES])
        texts = tuple(job.summary for job in newest.jobs)
        for url, producer in ((listing.atom_url, "atom"), (listing.json_url, "json")):
            routes.append(Route(url, url, "", {"listing": newest}, in_sitemap=False,
                                markdown=texts, producer=producer))
    # Indeed takes a feed only if it holds every job of the site.
    everything = listing_for(index)
    routes.append(Route(INDEED_FEED_URL, INDEED_FEED_URL, "", {"listing": everything},
                        in_sitemap=False,
                        markdown=tuple(job.summary for job in everything.jobs),
                        producer="indeed"))
    return routes


def site_map(index: SiteIndex, assets: Mapping[str, str], editor: Iterable[Route] = (),
             checkpoint: Callable[[], None] = lambda: None) -> list[Route]:
    """Every output of the build: the pages, the sitemap, robots.txt, _headers and the assets.

    `assets` maps each static file's name to its content-hashed output path; `editor`
    is the browser editor's /admin/ (editor/cms.py), kept out of the sitemap.
    Raises a ContentError naming both sides of any address claimed twice. `checkpoint`
    is called now and then while the pages are mapped (site_routes).
    """
    routes = all_outputs(index, assets, editor, checkpoint)
    problems = clashes(routes)
    if problems:
        raise ContentError(problems)
    return routes


def all_outputs(index: SiteIndex, assets: Mapping[str, str], editor: Iterable[Route] = (),
                checkpoint: Callable[[], None] = lambda: None) -> list[Route]:
    """site_map's outputs, before the check that each has an address of its own."""
    from .publish.headers import headers_route  # it builds on Route: imported once defined

    routes = site_routes(index, checkpoint)
    listed = tuple(r.url for r in routes if r.in_sitemap)
    routes += [
        Route("sitemap.xml", "sitemap.xml", "sitemap.xml", {"urls": listed}, False),
        Route("robots.txt", "robots.txt", "robots.txt", {}, False),
        *editor,
    ]
    routes += [Route(path, path, "", {"name": name}, False, producer="asset",
                     source=f"static/{name}") for name, path in sorted(assets.items())]
    # The search index's files come from one step of their own (publish/search.py); the
    # headers name their folder, where the policy lets the search run.
    routes.append(headers_route([r.output for r in routes] + [f"{SEARCH_FOLDER}/guide/pagefind.js"],
                                SEARCHING))
    return routes


def clashes(routes: Iterable[Route]) -> list[Problem]:
    """Two outputs may never claim one address: all such clashes, as content problems."""
    claimed: dict[str, Route] = {}
    problems = []
    for route in routes:
        first = claimed.setdefault(route.output, route)
        if first is not route:
            problems.append(Problem(
                route.source or "(site map)", 1, 1, "(address)",
                f"the address {route.output} is claimed twice: by "
                f"{first.source or first.template or first.producer} and by "
                f"{route.source or route.template or route.producer}",
                "rename one of them"))
    return problems


def draft_link_targets(checked: Checked, today: dt.date) -> SiteMap:
    """The pages and anchors a content with mistakes will have once they are fixed.

    The files that validate are mapped as in a build; those that do not add the pages
    their names promise, with the anchors their text tells (provisional_routes). So
    `check` reports a broken link beside the other mistakes of its file, and a link
    to a page of a file that has a mistake is not called broken because of it.
    """
    routes = all_outputs(SiteIndex.of(checked.content, today), {})
    found = link_targets([*provisional_routes(checked.unvalidated), *routes])
    # The A–Z and the comparison list every city's employers and sectors: with one city
    # or sectors.yaml unread, their anchors are not all known, and none is refused.
    failed = checked.unvalidated
    unknown = ("employers/", "compare/") if failed.cities or failed.sectors is not None else ()
    if failed.cities or failed.jobs or failed.sectors is not None:
        # A valid city's related cities come from the other cities' sectors, its roles (or
        # the nearby ones instead) from the jobs: with one of those unread, each place
        # its page may have once they validate is accepted, as for a city that failed.
        places = dict(found.anchors)
        for city in checked.content.cities:
            page = f"cities/{city.slug}/"
            places[page] = places[page] | set(_either_way(len(city.specialisms),
                                                          len(city.employers)))
        found = replace(found, anchors=places)
    return replace(found, any_anchor=frozenset(unknown))


def _either_way(specialisms: int, employers: int) -> set[str]:
    """A city page's places with and without related cities, roles, nearby and remote ones."""
    return {*anchors.city_page(specialisms, employers, related=True),
            *anchors.city_page(specialisms, employers, True, False, True, True)}


def provisional_routes(failed: Unvalidated) -> list[Route]:
    """The pages of files that failed validation, by their names (never rendered)."""
    routes: list[Route] = []
    everywhere = anchors.every_page(STAND_IN_SITE)

    def page(url: str, *places: str) -> None:
        routes.append(Route(_index(url), url, "", anchors=(*everywhere, *places)))

    def listing(url: str) -> None:
        page(url, *anchors.job_list(jobs=True, pages=2, searchable=False))
        routes.extend(Route(feed, feed, "") for feed in (f"{url}feed.xml", f"{url}feed.json"))

    for city in failed.cities:
        # Whether it will have roles, nearby ones or related cities is not known yet.
        page(f"cities/{city.slug}/", *_either_way(city.specialisms, city.employers))
        listing(f"jobs/cities/{city.slug}/")
    for slug, employer in failed.jobs:
        page(f"jobs/{slug}/", *anchors.job(similar=True))
        if key := hiring.employer_key(employer):
            listing(f"jobs/employers/{key}/")
    for slug in failed.pages:
        page(f"{slug}/")
    for key in failed.sectors or ():
        page(f"sectors/{key}/", anchors.SECTOR_CITIES, anchors.SECTOR_JOBS)
        listing(f"jobs/sectors/{key}/")
    return routes
