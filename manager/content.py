"""The content store: playlists (their working copy of items) and schedules, as rows.

What may be done with them, by whom and in which state is decided in
`manager.domain.content`; this module holds their shapes and their SQL.
"""
import json
import secrets
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlite_utils import Database

from layouts import DEFAULT_LAYOUT_ID, builtin_layouts
from manager import assets, i18n
from manager.errors import BadInput
from protocol.layout import Fit, ZoneKind
from protocol.manifest import ItemKind, Priority, TimeWindow
from protocol.notice import Notice
from protocol.text import NFCStr
from protocol.timebase import UTCDateTime

ZONE_FOR_KIND = {
    ItemKind.image: ZoneKind.media, ItemKind.video: ZoneKind.media, ItemKind.document: ZoneKind.media,
    ItemKind.bulletin: ZoneKind.bulletin,
    ItemKind.ticker: ZoneKind.ticker, ItemKind.clock: ZoneKind.clock,
}
STATUSES = ("draft", "submitted", "approved", "withdrawn")
MAX_DURATION_S = 86400  # a day: an item shown longer is a mistake, not a plan
# A deleted playlist is retired (`deleted_at` set), never erased: every query that shows or acts on playlists
# keeps to NOT_RETIRED; only what names past plays and changes reads retired ones (`playlist_names`).
RETIRED = "playlists.deleted_at IS NOT NULL"
NOT_RETIRED = f"NOT ({RETIRED})"


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    zone: str
    kind: ItemKind
    asset: str | None = None
    title: NFCStr = Field(default="", max_length=500)
    body: NFCStr = Field(default="", max_length=20000)
    text: NFCStr = Field(default="", max_length=5000)
    duration_s: float = Field(default=10, gt=0, le=MAX_DURATION_S)
    fit: Fit | None = None
    muted: bool = True
    notice: Notice | None = None  # a bulletin set as an official notice


class ItemPatch(BaseModel):
    """What an editor may change in one item in place; what is left out stays as it is.
    Bounds are checked with the rest of the playlist (`check_items`), in Vietnamese."""
    model_config = ConfigDict(extra="forbid")

    zone: str | None = None
    title: NFCStr | None = Field(default=None, max_length=500)
    body: NFCStr | None = Field(default=None, max_length=20000)
    text: NFCStr | None = Field(default=None, max_length=5000)
    duration_s: float | None = None


class PlaylistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NFCStr = Field(min_length=1, max_length=200)
    layout: str = DEFAULT_LAYOUT_ID
    unit_code: str | None = None  # owner; default: the editor's own unit
    items: list[ItemIn] = Field(default_factory=list, max_length=500)


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=r"^(board|unit|group)$")
    id: str
    catalogue: str | None = None  # units only; default: the current catalogue


class WindowIn(TimeWindow):
    model_config = ConfigDict(extra="forbid")  # an editor's typo is refused, unlike a board's unknown manifest field


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    playlist_id: str
    priority: Priority = Priority.normal
    target: TargetIn
    date_from: date | None = None
    date_to: date | None = None
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    windows: list[WindowIn] = Field(default_factory=list)
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


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def check_duration(n: int | None, duration_s: float) -> None:
    """`n`: the item's number in its playlist, when known."""
    if not 0 < duration_s <= MAX_DURATION_S:  # NaN fails too
        where_vi, where_en = (f"Mục {n}: t", f"item {n}: d") if n else ("T", "D")
        raise BadInput(f"{where_vi}hời lượng phải lớn hơn 0 và không quá {MAX_DURATION_S:,} giây (24 giờ)".replace(",", "."),
                       f"{where_en}uration must be more than 0 and at most {MAX_DURATION_S:,} seconds (24 hours)")


