"""Make uk-outline.json from Natural Earth's 1:50m countries (a one-off, not part of the build).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python mlguide/views/data/extract_outline.py package/countries-50m.json \
        > mlguide/views/data/uk-outline.json

world-atlas ships Natural Earth's admin-0 countries as TopoJSON. This keeps the
United Kingdom, Ireland and the Isle of Man, drops islands too small to see on a
phone, simplifies each ring (Douglas-Peucker, about 1.5 km) and writes GeoJSON
with coordinates rounded to 0.001 degrees.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

KEEP = {"826": "United Kingdom", "372": "Ireland", "833": "Isle of Man"}
TOLERANCE = 0.014  # degrees of latitude, about 1.5 km
MIN_AREA = 0.004  # square degrees (x scaled by cos 54.5°): smaller islands are dropped
X_SCALE = math.cos(math.radians(54.5))

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """TopoJSON's delta-encoded, quantized arcs as lon/lat lists."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[Point]]) -> list[Point]:
    """Join a ring's arcs (a negative index ~i means arc i reversed)."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def area(points: list[Point]) -> float:
    """Unsigned area by the shoelace formula, in scaled square degrees."""
    total = sum((x1 * X_SCALE) * y2 - (x2 * X_SCALE) * y1
                for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))
    return abs(total) / 2


def simplify(points: list[Point]) -> list[Point]:
    """Douglas-Peucker on the cos-scaled plane, keeping the first and last point."""
    if len(points) < 3:
        return points
    (x0, y0), (x1, y1) = points[0], points[-1]
    dx, dy = (x1 - x0) * X_SCALE, y1 - y0
    length = math.hypot(dx, dy)
    best, far = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], 1):
        px, py = (x - x0) * X_SCALE, y - y0
        distance = abs(px * dy - py * dx) / length if length else math.hypot(px, py)
        if distance > best:
            best, far = distance, i
    if best <= TOLERANCE:
        return [points[0], points[-1]]
    return simplify(points[:far + 1])[:-1] + simplify(points[far:])


def close_ring(points: list[Point]) -> list[Point]:
    """Simplify a closed ring by splitting it at its far point, so both halves keep shape."""
    far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2
              + (points[i][1] - points[0][1]) ** 2)
    return simplify(points[:far + 1])[:-1] + simplify(points[far:])


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        topology = json.load(handle)
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") not in KEEP:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        kept = []
        for polygon in polygons:
            outer = ring(polygon[0], arcs)  # holes do not matter at this scale
            if area(outer) < MIN_AREA:
                continue
            simple = close_ring(outer)
            if len(simple) >= 4:
                kept.append([[[round(x, 3), round(y, 3)] for x, y in simple]])
        features.append({"type": "Feature", "properties": {"name": KEEP[geometry["id"]]},
                         "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    collection = {"type": "FeatureCollection", "features": features}
    json.dump(collection, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
