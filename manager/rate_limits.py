"""Counting events per key over a sliding window: in memory, or in the database.

`SlidingWindow` (memory) is for limits on strangers' requests (pairing requests
per address): a flood then writes nothing to disk, and a restart forgetting the
count only gives back what one window would anyway. One manager process serves
a province, so one process's memory is the whole count.

`StoredWindow` (SQLite, table `rate_limit_hits`) is for limits an attacker
could otherwise reset by getting the manager restarted (a crash, an update,
a watchdog): pairing claims per person and per code. It writes one row per
counted event, so it only counts events of signed-in people. Failed logins are
counted in their own table the same way (manager/sessions.py).
"""
import threading
from collections import deque

from sqlite_utils import Database


class SlidingWindow:
    def __init__(self, limit: int, window_s: float, max_keys: int = 100_000):
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._events: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self.max_keys:
                self._forget_idle(now)
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window_s]:
            del self._events[key]

    def exceeded(self, key: str, now: float) -> bool:
        with self._lock:
            return len(self._recent(key, now)) >= self.limit

    def hit(self, key: str, now: float) -> bool:
        """Counts one event; False when the key had already reached its limit (the event is not counted)."""
        with self._lock:
            events = self._recent(key, now)
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True


class StoredWindow:
    """As `SlidingWindow`, kept in the database: the count survives a restart. Call inside a write transaction."""

    def __init__(self, name: str, limit: int, window_s: float):
        self.name, self.limit, self.window_s = name, limit, window_s

    def count(self, db: Database, key: str, now: float) -> int:
        return db.execute("SELECT count(*) FROM rate_limit_hits WHERE name = ? AND key = ? AND at > ?",
                          [self.name, key, now - self.window_s]).fetchone()[0]

    def exceeded(self, db: Database, key: str, now: float) -> bool:
        return self.count(db, key, now) >= self.limit

    def hit(self, db: Database, key: str, now: float) -> bool:
        """Counts one event; False when the key had already reached its limit (the event is not counted)."""
        if self.exceeded(db, key, now):
            return False
        db.execute("DELETE FROM rate_limit_hits WHERE name = ? AND at <= ?", [self.name, now - self.window_s])
        db.execute("INSERT INTO rate_limit_hits (name, key, at) VALUES (?, ?, ?)", [self.name, key, now])
        return True
