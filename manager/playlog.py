"""Proof of play and screenshots as boards report them."""
import json

from sqlite_utils import Database

from manager import audit
from protocol.playlog import PlayLogAck, PlayRecord

SCREENSHOT_TYPES = {"image/jpeg", "image/png"}
SCREENSHOT_MAX_BYTES = 2 * 1024 * 1024


def ingest(db: Database, board_id: str, records: list[PlayRecord], received_at: float) -> PlayLogAck:
    accepted, held = 0, []
    for r in records:
        cursor = db.execute(
            "INSERT OR IGNORE INTO playlog (board_id, seq, item, playlist, alert, zone, kind, asset, started_at, duration_s, "
            "outcome, error, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [board_id, r.seq, r.item, r.playlist, r.alert, r.zone, r.kind.value, r.asset, r.started_at.timestamp(),
             r.duration_s, r.outcome.value, r.error, received_at])
        accepted += cursor.rowcount
        held.append(r.seq)  # new or already there: (board, seq) is stored either way
    return PlayLogAck(accepted=accepted, duplicates=len(records) - accepted, board_id=board_id, seqs=held)


def store_screenshot(db: Database, board_id: str, mime: str, content: bytes, taken_at: float) -> None:
    """Only the newest screenshot of each board is kept."""
    db.execute("INSERT OR REPLACE INTO screenshots (board_id, taken_at, mime, content) VALUES (?, ?, ?, ?)",
               [board_id, taken_at, mime, content])


def totals(db: Database, board_ids: list[str], start: float, end: float, playlist_id: str | None = None) -> list[dict]:
    """Plays and seconds on screen per (playlist or alert, item, board) started in [start, end); played only
    (a failed item was not seen). Board ids go in chunks, within SQLite's limit on parameters."""
    out: list[dict] = []
    for k in range(0, len(board_ids), 500):
        chunk = board_ids[k:k + 500]
        sql = ("SELECT playlist, alert, item, kind, board_id, count(*) AS plays, sum(duration_s) AS seconds FROM playlog "
               f"WHERE board_id IN ({','.join('?' * len(chunk))}) AND started_at >= ? AND started_at < ? AND outcome = 'played'")
        params: list = [*chunk, start, end]
        if playlist_id:
            sql += " AND playlist = ?"
            params.append(playlist_id)
        out += db.query(sql + " GROUP BY playlist, alert, item, kind, board_id", params)
    return out


def item_labels(db: Database, playlist_ids: list[str]) -> dict[str, dict]:
    """What each item of these playlists was, by item id, over every revision (a board plays an approved
    revision whose items may since have been edited away; a retired playlist keeps its revisions): title,
    text, kind and its file's name."""
    found: dict[str, dict] = {}
    for playlist_id in playlist_ids:
        for (items,) in db.execute("SELECT items FROM playlist_revisions WHERE playlist_id = ? ORDER BY number", [playlist_id]):
            for item in json.loads(items):
                found[item["id"]] = item
        for item in db.query("SELECT * FROM items WHERE playlist_id = ?", [playlist_id]):
            found[item["id"]] = item
    shas = sorted({i["asset_sha256"] for i in found.values() if i.get("asset_sha256")})
    files = dict(db.execute(f"SELECT sha256, original_name FROM assets WHERE sha256 IN ({','.join('?' * len(shas))})", shas)) if shas else {}
    # A retired playlist's file may since have left the library: the audit log still says what it was called.
    files = audit.recorded_names(db, "asset", [s for s in shas if s not in files]) | files
    return {item_id: {"title": i.get("title") or "", "text": i.get("text") or "", "kind": i.get("kind"),
                      "file": files.get(i.get("asset_sha256"))} for item_id, i in found.items()}


def alert_headlines(db: Database, ids: list[str]) -> dict[str, str]:
    """Warnings' headlines, by id."""
    if not ids:
        return {}
    return dict(db.execute(f"SELECT id, headline FROM alerts WHERE id IN ({','.join('?' * len(ids))})", ids))
