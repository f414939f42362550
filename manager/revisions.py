"""Playlist revisions: immutable snapshots of a playlist's content, the unit an approver approves.

A revision's items are stored as JSON with the ids boards log them by; its
hash is over the content alone (name, layout, items without ids), so two
revisions with the same content have the same hash.
"""
import hashlib
import json

from sqlite_utils import Database

from manager.content import NOT_RETIRED
from manager.errors import NotFound
from protocol.timebase import iso, utcnow

# The revisions boards play: each schedule's approved one, until it is withdrawn.
APPROVED = "SELECT live_revision_id FROM schedules WHERE live_revision_id IS NOT NULL AND status != 'withdrawn'"
ITEM_KEYS = ("id", "zone", "kind", "asset_sha256", "title", "body", "text", "duration_s", "fit", "muted", "notice")


def snapshot(playlist_id: str, number: int, name: str, layout: str, items: list[dict]) -> tuple[str, str, str]:
    """(revision id, content hash, items JSON) for a playlist's content."""
    rows = [{k: item.get(k) for k in ITEM_KEYS} for item in items]
    content = json.dumps({"name": name, "layout": layout, "items": [{k: v for k, v in r.items() if k != "id"} for r in rows]},
                         ensure_ascii=False, sort_keys=True)
    return f"{playlist_id}.r{number}", hashlib.sha256(content.encode()).hexdigest(), json.dumps(rows, ensure_ascii=False)


def record(db: Database, playlist: dict, items: list[dict], user_id: int | None) -> dict:
    """A new revision from the playlist's working copy (`items` as stored), numbered after the last."""
    number = (db.execute("SELECT max(number) FROM playlist_revisions WHERE playlist_id = ?", [playlist["id"]]).fetchone()[0] or 0) + 1
    revision_id, content_hash, body = snapshot(playlist["id"], number, playlist["name"], playlist["layout"], items)
    db["playlist_revisions"].insert(dict(id=revision_id, playlist_id=playlist["id"], number=number, name=playlist["name"],
                                         layout=playlist["layout"], items=body, content_hash=content_hash, created_by=user_id,
                                         created_at=iso(utcnow())))
    db.execute("UPDATE playlists SET revision = ? WHERE id = ?", [number, playlist["id"]])
    return get(db, revision_id)


def get(db: Database, revision_id: str) -> dict:
    rows = list(db.query("SELECT * FROM playlist_revisions WHERE id = ?", [revision_id]))
    if not rows:
        raise NotFound(f"Không có phiên bản {revision_id}", f"no revision {revision_id}")
    row = rows[0]
    row["items"] = json.loads(row["items"])
    return row


def head(db: Database, playlist_id: str) -> dict:
    row = db.execute("SELECT id FROM playlist_revisions WHERE playlist_id = ? ORDER BY number DESC LIMIT 1", [playlist_id]).fetchone()
    if row is None:
        raise NotFound(f"Danh sách phát {playlist_id} chưa có phiên bản", f"playlist {playlist_id} has no revision")
    return get(db, row[0])


def authors_between(db: Database, playlist_id: str, after: int, upto: int) -> set[int]:
    """Everyone who made a revision after number `after` up to `upto`: the people who changed what is to be approved."""
    return {r[0] for r in db.execute(
        "SELECT DISTINCT created_by FROM playlist_revisions WHERE playlist_id = ? AND number > ? AND number <= ? AND created_by IS NOT NULL",
        [playlist_id, after, upto]).fetchall()}


def many(db: Database, revision_ids: list[str]) -> dict[str, dict]:
    marks = ",".join("?" * len(revision_ids)) or "NULL"
    out = {}
    for row in db.query(f"SELECT * FROM playlist_revisions WHERE id IN ({marks})", revision_ids):
        row["items"] = json.loads(row["items"])
        out[row["id"]] = row
    return out


def changes(before: dict | None, after: dict) -> list[dict]:
    """What an approver should look at: items added and removed between two revisions, and a new name or layout."""
    if before is None:
        return [{"change": "added", "item": i} for i in after["items"]]
    key = lambda i: json.dumps({k: i.get(k) for k in ITEM_KEYS if k != "id"}, sort_keys=True, ensure_ascii=False)  # noqa: E731
    old, new = [key(i) for i in before["items"]], [key(i) for i in after["items"]]
    out = []
    if before["name"] != after["name"]:
        out.append({"change": "renamed", "from": before["name"], "to": after["name"]})
    if before["layout"] != after["layout"]:
        out.append({"change": "layout", "from": before["layout"], "to": after["layout"]})
    out += [{"change": "removed", "item": i} for i, k in zip(before["items"], old) if k not in new]
    out += [{"change": "added", "item": i} for i, k in zip(after["items"], new) if k not in old]
    if not out and old != new:
        out.append({"change": "reordered"})
    return out


def asset_uses(db: Database, sha256: str | None = None) -> list[dict]:
    """Per (file, playlist): whether an approved revision (on air) uses it, whether the newest does; any
    revision counts, an old one too, since a schedule may still be asked to play it. A retired playlist's
    revisions do not: nothing can schedule them again."""
    only = "AND instr(r.items, :sha) > 0 AND json_extract(j.value, '$.asset_sha256') = :sha" if sha256 else ""
    return list(db.query(f"""
        SELECT json_extract(j.value, '$.asset_sha256') AS sha256, r.playlist_id, playlists.name,
               max(r.id IN ({APPROVED})) AS approved, max(r.number = playlists.revision) AS current
        FROM playlist_revisions r JOIN playlists ON playlists.id = r.playlist_id AND {NOT_RETIRED}, json_each(r.items) j
        WHERE json_extract(j.value, '$.asset_sha256') IS NOT NULL {only}
        GROUP BY 1, 2 ORDER BY playlists.name""", {"sha": sha256}))
