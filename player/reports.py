"""The report queue: heartbeats, play log and screenshots, kept in SQLite.

Every report is committed to `reports.db` (WAL, synchronous=FULL) before it
is sent, so a power cut or `kill -9` loses nothing; the uploader sends them
oldest first and deletes a row only when the manager's acknowledgement names
its seq (`delete_acked`), and the manager de-duplicates by (board, seq), so
nothing counts twice.

A full disk must not cost a heartbeat: the queue keeps a reserve file of
`RESERVE_BYTES` beside the database. When SQLite finds the disk full, the
board first drops partial downloads (`on_full`), then gives up the reserve;
from then on its heartbeats say `disk_low` and play records and screenshots
wait (heartbeats are the record of the board being on screen). The reserve
is taken back once there is room again.

Each heartbeat is queued with the boot id and the monotonic time of its
recording, so that whenever it is sent the board can say how long it held it
(`pending_heartbeats`): the manager decides from that whether it was
delivered within its interval, whatever the board's wall clock says. One
recorded before a reboot has no such time (the monotonic clock started
again), and says so with null.
"""
import errno
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable

from player.clock import boot_id
from protocol.heartbeat import GENESIS_HASH, Heartbeat
from protocol.playlog import PlayRecord

log = logging.getLogger(__name__)
RESERVE_BYTES = 4 * 1024 * 1024  # some thousands of heartbeats with their WAL pages


