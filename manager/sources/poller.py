"""The background loop that reads every due source, one thread beside the server.

A source that fails (timeout, HTTP error, unreadable feed, an adapter bug)
costs one log line, a `source_events` row and its `last_error`; the loop and
the manager carry on, and items already in the inbox or published stay as
they are. Each item is stored in its own transaction. Each source is read on
a thread of its own, with a deadline for the whole poll (linked documents
included), so a source that hangs never delays a warning from another.
"""
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from manager.errors import AppError
from manager.sources import inbox, registry, sequence, store
from manager.sources.base import Fetcher, SourceError
from manager.sources.guard import Guard
from manager.sources.cap_adapter import UNREACHABLE
from protocol.timebase import iso

log = logging.getLogger("bangtin.manager.sources")
DEADLINE_TIMEOUTS = 3  # a whole poll may take this many of the source's timeouts, linked documents included


PRUNE_EVERY_S = 86400


class Poller:
    def __init__(self, db_store, clock, on_change: Callable[[], None], tick_s: float = 1.0, keep_days: int = 0,
                 guard: Guard | None = None, on_news: Callable[[], None] | None = None):
        self.store = db_store
        self.clock = clock
        self.on_change = on_change
        self.on_news = on_news  # the inbox changed: the console's open pages look again
        self.tick_s = tick_s
        self.keep_days = keep_days  # 0: settled inbox items are kept for ever
        self._pruned_at: float | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._threads: dict[int, threading.Thread] = {}  # source id -> the thread polling it now
        self._lock = threading.Lock()
        self._one_at_a_time: dict[int, threading.Lock] = {}  # per source: "poll now" waits for a poll under way
        self.http = Fetcher(guard=guard)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="source-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            running = list(self._threads.values())
        end = time.monotonic() + timeout
        for thread in running:  # each ends by its poll's deadline
            thread.join(max(0.0, end - time.monotonic()))
        self.http.close()

    def poke(self) -> None:
        """Poll now rather than at the next tick (after a source is created or edited)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_due()
            self._prune_if_due()
            self._wake.wait(self.tick_s)
            self._wake.clear()

    def _prune_if_due(self) -> None:
        now = time.monotonic()
        if not self.keep_days or (self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY_S):
            return
        self._pruned_at = now
        try:
            with self.store.write() as db:
                gone = inbox.prune(db, self.clock.now() - timedelta(days=self.keep_days))
            if gone:
                log.info("inbox: deleted %d settled items older than %d days", gone, self.keep_days)
        except Exception:  # housekeeping must never stop the polling
            log.exception("inbox: pruning failed; trying again tomorrow")

    def poll_due(self, wait: bool = False) -> int:
        """Start polling every due source not already being polled; a slow one never holds up the others."""
        with self.store.read() as db:
            sources = store.due(db, iso(self.clock.now()))
        started = []
        for source in sources:
            with self._lock:
                if self._stop.is_set() or source["id"] in self._threads:
                    continue
                thread = threading.Thread(target=self._poll_then_release, args=(source,), name=f"source-poll-{source['id']}", daemon=True)
                self._threads[source["id"]] = thread
            thread.start()
            started.append(thread)
        if wait:
            for thread in started:
                thread.join()
        return len(started)

    def _poll_then_release(self, source: dict) -> None:
        try:
            self.poll(source)
        except Exception:  # the thread's last word; the next tick polls the source again
            log.exception("source %s (%s): poll failed", source["id"], source["name"])
        finally:
            with self._lock:
                self._threads.pop(source["id"], None)

    def poll(self, source: dict) -> int:
        """Read one source and store what it offers; returns how many items were new."""
        with self._lock:
            lock = self._one_at_a_time.setdefault(source["id"], threading.Lock())
        with lock:
            return self._poll(source)

    def _poll(self, source: dict) -> int:
        adapter = registry.get(source["adapter"])
        try:
            if adapter is None:
                raise SourceError(f"Không có bộ chuyển đổi {source['adapter']!r}", f"no adapter {source['adapter']!r}")
            deadline = time.monotonic() + DEADLINE_TIMEOUTS * float(source["timeout_s"])
            with self.store.read() as db:
                config = store.config_of(source, db, deadline)
            items = adapter.fetch(self.http, config)
        except SourceError as exc:
            self._failed(source, exc.message_vi, exc.message_en)
            return 0
        except Exception as exc:  # a province's adapter may have bugs: record them, keep polling the others
            log.exception("source %s (%s): adapter %s failed", source["id"], source["name"], source["adapter"])
            self._failed(source, f"Lỗi bộ chuyển đổi: {type(exc).__name__}: {exc}", f"adapter error: {type(exc).__name__}: {exc}")
            return 0
        new = 0
        changed = False
        linked_failures = 0
        for item in (items[n] for n in sequence.in_sent_order(items)):  # a feed lists its newest first
            if item.error is not None and item.error.reason == UNREACHABLE:
                linked_failures += 1
                with self.store.write() as db:
                    store.record_event(db, source["id"], "error", f"Mục {item.external_id}: {item.error.message_vi}",
                                       f"item {item.external_id}: {item.error.message_en}", code="linked_unreachable")
                continue
            try:
                with self.store.write() as db:
                    before = db.execute("SELECT count(*) FROM inbox WHERE source_id = ?", [source["id"]]).fetchone()[0]
                    _, item_changed = inbox.receive(db, source, item, self.clock.now())
                    new += db.execute("SELECT count(*) FROM inbox WHERE source_id = ?", [source["id"]]).fetchone()[0] - before
            except AppError as exc:
                with self.store.write() as db:
                    store.record_event(db, source["id"], "error", f"Mục {item.external_id}: {exc.message_vi}", f"item {item.external_id}: {exc.message_en}")
                continue
            changed = changed or item_changed
        with self.store.write() as db:
            store.mark_polled(db, source["id"], iso(self.clock.now()), None, linked_failures)
        if changed:
            self.on_change()
        if (new or changed) and self.on_news is not None:
            self.on_news()
        return new

    def _failed(self, source: dict, message_vi: str, message_en: str) -> None:
        with self.store.write() as db:
            store.mark_polled(db, source["id"], iso(self.clock.now()), (message_vi, message_en))
