"""Where an approved schedule stands in time: not started yet, in force, or over.

"Đã duyệt" alone misled people: a schedule approved for next week read
"đang phát". Pure (no database): the exact start/end (UTC) and the date
range (Vietnam local dates) decide; weekdays and daily windows do not make a
schedule "not started", they say when within its life it plays.
"""
from datetime import date, datetime

from protocol.timebase import VN_TZ


def _utc(value) -> datetime | None:
    if not value:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def phase(row: dict, now: datetime) -> tuple[str, datetime | date | None]:
    """("upcoming", when it starts) | ("ended", when it ended) | ("on_air", None)."""
    today = now.astimezone(VN_TZ).date()
    starts, ends = _utc(row.get("starts_at")), _utc(row.get("ends_at"))
    date_from = date.fromisoformat(row["date_from"]) if row.get("date_from") else None
    date_to = date.fromisoformat(row["date_to"]) if row.get("date_to") else None
    if starts and starts > now:
        return "upcoming", starts
    if date_from and date_from > today:
        return "upcoming", date_from
    if ends and ends <= now:
        return "ended", ends
    if date_to and date_to < today:
        return "ended", date_to
    return "on_air", None
