"""The one SQLite file: connections per thread, every write through one lock.

WAL lets readers run beside the writer; the write lock keeps this process's
writers from racing for SQLite's own lock, and the busy timeout covers other
processes (the CLI) touching the same file.

The server checkpoints in a thread of its own (`background_checkpoints`).
SQLite's default runs the checkpoint inside whichever commit pushes the WAL
past 1,000 pages: copying those pages into the database file and syncing it,
on the event loop when that commit was a heartbeat's, and it took a third of
the heartbeat route's time under load. The thread runs the same
checkpoint (PASSIVE: it never waits for a reader or the writer) with the
GIL released, and pages rewritten many times between two runs are copied once.
"""
import logging
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000
CHECKPOINT_EVERY_S = 0.5
T = TypeVar("T")
log = logging.getLogger("bangtin.manager.db")


def connect(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across application crashes in WAL mode; only an OS crash
    # may lose the last commits, which boards simply send again.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return Database(conn, execute_plugins=False)


def _checkpoint_while_used(store_ref: "weakref.ref[Store]") -> None:
    """Until the store is gone (a test's app, say)."""
    db = connect(store_ref().path)
    while store_ref() is not None:
        time.sleep(CHECKPOINT_EVERY_S)
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:  # a full disk, say: the next round tries again, and commits report it themselves
            log.exception("WAL checkpoint failed; will try again")
    db.close()


class Store:
    def __init__(self, path: Path, background_checkpoints: bool = False):
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._checkpointer = None
        if background_checkpoints:
            self._checkpointer = threading.Thread(target=_checkpoint_while_used, args=(weakref.ref(self),),
                                                  name="wal-checkpoints", daemon=True)
            self._checkpointer.start()

    def db(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
            if self._checkpointer is not None:
                db.execute("PRAGMA wal_autocheckpoint = 0")
        return db

    @contextmanager
    def read(self) -> Iterator[Database]:
        yield self.db()

    def write_if_free(self, work: Callable[[Database], T]) -> tuple[bool, T | None]:
        """`work(db)` in one transaction if no other writer holds the lock right now: (True, result); else (False, None).

        For the event loop's fast path: it must never wait for the lock (a long import holds it for seconds).
        """
        if not self._write_lock.acquire(blocking=False):
            return False, None
        try:
            db = self.db()
            with db.atomic():
                return True, work(db)
        finally:
            self._write_lock.release()

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One transaction: all of it is stored, or none of it."""
        with self._write_lock:
            db = self.db()
            with db.atomic():
                yield db
