"""Media files: who may see and use which, by the unit of whoever uploaded them."""
from manager import assets, audit
from manager.auth import Principal, in_scope
from manager.domain import db_of
from manager.domain.policy import CONTENT, require_role
from manager.errors import NotFound, OutOfScope

_NO_FILE = ("Không có tệp này", "no such file")


def visible(db, principal: Principal, row: dict) -> bool:
    return principal.is_admin or bool(row["unit_code"] and in_scope(db, principal, row["unit_catalogue"], row["unit_code"]))


def list_assets(x, principal: Principal) -> list[dict]:
    db = db_of(x)
    require_role(principal, *CONTENT)
    return [r for r in db.query("SELECT * FROM assets ORDER BY created_at DESC") if visible(db, principal, r)]


def asset_for(x, principal: Principal, sha256: str) -> dict:
    """A file the person may see and use; another unit's file reads as missing, even by its hash."""
    db = db_of(x)
    require_role(principal, *CONTENT)
    rows = list(db.query("SELECT * FROM assets WHERE sha256 = ?", [sha256]))
    if not rows:
        raise NotFound(*_NO_FILE)
    if not visible(db, principal, rows[0]):
        raise OutOfScope(*_NO_FILE)
    return rows[0]


def record_upload(x, principal: Principal, got, filename: str, keep) -> dict:
    """`got`: the checked upload (`manager.assets.accept`). Stores the row, then `keep()` moves the file into
    place, in the same transaction; audited."""
    db = db_of(x)
    require_role(principal, *CONTENT)
    row = assets.record(db, got.sha256, got.size, got.probe, filename, principal.user_id, principal.unit_catalogue,
                        principal.unit_code, note=got.note_vi)
    keep()
    audit.record(db, principal, "upload", "asset", got.sha256, name=row["original_name"])
    return row


def may_upload(principal: Principal) -> None:
    require_role(principal, *CONTENT)
