"""The boards store: where each board stands, what it is, the token it signs in with, and groups of boards.

Who may see or change a board is decided in `manager.domain.boards`.
"""
import json
import secrets

from sqlite_utils import Database

from manager import board_facts, units, uptime_store
from manager.auth import hash_token, new_token
from manager.errors import BadInput, Conflict, NotFound
from protocol.manifest import DEFAULT_HEARTBEAT_INTERVAL_S, BoardClass, OperatingWindow
from protocol.text import nfc
from protocol.timebase import iso, utcnow


def new_board_id() -> str:
    return "b-" + secrets.token_hex(5)


def create(db: Database, *, name: str, unit_code: str, unit_catalogue: str | None = None, board_class: str = "commune",
           width: int = 1920, height: int = 1080, orientation: str | None = None, lat: float | None = None,
           lon: float | None = None, is_test: bool = False, operating_hours: list | None = None,
           heartbeat_interval_s: int = DEFAULT_HEARTBEAT_INTERVAL_S, layout: str | None = None) -> dict:
    catalogue = unit_catalogue or units.current_catalogue(db)
    units.get(db, catalogue, unit_code)
    BoardClass(board_class)
    hours = [OperatingWindow.model_validate(w).model_dump() for w in (operating_hours or [])]
    row = dict(
        id=new_board_id(), name=nfc(name.strip()), unit_catalogue=catalogue, unit_code=unit_code,
        board_class=board_class, width=width, height=height,
        orientation=orientation or ("portrait" if height > width else "landscape"),
        operating_hours=json.dumps(hours), heartbeat_interval_s=heartbeat_interval_s,
        lat=lat, lon=lon, is_test=int(is_test), created_at=iso(utcnow()), layout=layout,
    )
    if not row["name"]:
        raise BadInput("Tên bảng tin không được để trống", "board name is empty")
    db["boards"].insert(row)
    uptime_store.record_hours(db, row["id"], 0, row["operating_hours"])  # from the beginning: it had no others
    board_facts.record(db, row["id"], 0)
    return get(db, row["id"])


def issue_token(db: Database, board_id: str) -> str:
    """A fresh token replaces any earlier one; only its hash is kept."""
    token = new_token("bd")
    db.execute("UPDATE boards SET token_hash = ?, revoked_at = NULL, paired_at = ? WHERE id = ?", [hash_token(token), iso(utcnow()), board_id])
    return token


def revoke(db: Database, board_id: str) -> None:
    get(db, board_id)
    db.execute("UPDATE boards SET revoked_at = ?, token_hash = NULL WHERE id = ?", [iso(utcnow()), board_id])


def get(db: Database, board_id: str) -> dict:
    rows = list(db.query("SELECT * FROM boards WHERE id = ?", [board_id]))
    if not rows:
        raise NotFound(f"Không có bảng tin {board_id}", f"no board {board_id}")
    return rows[0]


def public(row: dict) -> dict:
    """A board as the API shows it: no token hash."""
    shown = {k: v for k, v in row.items() if k != "token_hash"}
    shown["operating_hours"] = json.loads(row["operating_hours"])
    shown["is_test"] = bool(row["is_test"])
    return shown


def group_ids(db: Database, board_id: str) -> list[str]:
    return [str(r[0]) for r in db.execute("SELECT group_id FROM board_group_members WHERE board_id = ?", [board_id]).fetchall()]


def create_group(db: Database, name: str, board_ids: list[str], unit_catalogue: str | None = None, unit_code: str | None = None) -> int:
    group_id = db["board_groups"].insert(dict(name=nfc(name), unit_catalogue=unit_catalogue, unit_code=unit_code, created_at=iso(utcnow()))).last_pk
    _set_members(db, group_id, board_ids)
    return group_id


def _set_members(db: Database, group_id: int, board_ids: list[str]) -> None:
    db.execute("DELETE FROM board_group_members WHERE group_id = ?", [group_id])
    for board_id in dict.fromkeys(board_ids):
        get(db, board_id)
        db["board_group_members"].insert(dict(group_id=group_id, board_id=board_id))


def group_public(db: Database, group: dict) -> dict:
    members = [r[0] for r in db.execute("SELECT board_id FROM board_group_members WHERE group_id = ? ORDER BY board_id", [group["id"]])]
    used = db.execute("SELECT count(*) FROM schedules WHERE target_kind = 'group' AND target_id = ? AND status != 'withdrawn'",
                      [str(group["id"])]).fetchone()[0]
    return {"id": group["id"], "name": group["name"], "unit_code": group["unit_code"], "boards": members, "schedules": used}


def group_row(db: Database, group_id: int | str) -> dict | None:
    rows = list(db.query("SELECT * FROM board_groups WHERE id = ?", [group_id]))
    return rows[0] if rows else None


def group_rows(db: Database) -> list[dict]:
    return list(db.query("SELECT * FROM board_groups ORDER BY name"))


