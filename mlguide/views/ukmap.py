"""The home page's map of the UK, drawn once per build as inline SVG geometry.

The outline is Natural Earth's public-domain 1:50m coastline, simplified and
shipped in `data/uk-outline.json` (see `data/README.md`). Coordinates are
projected with a plain equirectangular projection whose x axis is shrunk by
cos(54.5°), which keeps Great Britain's shape true enough at this size. The
template turns the geometry into markup, so links and escaping stay in Jinja.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from ..model import City

OUTLINE = Path(__file__).parent / "data" / "uk-outline.json"
WEST, EAST, SOUTH, NORTH = -8.9, 2.0, 49.75, 61.0  # degrees: the content model's UK box, padded
X_SCALE = math.cos(math.radians(54.5))
WIDTH = 400  # SVG units; 1 unit is about 0.8 px on a 360 px phone, 1 px on a desktop
UNITS_PER_DEGREE = WIDTH / ((EAST - WEST) * X_SCALE)
HEIGHT = round((NORTH - SOUTH) * UNITS_PER_DEGREE)
MARKER_RADIUS = 16  # a 26 px target on a 360 px phone (WCAG 2.2 asks for 24)
MARKER_GAP = 2 * MARKER_RADIUS + 3  # centres closer than this are pushed apart
UK = "United Kingdom"

Point = tuple[float, float]


@dataclass(frozen=True)
class Land:
    """One country's outline as an SVG path."""

    name: str
    is_uk: bool
    path: str  # the `d` attribute


@dataclass(frozen=True)
class Marker:
    """A city's numbered marker, and where the city really is if the marker had to move."""

    city: City
    x: float
    y: float
    at_x: float
    at_y: float

    @property
    def moved(self) -> bool:
        return math.hypot(self.x - self.at_x, self.y - self.at_y) > 1


@dataclass(frozen=True)
class UKMap:
    """Everything the template needs to draw the map."""

    width: int
    height: int
    land: tuple[Land, ...]
    markers: tuple[Marker, ...]
    radius: int = MARKER_RADIUS


def project(lat: float, lon: float) -> Point:
    """Latitude and longitude in degrees => SVG x, y (y grows southwards)."""
    return (lon - WEST) * X_SCALE * UNITS_PER_DEGREE, (NORTH - lat) * UNITS_PER_DEGREE


def ring_path(ring: list[list[float]]) -> str:
    """A closed ring as 'M x y l dx dy ... z' in whole units: short, and gzips well."""
    points = [tuple(round(v) for v in project(lat, lon)) for lon, lat in ring]
    steps = [(x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False)]
    moves = " ".join(f"{dx} {dy}" for dx, dy in steps if dx or dy)
    return f"M{points[0][0]} {points[0][1]}l{moves}z"


def load_land(path: Path = OUTLINE) -> tuple[Land, ...]:
    """The shipped outline, one path per country, the UK last so it is drawn on top."""
    data = json.loads(path.read_text(encoding="utf-8"))
    land = [
        Land(feature["properties"]["name"], feature["properties"]["name"] == UK,
             "".join(ring_path(polygon[0]) for polygon in feature["geometry"]["coordinates"]))
        for feature in data["features"]
    ]
    return tuple(sorted(land, key=lambda item: (item.is_uk, item.name)))


def spread(points: list[Point], gap: float = MARKER_GAP, rounds: int = 60) -> list[Point]:
    """Push apart points closer than `gap`, each pair moving equally (deterministic).

    Only points in neighbouring grid cells are compared, so a guide of a
    thousand cities costs thousands of comparisons a round, not a million.
    """
    placed = list(points)
    for _ in range(rounds):
        cells: dict[tuple[int, int], list[int]] = {}
        for index, (x, y) in enumerate(placed):
            cells.setdefault((math.floor(x / gap), math.floor(y / gap)), []).append(index)
        moved = False
        for i in range(len(placed)):
            cx, cy = math.floor(placed[i][0] / gap), math.floor(placed[i][1] / gap)
            near = sorted(j for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                          for j in cells.get((cx + dx, cy + dy), ()) if j > i)
            for j in near:
                moved |= _push_apart(placed, i, j, gap)
        if not moved:
            break
    return [(round(x, 1), round(y, 1)) for x, y in placed]


def _push_apart(placed: list[Point], i: int, j: int, gap: float) -> bool:
    """Move points i and j apart to `gap`, if closer; whether they moved."""
    (xi, yi), (xj, yj) = placed[i], placed[j]
    distance = math.hypot(xj - xi, yj - yi)
    if distance >= gap:
        return False
    # Coincident points separate vertically, the later one southwards.
    ux, uy = ((xj - xi) / distance, (yj - yi) / distance) if distance else (0.0, 1.0)
    push = (gap - distance) / 2 + 0.01
    placed[i] = (xi - ux * push, yi - uy * push)
    placed[j] = (xj + ux * push, yj + uy * push)
    return True


def draw(cities: tuple[City, ...] | list[City], path: Path = OUTLINE) -> UKMap:
    """The map for these cities: the outline and a marker per city, none overlapping."""
    at = [project(c.location.lat, c.location.lon) for c in cities]
    # A crowded map cannot be untangled anyway: cap the rounds so a guide of a
    # thousand cities costs a few rounds, not sixty.
    placed = spread(at, rounds=max(4, min(60, 4000 // max(1, len(at)))))
    markers = tuple(Marker(city, x, y, round(ax, 1), round(ay, 1))
                    for city, (x, y), (ax, ay) in zip(cities, placed, at, strict=True))
    return UKMap(WIDTH, HEIGHT, load_land(path), markers)


def outline_digest(path: Path = OUTLINE) -> str:
    """Changes when the shipped outline does, so the home page is redrawn."""
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
