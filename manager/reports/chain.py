"""Whether a board's heartbeat record still verifies: its hash chain, checkpoints and raw rows.

Each heartbeat carries the hash of the one before it. Raw heartbeats pruned
after compaction left checkpoints (first/last seq and hash, verified when
sealed), so the whole record, sealed part and raw part, links up end to end.
An edited row (payload or the columns derived from it) or a thinned record
(a seq missing) fails, with the first bad seq.
"""
from dataclasses import dataclass

from sqlite_utils import Database

from manager import i18n
from manager.uptime_store import check_run

CHUNK = 5000


@dataclass(frozen=True)
class ChainStatus:
    board_id: str
    ok: bool
    heartbeats: int  # how many heartbeats the record covers (sealed and raw)
    first_bad_seq: int | None = None
    reason: str | None = None
    checked: str = "full"  # full: every raw hash recomputed; quick: seq and links only

    @property
    def label_vi(self) -> str:
        return self.label("vi")

    def label(self, lang: str = "vi") -> str:
        if self.heartbeats == 0:
            return i18n.text(lang, "reports.chain_empty")
        return i18n.text(lang, "reports.chain_ok") if self.ok else i18n.text(lang, "reports.chain_broken", seq=self.first_bad_seq)


def _checkpoints(db: Database, board_id: str):
    return db.execute(
        "SELECT first_seq, last_seq, count, first_prev_hash, last_hash, ok, first_bad_seq, reason "
        "FROM chain_checkpoints WHERE board_id = ? ORDER BY first_seq",
        [board_id],
    ).fetchall()


def _check_checkpoints(board_id: str, cps) -> tuple[ChainStatus | None, int | None, str | None, int]:
    prev_seq, prev_hash, total = None, None, 0
    for first, last, count, first_prev, last_hash, ok, bad, reason in cps:
        total += count
        if not ok:
            return ChainStatus(board_id, False, total, bad, reason or "sealed run did not verify"), None, None, total
        if count != last - first + 1 or (prev_seq is not None and first != prev_seq + 1):
            return ChainStatus(board_id, False, total, (prev_seq or first) + 1, "heartbeats missing (seq gap)"), None, None, total
        if prev_hash is not None and first_prev != prev_hash:
            return ChainStatus(board_id, False, total, first, "checkpoints do not link"), None, None, total
        prev_seq, prev_hash = last, last_hash
    return None, prev_seq, prev_hash, total


def verify(db: Database, board_id: str) -> ChainStatus:
    """Full check: every retained heartbeat's hash recomputed, every link followed."""
    failed, prev_seq, prev_hash, total = _check_checkpoints(board_id, _checkpoints(db, board_id))
    if failed:
        return failed
    after = -1
    while True:
        rows = db.execute(
            "SELECT seq, payload, display_state, recorded_offline FROM heartbeats "
            "WHERE board_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            [board_id, after, CHUNK],
        ).fetchall()
        if not rows:
            break
        ok, bad, reason = check_run(rows, prev_hash, prev_seq)
        total += len(rows)
        if not ok:
            return ChainStatus(board_id, False, total, bad, reason)
        after = prev_seq = rows[-1][0]
        prev_hash = _last_hash(db, board_id, prev_seq)
    return ChainStatus(board_id, True, total)


def _last_hash(db: Database, board_id: str, seq: int) -> str:
    return db.execute("SELECT hash FROM heartbeats WHERE board_id = ? AND seq = ?", [board_id, seq]).fetchone()[0]


def quick(db: Database, board_ids: list[str]) -> dict[str, ChainStatus]:
    """Cheap check for a list page: checkpoints, seq continuity and hash links, no hashing.

    Catches thinning and broken links; an edited payload needs `verify`.
    """
    out = {}
    for board_id in board_ids:
        failed, prev_seq, prev_hash, total = _check_checkpoints(board_id, _checkpoints(db, board_id))
        if failed:
            out[board_id] = ChainStatus(board_id, False, total, failed.first_bad_seq, failed.reason, "quick")
            continue
        row = db.execute(
            "SELECT count(*), min(seq), max(seq) FROM heartbeats WHERE board_id = ?", [board_id]
        ).fetchone()
        count, low, high = row
        total += count
        status = ChainStatus(board_id, True, total, checked="quick")
        if count:
            if high - low + 1 != count or (prev_seq is not None and low != prev_seq + 1):
                status = ChainStatus(board_id, False, total, _first_gap(db, board_id, prev_seq), "heartbeats missing (seq gap)", "quick")
            else:
                broken = db.execute(
                    "SELECT h.seq FROM heartbeats h JOIN heartbeats p ON p.board_id = h.board_id AND p.seq = h.seq - 1 "
                    "WHERE h.board_id = ? AND h.prev_hash != p.hash ORDER BY h.seq LIMIT 1",
                    [board_id],
                ).fetchone()
                first = db.execute(
                    "SELECT prev_hash FROM heartbeats WHERE board_id = ? AND seq = ?", [board_id, low]
                ).fetchone()
                if broken:
                    status = ChainStatus(board_id, False, total, broken[0], "prev_hash does not link", "quick")
                elif prev_hash is not None and first[0] != prev_hash:
                    status = ChainStatus(board_id, False, total, low, "raw heartbeats do not link to the last checkpoint", "quick")
        out[board_id] = status
    return out


def _first_gap(db: Database, board_id: str, prev_seq: int | None) -> int:
    expected = None if prev_seq is None else prev_seq + 1
    for (seq,) in db.execute("SELECT seq FROM heartbeats WHERE board_id = ? ORDER BY seq", [board_id]):
        if expected is not None and seq != expected:
            return expected
        expected = seq + 1
    return expected if expected is not None else 0