def check_items(db: Database, layout_id: str, items: list[ItemIn]) -> None:
    """Each item fits its zone of the layout, and media items name a file of the right kind."""
    layout = builtin_layouts().get(layout_id)
    if layout is None:
        raise BadInput(f"Không có bố cục {layout_id!r}", f"no layout {layout_id!r}")
    for n, item in enumerate(items, start=1):
        check_duration(n, item.duration_s)
        zone = layout.zone(item.zone)
        if zone is None:
            raise BadInput(f"Mục {n}: bố cục không có vùng {item.zone!r}", f"item {n}: layout has no zone {item.zone!r}")
        if zone.kind != ZONE_FOR_KIND[item.kind]:
            zone_vi = i18n.text("vi", f"zone.{zone.id}") if i18n.has(f"zone.{zone.id}") else zone.id
            raise BadInput(f"Mục {n}: không đặt được {i18n.text('vi', f'kind.{item.kind.value}').lower()} vào {zone_vi.lower()}",
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


def item_in(row: dict) -> ItemIn:
    """A stored item (its notice as stored JSON or already read) as input again (to append to or edit a playlist)."""
    notice = row.get("notice")
    if isinstance(notice, str):
        notice = Notice.model_validate_json(notice)
    return ItemIn(zone=row["zone"], kind=ItemKind(row["kind"]), asset=row["asset_sha256"], title=row["title"], body=row["body"],
                  text=row["text"], duration_s=row["duration_s"], fit=row["fit"], muted=bool(row["muted"]), notice=notice)


def patched(item: ItemIn, patch: ItemPatch) -> ItemIn:
    """The item with the patch's fields; a notice's summary and body are its title and text."""
    changes = patch.model_dump(exclude_none=True)
    if item.notice is not None:
        notice = {"summary": changes.pop("title")} if "title" in changes else {}
        if "body" in changes:
            notice["body"] = changes.pop("body")
        changes["notice"] = item.notice.model_copy(update=notice)
    return item.model_copy(update=changes)


def write_items(db: Database, playlist_id: str, items: list[ItemIn]) -> None:
    db.execute("DELETE FROM items WHERE playlist_id = ?", [playlist_id])
    db["items"].insert_all([dict(
        id=new_id("i"), playlist_id=playlist_id, position=n, zone=item.zone, kind=item.kind.value, asset_sha256=item.asset,
        title=item.title, body=item.body, text=item.text, duration_s=item.duration_s,
        fit=item.fit.value if item.fit else None, muted=int(item.muted),
        notice=item.notice.model_dump_json() if item.notice else None) for n, item in enumerate(items)])


def insert_playlist(db: Database, row: dict) -> None:
    db["playlists"].insert(row)


def set_playlist(db: Database, playlist_id: str, **changes) -> None:
    db["playlists"].update(playlist_id, changes)


def retire_playlist(db: Database, playlist_id: str, at: str) -> None:
    """Deleted as people see it: its withdrawn schedules and working copy go, its row and revisions stay so
    that what boards played under it keeps its name and its items' labels."""
    db.execute("DELETE FROM schedules WHERE playlist_id = ? AND status = 'withdrawn'", [playlist_id])
    db.execute("DELETE FROM items WHERE playlist_id = ?", [playlist_id])
    db.execute("UPDATE playlists SET deleted_at = ? WHERE id = ?", [at, playlist_id])


def playlist_row(db: Database, playlist_id: str) -> dict | None:
    """A playlist not retired; a retired one reads as missing."""
    rows = list(db.query(f"SELECT * FROM playlists WHERE id = ? AND {NOT_RETIRED}", [playlist_id]))
    return rows[0] if rows else None


def playlist_items(db: Database, playlist_id: str) -> list[dict]:
    """The working copy's items as stored (a notice as its JSON text)."""
    return list(db.query("SELECT * FROM items WHERE playlist_id = ? ORDER BY position", [playlist_id]))


def playlist_rows(db: Database) -> list[dict]:
    return list(db.query(f"SELECT * FROM playlists WHERE {NOT_RETIRED} ORDER BY updated_at DESC"))


def playlist_names(db: Database, playlist_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """(name, retired) by id, retired playlists included: for what names past plays and changes."""
    if not playlist_ids:
        return {}
    marks = ",".join("?" * len(playlist_ids))
    return {r[0]: (r[1], bool(r[2])) for r in db.execute(f"SELECT id, name, {RETIRED} FROM playlists WHERE id IN ({marks})", playlist_ids)}


def insert_schedule(db: Database, row: dict) -> None:
    db["schedules"].insert(row)


def set_schedule(db: Database, schedule_id: str, **changes) -> None:
    db["schedules"].update(schedule_id, changes)


def schedule_row(db: Database, schedule_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM schedules WHERE id = ?", [schedule_id]))
    if not rows:
        return None
    row = rows[0]
    row["weekdays"], row["windows"] = json.loads(row["weekdays"]), json.loads(row["windows"])
    return row


def schedule_ids(db: Database, status: str | None = None) -> list[str]:
    if status:
        return [r[0] for r in db.execute("SELECT id FROM schedules WHERE status = ? ORDER BY updated_at", [status]).fetchall()]
    return [r[0] for r in db.execute("SELECT id FROM schedules ORDER BY updated_at DESC").fetchall()]


def schedule_rows_for_playlist(db: Database, playlist_id: str) -> list[dict]:
    return [schedule_row(db, r[0]) for r in db.execute("SELECT id FROM schedules WHERE playlist_id = ?", [playlist_id]).fetchall()]


def target_name(db: Database, kind: str, target_id: str) -> str:
    if kind == "board":
        found = db.execute("SELECT name FROM boards WHERE id = ?", [target_id]).fetchone()
    elif kind == "unit":
        catalogue, code = target_id.split(":", 1)
        found = db.execute("SELECT name FROM units WHERE catalogue = ? AND code = ?", [catalogue, code]).fetchone()
    else:
        found = db.execute("SELECT name FROM board_groups WHERE id = ?", [target_id]).fetchone()
    return found[0] if found else target_id
