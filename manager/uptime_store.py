"""Stored uptime: compacted intervals per board, and chain checkpoints for pruned heartbeats.

Tables made by migrations m004_uptime_intervals, m007_board_hours_history and m010_evidence.

`board_intervals` holds only covered time (on, scheduled_off, error, with a
connected flag); a gap is offline. It is updated on every stored heartbeat
batch (`on_heartbeats`, called by the ingest), so reports never read raw
heartbeats. `seal` turns raw heartbeats older than the retention into one
checkpoint per contiguous run (first/last seq and hash, count, whether the
run's chain verified, largest clock offset, and the digest of the intervals
over the span it covers) and deletes them: a year of a province stays small,
the chain remains verifiable across the pruned part, and the intervals stay
bound to it (issue 16, docs/uptime.md).
`board_hours` keeps every change of a board's operating hours with its time,
so a past period is measured against the hours the board had then.
"""
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlite_utils import Database

from manager import evidence, uptime
from manager.reasons import Reason
from manager.uptime import Beat, Interval
from protocol.heartbeat import Heartbeat, heartbeat_hash
from protocol.manifest import OperatingWindow
from protocol.timebase import VN_TZ

CLOCK_DISPLACED_S = 1.0  # placed_at this far from the corrected board time: the server placed it


def _local_day(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).astimezone(VN_TZ).date().isoformat()



# A heartbeat vouches for the board's connection when it was delivered within its interval (`late`, decided at
# ingest by manager.heartbeats); `recorded_offline` is the board's own guess, kept only to check the payload.
_BEAT_SQL = "SELECT placed_at, display_state, late, interval_s FROM heartbeats WHERE board_id = ? "


def _beats(db: Database, where: str, params: list) -> list[Beat]:
    rows = db.execute(_BEAT_SQL + where, params).fetchall()
    return [Beat(r[0], r[1], not r[2], r[3]) for r in rows]


def intervals(db: Database, board_id: str, start: float, end: float, touching: bool = False) -> list[Interval]:
    """Intervals overlapping [start, end); with `touching`, also those that only meet its ends."""
    overlap = "end_at >= ? AND start_at <= ?" if touching else "end_at > ? AND start_at < ?"
    rows = db.execute(
        f"SELECT start_at, end_at, state, connected FROM board_intervals WHERE board_id = ? AND {overlap} ORDER BY start_at",
        [board_id, start, end],
    ).fetchall()
    return [Interval(r[0], r[1], r[2], bool(r[3])) for r in rows]


def intervals_by_board(db: Database, board_ids: list[str], start: float, end: float) -> dict[str, list[Interval]]:
    """All boards' intervals over [start, end) in one query."""
    out: dict[str, list[Interval]] = {b: [] for b in board_ids}
    if not board_ids:
        return out
    marks = ",".join("?" * len(board_ids))
    rows = db.execute(
        f"SELECT board_id, start_at, end_at, state, connected FROM board_intervals "
        f"WHERE board_id IN ({marks}) AND end_at > ? AND start_at < ? ORDER BY board_id, start_at",
        [*board_ids, start, end],
    ).fetchall()
    for b, s, e, state, connected in rows:
        out[b].append(Interval(s, e, state, bool(connected)))
    return out


def _replace(db: Database, board_id: str, lo: float, hi: float, top: list[Interval]) -> None:
    """Lay `top` (covering part of [lo, hi)) over the stored intervals, merging neighbours."""
    base = intervals(db, board_id, lo, hi, touching=True)
    merged = uptime.overlay(base, top)
    if base:
        db.execute(
            "DELETE FROM board_intervals WHERE board_id = ? AND start_at >= ? AND start_at <= ?",
            [board_id, base[0].start, base[-1].start],
        )
    db.conn.executemany(
        "INSERT INTO board_intervals (board_id, start_at, end_at, state, connected) VALUES (?, ?, ?, ?, ?)",
        [(board_id, iv.start, iv.end, iv.state, int(iv.connected)) for iv in merged],
    )


