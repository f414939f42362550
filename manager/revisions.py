"""Playlist revisions: immutable snapshots of a playlist's content, the unit an approver approves.

A revision's items are stored as JSON with the ids boards log them by; its
hash is over the content alone (name, layout, items without ids), so two
revisions with the same content have the same hash.
"""
import difflib
import hashlib
import json
import re

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


TEXT_KEYS = ("title", "body", "text", "notice")  # what a person reads on screen
SHOWN_KEYS = ("fit", "muted")  # how a picture or video is shown


def _key(item: dict) -> str:
    return json.dumps({k: item.get(k) for k in ITEM_KEYS if k != "id"}, sort_keys=True, ensure_ascii=False)


def _identity(item: dict) -> tuple:
    """What makes two revisions' items the same item, edited: the same file, or the same kind of text in one zone
    (item ids are new in every revision)."""
    return (item["kind"], item.get("asset_sha256")) if item.get("asset_sha256") else (item["kind"], item.get("zone"))


def _edited(before: dict, after: dict) -> list[str]:
    """Which of text, duration, zone and display changed between two versions of one item."""
    found = [name for name, keys in (("text", TEXT_KEYS), ("duration", ("duration_s",)), ("zone", ("zone",)),
                                     ("display", SHOWN_KEYS)) if any(before.get(k) != after.get(k) for k in keys)]
    return found


def compare(before: dict | None, after: dict) -> list[dict]:
    """Every item of both revisions in showing order, each marked: "same", "added", "removed", "changed" (with
    `before` and `edited`, what changed) or "moved" (the same item at another place). Without a revision on air,
    everything is added."""
    if before is None:
        return [{"change": "added", "item": i} for i in after["items"]]
    old, new = before["items"], after["items"]
    out: list[dict] = []
    matcher = difflib.SequenceMatcher(None, [_identity(i) for i in old], [_identity(i) for i in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2]):
                edited = _edited(a, b)
                out.append({"change": "changed", "item": b, "before": a, "edited": edited} if edited else {"change": "same", "item": b})
            continue
        out += [{"change": "removed", "item": a} for a in old[i1:i2]]
        out += [{"change": "added", "item": b} for b in new[j1:j2]]
    # An item taken out here and put back there unchanged was moved, not removed and added.
    removed = {}
    for entry in out:
        if entry["change"] == "removed":
            removed.setdefault(_key(entry["item"]), []).append(entry)
    moved = []
    for entry in out:
        if entry["change"] == "added" and removed.get(_key(entry["item"])):
            moved.append(id(removed[_key(entry["item"])].pop(0)))
            entry["change"] = "moved"
    return [e for e in out if id(e) not in moved]


def changes(before: dict | None, after: dict) -> list[dict]:
    """What an approver should look at: a new name or layout, and the items added, removed, changed or moved."""
    out = []
    if before is not None and before["name"] != after["name"]:
        out.append({"change": "renamed", "from": before["name"], "to": after["name"]})
    if before is not None and before["layout"] != after["layout"]:
        out.append({"change": "layout", "from": before["layout"], "to": after["layout"]})
    return out + [e for e in compare(before, after) if e["change"] != "same"]


def _word_diff(before: str, after: str) -> list[tuple[str, str]]:
    split = lambda text: re.findall(r"\s+|\S+\s*", text)  # a word with the space after it: two words changed read as one change  # noqa: E731
    a, b = split(before), split(after)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", "".join(b[j1:j2])))
    return out


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The paragraphs that changed, word by word: (op, text) pieces, op "same", "removed", "added", or "skipped"
    (text: how many unchanged paragraphs stand between)."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("skipped", str(i2 - i1)))
        else:
            out += _word_diff("".join(a[i1:i2]), "".join(b[j1:j2]))
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
