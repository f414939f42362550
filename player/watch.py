"""Folders watched with `watchdog`: the USB folder, local layouts, the config file.

Bursts of file events (a copy from a USB stick fires many) are coalesced:
the handler runs once the folder has been quiet for `settle_s`.
"""
import logging
import threading
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger(__name__)


class _Debounced(FileSystemEventHandler):
    def __init__(self, callback: Callable[[], None], settle_s: float, only: Path | None):
        self.callback = callback
        self.settle_s = settle_s
        self.only = only
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if self.only is not None:
            paths = {Path(str(event.src_path)).name, Path(str(getattr(event, "dest_path", "") or "")).name}
            if self.only.name not in paths:
                return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.settle_s, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        try:
            self.callback()
        except Exception:  # a bad file must not kill the watcher: log it with its traceback
            log.exception("handling a change on disk failed")

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()


class Watcher:
    def __init__(self):
        self.observer = Observer()
        self.observer.daemon = True
        self._handlers: list[_Debounced] = []

    def folder(self, path: Path, callback: Callable[[], None], settle_s: float = 1.0) -> None:
        path.mkdir(parents=True, exist_ok=True)
        handler = _Debounced(callback, settle_s, None)
        self._handlers.append(handler)
        self.observer.schedule(handler, str(path), recursive=False)

    def file(self, path: Path, callback: Callable[[], None], settle_s: float = 0.5) -> None:
        handler = _Debounced(callback, settle_s, path)
        self._handlers.append(handler)
        self.observer.schedule(handler, str(path.parent), recursive=False)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        for handler in self._handlers:
            handler.cancel()
        self.observer.stop()
