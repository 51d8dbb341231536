"""Views across cities: sectors set against cities, and an A–Z of employers.

Both point into city pages by the anchors city.html writes:
`#specialism-N` and `#employer-N` (N counts from 1 in the city's file order).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import City, Employer, Sector, Specialism
from . import anchors

EMPLOYER_KIND = {
    "university": "University", "research-lab": "Research lab", "company": "Company",
    "startup": "Start-up", "consultancy": "Consultancy", "hub": "Hub or incubator",
    "public-body": "Public body",
}


@dataclass(frozen=True)
class Filed:
    """One specialism where the comparison files it: under its first sector, and only there."""

    number: int  # its place on the city page: city.html's #specialism-N
    specialism: Specialism
    also: tuple[Sector, ...]  # its other sectors, whose rows point here instead of repeating it


@dataclass(frozen=True)
class Cell:
    """A city in one sector: the specialisms filed here, and the sectors holding the others."""

    city: City
    specialisms: tuple[Filed, ...]
    elsewhere: tuple[Sector, ...]  # where this city's other specialisms in the sector are filed

    @property
    def empty(self) -> bool:
        return not (self.specialisms or self.elsewhere)


@dataclass(frozen=True)
class SectorRow:
    sector: Sector
    cells: tuple[Cell, ...]  # one per city, in rank order; empty where the city has none

    @property
    def city_count(self) -> int:
        return sum(1 for cell in self.cells if not cell.empty)

    @property
    def filled(self) -> tuple[Cell, ...]:
        """The cities strong in this sector, in rank order: the phone's list of chips."""
        return tuple(cell for cell in self.cells if not cell.empty)


def sector_matrix(cities: Iterable[City], sectors: Mapping[str, Sector]) -> tuple[SectorRow, ...]:
    """One row per sector, most widely shared first; one cell per city.

    A specialism in two sectors (Belfast's risk analysis: fintech, insurance) is
    one entry, filed under the sector its city file lists first; the other row
    points to it, so no specialism is shown twice.
    """
    cities = tuple(cities)
    rows = [SectorRow(sector, tuple(_cell(city, key, sectors) for city in cities))
            for key, sector in sectors.items()]
    return tuple(sorted(rows, key=lambda row: (-row.city_count, sort_key(row.sector.name))))


def _cell(city: City, key: str, sectors: Mapping[str, Sector]) -> Cell:
    """What `city` shows in the row of sector `key`."""
    mine = [(n, s) for n, s in enumerate(city.specialisms, 1) if key in s.sectors]
    filed = tuple(Filed(n, s, tuple(sectors[k] for k in s.sectors[1:]))
                  for n, s in mine if s.sectors[0] == key)
    elsewhere = dict.fromkeys(s.sectors[0] for _, s in mine if s.sectors[0] != key)
    return Cell(city, filed, tuple(sectors[k] for k in elsewhere))


@dataclass(frozen=True)
class Entry:
    """One employer or institution in one city."""

    employer: Employer
    city: City
    anchor: str  # 'employer-3'

    @property
    def kind(self) -> str:
        return EMPLOYER_KIND[self.employer.type]

    @property
    def url(self) -> str:
        """Its place on its city's page, as hiring.EmployerEntry.url gives it."""
        return f"cities/{self.city.slug}/#{self.anchor}"


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
    continued: bool = False  # its first entries are on the page before (a_to_z_pages)

    @property
    def id(self) -> str:
        """'A' => 'letter-a', '0–9' => 'letter-digits', '#' => 'letter-other'."""
        return anchors.letter(self.letter)


def employers_a_to_z(cities: Iterable[City]) -> tuple[Letter, ...]:
    """Every employer and institution of every city, grouped by initial letter."""
    entries = sorted(
        (Entry(employer, city, anchors.employer(number))
         for city in cities for number, employer in enumerate(city.employers, 1)),
        key=lambda e: (letter_of(e.employer.name) == "#", sort_key(e.employer.name), e.city.rank),
    )
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(letter_of(entry.employer.name), []).append(entry)
    return tuple(Letter(letter, tuple(items)) for letter, items in groups.items())


def a_to_z_pages(letters: Iterable[Letter], per_page: int) -> list[tuple[Letter, ...]]:
    """The A–Z cut into pages of at most `per_page` entries, in order; an empty one is one page.

    A letter that does not fit on its page goes on at the top of the next, marked continued:
    with 2 a page, A (3 entries) then B (1) are [A: a1 a2], [A continued: a3, B: b1].
    """
    pages: list[list[Letter]] = [[]]
    room = per_page
    for group in letters:
        entries, continued = group.entries, False
        while entries:
            if room == 0:
                pages.append([])
                room = per_page
            pages[-1].append(Letter(group.letter, entries[:room], continued))
            entries, continued = entries[room:], True
            room -= len(pages[-1][-1].entries)
    return [tuple(page) for page in pages]
