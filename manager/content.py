"""Playlists of items placed in layout zones, and the schedules that put them on boards.

A schedule moves draft -> submitted -> approved -> withdrawn; only approved
schedules reach boards (see `manager.manifest`).
"""
import json
import secrets
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlite_utils import Database

from layouts import builtin_layouts
from manager import assets, audit, boards, units
from manager.auth import Principal, in_scope, require_role, require_scope
from manager.errors import BadInput, Conflict, NotFound
from protocol.layout import Fit, ZoneKind
from protocol.manifest import ItemKind, Priority, TimeWindow
from protocol.notice import Notice
from protocol.text import NFCStr
from protocol.timebase import UTCDateTime, iso, utcnow

ZONE_FOR_KIND = {
    ItemKind.image: ZoneKind.media, ItemKind.video: ZoneKind.media, ItemKind.document: ZoneKind.media,
    ItemKind.bulletin: ZoneKind.bulletin,
    ItemKind.ticker: ZoneKind.ticker, ItemKind.clock: ZoneKind.clock,
}
STATUSES = ("draft", "submitted", "approved", "withdrawn")


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    zone: str
    kind: ItemKind
    asset: str | None = None
    title: NFCStr = Field(default="", max_length=500)
    body: NFCStr = Field(default="", max_length=20000)
    text: NFCStr = Field(default="", max_length=5000)
    duration_s: float = Field(default=10, gt=0, le=86400)
    fit: Fit | None = None
    muted: bool = True
    notice: Notice | None = None  # a bulletin set as an official notice


class PlaylistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NFCStr = Field(min_length=1, max_length=200)
    layout: str = "landscape-16x9"
    unit_code: str | None = None  # owner; default: the editor's own unit
    items: list[ItemIn] = Field(default_factory=list, max_length=500)


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=r"^(board|unit|group)$")
    id: str
    catalogue: str | None = None  # units only; default: the current catalogue


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    playlist_id: str
    priority: Priority = Priority.normal
    target: TargetIn
    date_from: date | None = None
    date_to: date | None = None
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    windows: list[TimeWindow] = Field(default_factory=list)
    starts_at: UTCDateTime | None = None
    ends_at: UTCDateTime | None = None
    is_default: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> "ScheduleIn":
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at is not after starts_at")
        if any(d < 1 or d > 7 for d in self.weekdays) or not self.weekdays:
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return self


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def _check_items(db: Database, layout_id: str, items: list[ItemIn]) -> None:
    layout = builtin_layouts().get(layout_id)
    if layout is None:
        raise BadInput(f"Không có bố cục {layout_id!r}", f"no layout {layout_id!r}")
    for n, item in enumerate(items, start=1):
        zone = layout.zone(item.zone)
        if zone is None:
            raise BadInput(f"Mục {n}: bố cục không có vùng {item.zone!r}", f"item {n}: layout has no zone {item.zone!r}")
        if zone.kind != ZONE_FOR_KIND[item.kind]:
            raise BadInput(f"Mục {n}: không đặt được {item.kind.value} vào vùng {zone.kind.value}",
                           f"item {n}: a {item.kind.value} cannot go in a {zone.kind.value} zone")
        if item.kind in (ItemKind.image, ItemKind.video, ItemKind.document):
            if not item.asset:
                raise BadInput(f"Mục {n}: thiếu tệp ảnh/video/tài liệu", f"item {n}: asset missing")
            found = assets.get(db, item.asset)
            if found["kind"] != item.kind.value:
                raise BadInput(f"Mục {n}: tệp là {found['kind']}, không phải {item.kind.value}", f"item {n}: asset is a {found['kind']}")
        if item.notice is not None and item.kind != ItemKind.bulletin:
            raise BadInput(f"Mục {n}: chỉ bản tin mới có dạng thông báo", f"item {n}: only a bulletin can be a notice")
        if item.kind == ItemKind.bulletin and not (item.title or item.body or (item.notice and not item.notice.is_empty)):
            raise BadInput(f"Mục {n}: bản tin cần tiêu đề hoặc nội dung", f"item {n}: bulletin needs a title or body")
        if item.kind == ItemKind.ticker and not item.text:
            raise BadInput(f"Mục {n}: dòng chữ chạy đang trống", f"item {n}: ticker text is empty")


def _owner(db: Database, principal: Principal, unit_code: str | None) -> tuple[str | None, str | None]:
    if unit_code is None:
        return principal.unit_catalogue, principal.unit_code
    catalogue = principal.unit_catalogue or units.current_catalogue(db)
    require_scope(db, principal, catalogue, unit_code)
    return catalogue, unit_code


def _write_items(db: Database, playlist_id: str, items: list[ItemIn]) -> None:
    db.execute("DELETE FROM items WHERE playlist_id = ?", [playlist_id])
    db["items"].insert_all([dict(
        id=_new_id("i"), playlist_id=playlist_id, position=n, zone=item.zone, kind=item.kind.value, asset_sha256=item.asset,
        title=item.title, body=item.body, text=item.text, duration_s=item.duration_s,
        fit=item.fit.value if item.fit else None, muted=int(item.muted),
        notice=item.notice.model_dump_json() if item.notice else None) for n, item in enumerate(items)])


def create_playlist(db: Database, principal: Principal, data: PlaylistIn) -> dict:
    require_role(principal, "editor", "approver")
    _check_items(db, data.layout, data.items)
    catalogue, code = _owner(db, principal, data.unit_code)
    now = iso(utcnow())
    playlist_id = _new_id("p")
    db["playlists"].insert(dict(id=playlist_id, name=data.name, layout=data.layout, unit_catalogue=catalogue, unit_code=code,
                                created_by=principal.user_id, created_at=now, updated_at=now))
    _write_items(db, playlist_id, data.items)
    audit.record(db, principal, "create", "playlist", playlist_id, name=data.name)
    return get_playlist(db, principal, playlist_id)


