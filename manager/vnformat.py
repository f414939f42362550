"""Numbers, percentages and dates as the console's language writes them.

Vietnamese groups thousands with "." and marks decimals with "," (1.234,5;
98,7 %); dates are dd/mm/yyyy and times 24-hour, whatever the browser's
locale. English keeps 1,234.5. Pure functions, so pages, exports and tests
share one definition.
"""
import re
from datetime import date, datetime, timezone

from protocol.timebase import to_local


def number(value, decimals: int | None = None, lang: str = "vi") -> str:
    """`decimals=None` keeps an integer whole and shows up to two decimals otherwise, without trailing zeros."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if decimals is None:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value, decimals: int | None = None, lang: str = "vi") -> str:
    """98,7 % in Vietnamese (a space before the sign, as Vietnamese typesetting does), 98.7% in English."""
    if value is None:
        return ""
    return number(value, decimals, lang) + (" %" if lang != "en" else "%")


def day(value: date | datetime) -> str:
    return value.strftime("%d/%m/%Y")


def local(value) -> datetime:
    """A UTC instant as stored (epoch seconds, ISO text or a datetime), in Vietnam time."""
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, timezone.utc)
    elif isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return to_local(value)


def moment(value, with_seconds: bool = False) -> str:
    """A UTC instant (epoch seconds, ISO text or datetime) as Vietnam local "dd/mm/yyyy HH:MM"."""
    if value is None or value == "":
        return ""
    return local(value).strftime("%d/%m/%Y %H:%M:%S" if with_seconds else "%d/%m/%Y %H:%M")


def parse_day(text: str) -> date:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd; ValueError otherwise."""
    text = (text or "").strip()
    for sep in ("/", "-", "."):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            if len(parts[0]) == 4:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            if len(parts[2]) == 4:
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
    raise ValueError(f"not a date: {text!r}")


LOCAL_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})( \d{2}:\d{2}(:\d{2})?)?")


def stamp(text: str) -> str:
    """A report's machine-readable local time ("2026-03-02 10:25:05", kept so in JSON and CSV) as people read it."""
    m = LOCAL_STAMP.fullmatch(text) if isinstance(text, str) else None
    return f"{m[3]}/{m[2]}/{m[1]}{m[4] or ''}" if m else text


def stamp_value(text):
    """The same stamp as a datetime, for spreadsheets (a date cell, not text); anything else unchanged."""
    m = LOCAL_STAMP.fullmatch(text) if isinstance(text, str) else None
    return datetime.fromisoformat(text) if m else text


def duration(seconds: float | None, lang: str = "vi") -> str:
    """Time on screen as people say it: "2 giờ 05 phút", "12 phút 30 giây", "45 giây" (English: 2 h 05 min)."""
    if seconds is None:
        return ""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    h, m, s = ("h", "min", "s") if lang == "en" else ("giờ", "phút", "giây")
    if hours:
        return f"{number(hours, lang=lang)} {h} {minutes:02d} {m}"
    if minutes:
        return f"{minutes} {m} {secs:02d} {s}"
    return f"{secs} {s}"
