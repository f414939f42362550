"""The week view: what plays when on a board, and where its rules collide.

Pure functions of a board's manifest, so the console shows exactly what the
board will compute: segments come from `protocol.schedule.timeline`.
A conflict is two rules of the same priority that would both be active on
the same board at the same time (the board plays only one of them).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from protocol.manifest import Manifest
from protocol.schedule import timeline
from protocol.timebase import VN_TZ

DAY_S = 86400


@dataclass(frozen=True)
class Block:
    top_pct: float
    height_pct: float
    label: str
    kind: str  # playlist priority (normal|priority|emergency), "default", "off", "alert" or "none"
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Conflict:
    rule_a: str
    rule_b: str
    playlist_a: str
    playlist_b: str
    priority: str
    start: datetime
    end: datetime


@dataclass
class BoardWeek:
    days: list[tuple[date, list[Block]]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    start = datetime.combine(monday, time(0), VN_TZ)
    return start, start + timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def _label(manifest: Manifest, sel) -> tuple[str, str]:
    if sel.alerts:
        return sel.alerts[0].headline, "alert"
    if not sel.operating:
        return "", "off"
    if sel.playlist is None:
        return "", "none"
    name = manifest.playlists[sel.playlist].name if sel.playlist in manifest.playlists else sel.playlist
    return name, sel.priority.value if sel.priority else "default"


def board_week(manifest: Manifest, monday: date) -> BoardWeek:
    start, end = week_bounds(monday)
    segments = timeline(manifest, start, end)
    week = BoardWeek()
    for offset in range(7):
        day = monday + timedelta(days=offset)
        day_start = datetime.combine(day, time(0), VN_TZ)
        day_end = day_start + timedelta(days=1)
        blocks = []
        for seg_start, seg_end, sel in segments:
            lo, hi = max(seg_start, day_start), min(seg_end, day_end)
            if hi <= lo:
                continue
            label, kind = _label(manifest, sel)
            blocks.append(Block(100 * (lo - day_start).total_seconds() / DAY_S, 100 * (hi - lo).total_seconds() / DAY_S,
                                label, kind, lo, hi))
        week.days.append((day, blocks))
    week.conflicts = conflicts(manifest, start, end)
    return week


def _active_spans(manifest: Manifest, rule, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    alone = manifest.model_copy(update={"schedule": [rule], "default_playlist": None, "alerts": []})
    return [(a, b) for a, b, sel in timeline(alone, start, end) if sel.rule == rule.id]


def conflicts(manifest: Manifest, start: datetime, end: datetime) -> list[Conflict]:
    spans = {rule.id: _active_spans(manifest, rule, start, end) for rule in manifest.schedule}
    found = []
    rules = manifest.schedule
    for i, a in enumerate(rules):
        for b in rules[i + 1:]:
            if a.priority != b.priority:
                continue
            for a_lo, a_hi in spans[a.id]:
                for b_lo, b_hi in spans[b.id]:
                    lo, hi = max(a_lo, b_lo), min(a_hi, b_hi)
                    if hi > lo:
                        name = lambda r: manifest.playlists[r.playlist].name if r.playlist in manifest.playlists else r.playlist  # noqa: E731
                        found.append(Conflict(a.id, b.id, name(a), name(b), a.priority.value, lo, hi))
    return sorted(found, key=lambda c: c.start)