def update_playlist(db: Database, principal: Principal, playlist_id: str, data: PlaylistIn) -> dict:
    get_playlist(db, principal, playlist_id)
    require_role(principal, "editor", "approver")
    _check_items(db, data.layout, data.items)
    db.execute("UPDATE playlists SET name = ?, layout = ?, updated_at = ? WHERE id = ?", [data.name, data.layout, iso(utcnow()), playlist_id])
    _write_items(db, playlist_id, data.items)
    audit.record(db, principal, "update", "playlist", playlist_id, name=data.name)
    return get_playlist(db, principal, playlist_id)


def _visible(db: Database, principal: Principal, catalogue: str | None, code: str | None) -> bool:
    return principal.is_admin or (code is not None and in_scope(db, principal, catalogue, code))


def get_playlist(db: Database, principal: Principal, playlist_id: str) -> dict:
    rows = list(db.query("SELECT * FROM playlists WHERE id = ?", [playlist_id]))
    if not rows or not _visible(db, principal, rows[0]["unit_catalogue"], rows[0]["unit_code"]):
        raise NotFound(f"Không có danh sách phát {playlist_id}", f"no playlist {playlist_id}")
    playlist = rows[0]
    playlist["items"] = list(db.query("SELECT * FROM items WHERE playlist_id = ? ORDER BY position", [playlist_id]))
    for item in playlist["items"]:
        item["notice"] = json.loads(item["notice"]) if item.get("notice") else None
    return playlist


def list_playlists(db: Database, principal: Principal) -> list[dict]:
    rows = db.query("SELECT * FROM playlists ORDER BY updated_at DESC")
    return [r for r in rows if _visible(db, principal, r["unit_catalogue"], r["unit_code"])]


def _target_in_scope(db: Database, principal: Principal, target: TargetIn) -> str:
    """Checks the target exists and is the principal's to use; returns its stored id."""
    if target.kind == "board":
        board = boards.get(db, target.id)
        require_scope(db, principal, board["unit_catalogue"], board["unit_code"])
        return target.id
    if target.kind == "unit":
        catalogue = target.catalogue or units.current_catalogue(db)
        units.get(db, catalogue, target.id)
        require_scope(db, principal, catalogue, target.id)
        return f"{catalogue}:{target.id}"
    return str(boards.group_in_scope(db, principal, target.id)["id"])


def create_schedule(db: Database, principal: Principal, data: ScheduleIn) -> dict:
    require_role(principal, "editor", "approver")
    get_playlist(db, principal, data.playlist_id)
    if data.priority == Priority.emergency:
        require_role(principal, "approver")
    target_id = _target_in_scope(db, principal, data.target)
    now = iso(utcnow())
    schedule_id = _new_id("s")
    db["schedules"].insert(dict(
        id=schedule_id, playlist_id=data.playlist_id, priority=data.priority.value, target_kind=data.target.kind,
        target_id=target_id, date_from=data.date_from.isoformat() if data.date_from else None,
        date_to=data.date_to.isoformat() if data.date_to else None, weekdays=json.dumps(data.weekdays),
        windows=json.dumps([w.model_dump() for w in data.windows]),
        starts_at=iso(data.starts_at) if data.starts_at else None, ends_at=iso(data.ends_at) if data.ends_at else None,
        is_default=int(data.is_default), status="draft", created_by=principal.user_id, created_at=now, updated_at=now))
    audit.record(db, principal, "create", "schedule", schedule_id, playlist=data.playlist_id, target=target_id)
    return get_schedule(db, principal, schedule_id)


def get_schedule(db: Database, principal: Principal, schedule_id: str) -> dict:
    rows = list(db.query("SELECT * FROM schedules WHERE id = ?", [schedule_id]))
    if not rows:
        raise NotFound(f"Không có lịch phát {schedule_id}", f"no schedule {schedule_id}")
    get_playlist(db, principal, rows[0]["playlist_id"])  # scope follows the playlist
    row = rows[0]
    row["weekdays"], row["windows"] = json.loads(row["weekdays"]), json.loads(row["windows"])
    return row


# (from, to, roles allowed besides admin)
TRANSITIONS = {
    "submit": (("draft", "withdrawn"), "submitted", ("editor", "approver")),
    "approve": (("draft", "submitted"), "approved", ("approver",)),
    "reject": (("submitted",), "draft", ("approver",)),
    "withdraw": (("submitted", "approved"), "withdrawn", ("editor", "approver")),
}


def transition(db: Database, principal: Principal, schedule_id: str, action: str) -> dict:
    if action not in TRANSITIONS:
        raise BadInput(f"Thao tác không hợp lệ: {action}", f"unknown action: {action}")
    sources, target, roles = TRANSITIONS[action]
    schedule = get_schedule(db, principal, schedule_id)
    require_role(principal, *roles)
    if schedule["status"] not in sources:
        raise Conflict(f"Không thể '{action}' lịch đang ở trạng thái '{schedule['status']}'",
                       f"cannot {action} a schedule that is {schedule['status']}")
    now = iso(utcnow())
    if target == "approved":
        db.execute("UPDATE schedules SET status = ?, updated_at = ?, approved_by = ?, approved_at = ? WHERE id = ?",
                   [target, now, principal.user_id, now, schedule_id])
    else:
        db.execute("UPDATE schedules SET status = ?, updated_at = ? WHERE id = ?", [target, now, schedule_id])
    audit.record(db, principal, action, "schedule", schedule_id, status=target)
    return get_schedule(db, principal, schedule_id)
