"""The home page's map of the UK, drawn once per build as inline SVG geometry.

The outline is Natural Earth's public-domain 1:50m coastline, simplified and
shipped in `data/uk-outline.json` (see `data/README.md`). Coordinates are
projected with a plain equirectangular projection whose x axis is shrunk by
cos(54.5°), which keeps Great Britain's shape true enough at this size. The
template turns the geometry into markup, so links and escaping stay in Jinja.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..model import City

OUTLINE = Path(__file__).parent / "data" / "uk-outline.json"
WEST, EAST, SOUTH, NORTH = -8.9, 2.0, 49.75, 61.0  # degrees: the content model's UK box, padded
X_SCALE = math.cos(math.radians(54.5))
WIDTH = 400  # SVG units; the map spans a 360 px phone (0.9 px a unit), wider elsewhere
UNITS_PER_DEGREE = WIDTH / ((EAST - WEST) * X_SCALE)
HEIGHT = round((NORTH - SOUTH) * UNITS_PER_DEGREE)
# A city's link is a "pin": its marker with its name beside it, over a hit area at
# least 50 units tall (45 px on a 360 px phone; WCAG asks 24, touch guidelines 44).
HIT = 50
LABEL_SIZE = 14  # the name's font size in units
CHAR_WIDTH = 0.64 * LABEL_SIZE  # a generous average advance, so real text fits the box
MIN_RADIUS, MAX_RADIUS = 6.0, 17.0  # a marker with no open roles, and the largest
STEP = 8  # how far a pin moves per try when its place is taken
TRIES = 12  # steps tried above and below a city before its pin gives up
MAX_PINS = 30  # the map names the guide's first cities; every city is listed below it
STATUSES = ("established", "emerging", "honourable-mention")
UK = "United Kingdom"

Point = tuple[float, float]


@dataclass(frozen=True)
class Land:
    """One country's outline as an SVG path."""

    name: str
    is_uk: bool
    path: str  # the `d` attribute


Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class Marker:
    """A city's pin: a marker sized by its open roles, its name on one side.

    The marker sits at the city (at_x, at_y) unless that place was taken, when it
    moves up or down and a leader line joins it to the city.
    """

    city: City
    x: float
    y: float
    at_x: float
    at_y: float
    radius: float
    roles: int
    label_left: bool  # the name is to the left of the marker (near the east edge)

    @property
    def moved(self) -> bool:
        return math.hypot(self.x - self.at_x, self.y - self.at_y) > 1

    @property
    def shape(self) -> str:
        """The status as a shape: 'established', 'emerging', 'honourable-mention' or 'none'."""
        return self.city.status or "none"

    @property
    def path(self) -> str:
        """The marker's outline, its shape telling the status (see `shape_path`)."""
        return shape_path(self.shape, self.x, self.y, self.radius)

    @property
    def box(self) -> Box:
        """The pin's hit area: the marker and the name, HIT units tall."""
        return pin_box(self.x, self.y, self.radius, label_width(self.city.name), self.label_left)

    @property
    def label_x(self) -> float:
        gap = self.radius + 4
        return round(self.x - gap if self.label_left else self.x + gap, 1)


@dataclass(frozen=True)
class UKMap:
    """Everything the template needs to draw the map."""

    width: int
    height: int
    land: tuple[Land, ...]
    markers: tuple[Marker, ...]
    label_size: int = LABEL_SIZE

    @property
    def statuses(self) -> tuple[str, ...]:
        """The shapes the map uses, in the key's order."""
        used = {m.shape for m in self.markers}
        return tuple(s for s in (*STATUSES, "none") if s in used)

    @staticmethod
    def key_shape(shape: str, radius: float = 7) -> str:
        """A shape for the key, centred on 0, 0."""
        return shape_path(shape, 0, 0, radius)

    @property
    def sizes(self) -> tuple[tuple[int, float], ...]:
        """The key's samples of marker size: no open roles, and the most any city has."""
        most = max((m.roles for m in self.markers), default=0)
        return tuple((n, marker_radius(n)) for n in sorted({0, most}))


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


def marker_radius(roles: int) -> float:
    """Bigger for more open roles; the area grows with the count: 0 => 6, 1 => 9, 9 => 15."""
    return min(MAX_RADIUS, MIN_RADIUS + 3 * math.sqrt(roles))


