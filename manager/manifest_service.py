"""Serves manifests from a small cache, rebuilt when content changes.

A long-polling board asks again on every change anywhere; the cache keeps a
board's manifest for the current change generation (and a minute at most,
so alerts that end drop out), so the common answer is a cheap 304.
"""
import time
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from manager.clock import Clock
from manager.db import Store
from manager.manifest import build
from manager.notify import ChangeFeed

CACHE_SECONDS = 60
CACHE_BOARDS = 5000


@dataclass(frozen=True)
class Served:
    version: str
    body: bytes
    generation: int
    built: float

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class ManifestService:
    def __init__(self, store: Store, clock: Clock, changes: ChangeFeed, days: int):
        self.store, self.clock, self.changes, self.days = store, clock, changes, days
        self._cache: OrderedDict[str, Served] = OrderedDict()
        self._lock = Lock()

    def current(self, board_id: str) -> Served:
        generation = self.changes.generation
        with self._lock:
            hit = self._cache.get(board_id)
            if hit and hit.generation == generation and time.monotonic() - hit.built < CACHE_SECONDS:
                self._cache.move_to_end(board_id)
                return hit
        with self.store.read() as db:
            manifest = build(db, board_id, self.clock.now(), self.days)
        served = Served(manifest.version, manifest.model_dump_json().encode(), generation, time.monotonic())
        with self._lock:
            self._cache[board_id] = served
            self._cache.move_to_end(board_id)
            while len(self._cache) > CACHE_BOARDS:
                self._cache.popitem(last=False)
        return served
