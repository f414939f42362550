"""Is a board inside an alert's area? Polygons and circles, in degrees and kilometres.

Pure functions, no I/O. CAP writes a polygon as "lat,lon lat,lon ..." with
the first point repeated at the end, and a circle as "lat,lon radius_km"
(WGS 84). The manager stores them as JSON in an alert's area:

    {"polygons": [[[lat, lon], ...]], "circles": [{"lat": .., "lon": .., "radius_km": ..}]}

A point on a polygon's edge counts as inside: a warning reaches a board too
many rather than one too few. Polygons are treated as planar in degrees,
which is exact enough for the few hundred kilometres a warning covers and
for Vietnam, far from the poles and the antimeridian.
"""
import math
import re

EARTH_RADIUS_KM = 6371.0088
_EDGE_EPS = 1e-9
# Vietnam's land, Hoàng Sa, Trường Sa and the seas around them, generously: a warning for a ship
# off Trường Sa is plausible, one centred in Libya or the Indian Ocean is not.
VIETNAM_BOX = (6.0, 23.6, 102.0, 118.0)  # lat min, lat max, lon min, lon max


class GeoError(ValueError):
    """A polygon or circle that does not parse or is not a shape."""


def _point(text: str) -> tuple[float, float]:
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError as exc:
        raise GeoError(f"not a 'lat,lon' pair: {text!r}") from exc
    if math.isnan(lat) or math.isnan(lon):
        raise GeoError(f"coordinates out of range: {text!r}")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) and not in_vietnam(lon, lat):
        # A pair that only makes sense swapped is kept as written, for `unswapped` to flag.
        raise GeoError(f"coordinates out of range: {text!r}")
    return lat, lon


def in_vietnam(lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = VIETNAM_BOX
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def _swapped(points: list[tuple[float, float]]) -> bool:
    return all(not in_vietnam(lat, lon) and in_vietnam(lon, lat) for lat, lon in points)


def unswapped(area: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The area with shapes whose latitude and longitude were written the wrong way round put right,
    and one (vi, en) reason per shape put right. A shape counts as swapped when every point lies
    outside Vietnam and its seas, and every point lies inside once swapped: a sender's mistake that
    would otherwise reach no board (or the wrong ones) without anyone noticing."""
    reasons = []
    polygons = []
    for ring in area.get("polygons") or []:
        points = [tuple(p) for p in ring]
        if _swapped(points):
            points = [(lon, lat) for lat, lon in points]
            reasons.append(("Đa giác có vĩ độ và kinh độ bị đảo chỗ (nằm ngoài Việt Nam, đảo lại thì nằm trong)",
                            "polygon has latitude and longitude swapped (outside Vietnam, inside when swapped)"))
        polygons.append([list(p) for p in points])
    circles = []
    for circle in area.get("circles") or []:
        if _swapped([(circle["lat"], circle["lon"])]):
            circle = {**circle, "lat": circle["lon"], "lon": circle["lat"]}
            reasons.append(("Hình tròn có vĩ độ và kinh độ bị đảo chỗ (tâm nằm ngoài Việt Nam, đảo lại thì nằm trong)",
                            "circle has latitude and longitude swapped (centre outside Vietnam, inside when swapped)"))
        circles.append(circle)
    return {**area, "polygons": polygons, "circles": circles}, reasons


def parse_polygon(text: str) -> list[tuple[float, float]]:
    """CAP polygon text -> closed ring of (lat, lon), first == last.

    Real senders write "lat, lon" with a space or forget to repeat the first
    point; both are read as meant rather than losing a warning over them.
    """
    points = [_point(p) for p in re.sub(r"\s*,\s*", ",", text.strip()).split()]
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < 3:
        raise GeoError(f"a polygon needs at least 3 distinct points, got {len(set(points))}")
    return points


def parse_circle(text: str) -> dict:
    """CAP circle text -> {"lat", "lon", "radius_km"}."""
    parts = text.split()
    if len(parts) != 2:
        raise GeoError(f"a circle is 'lat,lon radius_km', got {text!r}")
    lat, lon = _point(parts[0])
    try:
        radius = float(parts[1])
    except ValueError as exc:
        raise GeoError(f"circle radius is not a number: {parts[1]!r}") from exc
    if not radius >= 0:
        raise GeoError(f"circle radius must be zero or more: {parts[1]!r}")
    return {"lat": lat, "lon": lon, "radius_km": radius}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _on_segment(lat, lon, a, b) -> bool:
    (y1, x1), (y2, x2) = a, b
    cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
    if abs(cross) > _EDGE_EPS * max(1.0, abs(x2 - x1) + abs(y2 - y1)):
        return False
    return min(x1, x2) - _EDGE_EPS <= lon <= max(x1, x2) + _EDGE_EPS and min(y1, y2) - _EDGE_EPS <= lat <= max(y1, y2) + _EDGE_EPS


def polygon_contains(ring, lat: float, lon: float) -> bool:
    """Even-odd ray casting on a closed ring of [lat, lon] points; edges count as inside."""
    pts = [tuple(p) for p in ring]
    inside = False
    for a, b in zip(pts, pts[1:] + pts[:1]):
        if _on_segment(lat, lon, a, b):
            return True
        (y1, x1), (y2, x2) = a, b
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def circle_contains(circle: dict, lat: float, lon: float) -> bool:
    return distance_km(circle["lat"], circle["lon"], lat, lon) <= float(circle["radius_km"]) + 1e-6


def area_contains(area: dict, lat: float | None, lon: float | None) -> bool:
    """Whether (lat, lon) lies in any of the area's polygons or circles.

    Units and board lists are the caller's business; a board without a
    position is never inside a shape.
    """
    if lat is None or lon is None:
        return False
    if any(polygon_contains(ring, lat, lon) for ring in area.get("polygons") or []):
        return True
    return any(circle_contains(c, lat, lon) for c in area.get("circles") or [])
