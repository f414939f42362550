"""Serves manifests from small caches, rebuilt when content changes.

A long-polling board asks again on every change anywhere, and most answers
are 304. So the version of every board's manifest is cached (a few dozen
bytes a board, enough for every board of a province and more), while whole
bodies are cached only for the boards asked most recently. Both hold for
the current change generation, a minute at most, and never past the
manifest's `valid_until` (the earliest end of an alert it lists), so alerts
that end drop out at once.
"""
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from manager.clock import Clock
from manager.db import Store
from manager.manifest import build
from manager.notify import ChangeFeed

CACHE_SECONDS = 60
CACHE_VERSIONS = 200_000
CACHE_BODIES = 2_000


@dataclass(frozen=True)
class Served:
    version: str
    body: bytes
    generation: int
    built: float

    @property
    def etag(self) -> str:
        return etag_of(self.version)


def etag_of(version: str) -> str:
    return f'"{version}"'


class _Lru:
    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()

    def get(self, key, generation: int, now: datetime):
        hit = self.items.get(key)
        if hit is None or hit[0] != generation or time.monotonic() - hit[1] >= CACHE_SECONDS or now >= hit[3]:
            return None
        self.items.move_to_end(key)
        return hit[2]

    def put(self, key, generation: int, built: float, value, until: datetime) -> None:
        self.items[key] = (generation, built, value, until)
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class ManifestService:
    def __init__(self, store: Store, clock: Clock, changes: ChangeFeed, days: int, documents=None):
        self.store, self.clock, self.changes, self.days = store, clock, changes, days
        self.documents = documents  # renders PDF documents' pages for each board (manager.documents)
        self._versions = _Lru(CACHE_VERSIONS)
        self._bodies = _Lru(CACHE_BODIES)
        self._lock = Lock()

    def cached_version(self, board_id: str) -> str | None:
        """The version the board should have now, if known without building; never blocks on the database."""
        with self._lock:
            return self._versions.get(board_id, self.changes.generation, self.clock.now())

    def version(self, board_id: str) -> str:
        return self.cached_version(board_id) or self.current(board_id).version

    def current(self, board_id: str) -> Served:
        """The board's manifest, body and all."""
        generation = self.changes.generation
        with self._lock:
            hit = self._bodies.get(board_id, generation, self.clock.now())
        if hit is not None:
            return hit
        with self.store.read() as db:
            manifest = build(db, board_id, self.clock.now(), self.days, self.documents)
        built = time.monotonic()
        served = Served(manifest.version, manifest.model_dump_json().encode(), generation, built)
        with self._lock:
            self._bodies.put(board_id, generation, built, served, manifest.valid_until)
            self._versions.put(board_id, generation, built, served.version, manifest.valid_until)
        return served
