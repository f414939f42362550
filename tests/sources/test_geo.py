import pytest

from manager import geo

# The Severe Thunderstorm Warning polygon of the CAP 1.2 specification.
SPEC_POLYGON = "38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14"


def test_parse_polygon_from_spec():
    ring = geo.parse_polygon(SPEC_POLYGON)
    assert ring[0] == ring[-1] == (38.47, -120.14)
    assert len(ring) == 5


@pytest.mark.parametrize("text", [
    "38.47,-120.14 38.62,-119.89 38.47,-120.14",  # too few points
    "38.47,-120.14 38.62,-119.89",  # a line, even once closed
    "38.47,-120.14 38.52 38.62,-119.89 38.47,-120.14",  # a point without longitude
    "95,0 1,1 2,2 95,0",  # latitude out of range
    "",
])
def test_bad_polygons(text):
    with pytest.raises(geo.GeoError):
        geo.parse_polygon(text)


def test_real_world_polygon_slips_are_read_as_meant():
    unclosed = geo.parse_polygon("38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89")
    assert unclosed == geo.parse_polygon(SPEC_POLYGON)
    spaced = geo.parse_polygon(" 38.47, -120.14\n 38.34 ,-119.95  38.52,-119.74\t38.62,-119.89 38.47,-120.14 ")
    assert spaced == geo.parse_polygon(SPEC_POLYGON)


def test_parse_circle_and_bad_circles():
    assert geo.parse_circle("32.9525,-115.5527 0") == {"lat": 32.9525, "lon": -115.5527, "radius_km": 0.0}
    for text in ("-115.5527 1", "1", "32.9525,-115.5527", "32.9,-115.5 -3", "32.9,-115.5 abc"):
        with pytest.raises(geo.GeoError):
            geo.parse_circle(text)


def test_polygon_inside_outside_and_edge():
    ring = [list(p) for p in geo.parse_polygon(SPEC_POLYGON)]
    assert geo.polygon_contains(ring, 38.48, -119.94)  # middle of the storm
    assert not geo.polygon_contains(ring, 38.30, -120.30)  # south-west, outside
    assert not geo.polygon_contains(ring, 38.6, -119.74)  # beside the eastern corner
    assert geo.polygon_contains(ring, 38.47, -120.14)  # a vertex counts as inside
    mid = ((38.47 + 38.34) / 2, (-120.14 + -119.95) / 2)
    assert geo.polygon_contains(ring, *mid)  # a point on an edge too


def test_concave_polygon():
    # A "U" opening northwards: the notch between the arms is outside.
    u = [[0, 0], [3, 0], [3, 1], [1, 1], [1, 2], [3, 2], [3, 3], [0, 3], [0, 0]]
    assert geo.polygon_contains(u, 0.5, 1.5)  # the bottom bar
    assert geo.polygon_contains(u, 2, 0.5)  # the western arm
    assert geo.polygon_contains(u, 2, 2.5)  # the eastern arm
    assert not geo.polygon_contains(u, 2, 1.5)  # the notch
    assert not geo.polygon_contains(u, 4, 1.5)  # north of everything


def test_distance_hanoi_ho_chi_minh_city():
    # Hoàn Kiếm lake to Bến Thành market: about 1,140 km as the crow flies.
    assert 1130 < geo.distance_km(21.0285, 105.8522, 10.7725, 106.6980) < 1150


def test_circle_contains():
    halong = {"lat": 20.95, "lon": 107.08, "radius_km": 30}
    assert geo.circle_contains(halong, 21.0, 107.2)  # about 13 km away
    assert not geo.circle_contains(halong, 21.03, 105.85)  # Hà Nội
    assert geo.circle_contains({"lat": 1, "lon": 2, "radius_km": 0}, 1, 2)  # a point circle holds its centre


def test_area_contains():
    area = {"units": [], "polygons": [[list(p) for p in geo.parse_polygon(SPEC_POLYGON)]],
            "circles": [{"lat": 20.95, "lon": 107.08, "radius_km": 30}]}
    assert geo.area_contains(area, 38.48, -119.94)
    assert geo.area_contains(area, 21.0, 107.2)
    assert not geo.area_contains(area, 21.03, 105.85)
    assert not geo.area_contains(area, None, None)  # a board without a position
    assert not geo.area_contains({"units": [{"catalogue": "vn-2025", "code": "22"}]}, 21.0, 107.2)
