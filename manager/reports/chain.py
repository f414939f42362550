"""Whether a board's record still verifies: heartbeat chain, checkpoints, the intervals the figures use, its facts.

Each heartbeat carries the hash of the one before it. Raw heartbeats pruned
after compaction left checkpoints (first/last seq and hash, verified when
sealed, and the digest of the intervals over the span they vouch for), so the
record, sealed part and raw part, links up end to end, and the intervals the
reports are computed from are bound to it.

Two checks, named for what they cover wherever a status is shown:

* **full** (`verify`; `verify-chain`, the board page): every checkpoint's
  links and interval digest; every raw heartbeat's hash recomputed, its link
  and seq, its stored columns against the signed payload; the intervals after
  the sealed time recomputed from the raw heartbeats and compared with the
  stored ones; the board's facts. Its result is recorded (`record`) with its time.
* **quick** (`quick`; every list page and export): the checkpoints' links and
  the digests of those overlapping the period, the raw heartbeats' seq
  continuity and `prev_hash` links in SQL (no hashing), the board's facts. It
  does not catch an edited raw payload, nor edited intervals in time not yet
  sealed: only the full check does.
"""
import bisect
from dataclasses import dataclass

from sqlite_utils import Database

from manager import board_facts, i18n, uptime
from manager.evidence import interval_digest, span_intervals
from manager.reasons import Reason, decode
from manager.uptime_store import check_run, intervals, tail_beats

CHUNK = 5000
FULL, QUICK = "full", "quick"


@dataclass(frozen=True)
class ChainStatus:
    board_id: str
    ok: bool
    heartbeats: int  # full: raw heartbeats whose hash was recomputed; quick: heartbeats the record covers
    first_bad_seq: int | None = None
    reason: Reason | None = None
    checked: str = FULL
    sealed: int = 0  # heartbeats sealed in checkpoints (their rows are gone; the checkpoints were checked)
    bad_at: float | None = None  # where stored intervals first differ, when that is what failed

    @property
    def label_vi(self) -> str:
        return self.label("vi")

    def label(self, lang: str = "vi") -> str:
        kind = i18n.text(lang, f"reports.check_{self.checked}")
        if self.heartbeats + self.sealed == 0 and self.ok:
            return i18n.text(lang, "reports.chain_empty")
        if self.ok:
            return i18n.text(lang, "reports.chain_ok", check=kind)
        if self.first_bad_seq is not None:
            return i18n.text(lang, "reports.chain_broken", seq=self.first_bad_seq, check=kind)
        return i18n.text(lang, "reports.chain_mismatch", check=kind)


def _checkpoints(db: Database, board_id: str):
    return db.execute(
        "SELECT first_seq, last_seq, count, first_prev_hash, last_hash, ok, first_bad_seq, reason, "
        "span_start, span_end, intervals_digest, tail FROM chain_checkpoints WHERE board_id = ? ORDER BY first_seq",
        [board_id],
    ).fetchall()


def _check_checkpoints(db: Database, board_id: str, cps, checked: str, start: float = float("-inf"),
                       end: float = float("inf")) -> tuple[ChainStatus | None, int | None, str | None, int]:
    """Links and seqs of every checkpoint; the interval digests of those whose span overlaps [start, end)."""
    prev_seq, prev_hash, prev_end, total = None, None, None, 0

    def failed(seq, reason):
        return ChainStatus(board_id, False, 0, seq, reason, checked, sealed=total), None, None, total

    spans = [(c[8], c[9]) for c in cps if c[8] is not None and c[9] > start and c[8] < end]
    stored = intervals(db, board_id, spans[0][0], spans[-1][1]) if spans else []
    starts = [iv.start for iv in stored]
    for first, last, count, first_prev, last_hash, ok, bad, reason, span_start, span_end, digest, _ in cps:
        total += count
        if not ok:
            return failed(bad, decode(reason) or Reason("sealed_broken"))
        if count != last - first + 1:
            return failed(first, Reason("cp_count"))
        if prev_seq is not None and first != prev_seq + 1:
            return failed(prev_seq + 1, Reason("seq_gap"))
        if prev_hash is not None and first_prev != prev_hash:
            return failed(first, Reason("cp_link"))
        if digest is None or span_start is None or (prev_end is not None and span_start != prev_end):
            return failed(first, Reason("cp_span"))
        if span_end > start and span_start < end:
            lo, hi = max(0, bisect.bisect_right(starts, span_start) - 1), bisect.bisect_left(starts, span_end)
            if interval_digest(stored[lo:hi], span_start, span_end) != digest:
                return failed(first, Reason("cp_digest"))
        prev_seq, prev_hash, prev_end = last, last_hash, span_end
    return None, prev_seq, prev_hash, total


