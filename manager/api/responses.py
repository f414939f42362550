"""What the editors' API answers, as models: the OpenAPI schema then says it, and the
fuzz run (tests/hardening/test_fuzz.py) checks every answer against it. The
source link's and the reports' answers: link_responses.py, report_responses.py.

Fields a client relies on are typed and required (nullable where the column is).
Extra fields are let through (`extra="allow"`): a column another change adds must
not turn answers into 500s. Types follow what the stores return, flags stored as
0/1 included: a model must never change an answer, only describe it.
"""
from typing import Any

from pydantic import BaseModel, ConfigDict

from protocol.manifest import OperatingWindow


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class UnitOut(_Out):
    catalogue: str
    code: str
    name: str
    kind: str
    level: int
    parent_code: str | None
    province_code: str


class UnitsImported(_Out):
    catalogue: str
    by_kind: dict[str, int]
    provinces: int
    commune_level: int


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


class RevokedOut(_Out):
    revoked: str


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


class ItemOut(_Out):
    """An item of a playlist as stored (`muted` is 0 or 1)."""
    id: str
    zone: str
    kind: str
    asset_sha256: str | None
    title: str
    body: str
    text: str
    duration_s: float
    fit: str | None
    muted: int
    notice: Any


class PlaylistOut(PlaylistSummary):
    revision: int
    items: list[ItemOut]


class WindowOut(_Out):
    start: str
    end: str


class ChangeOut(_Out):
    """What a draft changes against the revision on air."""
    change: str
    item: dict[str, Any]


class ScheduleOut(_Out):
    id: str
    playlist_id: str
    priority: str
    target_kind: str
    target_id: str
    date_from: str | None
    date_to: str | None
    weekdays: list[int]
    windows: list[WindowOut]
    starts_at: str | None
    ends_at: str | None
    is_default: int
    status: str
    created_by: int | None
    created_at: str
    updated_at: str
    approved_by: int | None
    approved_at: str | None
    submitted_by: int | None
    submitted_at: str | None
    revision_id: str | None
    live_revision_id: str | None
    revision: int | None
    live_revision: int | None
    head_revision: int | None
    on_air: bool
    awaiting_approval: bool
    unsubmitted_edit: bool
    changes: list[ChangeOut]
    playlist_name: str
    items: list[ItemOut]
    target_name: str | None
    target_boards: int
    may_act: bool


class AlertOut(_Out):
    """An emergency warning as stored (`test` is 0 or 1)."""
    id: str
    level: int
    headline: str
    body: str
    starts_at: str
    ends_at: str | None
    withdrawn_at: str | None
    source: str
    test: int
    area: dict[str, Any]  # units and/or boards, or a CAP message's areas: as the alert was made
    external_id: str | None
    created_by: int | None
    created_at: str
    updated_at: str
    acknowledged_by: list[str]


class AuditOut(_Out):
    id: int
    at: str
    user_id: int | None
    username: str | None
    action: str
    object_type: str
    object_id: str | None
    detail: str
    object_name: str | None
    detail_obj: dict[str, Any]


class ErrorOut(_Out):
    """Every error: a code, the message for people in Vietnamese, and in English."""

    error: str
    message: str
    message_en: str


_ERRORS = {400: "bad request", 401: "no valid token or session", 403: "not allowed for this caller", 404: "not found",
           409: "conflicts with the current state", 413: "body too large", 415: "unsupported media type",
           429: "too many requests", 507: "the server's disk is full"}
ERROR_RESPONSES = {status: {"model": ErrorOut, "description": text} for status, text in _ERRORS.items()}

