"""The pure uptime core: compaction, overlay, operating hours and availability, to the second."""
from datetime import datetime

import pytest

from manager.uptime import (
    Beat,
    Interval,
    availability,
    compact,
    operating_segments,
    overlay,
    with_offline,
)
from protocol.manifest import OperatingWindow
from protocol.timebase import VN_TZ

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=VN_TZ).timestamp()  # a Monday, local midnight


def beats(start, count, step=30, state="on", live=True, interval=30):
    return [Beat(start + k * step, state, live, interval) for k in range(count)]


def test_regular_heartbeats_make_one_interval_ending_two_and_a_half_intervals_after_the_last():
    ivs = compact(beats(T0, 10))
    assert ivs == [Interval(T0, T0 + 9 * 30 + 75, "on", True)]


def test_gap_longer_than_grace_is_offline_from_last_plus_grace_to_next():
    seq = beats(T0, 3) + beats(T0 + 1000, 2)
    ivs = with_offline(compact(seq), T0, T0 + 2000)
    assert [(iv.start - T0, iv.end - T0, iv.state) for iv in ivs] == [
        (0, 60 + 75, "on"),
        (135, 1000, "offline"),
        (1000, 1030 + 75, "on"),
        (1105, 2000, "offline"),
    ]


def test_gap_of_exactly_grace_is_not_an_outage():
    seq = beats(T0, 1) + beats(T0 + 75, 1)
    assert compact(seq) == [Interval(T0, T0 + 150, "on", True)]


def test_backfilled_heartbeats_are_on_screen_but_not_connected():
    seq = beats(T0, 2) + beats(T0 + 60, 4, live=False) + beats(T0 + 180, 2)
    ivs = compact(seq)
    assert [(iv.start - T0, iv.end - T0, iv.connected) for iv in ivs] == [
        (0, 105, True),  # the live heartbeat at 30 vouches for contact until 105
        (105, 180, False),
        (180, 285, True),
    ]
    assert all(iv.state == "on" for iv in ivs)


def test_state_changes_split_intervals():
    seq = beats(T0, 2) + beats(T0 + 60, 2, state="error") + beats(T0 + 120, 1)
    ivs = compact(seq)
    assert [(iv.start - T0, iv.end - T0, iv.state) for iv in ivs] == [(0, 60, "on"), (60, 120, "error"), (120, 195, "on")]


def test_overlay_top_wins_where_it_covers():
    base = [Interval(0, 100, "on", True)]
    top = [Interval(20, 30, "error", False), Interval(90, 120, "on", True)]
    assert overlay(base, top) == [
        Interval(0, 20, "on", True),
        Interval(20, 30, "error", False),
        Interval(30, 120, "on", True),
    ]


def test_operating_hours_cross_midnight_and_weekdays():
    hours = [OperatingWindow(weekdays=[1], start="22:00", end="02:00")]
    segs = operating_segments(hours, T0, T0 + 7 * 86400)
    assert [(s - T0, e - T0) for s, e in segs] == [(22 * 3600, 26 * 3600)]
    whole_day = [OperatingWindow(start="06:00", end="06:00")]
    assert operating_segments(whole_day, T0, T0 + 86400) == [(T0, T0 + 86400)]
    assert operating_segments([OperatingWindow(start="06:00", end="24:00")], T0, T0 + 86400) == [
        (T0 + 6 * 3600, T0 + 86400)
    ]


def test_availability_excludes_time_outside_operating_hours():
    hours = [OperatingWindow(start="06:00", end="22:00")]
    day = (T0, T0 + 86400)
    ops = operating_segments(hours, *day)
    # On from 06:00 to 12:00 and from 13:00 to 22:00 (last beat 21:59:00); offline 12:00-13:00 and at night.
    seq = beats(T0 + 6 * 3600, 6 * 120 - 2) + beats(T0 + 13 * 3600, 9 * 120 - 1)
    av = availability(compact(seq), ops, day)
    assert av.operating_s == 16 * 3600
    last_first = T0 + 6 * 3600 + (6 * 120 - 3) * 30 + 75
    assert [(o.start, o.end, o.state) for o in av.outages] == [(last_first, T0 + 13 * 3600, "offline")]
    assert av.outages[0].counted_s == T0 + 13 * 3600 - last_first
    assert av.on_screen_s == pytest.approx(16 * 3600 - av.outages[0].counted_s)
    assert av.connected_pct == av.on_screen_pct


def test_no_operating_time_gives_no_figure():
    av = availability([], [], (T0, T0 + 3600))
    assert av.on_screen_pct is None and av.connected_pct is None


def test_combined_days_equal_the_whole_period_and_join_outages_across_midnight():
    from manager.uptime import combine

    hours = [OperatingWindow(start="20:00", end="04:00")]
    seq = beats(T0 + 20 * 3600, 100) + beats(T0 + 26 * 3600, 200)  # dark from about 20:51 to 02:00 next day
    ivs = compact(seq)
    whole_window = (T0, T0 + 2 * 86400)
    whole = availability(ivs, operating_segments(hours, *whole_window), whole_window)
    days = [(T0 + k * 86400, T0 + (k + 1) * 86400) for k in range(2)]
    parts = combine([availability(ivs, operating_segments(hours, *d), d) for d in days])
    assert parts == whole
    assert any(o.start < T0 + 86400 < o.end for o in whole.outages), "one outage across midnight"