def verify(db: Database, board_id: str) -> ChainStatus:
    """Full check (see the module's doc)."""
    cps = _checkpoints(db, board_id)
    failed, prev_seq, prev_hash, sealed = _check_checkpoints(db, board_id, cps, FULL)
    if failed:
        return failed
    checked, after, beats = 0, -1, []
    while True:
        rows = db.execute(
            "SELECT seq, payload, display_state, recorded_offline, placed_at, interval_s, hash, late FROM heartbeats "
            "WHERE board_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            [board_id, after, CHUNK],
        ).fetchall()
        if not rows:
            break
        ok, bad, reason = check_run([r[:4] for r in rows], prev_hash, prev_seq)
        if not ok:
            checked += sum(1 for r in rows if r[0] < bad)
            return ChainStatus(board_id, False, checked, bad, reason, FULL, sealed)
        checked += len(rows)
        beats += [uptime.Beat(r[4], r[2], not r[7], r[5]) for r in rows]
        after = prev_seq = rows[-1][0]
        prev_hash = rows[-1][6]
    head = db.execute("SELECT last_seq FROM boards WHERE id = ?", [board_id]).fetchone()
    if head and head[0] is not None and head[0] != prev_seq:
        # The ingest keeps the newest seq stored in `boards`: the chain cut at its end (the newest heartbeats or
        # checkpoints deleted, a board now silent) shows here unless that column is edited too.
        return ChainStatus(board_id, False, checked, (prev_seq if prev_seq is not None else -1) + 1,
                           Reason("tail_missing", {"seq": prev_seq, "head": head[0]}),
                           FULL, sealed)
    bad_at = _recompute(db, board_id, cps, beats)
    if bad_at is not None:
        return ChainStatus(board_id, False, checked, None,
                           Reason("recomputed"), FULL, sealed, bad_at)
    facts = _facts(db, board_id)
    if facts:
        return ChainStatus(board_id, False, checked, None, facts, FULL, sealed)
    return ChainStatus(board_id, True, checked, checked=FULL, sealed=sealed)


def _recompute(db: Database, board_id: str, cps, beats: list[uptime.Beat]) -> float | None:
    """Where the stored intervals after the sealed time first differ from the raw heartbeats' (None: they agree).

    Before the first checkpoint's span (or the first heartbeat, with none)
    there must be no interval at all.
    """
    origin = cps[0][8] if cps else (min(b.placed_at for b in beats) if beats else float("inf"))
    early = intervals(db, board_id, float("-inf"), origin)
    if early:
        return early[0].start
    if not cps:
        floor, tail = origin, []
    else:
        floor, tail = cps[-1][9], tail_beats(cps[-1][11])
        if not tail and beats:
            # Sealed before tails were kept (m010): its last heartbeat may vouch up to 2.5 intervals past it.
            floor = max(floor, min(b.placed_at for b in beats) + uptime.GRACE_FACTOR * max(b.interval_s for b in beats))
    ordered = sorted(set(tail) | set(beats), key=lambda b: b.placed_at)
    if not ordered:
        return None if not intervals(db, board_id, floor, float("inf")) else floor
    expected = span_intervals(uptime.compact(ordered), floor, float("inf"))
    stored = span_intervals(intervals(db, board_id, floor, float("inf")), floor, float("inf"))
    for a, b in zip(expected, stored):
        if a != b:
            return min(a.start, b.start)
    if len(expected) != len(stored):
        return (expected[len(stored)] if len(expected) > len(stored) else stored[len(expected)]).start
    return None


