"""Serves manifests from small caches; one worker builds what is missing, in batches.

A change wakes only the boards it may affect (`manager.notify`), but an alert
for a province still wakes thousands at once. They are not built one thread
hop each: forty pool threads building one board each fight the event loop
for the GIL, and the first board waits as long as the last. Instead the
woken requests queue for one builder thread, which takes all that are
waiting as one batch, reads in one read transaction and builds from shared
parts (`manager.manifest_batch`).

It hands the first few answers to the event loop at once, then holds the
rest until the batch is built (or for `HOLD_AT_MOST_S`) and wakes them in one
go. Answers handed over a few at a time (every 5 ms, before) let each
answered board's next requests (the heartbeat that acknowledges an alert,
its next long-poll) onto the loop ahead of the answers still to go out, and
while the builder runs, the loop gets the GIL only at switch intervals (every
callback of uvloop takes it again). Woken in one go, the answers are written
in one turn of the loop, before it reads anything else. `delivering()` tells
the heartbeat side that a fan-out is under way, so that it may hold its
writes back meanwhile; Python's collector waits too (`manager.gc_pauses`).

Every board's version is cached (a few dozen bytes a board, enough for every
board of a province and more); whole bodies only for the boards asked most
recently. Both hold while the board's own change generation stands, a
minute at most, and never past the manifest's `valid_until` (the earliest
end of an alert it lists), so alerts that end drop out at once.
"""
import asyncio
import logging
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from manager import gc_pauses
from manager.clock import Clock
from manager.db import Store
from manager.errors import NotFound
from manager.manifest_batch import Batch, BoardParts, Built
from manager.notify import ChangeFeed

log = logging.getLogger("bangtin.manifests")

CACHE_SECONDS = 60
CACHE_VERSIONS = 200_000
CACHE_BODIES = 20_000
FIRST_ANSWERS = 20  # handed over as soon as built: the first boards hear of a change at once
HOLD_AT_MOST_S = 1.0  # how long the other finished answers may wait for the rest of their batch


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


def _resolve_all(results: list[tuple[asyncio.Future, Served | Exception]]) -> None:
    for future, result in results:
        if future.done():
            continue  # the board hung up
        if isinstance(result, Exception):
            future.set_exception(result)
        else:
            future.set_result(result)


