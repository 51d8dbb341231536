"""Who is hiring: jobs matched to the employers and institutions the city pages describe.

A job names its employer as plain text; a city file lists employers by name.
They match when the names are the same letters and digits, ignoring case,
accents, punctuation and spacing ('Markerstudy Group' = 'markerstudy  group',
'Café AI Ltd.' = 'cafe ai ltd'). A job links to the matching entry in its own
city when there is one, else to the first match in rank order. That key, as a
slug, is also the address of the employer's list of roles:
jobs/employers/markerstudy-group/.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import City, Employer, Job


def employer_key(name: str) -> str:
    """'Café AI Ltd.' => 'cafe-ai-ltd': the name's letters and digits, as a slug."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


@dataclass(frozen=True)
class EmployerEntry:
    """One employer or institution on one city's page."""

    employer: Employer
    city: City
    number: int  # its place in the city's file, from 1: the page's #employer-N anchor

    @property
    def url(self) -> str:
        return f"cities/{self.city.slug}/#employer-{self.number}"


ROLES_NAMED = 5  # the roles a city's page names under an employer; it counts the rest


@dataclass(frozen=True)
class EntryRoles:
    """An entry's open roles as a page gives them: how many, the employer's name they give
    (whose list of roles the page links), and the first few it names (the A–Z names none).

    The page holds no more of them, so an edit of a role it does not name leaves it alone.
    """

    count: int
    employer: str
    named: tuple[Job, ...] = ()

    @classmethod
    def of(cls, roles: tuple[Job, ...], naming: int = ROLES_NAMED) -> EntryRoles:
        return cls(len(roles), (roles[0].employer or "") if roles else "", roles[:naming])

    @property
    def more(self) -> int:
        return self.count - len(self.named)


def employer_entries(cities: Iterable[City]) -> dict[str, tuple[EmployerEntry, ...]]:
    """Every city's employers by name key, cities in rank order."""
    entries: dict[str, list[EmployerEntry]] = {}
    for city in cities:
        for number, employer in enumerate(city.employers, 1):
            if key := employer_key(employer.name):
                entries.setdefault(key, []).append(EmployerEntry(employer, city, number))
    return {key: tuple(found) for key, found in entries.items()}


def entry_for(job: Job, entries: Mapping[str, tuple[EmployerEntry, ...]]) -> EmployerEntry | None:
    """The employer entry a job links to: in its own city if there is one, else the first."""
    found = entries.get(employer_key(job.employer or ""), ())
    own = [entry for entry in found if entry.city.slug == job.city]
    chosen = own or list(found)
    return chosen[0] if chosen else None
