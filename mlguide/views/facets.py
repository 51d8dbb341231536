"""The search's facets: what each record counts under, and the counts a page shows at once.

A record of the search index (publish/search.py) counts under one or more
values of each facet ("city": "Leeds"; "sector": two sector names). The jobs
page and the search page render their facets with the build's counts, so a
reader sees the controls before anything of the index is fetched; static/jobs.js
then updates the counts from each search. A facet with more values than
`SHOWN` (the cities, at scale) shows the values with the most records, as the
script does after each search; the others appear when a search finds them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import City, Job
from . import pay, present
from .hiring import EmployerEntry

if TYPE_CHECKING:
    from ..routes import SiteIndex

SHOWN = present.FACETS_SHOWN  # values of one facet shown at a time; the script's too
NOT_IN_A_CITY = "Not in a guide city"
NOT_STATED = "Not stated"
LEGENDS = {"kind": "Kind", "city": "City", "sector": "Sector", "workplace": "Workplace",
           "type": "Employment type", "pay": "Pay, a year", "visa": "Visa sponsorship",
           "ir35": "IR35"}
ROLE_FACETS = ("city", "sector", "workplace", "type", "pay", "visa", "ir35")
ALL_FACETS = ("kind", "city", "sector")  # what cities and employers count under too

Filters = Mapping[str, Sequence[str]]


def sector_names(keys: Iterable[str], index: SiteIndex) -> list[str]:
    """The sectors' names, leaving out a key the content lacks (content with mistakes)."""
    sectors = index.content.sectors
    return [sectors[key].name for key in keys if key in sectors]


def job_filters(job: Job, index: SiteIndex) -> dict[str, list[str]]:
    """An open role's facet values: kind, city, sector, workplace, type, pay, visa, IR35."""
    city = index.city_by_slug.get(job.city or "")
    filters: dict[str, list[str]] = {
        "kind": ["Role"],
        "city": [city.name if city else NOT_IN_A_CITY],
        "workplace": [present.WORKPLACE[job.workplace] if job.workplace else NOT_STATED],
        "type": [present.EMPLOYMENT[job.employment_type] if job.employment_type
                 else NOT_STATED],
        "pay": [pay.band(job)],
        "visa": [present.VISA[job.visa_sponsorship]],
    }
    if job.sectors:
        filters["sector"] = sector_names(job.sectors, index)
    if job.contract and job.contract.ir35:
        filters["ir35"] = [present.IR35[job.contract.ir35]]
    return filters


def city_filters(city: City, index: SiteIndex) -> dict[str, list[str]]:
    """A city's facet values: its name and the sectors of its specialisms and employers."""
    return {"kind": ["City"], "city": [city.name],
            "sector": sector_names(city.sector_slugs, index)}


def employer_filters(entry: EmployerEntry, index: SiteIndex) -> dict[str, list[str]]:
    """An employer entry's facet values: its city, and its sectors if it names any."""
    filters = {"kind": ["Employer"], "city": [entry.city.name]}
    if entry.employer.sectors:
        filters["sector"] = sector_names(entry.employer.sectors, index)
    return filters


def employer_entries(index: SiteIndex) -> list[EmployerEntry]:
    """Every employer entry of the city pages, in site order (city rank, then file order)."""
    return sorted((e for found in index.employer_entries.values() for e in found),
                  key=lambda e: (e.city.rank, e.number))


@dataclass(frozen=True)
class Facet:
    """One facet as a page shows it: its name, legend and values with their counts."""

    name: str  # the filter's name in the index and in the address: 'city'
    legend: str  # 'City'
    values: tuple[tuple[str, int], ...]  # ('Leeds', 12), in the order shown


def facets(records: Iterable[Filters], names: Sequence[str]) -> tuple[Facet, ...]:
    """The facets `names` over these records' filters; a facet no record has is left out."""
    counted: dict[str, Counter[str]] = {name: Counter() for name in names}
    for filters in records:
        for name in names:
            counted[name].update(filters.get(name, ()))
    return tuple(Facet(name, LEGENDS[name], shown(name, counted[name]))
                 for name in names if counted[name])


def shown(name: str, counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """The values shown at once: all in name order (pay low to high), or the SHOWN largest."""
    if len(counts) > SHOWN:
        return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:SHOWN])
    if name == "pay":
        return tuple((band, counts[band]) for band in present.PAY_BANDS if band in counts)
    return tuple(sorted(counts.items(), key=lambda item: item[0].casefold()))


@dataclass(frozen=True)
class PageFacets:
    """The facets of the jobs page (roles only) and of the search page (every kind)."""

    roles: tuple[Facet, ...]
    everything: tuple[Facet, ...]

    @classmethod
    def of(cls, index: SiteIndex) -> PageFacets:
        roles = [job_filters(job, index) for job in index.open_jobs]
        others = [*(city_filters(city, index) for city in index.content.cities),
                  *(employer_filters(entry, index) for entry in employer_entries(index))]
        return cls(facets(roles, ROLE_FACETS), facets([*roles, *others], ALL_FACETS))
