"""The uptime commands of `python -m manager`: verify-chain and seal-heartbeats."""
import time

from sqlite_utils import Database

from manager import uptime_store
from manager.reports import chain


def main(db: Database, args) -> int:
    if args.command == "verify-chain":
        return verify(db, args.board)
    return seal(db, args.keep_hours)


def verify(db: Database, board_ids: list[str] | None) -> int:
    ids = board_ids or [r[0] for r in db.execute("SELECT id FROM boards ORDER BY id").fetchall()]
    bad = 0
    for board_id in ids:
        status = chain.verify(db, board_id)
        if status.ok:
            print(f"{board_id}: OK ({status.heartbeats} heartbeats)")
        else:
            bad += 1
            print(f"{board_id}: BROKEN at seq {status.first_bad_seq}: {status.reason} ({status.heartbeats} heartbeats checked)")
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
