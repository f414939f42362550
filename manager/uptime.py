"""Uptime: a board's heartbeats turned into a timeline, and availability measured on it.

Pure functions of their inputs; times are epoch seconds (UTC) as floats.

The rules, decided once here and documented in docs/uptime.md:

* A heartbeat placed at t with interval i vouches for [t, t + 2.5 i): the board
  counts as up while the next heartbeat arrives within 2.5 times its interval.
  Its state holds until the next heartbeat (of any kind) or until t + 2.5 i,
  whichever comes first. With no heartbeat vouching for an instant, the board is
  offline there: an outage starts 2.5 intervals after the last heartbeat and ends
  at the next one, to the second.
* On screen: a heartbeat with display_state "on" (sent live or recorded
  offline and uploaded later).
* Connected: an instant vouched for by a heartbeat delivered within its
  interval (`Beat.live`: the manager's `late` verdict, manager/heartbeats.py),
  whatever the screen showed.
* Time outside the board's operating hours (from the manager's record of the
  board, as they were at each moment: changes are kept with their time) is
  left out of the denominator; a board that reports scheduled_off or error
  inside its hours is not on screen.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, NamedTuple, Sequence

from protocol.hours import window_minutes
from protocol.timebase import VN_TZ

GRACE_FACTOR = 2.5


def is_online(last_seen_at: float | None, heartbeat_interval_s: float, now: float) -> bool:
    """A board is online when it reported within GRACE_FACTOR of its heartbeat intervals: the uptime
    rule, also used by the boards wall and the source link's status."""
    return last_seen_at is not None and now - last_seen_at <= GRACE_FACTOR * heartbeat_interval_s
STATES = ("on", "scheduled_off", "error", "offline")

Segment = tuple[float, float]


class Beat(NamedTuple):
    """What compaction needs from one stored heartbeat."""

    placed_at: float
    state: str  # on | scheduled_off | error
    live: bool
    interval_s: float


