"""The one SQLite file: connections per thread, every write through one lock.

WAL lets readers run beside the writer; the write lock keeps this process's
writers from racing for SQLite's own lock, and the busy timeout covers other
processes (the CLI) touching the same file.
"""
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000
WAL_CHECKPOINT_PAGES = 10_000


def connect(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across application crashes in WAL mode; only an OS crash
    # may lose the last commits, which boards simply send again.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # A checkpoint copies each page once however often the WAL holds it: every board's rows are written every
    # 30 s, so a longer WAL (up to 40 MB, not 4) copies and syncs far fewer pages per heartbeat (issue 15).
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
    return Database(conn, execute_plugins=False)


class Store:
    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()

    def db(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
        return db

    @contextmanager
    def read(self) -> Iterator[Database]:
        yield self.db()

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One transaction: all of it is stored, or none of it."""
        with self._write_lock:
            db = self.db()
            with db.atomic():
                yield db
