"""The #anchors a page has, named once for the templates and for the link checker.

Templates write `id="{{ anchors.specialism(loop.index) }}"`; routes list the
same names for `check`, which refuses a link to `/cities/leeds/#specialism-9`
when Leeds has two specialisms. A test renders the pages and compares.
"""

from __future__ import annotations

from ..model import City

PAGE = ("main",)  # every page: the skip link's target, in base.html
CITY_SECTIONS = ("overview", "specialisms", "jobs")  # always on a city page


def specialism(number: int) -> str:
    """The anchor of a city's `number`-th specialism (counting from 1)."""
    return f"specialism-{number}"


def employer(number: int) -> str:
    """The anchor of a city's `number`-th employer or institution (counting from 1)."""
    return f"employer-{number}"


def city(item: City, has_related: bool) -> tuple[str, ...]:
    """Every anchor of a city page: its sections, specialisms and employers."""
    sections = [*PAGE, *CITY_SECTIONS]
    if item.employers:
        sections.append("employers")
    if has_related:
        sections.append("related")
    return (*sections,
            *(specialism(n) for n in range(1, len(item.specialisms) + 1)),
            *(employer(n) for n in range(1, len(item.employers) + 1)))


def letter(heading: str) -> str:
    """The anchor of a heading of the employers A–Z: 'A' => 'letter-a', '0–9' => 'letter-digits'."""
    return {"0–9": "letter-digits", "#": "letter-other"}.get(heading, f"letter-{heading.lower()}")


def sector_list(slug: str) -> str:
    """A sector's entry in the comparison's list view (phones): 'sector-fintech'."""
    return f"sector-{slug}"


def sector_row(slug: str) -> str:
    """A sector's row in the comparison's table view (wide screens): 'row-fintech'."""
    return f"row-{slug}"


def compare(slugs: tuple[str, ...]) -> tuple[str, ...]:
    """Every anchor of the comparison page: each sector in both of its views."""
    return (*(sector_list(s) for s in slugs), *(sector_row(s) for s in slugs))
