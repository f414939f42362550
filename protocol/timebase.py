"""Time conventions: the wire and the database carry UTC; people see Vietnam time."""
from datetime import datetime, timezone
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _require_aware(value: datetime) -> datetime:
    # A naive timestamp from a board could mean anything; refuse it rather than guess.
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a UTC offset, e.g. 2026-01-01T00:00:00Z")
    return value.astimezone(timezone.utc)


UTCDateTime = Annotated[datetime, AfterValidator(_require_aware)]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_local(value: datetime) -> datetime:
    return value.astimezone(VN_TZ)


def iso(value: datetime) -> str:
    """Fixed width, so stored timestamps sort and compare as text."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
