"""The uptime commands of `python -m manager`: verify-chain and seal-heartbeats."""
import time

from sqlite_utils import Database

from manager import uptime_store
from manager.reports import chain
from manager.reports.tables import local


def main(db: Database, args) -> int:
    if args.command == "verify-chain":
        return verify(db, args.board)
    return seal(db, args.keep_hours)


def describe(status: chain.ChainStatus) -> str:
    """One line for a board's full check, saying what was checked (raw rows hashed, sealed ones via their checkpoints)."""
    covered = (f"full check: {status.heartbeats} raw heartbeats hashed, {status.sealed} sealed in checkpoints")
    if status.ok:
        return f"{status.board_id}: OK ({covered}; intervals and board facts match)"
    where = f"at seq {status.first_bad_seq}" if status.first_bad_seq is not None else (
        f"from {local(status.bad_at)} (Vietnam time)" if status.bad_at is not None else "in its board facts")
    return f"{status.board_id}: BROKEN {where}: {status.reason} ({covered} before the failure)"


def verify(db: Database, board_ids: list[str] | None, now: float | None = None) -> int:
    """The full check of each board, printed and recorded (reports show when each board was last fully checked)."""
    ids = board_ids or [r[0] for r in db.execute("SELECT id FROM boards ORDER BY id").fetchall()]
    now = time.time() if now is None else now
    bad = 0
    for board_id in ids:
        status = chain.verify(db, board_id)
        with db.atomic():
            chain.record(db, status, now)
        bad += not status.ok
        print(describe(status))
    return 1 if bad else 0


def seal(db: Database, keep_hours: float, now: float | None = None) -> int:
    now = time.time() if now is None else now
    before = now - keep_hours * 3600
    total = 0
    for (board_id,) in db.execute("SELECT id FROM boards ORDER BY id").fetchall():
        with db.atomic():
            result = uptime_store.seal(db, board_id, before, now)
        total += result.pruned
        if result.pruned:
            print(f"{board_id}: sealed {result.pruned} heartbeats")
    print(f"sealed {total} heartbeats placed before {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(before))} UTC")
    return 0
