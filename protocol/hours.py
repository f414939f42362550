"""A board's class and operating hours: the manifest's fields that the uptime figures also use.

Apart from `protocol.manifest` (which pulls in notices, layouts and the
typeface's font files) so that `verify-evidence` recomputes figures with
pydantic as its only dependency (docs/uptime.md).
"""
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

HHMM_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"


class BoardClass(str, Enum):
    commune = "commune"  # a commune-level unit's public board
    large = "large"  # a large LED/LCD board (indicator 2.2)


class OperatingWindow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    start: str = Field(pattern=HHMM_PATTERN)
    end: str = Field(pattern=HHMM_PATTERN)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def window_minutes(start: str, end: str) -> tuple[int, int]:
    """A window (operating hours or a schedule's) as minutes after its start day's midnight.

    The one rule for what a window covers, used by the board ("is it on now")
    and by the manager's uptime (its denominator, `manager.uptime.operating_segments`):
    a window whose end is at or before its start runs past midnight and
    belongs to its start day (equal times: the whole day from start to start).
    """
    s, e = _minutes(start), _minutes(end)
    return s, (e + 24 * 60 if e <= s else e)