def _facts(db: Database, board_id: str) -> Reason | None:
    row = list(db.query("SELECT * FROM boards WHERE id = ?", [board_id]))
    return board_facts.check(db, row[0]) if row else None


def quick(db: Database, board_ids: list[str], start: float = float("-inf"), end: float = float("inf")) -> dict[str, ChainStatus]:
    """Quick check (see the module's doc) for a list page, the digests over [start, end)."""
    out = {}
    for board_id in board_ids:
        failed, prev_seq, prev_hash, sealed = _check_checkpoints(db, board_id, _checkpoints(db, board_id), QUICK, start, end)
        if failed:
            out[board_id] = failed
            continue
        count, low, high = db.execute(
            "SELECT count(*), min(seq), max(seq) FROM heartbeats WHERE board_id = ?", [board_id]).fetchone()
        status = ChainStatus(board_id, True, count, checked=QUICK, sealed=sealed)
        if count:
            if high - low + 1 != count or (prev_seq is not None and low != prev_seq + 1):
                status = ChainStatus(board_id, False, count, _first_gap(db, board_id, prev_seq), Reason("seq_gap"),
                                     QUICK, sealed)
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
                    status = ChainStatus(board_id, False, count, broken[0], Reason("prev_hash"), QUICK, sealed)
                elif prev_hash is not None and first[0] != prev_hash:
                    status = ChainStatus(board_id, False, count, low, Reason("raw_to_checkpoint"),
                                         QUICK, sealed)
        if status.ok and (facts := _facts(db, board_id)):
            status = ChainStatus(board_id, False, count, None, facts, QUICK, sealed)
        out[board_id] = status
    return out


def _first_gap(db: Database, board_id: str, prev_seq: int | None) -> int:
    expected = None if prev_seq is None else prev_seq + 1
    for (seq,) in db.execute("SELECT seq FROM heartbeats WHERE board_id = ? ORDER BY seq", [board_id]):
        if expected is not None and seq != expected:
            return expected
        expected = seq + 1
    return expected if expected is not None else 0


def record(db: Database, status: ChainStatus, at: float) -> None:
    """Keep a full check's result, so reports can say when the record was last fully checked and what failed."""
    db.execute("INSERT OR REPLACE INTO chain_checks (board_id, checked_at, ok, heartbeats, first_bad_seq, reason) "
               "VALUES (?, ?, ?, ?, ?, ?)", [status.board_id, at, int(status.ok), status.heartbeats, status.first_bad_seq,
                                             status.reason.encode() if status.reason else None])


@dataclass(frozen=True)
class FullCheck:
    checked_at: float
    ok: bool
    first_bad_seq: int | None
    reason: Reason | None


def last_full(db: Database, board_ids: list[str]) -> dict[str, FullCheck]:
    """Each board's latest recorded full check (boards never fully checked are absent)."""
    out = {}
    for k in range(0, len(board_ids), 500):
        chunk = board_ids[k:k + 500]
        for board_id, at, ok, bad, reason in db.execute(
            f"SELECT board_id, checked_at, ok, first_bad_seq, reason FROM chain_checks c WHERE board_id IN "
            f"({','.join('?' * len(chunk))}) AND checked_at = (SELECT max(checked_at) FROM chain_checks WHERE board_id = c.board_id)",
                chunk).fetchall():
            out[board_id] = FullCheck(at, bool(ok), bad, decode(reason))
    return out
