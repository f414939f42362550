"""The week view as a pure function of a manifest, on hand-made rules (no server)."""
from datetime import date, datetime, timezone

from manager.console.week import board_week, monday_of
from protocol.manifest import BoardInfo, Manifest, OperatingWindow, Playlist, Priority, ScheduleRule

MONDAY = date(2026, 11, 23)


def _manifest(rules, hours=(), default=None) -> Manifest:
    board = BoardInfo(id="b-1", name="Bảng thử", unit_catalogue="vn-2025", unit_code="04465", unit_name="Xã Khao Mang",
                      board_class="commune", width=1920, height=1080, orientation="landscape", layout="landscape-16x9",
                      operating_hours=list(hours))
    names = {"p-a": "Tiêm chủng", "p-b": "Họp dân", "p-c": "Mặc định"}
    return Manifest(generated_at=datetime(2026, 11, 23, tzinfo=timezone.utc), valid_until=datetime(2026, 12, 1, tzinfo=timezone.utc),
                    board=board, layouts={}, assets={},
                    playlists={pid: Playlist(id=pid, name=name, layout="landscape-16x9", items=[]) for pid, name in names.items()},
                    schedule=rules, default_playlist=default, alerts=[])


def test_blocks_follow_the_rules_in_vietnam_time():
    rule = ScheduleRule(id="s-a", playlist="p-a", weekdays=[1], windows=[{"start": "06:00", "end": "12:00"}])
    week = board_week(_manifest([rule], default="p-c"), MONDAY)
    day, blocks = week.days[0]
    assert day == MONDAY
    assert [(b.label, b.kind, round(b.top_pct, 2), round(b.height_pct, 2)) for b in blocks] == [
        ("Mặc định", "default", 0, 25), ("Tiêm chủng", "normal", 25, 25), ("Mặc định", "default", 50, 50)]
    assert [b.label for b in week.days[1][1]] == ["Mặc định"]
    assert not week.conflicts


def test_same_priority_overlap_is_a_conflict_and_other_priorities_are_not():
    a = ScheduleRule(id="s-a", playlist="p-a", windows=[{"start": "06:00", "end": "12:00"}])
    b = ScheduleRule(id="s-b", playlist="p-b", weekdays=[3], windows=[{"start": "11:00", "end": "13:00"}])
    week = board_week(_manifest([a, b]), MONDAY)
    assert len(week.conflicts) == 1
    conflict = week.conflicts[0]
    assert (conflict.playlist_a, conflict.playlist_b) == ("Tiêm chủng", "Họp dân")
    assert conflict.start.isoformat() == "2026-11-25T11:00:00+07:00" and conflict.end.isoformat() == "2026-11-25T12:00:00+07:00"
    urgent = b.model_copy(update={"priority": Priority.priority})
    assert not board_week(_manifest([a, urgent]), MONDAY).conflicts


def test_outside_operating_hours_is_off_and_no_conflict():
    a = ScheduleRule(id="s-a", playlist="p-a", windows=[{"start": "22:00", "end": "23:00"}])
    b = ScheduleRule(id="s-b", playlist="p-b", windows=[{"start": "22:00", "end": "23:30"}])
    hours = [OperatingWindow(start="06:00", end="21:00")]
    week = board_week(_manifest([a, b], hours), MONDAY)
    assert not week.conflicts
    assert [b.kind for b in week.days[0][1]] == ["off", "none", "off"]


def test_monday_of():
    assert monday_of(date(2026, 11, 29)) == MONDAY and monday_of(MONDAY) == MONDAY
