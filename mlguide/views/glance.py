"""A city at a glance: the figures the site computes from its own content.

Open roles, the advertised pay of those roles, and counts of sectors,
employers and universities come from the city's file and the open jobs that
name it; nothing here is an estimate. Pay is compared like with like: a
monthly salary is annualised (×12), but day and hourly rates are kept apart,
since turning them into a year would need a guess at the days worked.

The same figures are the columns of compare/, where `ORDERS` gives each its
own pre-rendered order (compare/by/open-roles/, ...), so sorting needs no
script.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..model import City, CityStatus, Figure, Job
from . import present

STATUS_ORDER: dict[CityStatus | None, int] = {
    "established": 0, "emerging": 1, "honourable-mention": 2, None: 3}
ANNUAL = {"year": 1, "month": 12}  # periods that convert to a year without a guess


@dataclass(frozen=True)
class PayRange:
    """The lowest and highest advertised pay of some roles, in one currency and period."""

    low: float
    high: float
    currency: str
    period: str  # 'year', 'day' or 'hour'
    roles: int  # how many roles gave this kind of pay

    @property
    def label(self) -> str:
        """What the range is, as a heading: 'Advertised pay', 'Advertised day rates'."""
        return {"year": "Advertised pay", "day": "Advertised day rates",
                "hour": "Advertised hourly pay"}[self.period]

    @property
    def text(self) -> str:
        """'£50,000–£90,000 a year', '£600 a day'."""
        low, high = (present.money(v, self.currency) for v in (self.low, self.high))
        amount = low if low == high else f"{low}–{high}"
        return f"{amount} {present.PERIOD[self.period]}"


def pay_ranges(jobs: Iterable[Job]) -> tuple[PayRange, ...]:
    """The advertised pay of `jobs`: yearly (monthly annualised) first, then day and hour rates."""
    groups: dict[tuple[str, str], list[float]] = {}
    counts: dict[tuple[str, str], int] = {}
    for job in jobs:
        pay = job.salary
        if pay is None:
            continue
        factor = ANNUAL.get(pay.period, 1)
        group = (pay.currency, "year" if pay.period in ANNUAL else pay.period)
        amounts = [v * factor for v in (pay.min, pay.max) if v is not None]
        groups.setdefault(group, []).extend(amounts)
        counts[group] = counts.get(group, 0) + 1
    order = {"year": 0, "day": 1, "hour": 2}
    return tuple(PayRange(min(v), max(v), currency, period, counts[(currency, period)])
                 for (currency, period), v in sorted(groups.items(),
                                                     key=lambda g: (order[g[0][1]], g[0][0])))


@dataclass(frozen=True)
class Glance:
    """One city's computed figures, and the sourced ones its file gives."""

    city: City
    open_roles: int
    pay: tuple[PayRange, ...]
    sectors: int
    employers: int  # companies, labs, hubs, public bodies: every entry but universities
    universities: int
    figures: tuple[Figure, ...]

    @property
    def status(self) -> str:
        return present.STATUS[self.city.status] if self.city.status else ""

    @property
    def top_pay(self) -> float | None:
        """The highest yearly pay advertised, for ordering; None when no role gives one."""
        return max((p.high for p in self.pay if p.period == "year"), default=None)

    def figure(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)


def glance(city: City, jobs: Iterable[Job]) -> Glance:
    """The figures of one city, given its open jobs."""
    jobs = tuple(jobs)
    universities = sum(1 for e in city.employers if e.type == "university")
    return Glance(city, len(jobs), pay_ranges(jobs), len(city.sector_slugs),
                  len(city.employers) - universities, universities, tuple(city.figures))


def glances(cities: Iterable[City],
            jobs_by_city: Mapping[str, Iterable[Job]]) -> tuple[Glance, ...]:
    """Every city's figures, in rank order."""
    return tuple(glance(city, jobs_by_city.get(city.slug, ())) for city in cities)


def digest(items: Iterable[Glance]) -> str:
    """Changes whenever a figure that a card, the home page or compare/ shows changes."""
    text = "\0".join(repr((g.city.slug, g.open_roles, g.pay, g.sectors, g.employers,
                           g.universities, g.figures)) for g in items)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Order:
    """One way to sort the cities on compare/, with its own page."""

    key: str  # 'open-roles': the page is compare/by/open-roles/
    label: str  # 'Open roles'
    sort: Callable[[Glance], tuple[float | int | str, ...]]
    sourced: bool = False  # a figure from a city file's `figures`, not one the site counts

    @property
    def url(self) -> str:
        return f"compare/by/{self.key}/"


def _most(value: float | None) -> tuple[int, float]:
    """Descending, with the cities that have no value last."""
    return (1, 0.0) if value is None else (0, -value)


ORDERS = (
    Order("open-roles", "Open roles", lambda g: (-g.open_roles, g.city.rank)),
    Order("pay", "Top advertised pay", lambda g: (*_most(g.top_pay), g.city.rank)),
    Order("sectors", "Sectors", lambda g: (-g.sectors, g.city.rank)),
    Order("employers", "Employers", lambda g: (-g.employers, g.city.rank)),
    Order("universities", "Universities", lambda g: (-g.universities, g.city.rank)),
    Order("status", "Status", lambda g: (STATUS_ORDER[g.city.status], g.city.rank)),
)


def figure_names(items: Iterable[Glance]) -> tuple[str, ...]:
    """The names of the sourced figures any city gives, each a column of compare/."""
    return tuple(sorted({f.name for g in items for f in g.figures}))


def figure_order(name: str, key: str) -> Order:
    """The order by one sourced figure, highest first; cities without it last."""
    def by_figure(g: Glance) -> tuple[float | int | str, ...]:
        found = g.figure(name)
        return (*_most(found.value if found else None), g.city.rank)
    return Order(key, name, by_figure, sourced=True)


def name_key(name: str) -> str:
    """'Median ML salary (2026)' => 'median-ml-salary-2026', for a figure's order URL."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "figure"


def orders(items: Iterable[Glance]) -> tuple[Order, ...]:
    """Every order compare/ offers: the computed figures', then each sourced figure's.

    Two names that make one key (say 'Pay' and 'pay') get a number, so URLs stay apart.
    """
    found: list[Order] = list(ORDERS)
    taken = {order.key for order in found}
    for name in figure_names(items):
        key, number = f"figure-{name_key(name)}", 2
        while key in taken:
            key, number = f"figure-{name_key(name)}-{number}", number + 1
        taken.add(key)
        found.append(figure_order(name, key))
    return tuple(found)


def ordered(items: Iterable[Glance], order: Order | None) -> tuple[Glance, ...]:
    """The cities in `order` (None: the guide's own, by rank)."""
    items = tuple(items)
    return tuple(sorted(items, key=order.sort)) if order else items
