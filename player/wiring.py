"""The player's parts, made and wired in one place; the Kivy App that runs them.

Run only after `player.app.configure_kivy`; Kivy's window is imported late, as
importing it opens it.

Who talks to whom:
- the sync thread hands manifests, pairing codes and progress to the `Board`
  (on Kivy's main thread) and fetches assets into the `AssetCache`;
- the cache tells the sync what it removed as corrupt, and the sync fetches
  it again at once;
- the `Board` queues heartbeats and play records in the `ReportQueue`; the
  `Uploader` sends them and measures the `BoardClock` on the acknowledgements;
- watchers (USB folder, local layouts, the config file) and the cache check
  run beside them.
"""
import logging
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock

from player import config as config_mod
from player import layouts as local_layouts
from player.board import Board, ManagerLink
from player.cache import AssetCache
from player.clock import BoardClock
from player.config import Config
from player.reports import open_queue
from player.screen import fonts
from player.screen.context import ZoneContext
from player.screen.stage import Stage
from player.state import StateStore
from player.sync import SyncEvents, SyncWorker
from player.uploader import Uploader
from player.usb import folder_manifest
from player.watch import Watcher
from player.watchdog_notify import Notifier

log = logging.getLogger(__name__)


class KeepPlaying(ExceptionHandler):
    """A bug in one callback is logged and the screen keeps playing; a storm of them
    (more than 20 a minute) ends the process so systemd starts a fresh one."""

    def __init__(self):
        self.recent: list[float] = []

    def handle_exception(self, exc):
        if not isinstance(exc, Exception):
            return ExceptionManager.RAISE  # KeyboardInterrupt, SystemExit: really stop
        now = time.monotonic()
        self.recent = [t for t in self.recent if now - t < 60] + [now]
        log.error("error in the render loop", exc_info=exc)
        return ExceptionManager.RAISE if len(self.recent) > 20 else ExceptionManager.PASS


def on_main(fn):
    """`fn` as a callback that may be called from any thread and runs on Kivy's main thread."""
    return lambda *args: Clock.schedule_once(lambda dt: fn(*args))


class CacheCheck(threading.Thread):
    """Hashes the whole cache again every `every_s`, at `rate_bps`."""

    def __init__(self, cache: AssetCache, every_s: float, rate_bps: float):
        super().__init__(name="cache-check", daemon=True)
        self.cache, self.every_s, self.rate_bps = cache, every_s, rate_bps
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.every_s):
            bad = self.cache.scrub(self.rate_bps, self.stopping)
            log.info("cache check done: %d corrupt files removed", bad)

    def stop(self) -> None:
        self.stopping.set()


