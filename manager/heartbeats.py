"""Heartbeat ingest: store each report once, placed on the manager's timeline.

A board's clock is not trusted blindly. A heartbeat stands at its board time
corrected by the board's own skew estimate; a heartbeat the board sent as
live whose corrected time still disagrees with when it arrived is placed at
its arrival instead, and the board is flagged. Heartbeats the board flagged
`recorded_offline` (a backlog) keep their corrected time but can never be
placed after their arrival. So does any
heartbeat from a board that vouches for its clock (`clock` synced or held):
its corrected time is within a second, so one that arrives late was late,
whatever the board believed when it recorded it.

Whether a heartbeat came late is decided here, once (`arrived_late`): it is
`late` (recorded offline, in the reports' words) exactly when it was not
delivered within its interval, whatever the cause and whatever the board's
`recorded_offline` said (that flag was the board's guess when it recorded
the heartbeat, and it stays as sent, under the hash). The best evidence
decides:
1. the batch's `held_s`, how long the board held the heartbeat by its
   monotonic clock: late exactly when more than its interval. It needs no
   trusted wall clock, so it holds for a board that rebooted offline too;
   a board says null for heartbeats recorded before its last boot;
2. else, for a board that vouches for its clock (corrected time within a
   second), the manager's receive time: late exactly when it arrived more
   than its interval after its corrected time;
3. else (an `unsynced` clock, known only to the clock tolerance, coarser than
   an interval; a player from before the field) the board's own flag.
The reports' connected and late time follow `late` (manager/uptime_store.py).

The acknowledgement names the seqs now stored with the hash the board sent
and the board's chain head: the board deletes from its queue only those.

Ingest also tells whether people would see a difference (the board came back,
shows another state or manifest, or first acknowledged a warning), so that
the console's open pages look again only then, not on every heartbeat.
"""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlite_utils import Database

from manager import uptime, uptime_store
from manager.backfill_bounds import Bounds
from manager.errors import NotFound
from protocol.heartbeat import ClockState, Heartbeat, HeartbeatAck

_VOUCHED = (ClockState.synced, ClockState.held)


def placed_at(hb: Heartbeat, received_at: float, tolerance_s: float) -> tuple[float, bool]:
    """(the instant the heartbeat stands for, whether the board's clock disagreed)."""
    corrected = hb.board_time.timestamp() - hb.clock_skew_s
    if hb.recorded_offline or hb.clock in _VOUCHED:
        return min(corrected, received_at), corrected > received_at + tolerance_s
    if abs(corrected - received_at) > tolerance_s:
        return received_at, True
    return corrected, False


def arrived_late(hb: Heartbeat, received_at: float, clock_disagreed: bool, held_s: float | None = None) -> bool:
    """Not delivered within its interval: the one rule for "recorded offline" (see the module's doc)."""
    if held_s is not None:
        return held_s > hb.interval_s
    if hb.clock not in _VOUCHED or clock_disagreed:
        return hb.recorded_offline
    return received_at - (hb.board_time.timestamp() - hb.clock_skew_s) > hb.interval_s


@dataclass(frozen=True)
class Stored:
    """What the ingest needs to know of a board, its stored heartbeats and its intervals, read in one
    statement (once eight, most of a heartbeat's cost: bench/README.md, issue 15)."""
    last_seen_at: float | None  # the board's row, as its last report left it
    heartbeat_interval_s: int
    last_seq: int | None
    applied_version: str | None
    display_state: str | None
    head_seq: int | None  # the raw heartbeat with the highest seq (None: none raw)
    head_hash: str | None
    head_placed_at: float | None
    newest_placed_at: float | None  # the latest any raw heartbeat stands at
    paired_at: float | None
    sealed_through: int | None
    last_interval: tuple | None  # (start_at, end_at, state, connected) of the board's latest interval

    @classmethod
    def read(cls, db: Database, board_id: str) -> "Stored":
        row = db.conn.execute(_STORED_SQL, {"b": board_id}).fetchone()
        if row is None:
            raise NotFound(f"Không có bảng tin {board_id}", f"no board {board_id}")
        interval = tuple(row[11:15]) if row[11] is not None else None
        return cls(*row[:11], interval)


_HEAD = "FROM heartbeats WHERE board_id = :b ORDER BY seq DESC LIMIT 1"
_LAST_INTERVAL = "FROM board_intervals WHERE board_id = :b ORDER BY start_at DESC LIMIT 1"
_STORED_SQL = (
    "SELECT last_seen_at, heartbeat_interval_s, last_seq, applied_version, display_state, "
    f"(SELECT seq {_HEAD}), (SELECT hash {_HEAD}), (SELECT placed_at {_HEAD}), "
    "(SELECT max(placed_at) FROM heartbeats WHERE board_id = :b), "
    "(SELECT min(created_at) FROM pairings WHERE board_id = :b), "
    "(SELECT max(last_seq) FROM chain_checkpoints WHERE board_id = :b), "
    f"(SELECT start_at {_LAST_INTERVAL}), (SELECT end_at {_LAST_INTERVAL}), "
    f"(SELECT state {_LAST_INTERVAL}), (SELECT connected {_LAST_INTERVAL}) "
    "FROM boards WHERE id = :b")


