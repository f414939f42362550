"""Dates and times as Vietnamese boards show them, in Asia/Ho_Chi_Minh."""
from datetime import datetime

from protocol.timebase import VN_TZ

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def clock_text(now: datetime) -> str:
    """'10:30' in Vietnam time."""
    return now.astimezone(VN_TZ).strftime("%H:%M")


def date_text(now: datetime) -> str:
    """'Thứ Sáu, 27/11/2026' in Vietnam time."""
    local = now.astimezone(VN_TZ)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}"


def full_text(now: datetime) -> str:
    """'Thứ Sáu, 27/11/2026 10:30'."""
    return f"{date_text(now)} {clock_text(now)}"