class Player:
    """Every part of a running board, made in `__init__`, started by `start`."""

    def __init__(self, config: Config, window_size: tuple[int, int]):
        data = config.data_dir
        self.config = config
        self.io = ThreadPoolExecutor(1, thread_name_prefix="io")  # disk and commands, off the main thread
        self.decoder = ThreadPoolExecutor(1, thread_name_prefix="decode")
        self.clock = BoardClock(data / "clock.json")
        self.store = StateStore(data)
        self.cache = AssetCache(data / "cache")
        self.reports = open_queue(data / "reports.db") if config.manager else None
        self.stage = Stage()
        self.link = ManagerLink()
        ctx = ZoneContext(resolve=lambda sha: self.board.resolve(sha),
                          report=lambda *a, **kw: self.board.report_play(*a, **kw),
                          now=self.clock.now, decoder=self.decoder,
                          crossfade_s=config.crossfade_s, ticker_speed=config.ticker_speed)
        self.board = Board(self.stage, config, self.clock, self.io, self.reports, ctx, self.cache, self.link)
        self.link.asset_failed = lambda sha: self.io.submit(self.cache.quarantine, sha)
        self.sync: SyncWorker | None = None
        self.uploader: Uploader | None = None
        if config.manager:
            board = self.board
            self.sync = SyncWorker(config.manager, self.store, self.cache, SyncEvents(
                pairing_code=on_main(board.set_pairing), manifest=on_main(board.set_manifest),
                progress=on_main(board.set_progress), unpaired=on_main(board.unpaired),
                alerts=on_main(board.set_pending_alerts), reached=lambda: self.uploader.nudge()),
                long_poll_s=config.long_poll_s, retry_max_s=config.retry_max_s, screen_size=window_size,
                deadline_s=config.request_deadline_s)
            self.uploader = Uploader(self.reports, config.manager, self._identity, self.clock, config.retry_max_s,
                                     config.request_deadline_s)
            self.cache.on_removed = self.sync.repair
            self.reports.on_full = self.cache.drop_partials
            self.link.paired = lambda: self.sync.identity is not None
            self.link.delivering = self.uploader.delivering
        self.cache_check = CacheCheck(self.cache, config.check_every_h * 3600, config.check_rate_mb_s * 1e6)
        self.watcher = Watcher()
        self.notifier = Notifier()
        self._reset_for: str | None = None

    # Start-up: local state is read (and the cache proved) on the io thread, then applied.
    def start(self) -> None:
        self.io.submit(self._load_local)

    def _load_local(self) -> None:
        layouts = local_layouts.load(self.config.data_dir / "layouts")
        manifest = self.store.load_manifest()
        usb = self._usb_manifest(self.config)
        checked = time.monotonic()
        # Before anything is shown: every cached file the stored manifest names is hashed again.
        bad = self.cache.verify_all(list(manifest.assets.values())) if manifest is not None else 0
        log.info("cache verified in %.1f s before first show: %d corrupt files removed", time.monotonic() - checked, bad)
        Clock.schedule_once(lambda dt: self._loaded(layouts, manifest, usb))

    def _loaded(self, layouts, manifest, usb) -> None:
        board = self.board
        board.layouts = layouts
        board.usb_manifest = usb
        board.set_manifest(manifest)
        if self.sync is not None:
            self.sync.resume_from(manifest)
            if self.sync.identity is None:
                board.unpaired()
            self.sync.start()
            self.uploader.start()
            board.start_reports()
        config = self.config
        self.watcher.folder(config.usb_folder, self._usb_changed)
        self.watcher.folder(config.data_dir / "layouts", self._layouts_changed)
        if config.source is not None:
            self.watcher.file(config.source, self._config_changed)
        self.watcher.start()
        self.cache_check.start()
        Clock.schedule_interval(board.check_clock, 2)
        interval = self.notifier.interval()
        if interval:
            Clock.schedule_interval(self.notifier.ping, interval)

    def _identity(self):
        """The board's identity for the uploader; reports queued for another board are dropped."""
        ident = self.sync.identity
        if ident is not None and self._reset_for != ident.board_id:
            self.reports.reset(ident.board_id)
            self._reset_for = ident.board_id
        return ident

    # Watchers' callbacks: on their threads, results applied on the main thread.
    def _usb_manifest(self, config: Config):
        try:
            return folder_manifest(config.usb_folder, config.layout or "", config.name or "Bảng tin", config.usb_item_s)
        except (OSError, ValueError) as exc:
            log.error("USB folder %s unreadable: %s", config.usb_folder, exc)
            return None

    def _usb_changed(self) -> None:
        on_main(self.board.set_usb_manifest)(self._usb_manifest(self.board.config))

    def _layouts_changed(self) -> None:
        on_main(self.board.set_layouts)(local_layouts.load(self.config.data_dir / "layouts"))

    def _config_changed(self) -> None:
        try:
            fresh = config_mod.reload(self.board.config)
        except config_mod.ConfigError as exc:
            log.error("config file change ignored: %s", exc)
            return
        usb = self._usb_manifest(fresh)
        Clock.schedule_once(lambda dt: (self.board.set_config(fresh), self.board.set_usb_manifest(usb)))

    def stop(self) -> None:
        if self.stage.content is not None:
            self.stage.content.dispose()
        for worker in (self.sync, self.uploader, self.cache_check):
            if worker is not None:
                worker.stop()
        self.watcher.stop()
        self.notifier.close()
        self.io.shutdown(wait=True)


class PlayerApp(App):
    """Named after `player.kv`, which Kivy loads from this folder."""

    title = "Bảng tin"
    use_kivy_settings = False

    def __init__(self, config: Config, started: float):
        super().__init__()
        self.board_config = config
        self.started = started
        self.player: Player | None = None
        self.first_frame = False
        self._frame_times: list[str] = []

    def open_settings(self, *args):
        return False  # F1 must not open a settings panel on a public screen

    def build(self):
        from kivy.core.window import Window

        config = self.board_config
        fonts.register()
        self.player = Player(config, tuple(int(v) for v in Window.size))
        Window.bind(on_request_close=lambda *a: not config.windowed)  # kiosk: refuse to close
        # SDL turns SIGTERM into a close request, which kiosk mode refuses: stop cleanly instead.
        signal.signal(signal.SIGTERM, lambda *a: Clock.schedule_once(lambda dt: self.stop()))
        Window.bind(on_flip=self._flipped)
        self.player.start()
        return self.player.stage

    def _flipped(self, *args):
        if not self.first_frame:
            self.first_frame = True
            log.info("first frame %.2f s after start", time.monotonic() - self.started)
            self.player.notifier.ready()
        if self.board_config.frame_log:
            self._log_frame()

    def _log_frame(self):
        from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

        content = self.player.stage.content
        probe = "- - -"
        if content is not None:
            media = next((w for w in content.zones.values() if type(w).__name__ == "MediaZone"), None)
            if media is not None:
                px = glReadPixels(int(media.center_x), int(media.center_y), 1, 1, GL_RGB, GL_UNSIGNED_BYTE)
                probe = " ".join(str(b) for b in px[:3])
        self._frame_times.append(f"{time.perf_counter():.6f} {probe}\n")
        if len(self._frame_times) >= 60:
            lines, self._frame_times = self._frame_times, []
            self.player.io.submit(_append, self.board_config.frame_log, lines)

    def on_stop(self):
        self.player.stop()


def run(config: Config, started: float) -> None:
    # Kivy's logging set-up lowers the root logger to DEBUG: put the chosen level back.
    logging.getLogger().setLevel(config.log_level)
    for noisy in ("urllib3", "watchdog"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    ExceptionManager.add_handler(KeepPlaying())
    PlayerApp(config, started).run()


def _append(path: Path, lines: list[str]) -> None:
    with open(path, "a") as fh:
        fh.writelines(lines)