def ingest(db: Database, board_id: str, heartbeats: list[Heartbeat], received_at: float, tolerance_s: float,
           backfill_horizon_s: float = 31 * 86400,
           held_s: list[float | None] | None = None) -> tuple[HeartbeatAck, list[dict], bool]:
    """Stores new heartbeats, skips ones already stored; returns the ack, the rows stored and whether people see a change.

    `held_s`, when given, pairs with `heartbeats` by position (the batch's `held_s`)."""
    stored, held = [], []
    before = Stored.read(db, board_id)
    seen = not uptime.is_online(before.last_seen_at, before.heartbeat_interval_s, received_at)
    ordered = sorted(zip(heartbeats, held_s or [None] * len(heartbeats)), key=lambda pair: pair[0].seq)
    first_seq = ordered[0][0].seq
    # The common case, a board's next heartbeat, follows the stored head: no need to look further back.
    follows_head = before.head_seq is not None and first_seq > before.head_seq
    previous = before.head_placed_at if follows_head else Bounds.placed_before(db, board_id, first_seq)
    bounds = Bounds(before.paired_at, previous, received_at, backfill_horizon_s)
    for hb, hb_held_s in ordered:
        at, disagreed = placed_at(hb, received_at, tolerance_s)
        at, late = bounds.place(at), arrived_late(hb, received_at, disagreed, hb_held_s)
        row = dict(board_id=board_id, seq=hb.seq, placed_at=at, board_time=hb.board_time.timestamp(),
                   received_at=received_at, clock_skew_s=hb.clock_skew_s, display_state=hb.display_state.value,
                   recorded_offline=int(hb.recorded_offline), late=int(late),
                   interval_s=hb.interval_s, manifest_version=hb.manifest_version, prev_hash=hb.prev_hash, hash=hb.hash,
                   payload=hb.model_dump_json())
        cursor = db.conn.execute(
            "INSERT OR IGNORE INTO heartbeats (board_id, seq, placed_at, board_time, received_at, clock_skew_s, display_state, "
            "recorded_offline, late, interval_s, manifest_version, prev_hash, hash, payload) "
            "VALUES (:board_id, :seq, :placed_at, :board_time, :received_at, :clock_skew_s, :display_state, "
            ":recorded_offline, :late, :interval_s, :manifest_version, :prev_hash, :hash, :payload)", row)
        if cursor.rowcount or _holds(db, board_id, hb):
            held.append(hb.seq)
        if cursor.rowcount:
            stored.append(row)
            if hb.alert:
                acked = db.execute("INSERT OR IGNORE INTO alert_acks (alert_id, board_id, first_seen_at) "
                                   "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM alerts WHERE id = ?)", [hb.alert, board_id, at, hb.alert])
                seen = seen or bool(acked.rowcount)
    if stored:
        # Keep the board's compacted uptime intervals current (issue 5), in the same transaction.
        stored = uptime_store.on_stored(db, board_id, stored, before.sealed_through, before.last_interval,
                                        before.newest_placed_at)
    newest, newest_late = ordered[-1][0], late  # the loop ends on the newest
    # A live report is the board's present state whatever its seq (a bogus huge seq once must not freeze the status).
    if stored and (before.last_seq is None or newest.seq >= before.last_seq or not newest_late):
        # The skew the manager itself sees on a live report beats the board's own estimate.
        skew = newest.clock_skew_s if newest_late else newest.board_time.timestamp() - received_at
        seen = seen or (newest.manifest_version, newest.display_state.value) != (before.applied_version, before.display_state)
        db.conn.execute(
            "UPDATE boards SET last_seen_at = ?, last_seq = ?, applied_version = ?, display_state = ?, clock_skew_s = ?, "
            "software_version = ?, disk_free_bytes = ?, clock_state = ?, ntp_disagreement_s = ? WHERE id = ?",
            [received_at, newest.seq, newest.manifest_version, newest.display_state.value, skew,
             newest.software_version, newest.disk_free_bytes, newest.clock.value if newest.clock else None,
             newest.ntp_disagreement_s, board_id])
    else:
        db.conn.execute("UPDATE boards SET last_seen_at = ? WHERE id = ?", [received_at, board_id])
    head_seq, head_hash = _head(db, board_id, before, stored)
    ack = HeartbeatAck(accepted=len(stored), duplicates=len(heartbeats) - len(stored),
                       server_time=datetime.fromtimestamp(received_at, timezone.utc),
                       board_id=board_id, seqs=held, head_seq=head_seq, head_hash=head_hash)
    return ack, stored, seen


def _holds(db: Database, board_id: str, hb: Heartbeat) -> bool:
    """Whether a re-sent heartbeat is already stored as sent (raw, or sealed into a checkpoint)."""
    row = db.execute("SELECT hash FROM heartbeats WHERE board_id = ? AND seq = ?", [board_id, hb.seq]).fetchone()
    if row is not None:
        return row[0] == hb.hash
    return bool(db.execute("SELECT 1 FROM chain_checkpoints WHERE board_id = ? AND ? BETWEEN first_seq AND last_seq",
                           [board_id, hb.seq]).fetchone())


def _head(db: Database, board_id: str, before: Stored, stored: list[dict]) -> tuple[int | None, str | None]:
    """The board's chain head after the batch: the highest seq stored raw, else the last checkpoint's."""
    newest = max(stored, key=lambda r: r["seq"], default=None)
    if newest is not None and (before.head_seq is None or newest["seq"] > before.head_seq):
        return newest["seq"], newest["hash"]
    if before.head_seq is not None:
        return before.head_seq, before.head_hash
    row = db.execute("SELECT last_seq, last_hash FROM chain_checkpoints WHERE board_id = ? ORDER BY last_seq DESC LIMIT 1",
                     [board_id]).fetchone()
    return (row[0], row[1]) if row else (None, None)
