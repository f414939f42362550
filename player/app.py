"""The Kivy App: builds the stage, starts the workers, wires their results to the board."""
import logging
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from player.config import Config

log = logging.getLogger(__name__)


def configure_kivy(config: Config) -> None:
    """Window settings; must run before `kivy.core.window` is imported."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_VIDEO", "ffpyplayer")
    # Pictures are decoded with Pillow by the player itself; Kivy's loaders need not all load.
    os.environ.setdefault("KIVY_IMAGE", "sdl2,pil")
    from kivy.config import Config as KivyConfig

    KivyConfig.set("kivy", "exit_on_escape", "1" if config.windowed else "0")
    KivyConfig.set("kivy", "log_level", config.log_level.lower())
    KivyConfig.set("input", "mouse", "mouse,disable_multitouch")
    KivyConfig.set("graphics", "maxfps", "60")
    if config.windowed:
        w, h = config.size or (1280, 720)
        KivyConfig.set("graphics", "fullscreen", "0")
        KivyConfig.set("graphics", "borderless", "1")
        KivyConfig.set("graphics", "position", "custom")
        KivyConfig.set("graphics", "left", "0")
        KivyConfig.set("graphics", "top", "0")
        KivyConfig.set("graphics", "width", str(w))
        KivyConfig.set("graphics", "height", str(h))
        KivyConfig.set("graphics", "show_cursor", "1")
    else:
        from player.display import desktop_size

        size = desktop_size()
        if size is None:
            KivyConfig.set("graphics", "fullscreen", "auto")
        else:
            KivyConfig.set("graphics", "fullscreen", "0")
            KivyConfig.set("graphics", "borderless", "1")
            KivyConfig.set("graphics", "position", "custom")
            KivyConfig.set("graphics", "left", "0")
            KivyConfig.set("graphics", "top", "0")
            KivyConfig.set("graphics", "width", str(size[0]))
            KivyConfig.set("graphics", "height", str(size[1]))
        KivyConfig.set("graphics", "show_cursor", "0")


def run(config: Config, started: float | None = None) -> None:
    configure_kivy(config)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    from player import layouts as local_layouts
    from player.board import Board
    from player.cache import AssetCache
    from player.clock import SkewClock
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
    from player import config as config_mod

    data = config.data_dir
    started = started or time.monotonic()
    # Kivy's logging set-up lowers the root logger to DEBUG: put the chosen level back.
    logging.getLogger().setLevel(config.log_level)
    for noisy in ("urllib3", "watchdog"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    from kivy.base import ExceptionHandler, ExceptionManager

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

    ExceptionManager.add_handler(KeepPlaying())

    class PlayerApp(App):
        """Named after `player.kv`, which Kivy loads from this folder."""

        title = "Bảng tin"
        use_kivy_settings = False

        def open_settings(self, *args):
            return False  # F1 must not open a settings panel on a public screen

        def build(self):
            fonts.register()
            self.io = ThreadPoolExecutor(1, thread_name_prefix="io")
            self.decoder = ThreadPoolExecutor(1, thread_name_prefix="decode")
            self.clock = SkewClock()
            self.store = StateStore(data)
            self.cache = AssetCache(data / "cache")
            self.reports = open_queue(data / "reports.db") if config.manager else None
            self.stage = Stage()
            ctx = ZoneContext(resolve=self.resolve, report=self.report, now=self.clock.now,
                              decoder=self.decoder, crossfade_s=config.crossfade_s,
                              ticker_speed=config.ticker_speed)
            self.board = Board(self.stage, config, self.clock, self.io, self.reports, ctx)
            self.board.on_asset_failed = lambda sha: self.io.submit(self.cache.quarantine, sha)
            self.notifier = Notifier()
            self.sync = None
            self.uploader = None
            self.watcher = Watcher()
            self.first_frame = False
            Window.bind(on_request_close=lambda *a: not config.windowed)  # kiosk: refuse to close
            # SDL turns SIGTERM into a close request, which kiosk mode refuses: stop cleanly instead.
            signal.signal(signal.SIGTERM, lambda *a: Clock.schedule_once(lambda dt: self.stop()))
            Window.bind(on_flip=self._flipped)
            self._frame_times: list[str] = []
            self.io.submit(self._load_local)
            return self.stage

        # Loaded in a worker; applied on the main thread.
        def _load_local(self):
            layouts = local_layouts.load(data / "layouts")
            manifest = self.store.load_manifest()
            usb = self._usb_manifest()
            Clock.schedule_once(lambda dt: self._loaded(layouts, manifest, usb))

        def _usb_manifest(self, current=None):
            current = current or self.board.config
            try:
                return folder_manifest(config.usb_folder, current.layout or "", current.name or "Bảng tin", current.usb_item_s)
            except (OSError, ValueError) as exc:
                log.error("USB folder %s unreadable: %s", config.usb_folder, exc)
                return None

        def _loaded(self, layouts, manifest, usb):
            self.board.layouts = layouts
            self.board.usb_manifest = usb
            self.board.set_manifest(manifest)
            self._start_workers(manifest)

        def _start_workers(self, manifest):
            if config.manager:
                events = SyncEvents(
                    pairing_code=lambda code: Clock.schedule_once(lambda dt: self.board.set_pairing(code)),
                    manifest=lambda m: Clock.schedule_once(lambda dt: self.board.set_manifest(m)),
                    progress=lambda f: Clock.schedule_once(lambda dt: self.board.set_progress(f)),
                    online=lambda on: Clock.schedule_once(lambda dt: self.board.set_online(on)),
                    unpaired=lambda: Clock.schedule_once(lambda dt: self.board.unpaired()),
                    alerts=lambda m: Clock.schedule_once(lambda dt: self.board.set_pending_alerts(m)))
                self.sync = SyncWorker(config.manager, self.store, self.cache, self.clock, events,
                                       long_poll_s=config.long_poll_s, retry_max_s=config.retry_max_s,
                                       screen_size=tuple(int(v) for v in Window.size), current=manifest)
                self.board.is_paired = lambda: self.sync.identity is not None
                if self.sync.identity is None:
                    self.board.unpaired()
                self.sync.start()
                self.uploader = Uploader(self.reports, config.manager, self._identity, config.retry_max_s)
                self.uploader.start()
                self.board.start_reports()
            self.watcher.folder(config.usb_folder, self._usb_changed)
            self.watcher.folder(data / "layouts", self._layouts_changed)
            if config.source is not None:
                self.watcher.file(config.source, self._config_changed)
            self.watcher.start()
            self._skew_seen = self.clock.skew_s
            Clock.schedule_interval(self._check_skew, 2)
            interval = self.notifier.interval()
            if interval:
                Clock.schedule_interval(self.notifier.ping, interval)

        def _check_skew(self, dt):
            # A new estimate of the manager's clock may change what should be playing now.
            if abs(self.clock.skew_s - self._skew_seen) > 1.0:
                self._skew_seen = self.clock.skew_s
                log.info("board clock is %+.1f s off the manager's; re-evaluating the schedule", self._skew_seen)
                self.board.refresh()

        def _identity(self):
            ident = self.sync.identity if self.sync else None
            if ident is not None and getattr(self, "_reset_for", None) != ident.board_id:
                self.reports.reset(ident.board_id)
                self._reset_for = ident.board_id
            return ident

        def _usb_changed(self):
            usb = self._usb_manifest()
            Clock.schedule_once(lambda dt: self.board.set_usb_manifest(usb))

        def _layouts_changed(self):
            layouts = local_layouts.load(data / "layouts")
            Clock.schedule_once(lambda dt: self.board.set_layouts(layouts))

        def _config_changed(self):
            try:
                fresh = config_mod.reload(self.board.config)
            except config_mod.ConfigError as exc:
                log.error("config file change ignored: %s", exc)
                return
            usb = self._usb_manifest(fresh)
            Clock.schedule_once(lambda dt: (self.board.set_config(fresh), self.board.set_usb_manifest(usb)))

        def resolve(self, sha):
            active = self.board.active
            ref = active.assets.get(sha) if active is not None and sha else None
            return self.cache.resolve(ref), ref

        def report(self, *args, **kwargs):
            self.board.report_play(*args, **kwargs)

        def _flipped(self, *args):
            if not self.first_frame:
                self.first_frame = True
                log.info("first frame %.2f s after start", time.monotonic() - started)
                self.notifier.ready()
            if config.frame_log:
                self._log_frame()

        def _log_frame(self):
            from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

            content = self.stage.content
            probe = "- - -"
            if content is not None:
                media = next((w for w in content.zones.values() if type(w).__name__ == "MediaZone"), None)
                if media is not None:
                    px = glReadPixels(int(media.center_x), int(media.center_y), 1, 1, GL_RGB, GL_UNSIGNED_BYTE)
                    probe = " ".join(str(b) for b in px[:3])
            self._frame_times.append(f"{time.perf_counter():.6f} {probe}\n")
            if len(self._frame_times) >= 60:
                lines, self._frame_times = self._frame_times, []
                self.io.submit(_append, config.frame_log, lines)

        def on_stop(self):
            if self.stage.content is not None:
                self.stage.content.dispose()
            for worker in (self.sync, self.uploader):
                if worker is not None:
                    worker.stop()
            self.watcher.stop()
            self.notifier.close()
            self.io.shutdown(wait=True)

    PlayerApp().run()


def _append(path: Path, lines: list[str]) -> None:
    with open(path, "a") as fh:
        fh.writelines(lines)
