"""Views across cities: sectors set against cities, and an A–Z of employers.

Both point into city pages by the anchors city.html writes:
`#specialism-N` and `#employer-N` (N counts from 1 in the city's file order).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import City, Employer, Sector, Specialism

EMPLOYER_KIND = {
    "university": "University", "research-lab": "Research lab", "company": "Company",
    "startup": "Start-up", "consultancy": "Consultancy", "hub": "Hub or incubator",
    "public-body": "Public body",
}


@dataclass(frozen=True)
class Cell:
    """A city's specialisms in one sector, each with its number on the city page."""

    city: City
    specialisms: tuple[tuple[int, Specialism], ...]


@dataclass(frozen=True)
class SectorRow:
    sector: Sector
    cells: tuple[Cell, ...]  # one per city, in rank order; empty where the city has none

    @property
    def city_count(self) -> int:
        return sum(1 for cell in self.cells if cell.specialisms)


def sector_matrix(cities: Iterable[City], sectors: Mapping[str, Sector]) -> tuple[SectorRow, ...]:
    """One row per sector, one cell per city: which specialisms make the city strong in it."""
    cities = tuple(cities)
    return tuple(
        SectorRow(sector, tuple(
            Cell(city, tuple((number, s) for number, s in enumerate(city.specialisms, 1)
                             if key in s.sectors))
            for city in cities))
        for key, sector in sectors.items()
    )


@dataclass(frozen=True)
class Entry:
    """One employer or institution in one city."""

    employer: Employer
    city: City
    anchor: str  # 'employer-3'

    @property
    def kind(self) -> str:
        return EMPLOYER_KIND[self.employer.type]


def letter_of(name: str) -> str:
    """The A–Z heading a name files under: 'École' => 'E', '3Sixty' => '0–9'."""
    first = unicodedata.normalize("NFKD", name.strip())[:1].upper()
    if first.isdigit():
        return "0–9"
    return first if "A" <= first <= "Z" else "#"


def sort_key(name: str) -> str:
    """Case- and accent-blind order, so 'arm' files beside 'ARM' and 'École' under E."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.casefold()


@dataclass(frozen=True)
class Letter:
    """One heading of the A–Z and the entries filed under it."""

    letter: str
    entries: tuple[Entry, ...]

    @property
    def id(self) -> str:
        """'A' => 'letter-a', '0–9' => 'letter-digits', '#' => 'letter-other'."""
        return {"0–9": "letter-digits", "#": "letter-other"}.get(self.letter,
                                                                 f"letter-{self.letter.lower()}")


def employers_a_to_z(cities: Iterable[City]) -> tuple[Letter, ...]:
    """Every employer and institution of every city, grouped by initial letter."""
    entries = sorted(
        (Entry(employer, city, f"employer-{number}")
         for city in cities for number, employer in enumerate(city.employers, 1)),
        key=lambda e: (letter_of(e.employer.name) == "#", sort_key(e.employer.name), e.city.rank),
    )
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(letter_of(entry.employer.name), []).append(entry)
    return tuple(Letter(letter, tuple(items)) for letter, items in groups.items())
