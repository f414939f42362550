"""Reading url-encoded forms posted by the console's pages."""
from datetime import datetime

from fastapi import Request

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
        """A datetime-local field, entered in Vietnam time, as an aware datetime (stored as UTC by the core)."""
        value = self.get(key, "").strip()
        if not value:
            return None
        try:
            return datetime.fromisoformat(value).replace(tzinfo=VN_TZ)
        except ValueError as exc:
            raise BadInput(f"{label_vi} không hợp lệ", f"invalid {label_en}") from exc


async def form_of(request: Request) -> Form:
    data = await request.form()
    return Form([(k, v) for k, v in data.multi_items() if isinstance(v, str)])