class ManifestService:
    def __init__(self, store: Store, clock: Clock, changes: ChangeFeed, days: int, documents=None):
        self.store, self.clock, self.changes, self.days = store, clock, changes, days
        self.documents = documents  # renders PDF documents' pages for each board (manager.documents)
        self._versions = _Lru(CACHE_VERSIONS)
        self._bodies = _Lru(CACHE_BODIES)
        self._lock = threading.Lock()
        self._board_parts = BoardParts()
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._builder: threading.Thread | None = None
        self._preparing = 0  # prepared changes queued or being built, their boards not yet all woken
        changes.prepare = self._prepare

    def delivering(self) -> bool:
        """True while a change's answers are being built and not yet all handed to the event loop.

        Cheap enough to ask on every turn of the loop: the heartbeat writes may wait (a few ms
        at a time) while it holds, so that the alert's answers leave before its acknowledgements
        are written."""
        return self._preparing > 0

    def cached(self, board_id: str, generation: int) -> Served | None:
        """The board's answer if it is in the cache for this generation of the board (the route's fast path)."""
        now = self.clock.now()
        with self._lock:
            return self._bodies.get(board_id, generation, now)

    def cached_version(self, board_id: str) -> str | None:
        """The version the board should have now, if known without building; never blocks on the database."""
        generation, now = self.changes.generation_of(board_id), self.clock.now()
        with self._lock:
            return self._versions.get(board_id, generation, now)

    def version(self, board_id: str) -> str:
        return self.cached_version(board_id) or self.current(board_id).version

    def _cached_body(self, board_id: str) -> Served | None:
        return self.cached(board_id, self.changes.generation_of(board_id))

    def current(self, board_id: str) -> Served:
        """The board's manifest, built in the calling thread if need be (the console's pages)."""
        hit = self._cached_body(board_id)
        if hit is not None:
            return hit
        result = self._build_batch([board_id])[board_id]
        if isinstance(result, Exception):
            raise result
        return result

    async def served(self, board_id: str) -> Served:
        """The board's manifest, from the cache or the builder thread; the event loop never builds."""
        hit = self._cached_body(board_id)
        if hit is not None:
            return hit
        future = asyncio.get_running_loop().create_future()
        self._submit((board_id, asyncio.get_running_loop(), future))
        return await future

    def _prepare(self, board_ids: list[str]) -> None:
        """A change reached these waiting boards: build their answers, then wake them (ChangeFeed.prepare)."""
        with self._lock:
            self._preparing += 1
        gc_pauses.defer()  # a collection now would hold up every board the change reached
        self._submit((board_ids, None, None))

    def _submit(self, request: tuple) -> None:
        self._requests.put(request)
        if self._builder is None:
            with self._lock:
                if self._builder is None:
                    self._builder = threading.Thread(target=self._build_forever, name="manifest-builder", daemon=True)
                    self._builder.start()

    def _build_forever(self) -> None:
        while True:
            waiting: dict[str, list] = {}
            prepared: set[str] = set()
            taken = 0  # prepared changes in this batch
            request = self._requests.get()
            while request is not None:
                key, loop, future = request
                if future is None:
                    taken += 1
                    prepared.update(key)
                    waiting.update((b, waiting.get(b, [])) for b in key)
                else:
                    waiting.setdefault(key, []).append((loop, future))
                try:
                    request = self._requests.get_nowait()
                except queue.Empty:
                    request = None
            try:
                self._build_batch(list(waiting), waiting, prepared)
            except Exception as exc:  # a broken read fails this batch's requests, never the builder
                log.exception("manifest batch of %d boards failed", len(waiting))
                for pending in waiting.values():
                    for loop, future in pending:
                        loop.call_soon_threadsafe(_resolve_all, [(future, exc)])
                self.changes.wake(prepared)  # they ask again, and get the error or their answer
            finally:
                with self._lock:
                    self._preparing -= taken
                for _ in range(taken):
                    gc_pauses.resume()

    def _build_batch(self, board_ids: list[str], waiting: dict[str, list] | None = None,
                     prepared: set[str] = frozenset()) -> dict[str, Served | Exception]:
        """Builds the boards in one read transaction; hands over the first few answers at once, the rest together.

        `waiting`: futures to resolve with each board's answer; `prepared`: boards whose long-polls
        a change reached, woken once their answer is in the cache."""
        generations = self.changes.generations_of(board_ids)  # before the snapshot: a change after it is never missed
        results: dict[str, Served | Exception] = {}
        ready: dict[asyncio.AbstractEventLoop, list] = {}
        to_wake: list[str] = []
        last_hand_over = time.monotonic()
        with self.store.read() as db:
            own_transaction = not db.conn.in_transaction  # the console may ask from inside its own
            if own_transaction:
                db.execute("BEGIN")  # one snapshot for the whole batch
            try:
                batch = Batch(db, self.clock.now(), self.days, self._board_parts, self.documents)
                for built in batch.build(board_ids):
                    now = time.monotonic()
                    if isinstance(built, Built):
                        board_id = built.board_id
                        result = Served(built.version, built.body, generations[board_id], now)
                        with self._lock:
                            self._bodies.put(board_id, result.generation, now, result, built.valid_until)
                            self._versions.put(board_id, result.generation, now, result.version, built.valid_until)
                    else:
                        board_id, error = built
                        result = NotFound(f"Không có bảng tin {board_id}", str(error)) if isinstance(error, LookupError) else error
                    results[board_id] = result
                    for loop, future in (waiting or {}).get(board_id, ()):
                        ready.setdefault(loop, []).append((future, result))
                    if board_id in prepared:
                        to_wake.append(board_id)
                    if len(results) == FIRST_ANSWERS or now - last_hand_over >= HOLD_AT_MOST_S:
                        self._hand_over(ready, to_wake)
                        last_hand_over = now
            finally:
                if own_transaction:
                    db.execute("COMMIT")
        self._hand_over(ready, to_wake)
        return results

    def _hand_over(self, ready: dict, to_wake: list[str]) -> None:
        for loop, results in ready.items():
            loop.call_soon_threadsafe(_resolve_all, results)
        ready.clear()
        if to_wake:
            self.changes.wake(to_wake)
            to_wake.clear()
