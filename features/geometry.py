"""Lighter boundaries for the map: what the browser draws, not what CBS measured.

The 2023 gemeente boundaries hold 17,783 points at full double precision (1.1 MB of JSON), all
of which Plotly sends to the browser on every first load. Rounding to 3 decimals (about 100 m,
far below what a national choropleth shows) and dropping the points that rounding makes repeat
cuts the payload to a fraction without changing what anyone sees (1.17 MB → 0.33 MB).
"""

from __future__ import annotations

from typing import Any


def _ring(points: list, digits: int) -> list:
    out: list = []
    for x, y, *_ in points:
        p = [round(x, digits), round(y, digits)]
        if not out or p != out[-1]:
            out.append(p)
    if len(out) < 4:  # a ring needs 4 positions (closed): keep the original rounded one
        out = [[round(x, digits), round(y, digits)] for x, y, *_ in points]
    return out


def compact_boundaries(collection: dict[str, Any], digits: int = 3) -> dict[str, Any]:
    """A copy of a GeoJSON FeatureCollection of (Multi)Polygons with rounded, de-duplicated rings
    and no properties (the map joins its figures by feature ``id``; CBS's 60 key figures per
    gemeente would otherwise travel to the browser with every first load).

    >>> square = {"type": "Polygon", "coordinates": [[[5.00001, 52.0], [5.00002, 52.0], [5.1, 52.0],
    ...           [5.1, 52.1], [5.0, 52.1], [5.00001, 52.0]]]}
    >>> out = compact_boundaries({"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "id": "GM0001", "properties": {}, "geometry": square}]})
    >>> out["features"][0]["geometry"]["coordinates"][0]
    [[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]
    """
    features = []
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates", [])
        if kind == "Polygon":
            coords = [_ring(ring, digits) for ring in coords]
        elif kind == "MultiPolygon":
            coords = [[_ring(ring, digits) for ring in polygon] for polygon in coords]
        features.append(
            {
                "type": "Feature",
                "id": feature.get("id"),
                "properties": {},
                "geometry": {"type": kind, "coordinates": coords},
            }
        )
    return {**collection, "features": features}
