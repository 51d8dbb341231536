"""How model values read on a page: salaries, dates and labels in readers' terms."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sized

from ..model import City, Contract, Figure, Job, Salary, Sector
from . import pay as pay_module
from .hiring import employer_key

WORKPLACE = {"onsite": "On site", "hybrid": "Hybrid", "remote": "Remote"}
EMPLOYMENT = {
    "full-time": "Full time", "part-time": "Part time", "contract": "Contract",
    "temporary": "Temporary", "internship": "Internship",
}
EMPLOYER_TYPES = {
    "university": "Universities", "research-lab": "Research labs", "company": "Companies",
    "startup": "Start-ups", "consultancy": "Consultancies", "hub": "Hubs and incubators",
    "public-body": "Public bodies",
}
EMPLOYER_KIND = {
    "university": "University", "research-lab": "Research lab", "company": "Company",
    "startup": "Start-up", "consultancy": "Consultancy", "hub": "Hub or incubator",
    "public-body": "Public body",
}
STATUS = {"established": "Established", "emerging": "Emerging",
          "honourable-mention": "Honourable mention"}
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
PERIOD = {"year": "a year", "month": "a month", "day": "a day", "hour": "an hour"}
VISA = {True: "Visa sponsorship offered", False: "No visa sponsorship",
        None: "Visa sponsorship not stated"}
IR35 = {"inside": "Inside IR35", "outside": "Outside IR35",
        "undetermined": "IR35 status undetermined"}
# Names for the countries postings name most; any other code is shown as written.
COUNTRIES = {
    "GB": "the United Kingdom", "IE": "Ireland", "FR": "France", "DE": "Germany",
    "NL": "the Netherlands", "BE": "Belgium", "ES": "Spain", "PT": "Portugal", "IT": "Italy",
    "PL": "Poland", "SE": "Sweden", "DK": "Denmark", "NO": "Norway", "FI": "Finland",
    "CH": "Switzerland", "AT": "Austria", "US": "the United States", "CA": "Canada",
    "AU": "Australia", "NZ": "New Zealand", "IN": "India",
}
PAY_BANDS = pay_module.BAND_ORDER  # the search's pay filter, low to high
FACETS_SHOWN = 12  # values of one search facet shown at a time (views/facets.py)
CLOSING_SOON_DAYS = 14  # job lists say "closes in N days" only this close to the date


def money(amount: float, currency: str) -> str:
    """80000 GBP => '£80,000'; 12.5 GBP => '£12.50'."""
    text = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def salary(pay: Salary | None) -> str:
    """'£80,000–£90,000 a year', 'up to £85,000 a year', 'from £40,000 a year'."""
    if pay is None:
        return ""
    period = PERIOD[pay.period]
    low = money(pay.min, pay.currency) if pay.min is not None else None
    high = money(pay.max, pay.currency) if pay.max is not None else None
    if low and high:
        return f"{low} {period}" if low == high else f"{low}–{high} {period}"
    return f"up to {high} {period}" if high else f"from {low} {period}"


def salary_or_not(pay: Salary | None) -> str:
    """The salary as shown, or 'Not disclosed'."""
    return salary(pay) if pay is not None else pay_module.NOT_DISCLOSED


def annual_equivalent(pay: Salary | None) -> str:
    """'£110,000 a year (the day rate × 220 working days)'; '' for a yearly salary."""
    if pay is None or pay.period == "year":
        return ""
    low, high = pay_module.annual_range(pay)
    yearly = salary(Salary(min=low, max=high, currency=pay.currency, period="year"))
    return f"{yearly} ({pay_module.conversion(pay)})"


def office_days(days: int) -> str:
    """2 => '2 days a week in the office'."""
    return f"{days} day{'s' if days != 1 else ''} a week in the office"


def countries(codes: Iterable[str]) -> str:
    """['GB', 'IE'] => 'the United Kingdom, Ireland'."""
    return ", ".join(COUNTRIES.get(code, code) for code in codes)


def contract_terms(terms: Contract | None) -> str:
    """'Outside IR35, 6 months'; '' when the posting says neither."""
    if terms is None:
        return ""
    parts = [IR35[terms.ir35]] if terms.ir35 else []
    if terms.duration_months is not None:
        months = terms.duration_months
        parts.append(f"{months:g} month{'s' if months != 1 else ''}")
    return ", ".join(parts)


def employer_roles_url(name: str | None) -> str:
    """'Data Idols' => 'jobs/employers/data-idols/': the employer's list of open roles."""
    key = employer_key(name or "")
    return f"jobs/employers/{key}/" if key else ""


def long_date(day: dt.date) -> str:
    """2026-11-05 => '5 November 2026'."""
    return f"{day.day} {day:%B %Y}"


def days_ago(day: dt.date, today: dt.date) -> str:
    """'today', 'yesterday', '3 days ago'."""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def closes_in(day: dt.date, today: dt.date) -> str:
    """'closes today', 'closes tomorrow', 'closes in 5 days'."""
    days = (day - today).days
    if days <= 0:
        return "closes today"
    if days == 1:
        return "closes tomorrow"
    return f"closes in {days} days"


def closes_soon(day: dt.date | None, today: dt.date) -> bool:
    """Whether a closing date is near enough to mention in a job list."""
    return day is not None and (day - today).days <= CLOSING_SOON_DAYS


def facet(jobs: Iterable[Job], attribute: str,
          labels: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """The labelled values some jobs have, with how many: [('remote', 'Remote', 2)]."""
    counts = Counter(getattr(job, attribute) for job in jobs)
    return [(key, label, counts[key]) for key, label in labels.items() if counts[key]]


def with_jobs(places: Iterable[City | Sector],
              jobs_by_slug: Mapping[str, Sized]) -> list[tuple[City | Sector, int]]:
    """The cities or sectors that have open jobs, with how many: [(leeds, 3)]."""
    return [(p, len(jobs_by_slug[p.slug])) for p in places if p.slug in jobs_by_slug]


GRID_COLUMNS = 4  # the widest card grids; narrower screens show 2 columns, then 1


def lead_items(count: int, columns: int = GRID_COLUMNS) -> int:
    """How many leading cards span two columns so that no row is left short.

    10 cards in 4 columns would sit 4 + 4 + 2; with the first two twice as wide
    they fill three rows (2 + 4 + 4), and in 2 columns five. 0 when rows come out even.
    """
    return min(count, -count % columns)


def figure_value(figure: Figure) -> str:
    """72000 with unit 'GBP a year' => '72,000 GBP a year'; 4.5 with unit '%' => '4.5%'."""
    number = f"{figure.value:,.0f}" if figure.value == int(figure.value) else f"{figure.value:,}"
    return f"{number}{figure.unit}" if figure.unit == "%" else f"{number} {figure.unit}"
