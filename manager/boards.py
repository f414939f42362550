"""Boards: where each stands, what it is, and the token it signs in with."""
import json
import secrets

from sqlite_utils import Database

from manager import units
from manager.auth import hash_token, new_token
from manager.errors import BadInput, NotFound
from protocol.manifest import BoardClass, OperatingWindow
from protocol.text import nfc
from protocol.timebase import iso, utcnow


def new_board_id() -> str:
    return "b-" + secrets.token_hex(5)


def create(db: Database, *, name: str, unit_code: str, unit_catalogue: str | None = None, board_class: str = "commune",
           width: int = 1920, height: int = 1080, orientation: str | None = None, lat: float | None = None,
           lon: float | None = None, is_test: bool = False, operating_hours: list | None = None,
           heartbeat_interval_s: int = 30, layout: str | None = None) -> dict:
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
    for board_id in board_ids:
        get(db, board_id)
        db["board_group_members"].insert(dict(group_id=group_id, board_id=board_id))
    return group_id
