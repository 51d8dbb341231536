"""Pay in readers' terms: any salary as an annual equivalent, to compare, filter and sort by.

A day rate or an hourly wage is not a salary until it is put on the same
footing. The guide's assumptions, shown beside every converted figure:

    a month  x 12
    a day    x 220 working days a year (52 weeks less holidays and bank holidays)
    an hour  x 1,650 hours a year (a 37.5-hour week: 7.5 hours on each of those 220 days)

A range's annual equivalent, for filtering and sorting, is its midpoint; a
salary with one bound ("up to £85,000") is taken at that bound.
"""

from __future__ import annotations

from ..model import Job, Salary

WORKING_DAYS = 220
HOURS_A_DAY = 7.5  # a 37.5-hour week of five days
PER_YEAR = {"year": 1.0, "month": 12.0, "day": float(WORKING_DAYS),
            "hour": WORKING_DAYS * HOURS_A_DAY}
CONVERSION = {
    "month": "the monthly pay × 12",
    "day": f"the day rate × {WORKING_DAYS} working days",
    "hour": f"the hourly rate × {WORKING_DAYS * HOURS_A_DAY:,.0f} hours: {HOURS_A_DAY:g} "
            f"hours a day on {WORKING_DAYS} working days",
}
NOT_DISCLOSED = "Not disclosed"
OTHER_CURRENCY = "Paid in another currency"
# Annual bands in pounds, for the search's salary filter: (lowest figure, label), low to high.
BANDS = ((0.0, "Under £40,000"), (40_000.0, "£40,000 to £59,999"),
         (60_000.0, "£60,000 to £79,999"), (80_000.0, "£80,000 to £99,999"),
         (100_000.0, "£100,000 or more"))
BAND_ORDER = (*(label for _, label in BANDS), OTHER_CURRENCY, NOT_DISCLOSED)


def annual(amount: float, period: str) -> float:
    """An amount per `period` as a year's: 500 a day => 110,000."""
    return amount * PER_YEAR[period]


def annual_range(pay: Salary) -> tuple[float | None, float | None]:
    """The salary's bounds as annual figures."""
    low = annual(pay.min, pay.period) if pay.min is not None else None
    high = annual(pay.max, pay.period) if pay.max is not None else None
    return low, high


def annual_figure(pay: Salary | None) -> float | None:
    """The one annual figure a salary sorts and filters by: a range's midpoint, else its bound."""
    if pay is None:
        return None
    low, high = annual_range(pay)
    if low is not None and high is not None:
        return (low + high) / 2
    return low if low is not None else high


def conversion(pay: Salary) -> str:
    """How a non-annual salary was made annual; '' for a yearly one."""
    return CONVERSION.get(pay.period, "")


def band(job: Job) -> str:
    """The salary band a job files under in the search's filter."""
    figure = annual_figure(job.salary)
    if job.salary is None or figure is None:
        return NOT_DISCLOSED
    if job.salary.currency != "GBP":
        return OTHER_CURRENCY
    return [label for low, label in BANDS if figure >= low][-1]