def member_ids(db: Database, group_id: int | str) -> list[str]:
    return [r[0] for r in db.execute("SELECT board_id FROM board_group_members WHERE group_id = ? ORDER BY board_id", [group_id])]


def update(db: Database, board_id: str, changes: dict) -> None:
    db["boards"].update(board_id, changes)


def screenshot(db: Database, board_id: str) -> tuple[str, bytes] | None:
    row = db.execute("SELECT mime, content FROM screenshots WHERE board_id = ?", [board_id]).fetchone()
    return (row[0], row[1]) if row else None


def update_group(db: Database, group_id: int, name: str, board_ids: list[str]) -> None:
    db["board_groups"].update(group_id, {"name": nfc(name.strip())})
    _set_members(db, group_id, board_ids)


def delete_group(db: Database, group: dict) -> None:
    """Refused while a schedule that is not withdrawn targets the group: its boards would silently lose that programme."""
    used = group_public(db, group)["schedules"]
    if used:
        raise Conflict(f"Nhóm đang được {used} lịch phát sử dụng; hãy rút các lịch đó trước rồi xoá nhóm",
                       f"the group is the target of {used} schedule(s) not withdrawn; withdraw them first")
    db["board_groups"].delete(group["id"])


EDITABLE = ("name", "operating_hours", "layout", "lat", "lon", "heartbeat_interval_s", "is_test", "board_class", "min_line_px")


def _number(value, label_vi: str, label_en: str, low: float, high: float, whole: bool = False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and int(value) != value):
        raise BadInput(f"{label_vi} phải là {'số nguyên' if whole else 'một số'}", f"{label_en} must be a {'whole ' if whole else ''}number")
    if not low <= value <= high:
        raise BadInput(f"{label_vi} phải từ {low:g} đến {high:g}", f"{label_en} must be between {low:g} and {high:g}")
    return int(value) if whole else float(value)


def _window(window) -> dict:
    try:
        found = OperatingWindow.model_validate(window)
    except ValueError as exc:
        raise BadInput("Giờ hoạt động không hợp lệ: giờ viết HH:MM (00:00 đến 24:00)",
                       "invalid operating hours: times are HH:MM (00:00 to 24:00)") from exc
    if not found.weekdays or any(d < 1 or d > 7 for d in found.weekdays):
        raise BadInput("Mỗi khung giờ hoạt động cần ít nhất một ngày trong tuần (thứ Hai đến Chủ nhật)",
                       "each operating window needs at least one weekday (1 Monday to 7 Sunday)")
    return {**found.model_dump(), "weekdays": sorted(set(found.weekdays))}


def validate_changes(changes: dict) -> dict:
    """A board edit (the API's PATCH, the console's settings page) checked and ready to store, or BadInput in Vietnamese."""
    from layouts import builtin_layouts

    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise BadInput(f"Không sửa được trường: {', '.join(sorted(unknown))}", f"cannot change: {', '.join(sorted(unknown))}")
    out = {}
    for key, value in changes.items():
        if key == "name":
            if not isinstance(value, str) or not nfc(value.strip()):
                raise BadInput("Tên bảng tin không được để trống", "board name is empty")
            out[key] = nfc(value.strip())[:200]
        elif key == "operating_hours":
            if not isinstance(value, list):
                raise BadInput("Giờ hoạt động là một danh sách khung giờ", "operating hours are a list of windows")
            out[key] = json.dumps([_window(w) for w in value])
        elif key == "layout":
            if value and value not in builtin_layouts():  # empty: chosen by the screen's orientation
                raise BadInput(f"Không có bố cục {value!r}", f"no layout {value!r}")
            out[key] = value or None
        elif key in ("lat", "lon"):
            bound = 90 if key == "lat" else 180
            out[key] = None if value is None else _number(value, "Vĩ độ" if key == "lat" else "Kinh độ",
                                                          "latitude" if key == "lat" else "longitude", -bound, bound)
        elif key == "heartbeat_interval_s":
            out[key] = _number(value, "Chu kỳ tín hiệu (giây)", "heartbeat interval (s)", 5, 3600, whole=True)
        elif key == "min_line_px":
            # Empty: the default floor, 1/30 of the screen height (protocol.pagination).
            out[key] = None if value in (None, "") else _number(value, "Chiều cao dòng chữ tối thiểu (px)",
                                                               "minimum line height (px)", 8, 400, whole=True)
        elif key == "is_test":
            if value not in (True, False, 0, 1):  # JSON true/false, or 0/1 as stored
                raise BadInput("Cờ bảng thử nghiệm phải là đúng/sai", "is_test must be true or false")
            out[key] = int(bool(value))
        elif key == "board_class":
            if value not in {c.value for c in BoardClass}:
                raise BadInput(f"Loại bảng không hợp lệ: {value!r}", f"unknown board class: {value!r}")
            out[key] = value
    return out