def _m001_outbox(db: sqlite3.Connection) -> None:
    db.execute("""CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('heartbeat', 'play', 'screenshot')),
        seq INTEGER,
        body BLOB NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))""")
    db.execute("CREATE INDEX outbox_kind ON outbox (kind, id)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _m002_recorded_mono(db: sqlite3.Connection) -> None:
    # Heartbeats queued before this have neither: their holding time is unknown (null), as after a reboot.
    db.execute("ALTER TABLE outbox ADD COLUMN boot_id TEXT")
    db.execute("ALTER TABLE outbox ADD COLUMN recorded_mono REAL")


MIGRATIONS = [_m001_outbox, _m002_recorded_mono]


def migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db:
            step(db)
            db.execute(f"PRAGMA user_version = {number}")


class ReportQueue:
    """Thread-safe; call it from worker threads only (it does disk I/O)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            migrate(self._db)
        except sqlite3.DatabaseError:
            self._db.close()
            raise
        self.changed = threading.Event()  # set when something was queued
        self.boot_id = boot_id()  # the monotonic clock's epoch: its times mean nothing under another
        self.reserve = path.with_name(f"{path.name}.reserve")
        self.on_full: Callable[[], object] | None = None  # frees other space first (partial downloads)
        self.disk_low = not self._hold_reserve()  # a board started on a full disk says so at once

    def _hold_reserve(self) -> bool:
        """(Re)create the reserve; False only when the disk has no room for it."""
        if self.reserve.exists() and self.reserve.stat().st_size >= RESERVE_BYTES:
            return True
        try:
            if shutil.disk_usage(self.path.parent).free < 3 * RESERVE_BYTES:
                return False
            with open(self.reserve, "wb") as fh:
                os.posix_fallocate(fh.fileno(), 0, RESERVE_BYTES)
                os.fsync(fh.fileno())
        except OSError as exc:
            self.reserve.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                return False
            log.warning("cannot keep a disk reserve for reports (%s)", exc)  # not a full disk: carry on without
        return True

    def _on_disk_full(self, attempt: int) -> bool:
        """Free space after SQLITE_FULL; False when nothing is left to free."""
        if attempt == 0 and self.on_full is not None:
            self.on_full()
            return True
        if self.reserve.exists():
            if not self.disk_low:
                log.error("disk full: the report queue is living on its reserve; heartbeats say so")
            self.disk_low = True
            self.reserve.unlink()
            return True
        return False

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _meta(self, key: str, default: str) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def append_heartbeat(self, make: Callable[[int, str], Heartbeat]) -> Heartbeat:
        """Chain and queue one heartbeat: `make(seq, prev_hash)` builds it unsealed.

        The chain's last seq and hash are stored in the same transaction as the
        heartbeat, so the chain survives restarts without gaps or forks.
        """
        attempt = 0
        while True:
            try:
                hb = self._append_heartbeat(make)
                break
            except sqlite3.OperationalError as exc:
                if not _disk_full(exc) or not self._on_disk_full(attempt):
                    raise
                attempt += 1
        if self.disk_low and self._hold_reserve():
            log.info("disk has room again: reserve for reports restored")
            self.disk_low = False
        self.changed.set()
        return hb

    def _append_heartbeat(self, make: Callable[[int, str], Heartbeat]) -> Heartbeat:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            seq = int(self._meta("heartbeat_seq", "-1")) + 1
            prev = self._meta("heartbeat_hash", GENESIS_HASH)
            hb = make(seq, prev)
            if self.disk_low:
                hb = hb.model_copy(update={"disk_low": True})
            hb = hb.sealed()
            self._db.execute("INSERT INTO outbox (kind, seq, body, boot_id, recorded_mono) VALUES ('heartbeat', ?, ?, ?, ?)",
                             (seq, hb.model_dump_json(), self.boot_id, time.monotonic()))
            self._set_meta("heartbeat_seq", str(seq))
            self._set_meta("heartbeat_hash", hb.hash)
        return hb

    def append_play(self, make: Callable[[int], PlayRecord]) -> PlayRecord | None:
        if self.disk_low:
            return None  # the reserve is for heartbeats
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            seq = int(self._meta("play_seq", "-1")) + 1
            record = make(seq)
            self._db.execute("INSERT INTO outbox (kind, seq, body) VALUES ('play', ?, ?)",
                             (seq, record.model_dump_json()))
            self._set_meta("play_seq", str(seq))
        # No wake-up: plays ride along with the next heartbeat, so a board on a metered SIM makes
        # one round of requests per heartbeat interval rather than one per item played.
        return record

    def put_screenshot(self, jpeg: bytes) -> None:
        """Queue a thumbnail; only the newest one is worth sending."""
        if self.disk_low:
            return
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM outbox WHERE kind = 'screenshot'")
            self._db.execute("INSERT INTO outbox (kind, body) VALUES ('screenshot', ?)", (jpeg,))
        self.changed.set()

    def pending(self, kind: str, limit: int) -> list[tuple[int, bytes]]:
        with self._lock:
            return self._db.execute("SELECT id, body FROM outbox WHERE kind = ? ORDER BY id LIMIT ?",
                                    (kind, limit)).fetchall()

    def pending_heartbeats(self, limit: int) -> list[tuple[int, bytes, float | None]]:
        """(id, body, seconds held since recording) of the oldest heartbeats; None where recorded in another
        boot, or where the boot is unknown (not Linux: every start counts as a new boot)."""
        with self._lock:
            rows = self._db.execute("SELECT id, body, boot_id, recorded_mono FROM outbox WHERE kind = 'heartbeat' "
                                    "ORDER BY id LIMIT ?", (limit,)).fetchall()
        now = time.monotonic()
        return [(row_id, body, round(max(now - mono, 0.0), 3) if boot and boot == self.boot_id and mono is not None else None)
                for row_id, body, boot, mono in rows]

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            if kind is None:
                return self._db.execute("SELECT count(*) FROM outbox").fetchone()[0]
            return self._db.execute("SELECT count(*) FROM outbox WHERE kind = ?", (kind,)).fetchone()[0]

    def delete_acked(self, kind: str, seqs: list[int]) -> None:
        """Delete the reports of `kind` whose seqs the manager's acknowledgement named."""
        if not seqs:
            return
        with self._lock, self._db:
            self._db.executemany("DELETE FROM outbox WHERE kind = ? AND seq = ?", [(kind, s) for s in seqs])

    def rebase(self, seq: int, hash_: str) -> bool:
        """Continue the heartbeat chain after `seq`/`hash_` (the manager's head) if that is beyond ours:
        this board's queue was lost (a replaced card, a queue moved aside) but its identity was not,
        and heartbeats under seqs the manager already holds could never be stored."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if int(self._meta("heartbeat_seq", "-1")) >= seq:
                return False
            self._set_meta("heartbeat_seq", str(seq))
            self._set_meta("heartbeat_hash", hash_)
        log.warning("the manager holds heartbeats up to seq %d, beyond this board's own: continuing its chain", seq)
        return True

    def delete(self, ids: list[int]) -> None:
        if not ids:
            return
        with self._lock, self._db:
            self._db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    def reset(self, board_id: str) -> None:
        """Start afresh for a new board identity: reports for another board cannot be sent."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._meta("board_id", board_id) != board_id:
                log.warning("paired as a new board: dropping reports queued for the old one")
                self._db.execute("DELETE FROM outbox")
                self._db.execute("DELETE FROM meta")
            self._set_meta("board_id", board_id)


def _disk_full(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "full" in str(exc)


def heartbeat_bodies(rows: list[tuple[int, bytes, float | None]], with_held_s: bool = True) -> dict:
    """The batch for `pending_heartbeats` rows; `held_s` rides outside the heartbeats (and their hashes)."""
    body = {"heartbeats": [json.loads(hb) for _, hb, _ in rows]}
    if with_held_s:
        body["held_s"] = [held for _, _, held in rows]
    return body


def play_bodies(rows: list[tuple[int, bytes]]) -> dict:
    return {"records": [json.loads(body) for _, body in rows]}


def open_queue(path: Path) -> ReportQueue:
    """The queue at `path`; a file SQLite cannot read is moved aside, so the board still plays."""
    try:
        return ReportQueue(path)
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
        log.error("report queue %s unreadable (%s); moved to %s, starting a new one", path, exc, aside.name)
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return ReportQueue(path)
