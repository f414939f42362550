"""Reading url-encoded forms posted by the console's pages."""
import re
from datetime import datetime

from fastapi import Request

from manager import vnformat
from manager.errors import BadInput
from protocol.timebase import VN_TZ


class Form(dict):
    """First value of each field, with `list_of` for repeated fields (checkboxes, multi-selects)."""

    def __init__(self, pairs: list[tuple[str, str]]):
        super().__init__()
        self.pairs = pairs
        for key, value in pairs:
            self.setdefault(key, value)

    def list_of(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key and v != ""]

    def required(self, key: str, label_vi: str, label_en: str) -> str:
        value = self.get(key, "").strip()
        if not value:
            raise BadInput(f"Thiếu {label_vi}", f"{label_en} is missing")
        return value

    def local_datetime(self, key: str, label_vi: str, label_en: str) -> datetime | None:
        """"dd/mm/yyyy HH:MM" typed in Vietnam time (ISO also read, for scripts), as an aware datetime."""
        value = self.get(key, "").strip()
        if not value:
            return None
        try:
            if m := re.fullmatch(r"(\S+)\s+(\d{1,2}):(\d{2})", value):
                day = vnformat.parse_day(m[1])
                return datetime(day.year, day.month, day.day, int(m[2]), int(m[3]), tzinfo=VN_TZ)
            return datetime.fromisoformat(value).replace(tzinfo=VN_TZ)
        except ValueError as exc:
            raise BadInput(f"{label_vi} không hợp lệ: nhập ngày/tháng/năm giờ:phút, ví dụ 05/01/2026 07:30",
                           f"invalid {label_en}: type dd/mm/yyyy HH:MM, e.g. 05/01/2026 07:30") from exc

    def local_date(self, key: str, label_vi: str, label_en: str) -> str | None:
        """"dd/mm/yyyy" (or ISO) as an ISO date string."""
        value = self.get(key, "").strip()
        if not value:
            return None
        try:
            return vnformat.parse_day(value).isoformat()
        except ValueError as exc:
            raise BadInput(f"{label_vi} không hợp lệ: nhập ngày/tháng/năm, ví dụ 05/01/2026",
                           f"invalid {label_en}: type dd/mm/yyyy, e.g. 05/01/2026") from exc

    def hhmm(self, key: str, label_vi: str, label_en: str) -> str:
        """A 24-hour time "H:MM" or "HH:MM" (also "7h30") as "HH:MM"; empty stays empty."""
        value = self.get(key, "").strip()
        if not value:
            return ""
        m = re.fullmatch(r"(\d{1,2})\s*[:hH.]\s*(\d{2})", value)
        if not m or int(m[1]) > 24 or int(m[2]) > 59 or (int(m[1]) == 24 and int(m[2]) != 0):
            raise BadInput(f"{label_vi} không hợp lệ: nhập giờ:phút theo 24 giờ, ví dụ 07:30",
                           f"invalid {label_en}: type a 24-hour HH:MM, e.g. 07:30")
        return f"{int(m[1]):02d}:{m[2]}"


async def form_of(request: Request) -> Form:
    data = await request.form()
    return Form([(k, v) for k, v in data.multi_items() if isinstance(v, str)])