class Interval(NamedTuple):  # a tuple: a year of a province's intervals loads fast
    start: float
    end: float
    state: str  # on | scheduled_off | error | offline
    connected: bool

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Outage:
    start: float
    end: float
    state: str  # offline | error | scheduled_off (reported inside operating hours)
    counted_s: float  # seconds of operating time inside [start, end)

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Availability:
    window: Segment  # the part of the period the board was monitored in
    operating_s: float
    on_screen_s: float
    connected_s: float
    outages: list[Outage]
    late_s: float = 0.0  # on screen, known only from heartbeats recorded offline and sent later

    @property
    def late_pct(self) -> float | None:
        """How much of the on-screen time arrived late (recorded offline): believed, but not seen live."""
        return None if self.on_screen_s <= 0 else 100.0 * self.late_s / self.on_screen_s

    @property
    def on_screen_pct(self) -> float | None:
        return None if self.operating_s <= 0 else 100.0 * self.on_screen_s / self.operating_s

    @property
    def connected_pct(self) -> float | None:
        return None if self.operating_s <= 0 else 100.0 * self.connected_s / self.operating_s


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals with touching neighbours of equal kind joined."""
    out: list[Interval] = []
    for iv in intervals:
        if iv.end <= iv.start:
            continue
        if out and out[-1].end == iv.start and out[-1].state == iv.state and out[-1].connected == iv.connected:
            out[-1] = Interval(out[-1].start, iv.end, iv.state, iv.connected)
        else:
            out.append(iv)
    return out


def _union(segments: Iterable[Segment]) -> list[Segment]:
    out: list[list[float]] = []
    for s, e in sorted(segments):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def compact(beats: Sequence[Beat], grace: float = GRACE_FACTOR) -> list[Interval]:
    """Covered intervals (no offline ones) from heartbeats sorted by placed_at."""
    state_segments: list[tuple[float, float, str]] = []
    for k, beat in enumerate(beats):
        end = beat.placed_at + grace * beat.interval_s
        if k + 1 < len(beats):
            end = min(end, beats[k + 1].placed_at)
        if end > beat.placed_at:
            state_segments.append((beat.placed_at, end, beat.state))
    live = _union((b.placed_at, b.placed_at + grace * b.interval_s) for b in beats if b.live)
    out: list[Interval] = []
    j = 0
    for s, e, state in state_segments:
        cursor = s
        while j < len(live) and live[j][1] <= cursor:
            j += 1
        k = j
        while cursor < e:
            if k < len(live) and live[k][0] <= cursor:
                stop = min(e, live[k][1])
                out.append(Interval(cursor, stop, state, True))
                cursor = stop
                if stop == live[k][1]:
                    k += 1
            else:
                stop = min(e, live[k][0]) if k < len(live) else e
                out.append(Interval(cursor, stop, state, False))
                cursor = stop
    return merge(out)


def clip(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    return [
        Interval(max(iv.start, start), min(iv.end, end), iv.state, iv.connected)
        for iv in intervals
        if iv.end > start and iv.start < end
    ]


def overlay(base: Sequence[Interval], top: Sequence[Interval]) -> list[Interval]:
    """`top` wherever it covers, `base` elsewhere; both sorted and non-overlapping."""
    out: list[Interval] = []
    j = 0
    for iv in base:
        cursor = iv.start
        while j < len(top) and top[j].end <= cursor:
            j += 1
        k = j
        while cursor < iv.end:
            if k < len(top) and top[k].start <= cursor:
                cursor = max(cursor, top[k].end)
                k += 1
            else:
                stop = min(iv.end, top[k].start) if k < len(top) else iv.end
                out.append(Interval(cursor, stop, iv.state, iv.connected))
                cursor = stop
    return merge(sorted(out + list(top), key=lambda iv: iv.start))


def with_offline(intervals: Sequence[Interval], start: float, end: float) -> list[Interval]:
    """The timeline over [start, end): covered intervals, and offline ones in the gaps."""
    out: list[Interval] = []
    cursor = start
    for iv in clip(intervals, start, end):
        if iv.start > cursor:
            out.append(Interval(cursor, iv.start, "offline", False))
        out.append(iv)
        cursor = iv.end
    if cursor < end:
        out.append(Interval(cursor, end, "offline", False))
    return merge(out)


def operating_segments(hours: Sequence, start: float, end: float) -> list[Segment]:
    """Operating time within [start, end) as sorted segments.

    `hours` are OperatingWindow-like objects (weekdays, start, end in Vietnam
    wall-clock time); empty means around the clock. What a window covers is
    `protocol.hours.window_minutes`, the rule the board itself uses.
    """
    if end <= start:
        return []
    if not hours:
        return [(start, end)]
    # Vietnam has kept UTC+7 without daylight saving since 1975: one offset for the whole span.
    offset = datetime.fromtimestamp(start, timezone.utc).astimezone(VN_TZ).utcoffset().total_seconds()
    windows = []
    for w in hours:
        s, e = window_minutes(w.start, w.end)
        windows.append((set(w.weekdays), 60 * s, 60 * e))
    segments = []
    for day in range(int((start + offset) // 86400) - 1, int((end + offset) // 86400) + 1):
        midnight = day * 86400 - offset
        weekday = (day + 3) % 7 + 1  # 1 January 1970 was a Thursday
        for weekdays, s, e in windows:
            if weekday in weekdays:
                lo, hi = max(start, midnight + s), min(end, midnight + e)
                if hi > lo:
                    segments.append((lo, hi))
    return _union(segments)


def operating_segments_over(history: Sequence[tuple[float, Sequence]], start: float, end: float) -> list[Segment]:
    """Like `operating_segments`, with hours that changed over time: `history` is (from_at, hours)
    in time order, each in force until the next; before the first, the first applies."""
    if not history:
        return operating_segments([], start, end)
    segments = []
    for i, (from_at, hours) in enumerate(history):
        lo = start if i == 0 else max(start, from_at)
        hi = min(end, history[i + 1][0]) if i + 1 < len(history) else end
        segments += operating_segments(hours, lo, hi)
    return _union(segments)


def _overlap(a: Sequence[Segment], b: Sequence[Segment]) -> float:
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            total += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _overlap_each(spans: Sequence[Segment], ops: Sequence[Segment]) -> list[float]:
    """For sorted, non-overlapping `spans`, each one's overlap with `ops`, in one sweep."""
    out, j = [], 0
    for s, e in spans:
        while j < len(ops) and ops[j][1] <= s:
            j += 1
        total, k = 0.0, j
        while k < len(ops) and ops[k][0] < e:
            total += min(e, ops[k][1]) - max(s, ops[k][0])
            k += 1
        out.append(total)
    return out


