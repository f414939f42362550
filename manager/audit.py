"""The audit log: who did what, to what, and when, with what it was before and after; one row per change."""
import json

from sqlite_utils import Database

from manager.auth import Principal
from protocol.timebase import iso, utcnow


def record(db: Database, principal: Principal | None, action: str, object_type: str, object_id: str | None, **detail) -> None:
    db["audit_log"].insert(dict(
        at=iso(utcnow()), user_id=principal.user_id if principal else None,
        username=principal.username if principal else "system", action=action,
        object_type=object_type, object_id=object_id, detail=json.dumps(detail, ensure_ascii=False, default=str),
    ))


def latest(db: Database, limit: int) -> list[dict]:
    return list(db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit]))


def for_object(db: Database, object_type: str, object_id: str, limit: int = 20) -> list[dict]:
    return list(db.query("SELECT * FROM audit_log WHERE object_type = ? AND object_id = ? ORDER BY id DESC LIMIT ?",
                         [object_type, object_id, limit]))
