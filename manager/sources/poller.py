"""The background loop that reads every due source, one thread beside the server.

A source that fails (timeout, HTTP error, unreadable feed, an adapter bug)
costs one log line, a `source_events` row and its `last_error`; the loop and
the manager carry on, and items already in the inbox or published stay as
they are. Each item is stored in its own transaction.
"""
import logging
import threading
from collections.abc import Callable

from manager.errors import AppError
from manager.sources import inbox, registry, store
from manager.sources.base import Fetcher, SourceError
from protocol.timebase import iso

log = logging.getLogger("bangtin.manager.sources")


class Poller:
    def __init__(self, db_store, clock, on_change: Callable[[], None], tick_s: float = 1.0):
        self.store = db_store
        self.clock = clock
        self.on_change = on_change
        self.tick_s = tick_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.http = Fetcher()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="source-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.http.close()

    def poke(self) -> None:
        """Poll now rather than at the next tick (after a source is created or edited)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_due()
            self._wake.wait(self.tick_s)
            self._wake.clear()

    def poll_due(self) -> int:
        with self.store.read() as db:
            sources = store.due(db, iso(self.clock.now()))
        for source in sources:
            if self._stop.is_set():
                break
            self.poll(source)
        return len(sources)

    def poll(self, source: dict) -> int:
        """Read one source and store what it offers; returns how many items were new."""
        adapter = registry.get(source["adapter"])
        try:
            if adapter is None:
                raise SourceError(f"Không có bộ chuyển đổi {source['adapter']!r}", f"no adapter {source['adapter']!r}")
            items = adapter.fetch(self.http, store.config_of(source))
        except SourceError as exc:
            self._failed(source, exc.message_vi, exc.message_en)
            return 0
        except Exception as exc:  # a province's adapter may have bugs: record them, keep polling the others
            log.exception("source %s (%s): adapter %s failed", source["id"], source["name"], source["adapter"])
            self._failed(source, f"Lỗi bộ chuyển đổi: {type(exc).__name__}: {exc}", f"adapter error: {type(exc).__name__}: {exc}")
            return 0
        new = 0
        changed = False
        for item in items:
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
            store.mark_polled(db, source["id"], iso(self.clock.now()), None)
        if changed:
            self.on_change()
        return new

    def _failed(self, source: dict, message_vi: str, message_en: str) -> None:
        with self.store.write() as db:
            store.mark_polled(db, source["id"], iso(self.clock.now()), (message_vi, message_en))
