"""The audit log: who did what, to what, and when, with what it was before and after; one row per change."""
import json

from sqlite_utils import Database

from manager import content
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


def recorded_names(db: Database, object_type: str, ids: list[str]) -> dict[str, str]:
    """The newest name the log recorded for each object (`name` in its detail): what one no longer stored was called."""
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        out.update(db.execute(
            f"SELECT object_id, json_extract(detail, '$.name') FROM audit_log WHERE object_type = ? "
            f"AND object_id IN ({','.join('?' * len(chunk))}) AND json_extract(detail, '$.name') IS NOT NULL ORDER BY id",
            [object_type, *chunk]).fetchall())
    return out


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
# Objects kept when deleted, and how a retired one is told from one still in use.
RETIRED = {"playlist": content.RETIRED}


def object_names(db: Database, refs: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, bool]]:
    """The current name of each (object type, id) that still exists, and whether it is retired."""
    out = {}
    for kind, (table, key, name) in NAMED.items():
        ids = sorted({i for k, i in refs if k == kind and i})
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            sql = (f"SELECT {key} AS k, {name} AS n, {RETIRED.get(kind, '0')} AS r FROM {table} "
                   f"WHERE {key} IN ({','.join('?' * len(chunk))})")
            out.update({(kind, str(row["k"])): (row["n"], bool(row["r"])) for row in db.query(sql, chunk)})
    return out
