"""Where a heartbeat may stand on the timeline, whatever its board claims.

A board sends what it recorded while offline later, with its own times. Those
times are believable only within bounds:

* not before the board asked for its pairing code (it had no chain, and no
  one had put it on a wall, before then);
* not older than `horizon_s` before it arrived (how long a board's queue is
  expected to hold reports; the setting `backfill_max_days`);
* not earlier than a heartbeat with a lower seq: a board records in order, so
  its times increase with seq.

A heartbeat outside them is kept (refusing it would break the board's hash
chain) but placed at the nearest instant the bounds allow. It then no longer
counts where it claimed to be, and because it stands away from its corrected
board time, the reports count it as displaced by the server. The first link
of a chain is bounded like any other, so a chain cannot be started in the past.
"""
from sqlite_utils import Database


class Bounds:
    """The earliest instant each heartbeat of one batch may stand at, walking the batch in seq order.

    `paired_at`: when the board first asked for a pairing code (None: unknown); `previous`: where the
    heartbeat before the batch's first (in seq order) stands (`placed_before`)."""

    def __init__(self, paired_at: float | None, previous: float, received_at: float, horizon_s: float):
        self.floor = max(received_at - horizon_s, paired_at if paired_at is not None else float("-inf"))
        self.previous = previous

    @staticmethod
    def placed_before(db: Database, board_id: str, seq: int) -> float:
        row = db.execute("SELECT placed_at FROM heartbeats WHERE board_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1",
                         [board_id, seq]).fetchone()
        if row is None:
            row = db.execute("SELECT last_placed_at FROM chain_checkpoints WHERE board_id = ? AND last_seq < ? "
                             "ORDER BY first_seq DESC LIMIT 1", [board_id, seq]).fetchone()
        return row[0] if row else float("-inf")

    def place(self, at: float) -> float:
        """`at`, or the earliest instant allowed; call once per heartbeat, in seq order."""
        placed = max(at, self.floor, self.previous)
        self.previous = placed
        return placed