def label_width(name: str) -> float:
    """An upper estimate of the name's width in units at LABEL_SIZE."""
    return len(name) * CHAR_WIDTH


def pin_box(x: float, y: float, radius: float, width: float, left: bool) -> Box:
    """The hit area of a marker at (x, y) with a name `width` wide on one side.

    HIT tall; beyond the marker on the far side from the name it reaches only a
    little, so neighbours can sit close side by side.
    """
    near, far = radius + 3, radius + 4 + width + 4
    return ((x - far, y - HIT / 2, x + near, y + HIT / 2) if left
            else (x - near, y - HIT / 2, x + far, y + HIT / 2))


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def shape_path(shape: str, x: float, y: float, r: float) -> str:
    """A circle (established), diamond (emerging), triangle (honourable mention) or square."""
    def pt(dx: float, dy: float) -> str:
        return f"{x + dx:.1f} {y + dy:.1f}"

    if shape == "established":
        arc = f"a{r:.1f} {r:.1f} 0 1 0"
        return f"M{pt(-r, 0)}{arc} {2 * r:.1f} 0{arc} {-2 * r:.1f} 0z"
    if shape == "emerging":
        d = r * 1.25  # a diamond's corners reach further to look as big as the circle
        return f"M{pt(0, -d)}L{pt(d, 0)}L{pt(0, d)}L{pt(-d, 0)}z"
    if shape == "honourable-mention":
        h = r * 1.3
        return f"M{pt(0, -h)}L{pt(h * 0.95, h * 0.7)}L{pt(-h * 0.95, h * 0.7)}z"
    s = r * 0.9
    return f"M{pt(-s, -s)}H{x + s:.1f}V{y + s:.1f}H{x - s:.1f}z"


def candidates(y: float) -> list[float]:
    """The heights a pin tries, nearest first: y, y - STEP, y + STEP, y - 2 STEP..."""
    return [y + sign * step * STEP
            for step in range(TRIES + 1) for sign in ((-1, 1) if step else (1,))]


def place(cities: list[City], roles: Mapping[str, int]) -> tuple[Marker, ...]:
    """Pins for the cities, in rank order: each at its city if free, else the nearest free height.

    The name goes right of the marker, or left near the east edge or when the
    right is taken; a pin never covers another pin or another city's spot. A
    city with no free place within TRIES steps gets no pin (its card still lists it).
    """
    spots = {c.slug: project(c.location.lat, c.location.lon) for c in cities}
    taken: list[Box] = []
    placed = []
    for city in cities:
        at_x, at_y = spots[city.slug]
        count = roles.get(city.slug, 0)
        radius = marker_radius(count)
        blocked = [*taken, *((sx - 3, sy - 3, sx + 3, sy + 3)
                             for slug, (sx, sy) in spots.items() if slug != city.slug)]
        free = _first_free(at_x, at_y, radius, label_width(city.name), blocked)
        if free is None:
            continue
        y, left, box = free
        taken.append(box)
        placed.append(Marker(city, round(at_x, 1), round(y, 1), round(at_x, 1), round(at_y, 1),
                             round(radius, 1), count, left))
    return tuple(placed)


def _first_free(x: float, y: float, radius: float, width: float,
                blocked: list[Box]) -> tuple[float, bool, Box] | None:
    """The nearest height (and side for the name) where a pin fits inside the map, unblocked."""
    for height in candidates(y):
        for left in _sides(x, radius, width):
            box = pin_box(x, height, radius, width, left)
            inside = box[0] >= 0 and box[2] <= WIDTH and box[1] >= 0 and box[3] <= HEIGHT
            if inside and not any(overlaps(box, other) for other in blocked):
                return height, left, box
    return None


def _sides(x: float, radius: float, width: float) -> tuple[bool, ...]:
    """Whether to try the name on the left: right first, unless it would leave the map."""
    fits_right = x + radius + 8 + width <= WIDTH
    return (False, True) if fits_right else (True,)


def draw(cities: tuple[City, ...] | list[City], roles: Mapping[str, int] | None = None,
         path: Path = OUTLINE) -> UKMap:
    """The map for these cities: the outline, and a pin per city (the first MAX_PINS by rank)."""
    return UKMap(WIDTH, HEIGHT, load_land(path), place(list(cities)[:MAX_PINS], roles or {}))