def on_heartbeats(db: Database, board_id: str, placed: list[float], intervals_s: list[float],
                  grace: float = uptime.GRACE_FACTOR) -> None:
    """Update the board's intervals after heartbeats placed at `placed` were stored (same transaction).

    New heartbeats change the timeline only from the earliest of them to
    `grace` intervals past the latest; that window is recomputed from the raw
    heartbeats it needs (plus the last one before it, and the last live one,
    which may still vouch into it) and laid over what is stored.
    """
    if not placed:
        return
    lo = min(placed)
    hi = max(placed) + grace * max(intervals_s)
    beats = _beats(db, "AND placed_at >= ? AND placed_at < ? ORDER BY placed_at, seq", [board_id, lo, hi])
    before = _beats(db, "AND placed_at < ? ORDER BY placed_at DESC, seq DESC LIMIT 1", [board_id, lo])
    live_before = _beats(db, "AND placed_at < ? AND late = 0 ORDER BY placed_at DESC, seq DESC LIMIT 1", [board_id, lo])
    floor, tail = sealed_tail(db, board_id)
    # Once sealed, a heartbeat's row is gone: the checkpoint's tail stands in for it.
    before = before or [b for b in tail[:1] if b.placed_at < lo]
    live_before = live_before or [b for b in tail if b.live and b.placed_at < lo][:1]
    extra = {b for b in before + live_before}
    ordered = sorted(extra, key=lambda b: b.placed_at) + beats
    computed = uptime.compact(ordered, grace)
    # A live heartbeat from before `before` cannot vouch past `before`'s own
    # window unless intervals changed; the live one fetched covers that case.
    # Sealed time is final (its digest is in a checkpoint): a late heartbeat changes only what comes after it.
    lo = max(lo, floor)
    if hi <= lo:
        return
    top = uptime.clip(computed, lo, hi)
    _replace(db, board_id, lo, hi, top)


def sealed_tail(db: Database, board_id: str) -> tuple[float, list[Beat]]:
    """Where the board's sealed time ends (-inf when nothing is sealed), and the sealed heartbeats that may
    still vouch past it: the last one, then the last live one."""
    row = db.execute("SELECT span_end, tail FROM chain_checkpoints WHERE board_id = ? ORDER BY first_seq DESC LIMIT 1",
                     [board_id]).fetchone()
    if row is None or row[0] is None:
        return float("-inf"), []
    return row[0], tail_beats(row[1])


def tail_beats(text: str | None) -> list[Beat]:
    return [Beat(b[0], b[1], bool(b[2]), b[3]) for b in json.loads(text or "[]")]


def span_digest(db: Database, board_id: str, start: float, end: float) -> str:
    return evidence.interval_digest(intervals(db, board_id, start, end), start, end)


def on_stored(db: Database, board_id: str, rows: list[dict], sealed_through: int | None,
              last_interval: tuple | None, newest_placed_at: float | None) -> list[dict]:
    """The ingest's hook: drop re-sent heartbeats already sealed, then update the intervals; returns the rows kept.

    The other arguments are what was stored before these rows (`manager.heartbeats.Stored`): the last
    sealed seq, the board's latest interval, the latest instant a raw heartbeat stood at.

    A board that did not get an acknowledgement sends a batch again; once its
    raw rows are sealed, the primary key no longer catches the duplicates, so
    they are caught here by seq.
    """
    if sealed_through is not None:
        resent = [r["seq"] for r in rows if r["seq"] <= sealed_through]
        if resent:
            db.execute("DELETE FROM heartbeats WHERE board_id = ? AND seq <= ?", [board_id, sealed_through])
            rows = [r for r in rows if r["seq"] > sealed_through]
    if len(rows) != 1 or not _extend_last(db, board_id, rows[0], last_interval, newest_placed_at):
        on_heartbeats(db, board_id, [r["placed_at"] for r in rows], [r["interval_s"] for r in rows])
    return rows


def _extend_last(db: Database, board_id: str, row: dict, last: tuple | None, newest_placed_at: float | None,
                 grace: float = uptime.GRACE_FACTOR) -> bool:
    """The common case in one statement: the newest heartbeat continues the last interval.

    When the heartbeat is the board's newest (none stood later before it), falls inside the last interval
    and has its state and connectedness, compaction would only push that interval's end further;
    anything else takes the general path.
    """
    t, live = row["placed_at"], not row["late"]
    if last is None or not (last[0] <= t <= last[1]) or last[2] != row["display_state"] or bool(last[3]) != live:
        return False
    if newest_placed_at is not None and newest_placed_at > t:
        return False
    db.conn.execute("UPDATE board_intervals SET end_at = max(end_at, ?) WHERE board_id = ? AND start_at = ?",
                    [t + grace * row["interval_s"], board_id, last[0]])
    return True


