"""Proof of play and screenshots as boards report them."""
from sqlite_utils import Database

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
