"""What plays when: a pure function of (manifest, now).

The board calls it to choose what to show with no network, and the manager
calls it for the console's week view, so both sides agree by construction.
Wall-clock rules are in Vietnam time (no daylight saving); `now` is UTC.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from protocol.hours import _minutes, window_minutes
from protocol.manifest import Alert, Manifest, OperatingWindow, Priority, ScheduleRule, TimeWindow
from protocol.timebase import VN_TZ

HORIZON_DAYS = 8


@dataclass(frozen=True)
class Selection:
    """What the screen shows at one instant, and until when that holds."""

    operating: bool
    alerts: list[Alert] = field(default_factory=list)
    playlist: str | None = None
    rule: str | None = None  # None: the default playlist, or nothing
    priority: Priority | None = None
    until: datetime | None = None  # None: nothing changes within the horizon


def _in_window(start: str, end: str, local: datetime, weekdays: list[int]) -> bool:
    """True when `local` lies in the window, counted from today's start or, past midnight, from yesterday's."""
    minute = local.hour * 60 + local.minute
    s, e = window_minutes(start, end)
    today = local.isoweekday()
    yesterday = (today - 2) % 7 + 1
    return (today in weekdays and s <= minute < e) or (yesterday in weekdays and minute + 24 * 60 < e)


def _rule_active(rule: ScheduleRule, now: datetime) -> bool:
    if rule.starts_at and now < rule.starts_at:
        return False
    if rule.ends_at and now >= rule.ends_at:
        return False
    local = now.astimezone(VN_TZ)
    today = local.date()
    if rule.date_from and today < rule.date_from:
        return False
    if rule.date_to and today > rule.date_to:
        return False
    if not rule.windows:
        return local.isoweekday() in rule.weekdays
    return any(_in_window(w.start, w.end, local, rule.weekdays) for w in rule.windows)


def is_operating(hours: list[OperatingWindow], now: datetime) -> bool:
    if not hours:
        return True
    local = now.astimezone(VN_TZ)
    return any(_in_window(w.start, w.end, local, w.weekdays) for w in hours)


def active_alerts(alerts: list[Alert], now: datetime) -> list[Alert]:
    live = [a for a in alerts if a.starts_at <= now and (a.ends_at is None or now < a.ends_at)]
    # The most severe first, then the newest.
    return sorted(live, key=lambda a: (-a.level, -a.starts_at.timestamp()))


def _choose_rule(manifest: Manifest, now: datetime) -> ScheduleRule | None:
    best: ScheduleRule | None = None
    for rule in manifest.schedule:
        if rule.playlist not in manifest.playlists or not _rule_active(rule, now):
            continue
        # Ties go to the rule listed first: the manager lists the most specific, newest first.
        if best is None or rule.priority.rank > best.priority.rank:
            best = rule
    return best


def _local_instant(day: date, hhmm: str) -> datetime:
    minutes = _minutes(hhmm)
    return datetime.combine(day, time(0), VN_TZ) + timedelta(minutes=minutes)


def _window_edges(windows: list[TimeWindow] | list[OperatingWindow], first: date, days: int):
    for offset in range(days):
        day = first + timedelta(days=offset)
        for w in windows:
            yield _local_instant(day, w.start)
            yield _local_instant(day, w.end)


def change_points(manifest: Manifest, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in (start, end] at which the selection may change, sorted."""
    first = start.astimezone(VN_TZ).date() - timedelta(days=1)
    days = (end - start).days + 3
    points: set[datetime] = set()
    for offset in range(days):
        points.add(datetime.combine(first + timedelta(days=offset), time(0), VN_TZ))
    points.update(_window_edges(manifest.board.operating_hours, first, days))
    for rule in manifest.schedule:
        points.update(_window_edges(rule.windows, first, days))
        points.update(t for t in (rule.starts_at, rule.ends_at) if t)
    for alert in manifest.alerts:
        points.update(t for t in (alert.starts_at, alert.ends_at) if t)
    return sorted(p for p in points if start < p <= end)


def select(manifest: Manifest, now: datetime) -> Selection:
    """What plays at `now` (UTC, already corrected for clock skew), and until when."""
    horizon = now + timedelta(days=HORIZON_DAYS)
    current = _evaluate(manifest, now)
    until = None
    for point in change_points(manifest, now, horizon):
        if _evaluate(manifest, point) != current:
            until = point
            break
    return Selection(**{**current.__dict__, "until": until})


def _evaluate(manifest: Manifest, now: datetime) -> Selection:
    if not is_operating(manifest.board.operating_hours, now):
        # Warnings are shown even outside operating hours: lives matter more than the timetable.
        alerts = active_alerts(manifest.alerts, now)
        return Selection(operating=bool(alerts), alerts=alerts)
    alerts = active_alerts(manifest.alerts, now)
    rule = _choose_rule(manifest, now)
    if rule is not None:
        return Selection(True, alerts, rule.playlist, rule.id, rule.priority)
    if manifest.default_playlist in manifest.playlists:
        return Selection(True, alerts, manifest.default_playlist)
    return Selection(True, alerts)


def timeline(manifest: Manifest, start: datetime, end: datetime) -> list[tuple[datetime, datetime, Selection]]:
    """Consecutive (from, to, selection) segments covering [start, end), for week views."""
    segments = []
    cursor = start
    current = _evaluate(manifest, cursor)
    for point in change_points(manifest, start, end):
        nxt = _evaluate(manifest, point)
        if nxt != current:
            segments.append((cursor, point, current))
            cursor, current = point, nxt
    segments.append((cursor, end, current))
    return segments
