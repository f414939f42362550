"""Seals old raw heartbeats in the background, so a year of boards stays small.

Raw heartbeats older than `--heartbeat-keep-hours` are verified against the
hash chain, folded into one checkpoint per board and day, and deleted
(`uptime_store.seal`); the compacted intervals and the checkpoints keep
everything reports and chain checks need. One board per transaction, so
ingest never waits long for the write lock.
"""
import logging
import threading

from manager import uptime_store
from manager.clock import Clock
from manager.db import Store

log = logging.getLogger("bangtin.manager.sealing")
EVERY_S = 900


class Sealer:
    def __init__(self, store: Store, clock: Clock, keep_hours: float, every_s: float = EVERY_S):
        self.store, self.clock, self.keep_hours, self.every_s = store, clock, keep_hours, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat-sealer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.seal_once()
            except Exception:  # a bad night must not stop sealing for good; the next round tries again
                log.exception("sealing heartbeats failed; will try again in %d s", self.every_s)

    def seal_once(self) -> int:
        now = self.clock.time()
        before = now - self.keep_hours * 3600
        with self.store.read() as db:
            board_ids = [r[0] for r in db.execute("SELECT id FROM boards").fetchall()]
        sealed = 0
        for board_id in board_ids:
            with self.store.write() as db:
                sealed += uptime_store.seal(db, board_id, before, now).pruned
        if sealed:
            log.info("sealed %d raw heartbeats older than %.1f h", sealed, self.keep_hours)
        return sealed