def availability(intervals: Sequence[Interval], operating: Sequence[Segment], window: Segment) -> Availability:
    """On-screen and connected time over the operating time in `window`, and the outages.

    `intervals` are covered intervals (as from `compact`, sorted); `operating`
    the board's operating segments covering at least `window`. One pass, no
    sampling: exact to the float second.
    """
    start, end = window
    ops = [(max(s, start), min(e, end)) for s, e in operating if e > start and s < end]
    on: list = []
    late: list = []
    connected: list = []
    bad: list = []  # [start, end, state] runs not on screen: gaps (offline), error, scheduled_off
    cursor = start
    # The hot loop of a year's report: plain comparisons, no helper calls.
    for iv_start, iv_end, state, is_connected in intervals:
        s = iv_start if iv_start > start else start
        e = iv_end if iv_end < end else end
        if e <= s:
            continue
        if s > cursor:
            if bad and bad[-1][1] == cursor and bad[-1][2] == "offline":
                bad[-1][1] = s
            else:
                bad.append([cursor, s, "offline"])
        if state == "on":
            if on and on[-1][1] == s:
                on[-1][1] = e
            else:
                on.append([s, e])
            if not is_connected:
                if late and late[-1][1] == s:
                    late[-1][1] = e
                else:
                    late.append([s, e])
        elif bad and bad[-1][1] == s and bad[-1][2] == state:
            bad[-1][1] = e
        else:
            bad.append([s, e, state])
        if is_connected:
            if connected and connected[-1][1] == s:
                connected[-1][1] = e
            else:
                connected.append([s, e])
        cursor = e
    if cursor < end:
        if bad and bad[-1][1] == cursor and bad[-1][2] == "offline":
            bad[-1][1] = end
        else:
            bad.append([cursor, end, "offline"])
    counted = _overlap_each([(b[0], b[1]) for b in bad], ops)
    outages = [Outage(b[0], b[1], b[2], c) for b, c in zip(bad, counted) if c > 0]
    return Availability(
        window=(start, end),
        operating_s=sum(e - s for s, e in ops),
        on_screen_s=_overlap(on, ops),
        connected_s=_overlap(connected, ops),
        outages=outages,
        late_s=_overlap(late, ops),
    )


def combine(parts: Sequence[Availability | None]) -> Availability | None:
    """One availability from those of consecutive, touching windows (e.g. the months of a year).

    Times add up; an outage running across a boundary is joined back into one.
    """
    present = [p for p in parts if p is not None]
    if not present:
        return None
    outages: list[Outage] = []
    for p in present:
        for o in p.outages:
            last = outages[-1] if outages else None
            if last is not None and last.end == o.start and last.state == o.state:
                outages[-1] = Outage(last.start, o.end, o.state, last.counted_s + o.counted_s)
            else:
                outages.append(o)
    return Availability(
        window=(present[0].window[0], present[-1].window[1]),
        operating_s=sum(p.operating_s for p in present),
        on_screen_s=sum(p.on_screen_s for p in present),
        connected_s=sum(p.connected_s for p in present),
        outages=outages,
        late_s=sum(p.late_s for p in present),
    )
