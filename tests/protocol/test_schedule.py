"""The schedule as a pure function of (manifest, now), with a frozen clock."""
from datetime import datetime, timedelta, timezone

from layouts import builtin_layouts
from protocol.manifest import Alert, BoardInfo, Item, Manifest, OperatingWindow, Playlist, ScheduleRule, TimeWindow
from protocol.schedule import select, timeline

VN = timezone(timedelta(hours=7))


def _manifest(rules, default="p-default", alerts=(), hours=()):
    playlists = {pid: Playlist(id=pid, name=pid, layout="landscape-16x9",
                               items=[Item(id=f"{pid}-1", zone="ticker", kind="ticker", text=pid)])
                 for pid in {"p-default", "p-normal", "p-priority", "p-emergency", "p-night"}}
    board = BoardInfo(id="b-1", name="b", unit_catalogue="vn-2025", unit_code="00070", unit_name="Phường Hoàn Kiếm",
                      board_class="commune", width=1920, height=1080, orientation="landscape", layout="landscape-16x9",
                      operating_hours=list(hours))
    return Manifest(generated_at=datetime(2026, 11, 1, tzinfo=timezone.utc), valid_until=datetime(2026, 12, 1, tzinfo=timezone.utc),
                    board=board, layouts={"landscape-16x9": builtin_layouts()["landscape-16x9"]}, assets={},
                    playlists=playlists, schedule=list(rules), default_playlist=default, alerts=list(alerts)).with_version()


def test_priority_order_emergency_priority_normal_default():
    rules = [ScheduleRule(id="r-n", playlist="p-normal", windows=[TimeWindow(start="08:00", end="17:00")]),
             ScheduleRule(id="r-p", playlist="p-priority", priority="priority", windows=[TimeWindow(start="10:00", end="11:00")]),
             ScheduleRule(id="r-e", playlist="p-emergency", priority="emergency",
                          starts_at=datetime(2026, 11, 27, 10, 30, tzinfo=VN), ends_at=datetime(2026, 11, 27, 10, 45, tzinfo=VN))]
    m = _manifest(rules)
    at = lambda h, mi: datetime(2026, 11, 27, h, mi, tzinfo=VN)  # noqa: E731
    assert select(m, at(7, 0)).playlist == "p-default"
    assert select(m, at(9, 0)).playlist == "p-normal"
    assert select(m, at(10, 15)).playlist == "p-priority"
    assert select(m, at(10, 35)).playlist == "p-emergency"
    assert select(m, at(10, 50)).playlist == "p-priority"
    assert select(m, at(18, 0)).playlist == "p-default"
    # `until` aims the board's one timer at the next change.
    assert select(m, at(9, 0)).until == at(10, 0)
    assert select(m, at(10, 35)).until == at(10, 45)


def test_weekdays_dates_and_midnight_windows():
    rules = [ScheduleRule(id="r-night", playlist="p-night", weekdays=[5], windows=[TimeWindow(start="22:00", end="02:00")],
                          date_from="2026-11-01", date_to="2026-11-30")]
    m = _manifest(rules)
    friday_late = datetime(2026, 11, 27, 23, 0, tzinfo=VN)  # a Friday
    saturday_early = datetime(2026, 11, 28, 1, 0, tzinfo=VN)
    saturday_late = datetime(2026, 11, 28, 23, 0, tzinfo=VN)
    assert select(m, friday_late).playlist == "p-night"
    assert select(m, saturday_early).playlist == "p-night", "the window belongs to the day it starts"
    assert select(m, saturday_late).playlist == "p-default"
    assert select(m, datetime(2026, 12, 4, 23, 0, tzinfo=VN)).playlist == "p-default", "after date_to"


def test_operating_hours_dark_but_alerts_still_show():
    hours = [OperatingWindow(start="06:00", end="22:00")]
    alert = Alert(id="a-1", level=4, headline="Bão số 9", starts_at=datetime(2026, 11, 27, 23, 0, tzinfo=VN),
                  ends_at=datetime(2026, 11, 28, 3, 0, tzinfo=VN))
    m = _manifest([], hours=hours, alerts=[alert])
    night = select(m, datetime(2026, 11, 27, 22, 30, tzinfo=VN))
    assert not night.operating and night.playlist is None
    assert night.until == datetime(2026, 11, 27, 23, 0, tzinfo=VN)
    storm = select(m, datetime(2026, 11, 28, 1, 0, tzinfo=VN))
    assert storm.operating and storm.alerts[0].id == "a-1"
    day = select(m, datetime(2026, 11, 28, 7, 0, tzinfo=VN))
    assert day.operating and day.playlist == "p-default" and not day.alerts


def test_alerts_most_severe_first():
    start = datetime(2026, 11, 27, 8, 0, tzinfo=VN)
    alerts = [Alert(id="a-low", level=2, headline="x", starts_at=start), Alert(id="a-high", level=5, headline="y", starts_at=start)]
    assert [a.id for a in select(_manifest([], alerts=alerts), start + timedelta(minutes=1)).alerts] == ["a-high", "a-low"]


def test_timeline_covers_the_week_without_gaps():
    rules = [ScheduleRule(id="r-n", playlist="p-normal", weekdays=[1, 2, 3, 4, 5], windows=[TimeWindow(start="08:00", end="17:00")])]
    start = datetime(2026, 11, 23, 0, 0, tzinfo=VN)  # a Monday
    segments = timeline(_manifest(rules), start, start + timedelta(days=7))
    assert segments[0][0] == start and segments[-1][1] == start + timedelta(days=7)
    assert all(a[1] == b[0] for a, b in zip(segments, segments[1:]))
    normal = [(s, e) for s, e, sel in segments if sel.playlist == "p-normal"]
    assert len(normal) == 5 and all(e - s == timedelta(hours=9) for s, e in normal)


def test_nfc_and_version_stability():
    decomposed = "Thông báo".replace("ô", "o\u0302")
    item = Item(id="i", zone="ticker", kind="ticker", text=decomposed)
    assert item.text == "Thông báo"
    assert _manifest([]).version == _manifest([]).version
