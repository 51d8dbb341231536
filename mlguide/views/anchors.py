"""The #anchors a page has, named once for the templates and for the link checker.

Templates write `id="{{ anchors.OVERVIEW }}"` or `id="{{ anchors.specialism(loop.index) }}"`,
never an id of their own; routes list each page's anchors with the functions
below, under the same conditions as its template, for `check`, which refuses a
link to `/cities/leeds/#specialism-9` when Leeds has two specialisms. A test
builds a site and compares every id of every page with what is listed here.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import City, Site

# base.html, on every page: the skip link's target and the subscribe box.
MAIN = "main"
SUBSCRIBE_TITLE = "subscribe-title"
SUBSCRIBE_EMAIL = "subscribe-email"  # with site.yaml's newsletter: its form's fields
SUBSCRIBE_CONSENT = "subscribe-consent"

# home.html (how_chosen.html with site.how_chosen, the why section with site.why_uk)
HOME_TITLE = "home-title"
MAP_CAPTION = "map-caption"
CITIES_HEADING = "cities-heading"
HOW_CHOSEN = "how-chosen"
HOW_CHOSEN_TITLE = "how-chosen-title"
WHY_HEADING = "why-heading"

# city.html (and city_glance.html, no_roles_here.html)
OVERVIEW = "overview"
SPECIALISMS = "specialisms"
EMPLOYERS = "employers"
JOBS = "jobs"
RELATED = "related"
GLANCE_TITLE = "glance-title"
ROLES_NEARBY = "roles-nearby"
ROLES_REMOTE = "roles-remote"
ROLES_FOLLOW = "roles-follow"

# compare.html, compare_by.html (city_figures_table.html)
LIST_TITLE = "list-title"
MATRIX_TITLE = "matrix-title"
FIGURES = "figures"

# sector.html
SECTOR_CITIES = "sector-cities"
SECTOR_JOBS = "sector-jobs"

# job.html
ABOUT_ROLE = "about-role"
SIMILAR_ROLES = "similar-roles"

# jobs.html, job_lists.html (job_pager.html)
JOB_LISTING = "job-listing"
JOB_COUNT = "job-count"
JOB_LIST = "job-list"
JOB_PAGER = "job-pager"

# search_form.html, on the first page of jobs/ and on search/
SEARCH = "search"
SEARCH_HEADING = "search-heading"
SEARCH_QUERY = "search-query"
SEARCH_SORT = "search-sort"
SEARCH_FACETS = "search-facets"
SEARCH_RESULTS = "search-results"
SEARCH_COUNT = "search-count"
SEARCH_LIST = "search-list"
SEARCH_MORE = "search-more"
SEARCH_FORM = (SEARCH, SEARCH_HEADING, SEARCH_QUERY, SEARCH_SORT, SEARCH_FACETS, SEARCH_RESULTS,
               SEARCH_COUNT, SEARCH_LIST, SEARCH_MORE)

# alerts.html
FEED_READER = "feed-reader"
EMAIL = "email"
FEEDS = "feeds"
ALERTS = (FEED_READER, EMAIL, FEEDS)


def honeypot(field: str) -> str:
    """The id of the subscribe form's hidden field: 'subscribe-website'."""
    return f"subscribe-{field}"


def every_page(site: Site) -> tuple[str, ...]:
    """The anchors base.html gives every page: #main and the subscribe box's."""
    form = site.newsletter
    fields = (SUBSCRIBE_EMAIL, SUBSCRIBE_CONSENT, honeypot(form.honeypot_field)) if form else ()
    return (MAIN, SUBSCRIBE_TITLE, *fields)


def home(site: Site) -> tuple[str, ...]:
    """The home page's anchors beyond every page's."""
    return (HOME_TITLE, MAP_CAPTION, CITIES_HEADING,
            *((HOW_CHOSEN, HOW_CHOSEN_TITLE) if site.how_chosen else ()),
            *((WHY_HEADING,) if site.why_uk else ()))


def specialism(number: int) -> str:
    """The anchor of a city's `number`-th specialism (counting from 1)."""
    return f"specialism-{number}"


def employer(number: int) -> str:
    """The anchor of a city's `number`-th employer or institution (counting from 1)."""
    return f"employer-{number}"


def city_page(specialisms: int, employers: int, related: bool, jobs: bool = True,
              nearby: bool = False, remote: bool = False) -> tuple[str, ...]:
    """A city page's anchors, from what it shows: counts of specialisms and employers,
    related cities, and (with no open roles) the nearby and remote ones instead."""
    sections = [OVERVIEW, SPECIALISMS, JOBS, GLANCE_TITLE]
    if employers:
        sections.append(EMPLOYERS)
    if related:
        sections.append(RELATED)
    if not jobs:
        sections += [*((ROLES_NEARBY,) if nearby else ()), *((ROLES_REMOTE,) if remote else ()),
                     ROLES_FOLLOW]
    return (*sections, *(specialism(n) for n in range(1, specialisms + 1)),
            *(employer(n) for n in range(1, employers + 1)))


def city(item: City, has_related: bool, jobs: bool = True, nearby: bool = False,
         remote: bool = False) -> tuple[str, ...]:
    """Every anchor of a city's page beyond every page's."""
    return city_page(len(item.specialisms), len(item.employers), has_related, jobs, nearby,
                     remote)


def letter(heading: str) -> str:
    """The anchor of a heading of the employers A–Z: 'A' => 'letter-a', '0–9' => 'letter-digits'."""
    return {"0–9": "letter-digits", "#": "letter-other"}.get(heading, f"letter-{heading.lower()}")


def sector_list(slug: str) -> str:
    """A sector's entry in the comparison's list view (phones): 'sector-fintech'."""
    return f"sector-{slug}"


def sector_row(slug: str) -> str:
    """A sector's row in the comparison's table view (wide screens): 'row-fintech'."""
    return f"row-{slug}"


def compare(slugs: Iterable[str]) -> tuple[str, ...]:
    """Every anchor of the comparison page: its headings, and each sector in both views."""
    slugs = tuple(slugs)
    return (LIST_TITLE, MATRIX_TITLE, FIGURES, *(sector_list(s) for s in slugs),
            *(sector_row(s) for s in slugs))


def job(similar: bool) -> tuple[str, ...]:
    """A job page's anchors: the role's text, and its similar roles when it has some."""
    return (ABOUT_ROLE, *((SIMILAR_ROLES,) if similar else ()))


def job_list(jobs: bool, pages: int, searchable: bool) -> tuple[str, ...]:
    """A page of a list of roles: its count, its list, its pager, the search on jobs/."""
    return (JOB_LISTING, JOB_COUNT, *((JOB_LIST,) if jobs else ()), *pager(pages),
            *(SEARCH_FORM if searchable else ()))


def pager(pages: int) -> tuple[str, ...]:
    """The pager of a list shown on more than one page."""
    return (JOB_PAGER,) if pages > 1 else ()
