"""What a city page with no open roles offers instead: the nearest roles, and remote ones."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sized
from dataclasses import dataclass

from ..model import City, Job, Location

EARTH_RADIUS_MILES = 3958.8
NEARBY_CITIES = 3  # how many of the nearest cities with roles a page names
REMOTE_ROLES = 5  # how many remote roles it lists, newest first


@dataclass(frozen=True)
class Nearby:
    """Another city with open roles, and how far it is."""

    city: City
    miles: int
    roles: int

    @property
    def digest(self) -> str:
        """What the page shows of it, for the route's key."""
        return f"near:{self.city.slug}:{self.miles}:{self.roles}"


def miles_between(a: Location, b: Location) -> float:
    """The great-circle distance in miles (haversine): London to Manchester is about 163."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def nearest_with_roles(city: City, cities: Iterable[City], jobs_by_city: Mapping[str, Sized],
                       limit: int = NEARBY_CITIES) -> tuple[Nearby, ...]:
    """The cities nearest `city` that have open roles, nearest first (ties by rank)."""
    found = [Nearby(other, round(miles_between(city.location, other.location)),
                    len(jobs_by_city[other.slug]))
             for other in cities if other.slug != city.slug and other.slug in jobs_by_city]
    return tuple(sorted(found, key=lambda n: (n.miles, n.city.rank))[:limit])


def remote_roles(open_jobs: Iterable[Job], limit: int = REMOTE_ROLES) -> tuple[Job, ...]:
    """The newest open roles that can be done from anywhere."""
    return tuple(job for job in open_jobs if job.workplace == "remote")[:limit]
