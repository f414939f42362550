"""Report periods in Vietnam local time: a month, a quarter, a year, or custom dates.

Written as "2026-03", "2026-Q1", "2026", or "2026-01-05..2026-02-10"
(inclusive local dates). Every period is a half-open [start, end) of epoch seconds.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from manager import i18n
from manager import vnformat
from protocol.timebase import VN_TZ


@dataclass(frozen=True)
class Period:
    key: str
    label_vi: str
    first_day: date
    last_day: date  # inclusive

    @property
    def start(self) -> float:
        return datetime.combine(self.first_day, time(0), VN_TZ).timestamp()

    @property
    def end(self) -> float:
        return datetime.combine(self.last_day + timedelta(days=1), time(0), VN_TZ).timestamp()

    def label(self, lang: str = "vi") -> str:
        """The period as a person reads it, in the console's language (custom dates read the same in both)."""
        if lang != "en":
            return self.label_vi
        if m := re.fullmatch(r"(\d{4})-(\d{2})", self.key):
            return i18n.text(lang, "reports.period_month", m=int(m[2]), y=m[1])
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", self.key):
            return i18n.text(lang, "reports.period_quarter", q=m[2], y=m[1])
        if re.fullmatch(r"\d{4}", self.key):
            return i18n.text(lang, "reports.period_year", y=self.key)
        return self.label_vi

    @property
    def year(self) -> int:
        return self.last_day.year

    def months(self) -> list["Period"]:
        out, cursor = [], self.first_day.replace(day=1)
        while cursor <= self.last_day:
            out.append(month(cursor.year, cursor.month))
            cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=k) for k in range((self.last_day - self.first_day).days + 1)]


def month(year: int, m: int) -> Period:
    first = date(year, m, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Period(f"{year}-{m:02d}", f"Tháng {m}/{year}", first, last)


def parse(text: str) -> Period:
    # Imported here: the rest of this module is pure, and `verify-evidence` uses it without the web stack.
    from manager.errors import BadInput

    text = (text or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
            q = int(m[2])
            first = date(int(m[1]), 3 * q - 2, 1)
            last = month(int(m[1]), 3 * q).last_day
            return Period(f"{m[1]}-Q{q}", f"Quý {q}/{m[1]}", first, last)
        if m := re.fullmatch(r"(\d{4})", text):
            return Period(text, f"Năm {text}", date(int(text), 1, 1), date(int(text), 12, 31))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if last < first:
                raise ValueError("end before start")
            if (last - first).days > 3660:
                raise ValueError("longer than ten years")
            return Period(text, f"{first:%d/%m/%Y} – {last:%d/%m/%Y}", first, last)
    except ValueError as exc:
        raise BadInput(f"Kỳ báo cáo không hợp lệ: {text!r} ({exc})", f"invalid period {text!r}: {exc}") from exc
    raise BadInput(
        f"Kỳ báo cáo không hợp lệ: {text!r}; dùng 2026-03, 2026-Q1, 2026 hoặc 2026-01-05..2026-02-10",
        f"invalid period {text!r}; use 2026-03, 2026-Q1, 2026 or 2026-01-05..2026-02-10",
    )


KINDS = ("month", "quarter", "year", "dates")


def from_picker(kind: str, fields) -> str:
    """The picker's one chosen kind, read from its own field only (a pre-filled month never overrides a quarter).

    Custom dates are typed as dd/mm/yyyy (or ISO); the answer is a period string for `parse`.
    """
    from manager.errors import BadInput  # as in parse: the module stays usable without the web stack

    value = lambda name: (fields.get(name) or "").strip()  # noqa: E731
    if kind == "dates":
        try:
            first, last = vnformat.parse_day(value("from")), vnformat.parse_day(value("to"))
        except ValueError as exc:
            raise BadInput("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2026",
                           "invalid date: type day/month/year, e.g. 05/01/2026") from exc
        return f"{first.isoformat()}..{last.isoformat()}"
    if kind not in KINDS or not value(kind):
        raise BadInput("Hãy chọn một kỳ báo cáo: tháng, quý, năm hoặc khoảng ngày",
                       "choose one report period: a month, quarter, year or dates")
    return value(kind)
