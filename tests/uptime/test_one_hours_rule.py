"""The board's "is it on now" and the uptime report's operating time are one rule: checked minute by minute over a
week with odd hours (a window past midnight, one ending at midnight, a whole-day window, a weekend gap) and a
change of hours in the middle of the week."""
from datetime import datetime, timedelta, timezone

from manager import uptime
from protocol.manifest import OperatingWindow
from protocol.schedule import is_operating
from protocol.timebase import VN_TZ

BEFORE = [OperatingWindow(weekdays=[1, 2, 3, 4, 5], start="05:30", end="22:15"),
          OperatingWindow(weekdays=[5, 6], start="20:00", end="02:00"),   # past midnight, into Saturday and Sunday
          OperatingWindow(weekdays=[7], start="07:45", end="00:00")]      # ends at midnight
AFTER = [OperatingWindow(weekdays=[1, 3, 5], start="23:00", end="06:30"),  # nights only
         OperatingWindow(weekdays=[6], start="09:00", end="09:00"),       # equal times: the whole day from 09:00
         OperatingWindow(weekdays=[2, 7], start="12:01", end="12:59")]


def test_board_and_uptime_agree_minute_by_minute_over_a_week_with_a_change():
    monday = datetime(2026, 3, 2, tzinfo=VN_TZ)  # a Monday, Vietnam time
    start, end = monday.timestamp(), (monday + timedelta(days=7)).timestamp()
    changed_at = (monday + timedelta(days=3, hours=13, minutes=17)).timestamp()  # Thursday 13:17
    history = [(0.0, BEFORE), (changed_at, AFTER)]
    segments = uptime.operating_segments_over(history, start, end)
    on_minutes = disagreements = 0
    t = start + 30  # the middle of every minute
    while t < end:
        hours = AFTER if t >= changed_at else BEFORE
        board_says = is_operating(hours, datetime.fromtimestamp(t, timezone.utc))
        report_says = any(lo <= t < hi for lo, hi in segments)
        disagreements += board_says != report_says
        on_minutes += board_says
        t += 60
    assert disagreements == 0
    counted = sum(hi - lo for lo, hi in segments)
    assert abs(counted - on_minutes * 60) <= 60, "the denominator is the time the board is on (to the minute of the change)"
    assert 0 < on_minutes < 7 * 24 * 60
