"""What the source link's API answers (sources, the inbox, CAP pushes, what the source system reads).

As in responses.py: fields clients rely on typed and required, extra fields let through.
Shapes and examples: docs/sources.md.
"""
from typing import Any

from manager.api.responses import _Out


class SourceOut(_Out):
    id: int
    name: str
    adapter: str
    url: str
    config: dict[str, Any]
    mode: str
    poll_interval_s: int
    timeout_s: float
    enabled: bool
    last_polled_at: str | None
    last_ok_at: str | None
    last_error: str | None
    last_error_at: str | None
    created_at: str
    consecutive_failures: int
    linked_failures: int
    has_push_token: bool
    health: str


class SourceCreated(SourceOut):
    push_token: str  # shown this once


class SourceEventOut(_Out):
    id: int
    source_id: int | None
    at: str
    level: str
    message: str
    message_en: str
    code: str | None


class SourceDetail(SourceOut):
    events: list[SourceEventOut]


class SourcePolled(SourceDetail):
    new_items: int


class PushToken(_Out):
    push_token: str


class InboxItemOut(_Out):
    id: int
    source_id: int
    external_id: str
    kind: str
    title: str
    body: str
    link: str | None
    published_at: str | None
    received_at: str
    status: str
    reason: str | None
    level: int | None
    test: bool
    payload: dict[str, Any]
    alert_id: str | None
    decided_by: int | None
    decided_at: str | None


class InboxSummary(InboxItemOut):
    """A list's row: the body cut to a preview (`body_chars` says how long it is), no CAP XML."""
    may_decide: bool
    body_chars: int


class InboxDetail(InboxItemOut):
    may_decide: bool


class PushResult(_Out):
    index: int
    status: str
    inbox_id: int
    external_id: str


class PushResults(_Out):
    """A push of several messages: one result each, in the request's order."""
    results: list[PushResult]


class BoardStatusOut(_Out):
    id: str
    name: str
    unit_catalogue: str
    unit_code: str
    board_class: str
    is_test: bool
    lat: float | None
    lon: float | None
    online: bool
    last_seen_at: str | None
    display_state: str | None
    manifest_version: str | None
    software_version: str | None
    alert_on_screen: str | None


class LinkStatus(_Out):
    generated_at: str
    boards: list[BoardStatusOut]


class PlayRecordOut(_Out):
    board_id: str
    seq: int
    item: str
    playlist: str | None
    alert: str | None
    zone: str
    kind: str
    asset: str | None
    started_at: str
    duration_s: float
    outcome: str
    error: str | None


class LinkPlaylog(_Out):
    since: float
    next_since: float
    records: list[PlayRecordOut]


class LinkIndicator(_Out):
    id: str
    number: str
    title_vi: str
    title_en: str
    numerator: int
    denominator: int
    value_pct: float | None
    target_pct: float | None
    meets_target: bool | None


class LinkProvince(_Out):
    catalogue: str
    province_code: str
    province_name: str | None
    indicators: list[LinkIndicator]


class LinkIndicators(_Out):
    generated_at: str
    period: str
    provinces: list[LinkProvince]


class LinkPush(_Out):
    id: int
    at: str
    url: str
    ok: int
    status_code: int | None
    error: str | None
    records: int
    playlog_until: float
