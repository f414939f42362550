"""The manifest: everything one board needs to play the next days on its own.

The manager builds one per board; the board evaluates it with
`protocol.schedule` and needs no network until the next manifest.
"""
import hashlib
import json
from datetime import date
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from protocol.heartbeat import DEFAULT_HEARTBEAT_INTERVAL_S  # noqa: F401 (part of the manifest's API)
from protocol.hours import HHMM_PATTERN, BoardClass, OperatingWindow  # noqa: F401 (part of the manifest's API)
from protocol.layout import Fit, Layout
from protocol.notice import Notice
from protocol.text import NFCStr
from protocol.timebase import UTCDateTime

MANIFEST_SCHEMA = 1
SHA256_PATTERN = r"^[0-9a-f]{64}$"

# Boards are upgraded long after their manager, one by one. A field a board does not know yet is
# ignored rather than refused: refusing it would leave the board on its last manifest for good,
# deaf to every later warning, after the manager's upgrade.
MANIFEST_MODEL = ConfigDict(extra="ignore")


class Priority(str, Enum):
    """The three levels of Circular 39/2020/TT-BTTTT, lowest first."""

    normal = "normal"
    priority = "priority"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.normal: 1, Priority.priority: 2, Priority.emergency: 3}


class ItemKind(str, Enum):
    image = "image"
    video = "video"
    document = "document"  # a PDF, shown page by page as images rendered for the board
    bulletin = "bulletin"
    ticker = "ticker"
    clock = "clock"


class AssetRef(BaseModel):
    model_config = MANIFEST_MODEL

    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0)
    mime: str
    kind: ItemKind
    url: str  # relative to the manager's base URL; immutable
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


class DocumentPart(BaseModel):
    """One image of a document as the board shows it: a whole page, or its half or third."""

    model_config = MANIFEST_MODEL

    asset: str = Field(pattern=SHA256_PATTERN)  # a PNG rendered for this board, listed in `assets`
    page: int = Field(ge=1)
    pages: int = Field(ge=1)  # the document's page count
    part: int = Field(default=1, ge=1, le=3)
    parts: int = Field(default=1, ge=1, le=3)  # 2: halves, 3: thirds, top to bottom
    duration_s: float = Field(gt=0, le=86400)


class Item(BaseModel):
    model_config = MANIFEST_MODEL

    id: str
    zone: str
    kind: ItemKind
    asset: str | None = Field(default=None, pattern=SHA256_PATTERN)
    title: NFCStr = ""
    body: NFCStr = ""
    text: NFCStr = ""  # ticker text
    duration_s: float = Field(default=10, gt=0, le=86400)
    fit: Fit | None = None  # None: the zone's own fit
    muted: bool = True
    notice: Notice | None = None  # a bulletin set as an official notice (Decree 30/2020/NĐ-CP)
    # A document: `asset` is the PDF (boards never fetch it); these are what they show, in order.
    parts: list[DocumentPart] = Field(default_factory=list)


class Playlist(BaseModel):
    model_config = MANIFEST_MODEL

    id: str
    name: NFCStr
    layout: str
    items: list[Item]


class TimeWindow(BaseModel):
    """Local (Vietnam) wall-clock window; an end at or before the start runs past midnight."""

    model_config = MANIFEST_MODEL

    start: str = Field(pattern=HHMM_PATTERN)
    end: str = Field(pattern=HHMM_PATTERN)


class ScheduleRule(BaseModel):
    model_config = MANIFEST_MODEL

    id: str
    playlist: str
    priority: Priority = Priority.normal
    # Local dates, inclusive; None is open-ended.
    date_from: date | None = None
    date_to: date | None = None
    # ISO weekdays, 1 = Monday ... 7 = Sunday.
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    windows: list[TimeWindow] = Field(default_factory=list)  # empty: all day
    starts_at: UTCDateTime | None = None
    ends_at: UTCDateTime | None = None

    @field_validator("weekdays")
    @classmethod
    def _iso_weekdays(cls, value: list[int]) -> list[int]:
        if not value or any(d < 1 or d > 7 for d in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday), at least one")
        return sorted(set(value))


class Alert(BaseModel):
    """An emergency warning; it covers the whole screen until it ends or is withdrawn."""

    model_config = MANIFEST_MODEL

    id: str
    # Risk levels of Decision 18/2021/QĐ-TTg: 1 light blue ... 5 purple.
    level: int = Field(ge=1, le=5)
    headline: NFCStr
    body: NFCStr = ""
    starts_at: UTCDateTime
    ends_at: UTCDateTime | None = None
    source: NFCStr = ""
    test: bool = False


class BoardInfo(BaseModel):
    model_config = MANIFEST_MODEL

    id: str
    name: NFCStr
    unit_catalogue: str
    unit_code: str
    unit_name: NFCStr
    board_class: BoardClass
    width: int
    height: int
    orientation: str
    layout: str  # for the idle screen and alerts; playlists name their own
    # Empty: on around the clock.
    operating_hours: list[OperatingWindow] = Field(default_factory=list)
    heartbeat_interval_s: int = Field(default=DEFAULT_HEARTBEAT_INTERVAL_S, ge=5, le=3600)
    screenshot_interval_s: int = Field(default=300, ge=30, le=86400)
    # The smallest line pitch for text, px; None: 1/30 of the screen height (protocol.pagination).
    min_line_px: int | None = Field(default=None, ge=8, le=400)


class Manifest(BaseModel):
    model_config = MANIFEST_MODEL

    schema_version: int = MANIFEST_SCHEMA
    version: str = ""
    generated_at: UTCDateTime
    valid_until: UTCDateTime
    board: BoardInfo
    layouts: dict[str, Layout]
    assets: dict[str, AssetRef]
    playlists: dict[str, Playlist]
    schedule: list[ScheduleRule]
    default_playlist: str | None = None
    alerts: list[Alert] = Field(default_factory=list)

    def with_version(self) -> "Manifest":
        return self.model_copy(update={"version": manifest_version(self)})


def manifest_version(manifest: Manifest) -> str:
    """A hash of what the board plays; the build time does not change it."""
    body = manifest.model_dump(mode="json", exclude={"version", "generated_at", "valid_until"})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
