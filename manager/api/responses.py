"""What the main list endpoints answer, as models: the OpenAPI schema then says it, and the
fuzz run (tests/hardening/test_fuzz.py) checks every answer against it.

Fields a client relies on are typed and required. Extra fields are let through
(`extra="allow"`): a column another change adds must not turn answers into 500s.
"""
from pydantic import BaseModel, ConfigDict

from protocol.manifest import OperatingWindow


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class BoardOut(_Out):
    id: str
    name: str
    unit_catalogue: str
    unit_code: str
    board_class: str
    width: int
    height: int
    orientation: str | None
    operating_hours: list[OperatingWindow]
    heartbeat_interval_s: int
    lat: float | None
    lon: float | None
    is_test: bool
    revoked_at: str | None
    created_at: str
    paired_at: str | None
    last_seen_at: float | None
    last_seq: int | None
    applied_version: str | None
    display_state: str | None
    clock_skew_s: float | None
    clock_state: str | None  # the newest heartbeat's `clock`: synced, held or unsynced
    ntp_disagreement_s: float | None  # its wall clock minus the manager's time, when kept by NTP and off by > 1 s
    software_version: str | None
    disk_free_bytes: int | None
    layout: str | None


class GroupOut(_Out):
    id: int
    name: str
    unit_code: str | None
    boards: list[str]
    schedules: int


class AssetOut(_Out):
    sha256: str
    size: int
    mime: str
    kind: str
    width: int | None
    height: int | None
    duration_s: float | None
    original_name: str
    uploaded_by: int | None
    unit_catalogue: str | None
    unit_code: str | None
    created_at: str


class PlaylistSummary(_Out):
    id: str
    name: str
    layout: str
    unit_catalogue: str | None
    unit_code: str | None
    created_by: int | None
    created_at: str
    updated_at: str


class ErrorOut(_Out):
    """Every error: a code, the message for people in Vietnamese, and in English."""

    error: str
    message: str
    message_en: str


_ERRORS = {400: "bad request", 401: "no valid token or session", 403: "not allowed for this caller", 404: "not found",
           409: "conflicts with the current state", 413: "body too large", 415: "unsupported media type",
           429: "too many requests", 507: "the server's disk is full"}
ERROR_RESPONSES = {status: {"model": ErrorOut, "description": text} for status, text in _ERRORS.items()}

