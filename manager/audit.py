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


# What each object type is called by, for readers of the log: (table, key column, name expression).
NAMED = {
    "board": ("boards", "id", "name"),
    "playlist": ("playlists", "id", "name"),
    "schedule": ("schedules JOIN playlists ON playlists.id = schedules.playlist_id", "schedules.id", "playlists.name"),
    "asset": ("assets", "sha256", "original_name"),
    "alert": ("alerts", "id", "headline"),
    "group": ("board_groups", "id", "name"),
    "source": ("sources", "id", "name"),
    "user": ("users", "id", "username"),
    "inbox": ("inbox", "id", "title"),
}


def object_names(db: Database, refs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The current name of each (object type, id) that still exists."""
    out = {}
    for kind, (table, key, name) in NAMED.items():
        ids = sorted({i for k, i in refs if k == kind and i})
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            sql = f"SELECT {key} AS k, {name} AS n FROM {table} WHERE {key} IN ({','.join('?' * len(chunk))})"
            out.update({(kind, str(row["k"])): row["n"] for row in db.query(sql, chunk)})
    return out
