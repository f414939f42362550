"""Media files: who may see and use which, by the unit of whoever uploaded them; deleting one nobody uses."""
from manager import assets, audit, revisions
from manager.auth import Principal, in_scope
from manager.domain import db_of
from manager.domain.policy import CONTENT, require_role
from manager.errors import NotFound, OutOfScope, StateConflict

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


def deletable_asset(x, principal: Principal, sha256: str) -> dict:
    """The file, when no revision of any playlist names it: an approved revision may still be put back on
    air, and every revision must stay playable, so only a file never kept in one may go."""
    db = db_of(x)
    row = asset_for(db, principal, sha256)
    uses = revisions.asset_uses(db, sha256)
    if uses:
        raise StateConflict(f"Không xoá được “{row['original_name']}”: tệp đang được dùng trong {len(uses)} danh sách phát "
                            f"(kể cả bản đã duyệt hoặc bản cũ). Hãy xem cột “Dùng trong”.",
                            f"cannot delete “{row['original_name']}”: {len(uses)} playlists use it (approved or older "
                            f"revisions included); see “Used in”")
    return row


def delete_asset(x, principal: Principal, sha256: str, discard) -> None:
    """The row goes, then `discard()` removes the file from disk, last in the transaction (as an upload's
    `keep`). Boards that cached it keep their copy: they play only what their manifests list."""
    db = db_of(x)
    row = deletable_asset(db, principal, sha256)
    assets.delete(db, sha256)
    audit.record(db, principal, "delete", "asset", sha256, name=row["original_name"])
    discard()