def rebuild(db: Database, board_id: str, grace: float = uptime.GRACE_FACTOR) -> int:
    """Recompute the board's intervals from all its raw heartbeats (sealed time keeps what is stored)."""
    beats = _beats(db, "ORDER BY placed_at, seq", [board_id])
    if not beats:
        return 0
    floor, tail = sealed_tail(db, board_id)
    computed = uptime.clip(uptime.compact(sorted(set(tail), key=lambda b: b.placed_at) + beats, grace), floor, float("inf"))
    base = intervals(db, board_id, float("-inf"), float("inf"))
    merged = uptime.overlay(base, computed)
    db.execute("DELETE FROM board_intervals WHERE board_id = ?", [board_id])
    db.conn.executemany(
        "INSERT INTO board_intervals (board_id, start_at, end_at, state, connected) VALUES (?, ?, ?, ?, ?)",
        [(board_id, iv.start, iv.end, iv.state, int(iv.connected)) for iv in merged],
    )
    return len(merged)


def monitored_span(db: Database, board_ids: list[str]) -> dict[str, tuple[float, float]]:
    """Per board: the first and last instants vouched for by a heartbeat (from stored intervals)."""
    if not board_ids:
        return {}
    marks = ",".join("?" * len(board_ids))
    rows = db.execute(
        f"SELECT board_id, min(start_at), max(end_at) FROM board_intervals WHERE board_id IN ({marks}) GROUP BY board_id",
        board_ids,
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


@dataclass(frozen=True)
class SealResult:
    checkpoints: int
    pruned: int


def check_run(rows: list[tuple], prev_hash: str | None, prev_seq: int | None) -> tuple[bool, int | None, Reason | None]:
    """Verify consecutive stored heartbeats (seq, payload, display_state, recorded_offline)."""
    for seq, payload, state, offline in rows:
        hb = Heartbeat.model_validate_json(payload)
        if hb.seq != seq or hb.display_state.value != state or hb.recorded_offline != bool(offline):
            return False, seq, Reason("hb_columns")
        if hb.hash != heartbeat_hash(hb):
            return False, seq, Reason("hb_hash")
        if prev_seq is not None and seq != prev_seq + 1:
            return False, prev_seq + 1, Reason("seq_gap")
        if prev_hash is not None and hb.prev_hash != prev_hash:
            return False, seq, Reason("prev_hash")
        prev_hash, prev_seq = hb.hash, seq
    return True, None, None


def seal(db: Database, board_id: str, before: float, now: float) -> SealResult:
    """Checkpoint and delete the board's raw heartbeats placed before `before` (run in a write transaction).

    Seals the longest run in seq order wholly placed before `before`, checked
    against the last checkpoint; while the chain holds, runs of the same local
    day extend one checkpoint row, so a board costs one row a day.
    """
    rows = db.execute(
        "SELECT seq, payload, display_state, recorded_offline, hash, prev_hash, placed_at, board_time, clock_skew_s, interval_s, late "
        "FROM heartbeats WHERE board_id = ? AND seq <= "
        "(SELECT coalesce(max(seq), -1) FROM heartbeats WHERE board_id = ? AND placed_at < ?) ORDER BY seq",
        [board_id, board_id, before],
    ).fetchall()
    # Only the run in seq order that lies wholly before `before`: a checkpoint never skips raw rows.
    cut = next((k for k, r in enumerate(rows) if r[6] >= before), len(rows))
    rows = rows[:cut]
    if not rows:
        return SealResult(0, 0)
    last = db.execute(
        "SELECT last_seq, last_hash, first_seq, ok, first_placed_at, count, max_clock_offset_s, displaced, span_start, span_end, tail "
        "FROM chain_checkpoints WHERE board_id = ? ORDER BY first_seq DESC LIMIT 1", [board_id]
    ).fetchone()
    prev_seq, prev_hash = (last[0], last[1]) if last else (None, None)
    ok, bad_seq, reason = check_run([(r[0], r[1], r[2], r[3]) for r in rows], prev_hash, prev_seq)
    offsets = [abs(r[7] - r[6]) for r in rows]
    displaced = sum(1 for r in rows if abs(r[6] - (r[7] - r[8])) > CLOCK_DISPLACED_S)
    # The span this checkpoint vouches for: from where the board's sealed time ended to its last heartbeat
    # sealed now; the intervals over it are final, and their digest goes into the checkpoint.
    prev_end = last[9] if last and last[9] is not None else None
    span_end = max([r[6] for r in rows] + ([prev_end] if prev_end is not None else []))
    tail = _tail(rows, tail_beats(last[10]) if last else [])
    if ok and last and last[3] and last[8] is not None and _local_day(last[4]) == _local_day(max(r[6] for r in rows)):
        # Extend the day's checkpoint: one row per board and day while the chain holds.
        db.execute(
            "UPDATE chain_checkpoints SET last_seq = ?, last_hash = ?, count = ?, last_placed_at = max(last_placed_at, ?), "
            "max_clock_offset_s = ?, displaced = ?, sealed_at = ?, span_end = ?, intervals_digest = ?, tail = ? "
            "WHERE board_id = ? AND first_seq = ?",
            [rows[-1][0], rows[-1][4], last[5] + len(rows), max(r[6] for r in rows), max(last[6], max(offsets)),
             last[7] + displaced, now, span_end, span_digest(db, board_id, last[8], span_end), tail, board_id, last[2]])
        db.execute("DELETE FROM heartbeats WHERE board_id = ? AND seq >= ? AND seq <= ?", [board_id, rows[0][0], rows[-1][0]])
        return SealResult(0, len(rows))
    span_start = prev_end if prev_end is not None else min(r[6] for r in rows)
    db["chain_checkpoints"].insert(dict(
        board_id=board_id, first_seq=rows[0][0], last_seq=rows[-1][0], count=len(rows),
        first_prev_hash=rows[0][5], last_hash=rows[-1][4],
        first_placed_at=min(r[6] for r in rows), last_placed_at=max(r[6] for r in rows),
        ok=int(ok), first_bad_seq=bad_seq, reason=reason.encode() if reason else None,
        max_clock_offset_s=max(offsets), displaced=displaced, sealed_at=now,
        span_start=span_start, span_end=span_end, intervals_digest=span_digest(db, board_id, span_start, span_end), tail=tail,
    ))
    db.execute("DELETE FROM heartbeats WHERE board_id = ? AND seq >= ? AND seq <= ?", [board_id, rows[0][0], rows[-1][0]])
    return SealResult(1, len(rows))


def _tail(rows: list[tuple], before: list[Beat]) -> str:
    """The last heartbeat sealed and the last live one (either may be from an earlier seal), as JSON."""
    sealed = sorted([Beat(r[6], r[2], not r[10], r[9]) for r in rows] + before)
    last = sealed[-1]
    live = next((b for b in reversed(sealed) if b.live), None)
    chosen = [last] + ([live] if live is not None and live != last else [])
    return json.dumps([[b.placed_at, b.state, int(b.live), b.interval_s] for b in chosen])


def record_hours(db: Database, board_id: str, at: float, hours_json: str) -> None:
    """Operating hours in force from `at` (epoch seconds) on; uptime of earlier periods keeps the older ones."""
    db.execute("INSERT OR REPLACE INTO board_hours (board_id, from_at, hours) VALUES (?, ?, ?)", [board_id, at, hours_json])


def hours_history(db: Database, board_ids: list[str]) -> dict[str, list[tuple[float, list[OperatingWindow]]]]:
    """Per board, (from_at, hours) in time order. A board with no recorded history (rows written
    straight into `boards`, as the benchmark does) has had its current hours all along."""
    out: dict[str, list] = {b: [] for b in board_ids}
    if not board_ids:
        return out
    marks = ",".join("?" * len(board_ids))
    rows = db.execute(f"SELECT board_id, from_at, hours FROM board_hours WHERE board_id IN ({marks}) ORDER BY board_id, from_at",
                      board_ids).fetchall()
    recorded = {r[0] for r in rows}
    if missing := [b for b in board_ids if b not in recorded]:
        rows += db.execute(f"SELECT id, 0.0, operating_hours FROM boards WHERE id IN ({','.join('?' * len(missing))})",
                           missing).fetchall()
    for board_id, from_at, hours in rows:
        out[board_id].append((from_at, [OperatingWindow.model_validate(w) for w in json.loads(hours or "[]")]))
    return out
