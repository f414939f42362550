"""The board's behaviour on Kivy's main thread: which view, which programme, until when.

Workers (sync, USB watcher, disk writer) hand results here through
`Clock.schedule_once`; this class only decides and updates widgets. It does
no network or disk I/O itself: that goes to the `io` executor.
"""
import logging
import subprocess
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from kivy.clock import Clock

from player import heartbeat as hb
from player import programme
from player.cache import AssetCache
from player.clock import BoardClock
from player.config import Config
from player.reports import ReportQueue
from player.screen.context import ZoneContext
from player.screen.overlays import spaced_code
from player.screen.stage import LayoutView, Stage
from protocol.heartbeat import DisplayState
from protocol.layout import Layout
from protocol.manifest import DEFAULT_HEARTBEAT_INTERVAL_S, AssetRef, Item, ItemKind, Manifest
from protocol.pairing import PairingCode
from protocol.playlog import PlayOutcome, PlayRecord

log = logging.getLogger(__name__)
SCREENSHOT_AFTER_CHANGE_S = 5
RECHECK_S = 300  # re-evaluate at least this often: the skew estimate may have moved


@dataclass
class ManagerLink:
    """What the board asks of its link to the manager (the defaults: a board without one)."""

    paired: Callable[[], bool] = lambda: False  # has the board a token?
    delivering: Callable[[float], bool] = lambda interval_s: False  # are reports acknowledged in time?
    asset_failed: Callable[[str], None] = lambda sha256: None  # a cached file would not decode


class Board:
    def __init__(self, stage: Stage, config: Config, clock: BoardClock, io: Executor,
                 reports: ReportQueue | None, ctx: ZoneContext, cache: AssetCache, link: ManagerLink):
        self.stage = stage
        self.config = config
        self.clock = clock
        self.io = io
        self.reports = reports
        self.ctx = ctx
        self.cache = cache
        self.link = link
        self.manifest: Manifest | None = None  # from the manager
        self.usb_manifest: Manifest | None = None
        self.layouts: dict[str, Layout] = {}
        self.prog: programme.Programme | None = None
        self.operating = True
        self.pairing_code: PairingCode | None = None
        self._clock_seen = clock.time_s() - time.monotonic()
        self._timer = None
        self._hb_event = None
        self._hb_interval = 0
        self._shot_event = None
        self._shot_interval = 0
        self._alert_showing: tuple | None = None
        self._alert_ids: list[str] = []  # the warnings in force, most severe first
        self._alert_turn = 0
        self._alert_rotation = None
        self._alerts_reported: set[str] = set()
        self.idle_clock = Clock.schedule_interval(self._tick_idle, 1)

    # Inputs, all on the main thread.
    def set_manifest(self, manifest: Manifest | None) -> None:
        changed = manifest is not None and (self.manifest is None or manifest.version != self.manifest.version)
        self.manifest = manifest
        self.refresh()
        self._schedule_reports()
        if changed:
            # Editors watch "applied on N of M boards": tell the manager now rather than at the
            # next interval, and let them see the new screen a few seconds later.
            self.record_heartbeat()
            Clock.schedule_once(self.take_screenshot, SCREENSHOT_AFTER_CHANGE_S)

    def set_pending_alerts(self, pending: Manifest) -> None:
        """A newer manifest is still downloading: its alerts show now, over what plays."""
        if self.manifest is not None:
            self.manifest = self.manifest.model_copy(update={"alerts": pending.alerts})
        else:
            # Nothing played yet: the new manifest without its programme (the idle screen).
            self.manifest = pending.model_copy(update={"playlists": {}, "schedule": [], "default_playlist": None,
                                                       "version": ""})
        self.refresh()

    def set_usb_manifest(self, manifest: Manifest | None) -> None:
        self.usb_manifest = manifest
        self.refresh()

    def set_layouts(self, layouts: dict[str, Layout]) -> None:
        self.layouts = layouts
        if self.stage.content is not None:
            self.stage.set_content(None)  # rebuilt from the edited files
        self.refresh()

    def set_config(self, config: Config) -> None:
        self.config = config
        self.ctx.crossfade_s = config.crossfade_s
        self.ctx.ticker_speed = config.ticker_speed
        logging.getLogger().setLevel(config.log_level)
        self.refresh()

    def set_pairing(self, code: PairingCode | None) -> None:
        self.pairing_code = code
        view = self.stage.pairing
        view.manager = self.config.manager
        if code is not None:
            view.code = spaced_code(code.code)
            view.message = "Cán bộ biên tập nhập mã này trên trang quản lý để nhận bảng tin."
        self.stage.show(view, code is not None)

    def unpaired(self) -> None:
        self.stage.pairing.code = ""
        self.stage.pairing.message = "Bảng tin chưa được ghép nối. Đang lấy mã…"
        self.stage.show(self.stage.pairing, True)

    def set_progress(self, fraction: float | None) -> None:
        self.stage.download.fraction = -1 if fraction is None else fraction

    def check_clock(self, *args) -> None:
        """A new measurement of the manager's time may change what should be playing now."""
        offset = self.clock.time_s() - time.monotonic()
        if abs(offset - self._clock_seen) > 1.0:
            log.info("the board's time moved %+.1f s (new measurement); re-evaluating the schedule",
                     offset - self._clock_seen)
            self._clock_seen = offset
            self.refresh()

    # The programme.
    @property
    def active(self) -> Manifest | None:
        return self.manifest or self.usb_manifest

    def resolve(self, sha256: str | None) -> tuple[Path | None, AssetRef | None]:
        """An asset of the programme: where its verified bytes are, and its reference."""
        active = self.active
        ref = active.assets.get(sha256) if active is not None and sha256 else None
        return self.cache.resolve(ref), ref

    def title(self) -> str:
        m = self.active
        if m is not None and m.board.id != "local":
            return m.board.unit_name or m.board.name
        return self.config.name or "Bảng tin điện tử"

    def refresh(self, *args) -> None:
        if self._timer is not None:
            self._timer.cancel()
        from kivy.core.window import Window  # imported late: importing it opens the window

        now = self.clock.now()
        size = tuple(int(v) for v in Window.size)
        self.ctx.min_line_px = self.active.board.min_line_px if self.active is not None else None
        try:
            prog = programme.build(self.active, now, self.layouts, size, self.config.layout)
        except (KeyError, ValueError, StopIteration) as exc:
            log.error("cannot evaluate the programme (%s); showing the idle screen", exc)
            prog = programme.Programme(operating=True)
        self.prog = prog
        self._apply(prog)
        delay = RECHECK_S
        if prog.until is not None:
            delay = min(delay, max(0.05, (prog.until - now).total_seconds()))
        self._timer = Clock.schedule_once(self.refresh, delay)

    def _apply(self, prog: programme.Programme) -> None:
        stage = self.stage
        self._show_alerts(prog.alerts)
        if prog.operating != self.operating:
            self.operating = prog.operating
            self._display_command(self.config.display_on_command if prog.operating else self.config.display_off_command)
        if not prog.operating:
            stage.show(stage.dark, True)
            stage.set_content(None)
            return
        stage.show(stage.dark, False)
        if prog.layout is None or (prog.empty and self.active is None):
            stage.show(stage.idle, True)
            stage.idle.title = self.title()
            stage.idle.tick(self.clock.now())
            stage.set_content(None)
            return
        if stage.content is None or stage.content.layout != prog.layout:
            stage.set_content(LayoutView(prog.layout, self.ctx, self.title()))
        else:
            stage.content.set_title(self.title())
        for zone_id, widget in stage.content.zones.items():
            widget.play(prog.zones.get(zone_id, []))
        # Nothing at all to play: the dignified idle screen rather than empty zones.
        stage.show(stage.idle, prog.empty)
        stage.idle.title = self.title()
        stage.idle.tick(self.clock.now())

    def _show_alerts(self, alerts: list) -> None:
        ids = [a.id for a in alerts]
        if ids != self._alert_ids:
            # A new set of warnings starts again from the most severe.
            self._alert_ids, self._alert_turn = ids, 0
            if self._alert_rotation is not None:
                self._alert_rotation.cancel()
            self._alert_rotation = Clock.schedule_interval(self._next_alert, self.config.alert_turn_s) if len(alerts) > 1 else None
        shown = self.stage.emergency.show(alerts, self._alert_turn)
        self._log_alert(shown)
        self.stage.show(self.stage.emergency, bool(alerts))
        self._alerts_reported &= set(ids)
        if shown is not None and shown.id not in self._alerts_reported:
            # The heartbeat names the warning on screen: it is the board's acknowledgement, so send it now.
            self._alerts_reported.add(shown.id)
            Clock.schedule_once(self.record_heartbeat, 0)

    def _next_alert(self, dt) -> None:
        if self.prog is not None and len(self.prog.alerts) > 1:
            self._alert_turn += 1
            self._show_alerts(self.prog.alerts)

    def _log_alert(self, alert) -> None:
        """The play log records each alert's time on screen, like any item."""
        showing = self._alert_showing
        if showing is not None and (alert is None or showing[0] != alert.id):
            alert_id, started, t0 = showing
            self._alert_showing = None
            if self.reports is not None and self.link.paired():
                duration = round(time.monotonic() - t0, 3)
                self.io.submit(self.reports.append_play, lambda seq: PlayRecord(
                    seq=seq, item=alert_id, alert=alert_id, zone="emergency", kind=ItemKind.bulletin,
                    started_at=started, duration_s=duration))
        if alert is not None and self._alert_showing is None:
            self._alert_showing = (alert.id, self.clock.now(), time.monotonic())

    def _tick_idle(self, dt) -> None:
        if self.stage.idle in self.stage.visible:
            self.stage.idle.tick(self.clock.now())

    def _display_command(self, command: str) -> None:
        if command:
            self.io.submit(_run_command, command)

    # Reports.
    def status(self) -> hb.Status:
        if not self.operating:
            state = DisplayState.scheduled_off
        elif self.pairing_code is not None or self.stage.pairing in self.stage.visible:
            state = DisplayState.error
        else:
            state = DisplayState.on
        on_screen = self.stage.content.on_screen() if self.stage.content is not None and self.operating else {}
        return hb.Status(state, on_screen, self.stage.emergency.alert_id,
                         self.manifest.version if self.manifest else None)

    def record_heartbeat(self, *args) -> None:
        if self.reports is None or not self.link.paired():
            return  # an unpaired board is no board yet: nothing to report
        interval, data_dir = self._hb_interval or 30, self.config.data_dir
        # Recorded offline, as the board guesses it: the manager has not acknowledged reports within an
        # interval, whatever the cause (no network, a wrong server, a trickle). The manager decides from
        # when the heartbeat arrives; the guess stands only while the clock is unsynced.
        status, skew, clock = self.status(), self.clock.skew_s, self.clock.state
        ntp_gap = self.clock.ntp_disagreement_s
        offline = not self.link.delivering(interval)
        self.io.submit(_append_heartbeat, self.reports,
                       lambda seq, prev: hb.build(seq, prev, status, skew_s=skew, offline=offline,
                                                  interval_s=interval, data_dir=data_dir, clock=clock,
                                                  ntp_disagreement_s=ntp_gap))

    def report_play(self, item: Item, zone: str, started_at: datetime, duration_s: float,
                    outcome: PlayOutcome, error: str | None, asset_failed: bool = False) -> None:
        if self.reports is not None and self.link.paired():
            prog = self.prog
            playlist = prog.playlist if prog else None
            self.io.submit(self.reports.append_play, lambda seq: PlayRecord(
                seq=seq, item=item.id, playlist=playlist, zone=zone, kind=item.kind, asset=item.asset,
                started_at=started_at, duration_s=duration_s, outcome=outcome, error=error))
        if asset_failed and item.asset:
            self.link.asset_failed(item.asset)

    def _schedule_reports(self) -> None:
        board = self.manifest.board if self.manifest else None
        interval = self.config.heartbeat_s or (board.heartbeat_interval_s if board else DEFAULT_HEARTBEAT_INTERVAL_S)
        if interval != self._hb_interval:
            if self._hb_event is not None:
                self._hb_event.cancel()
            self._hb_interval = interval
            self._hb_event = Clock.schedule_interval(self.record_heartbeat, interval)
        shot = self.config.screenshot_s or (board.screenshot_interval_s if board else 300)
        if shot != self._shot_interval:
            if self._shot_event is not None:
                self._shot_event.cancel()
            self._shot_interval = shot
            self._shot_event = Clock.schedule_interval(self.take_screenshot, shot)

    def take_screenshot(self, *args) -> None:
        if self.reports is None or not self.link.paired():
            return
        from kivy.core.window import Window
        from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

        width, height = (int(v) for v in Window.size)
        pixels = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
        self.io.submit(_store_screenshot, self.reports, pixels, (width, height), self.config.screenshot_width)

    def start_reports(self) -> None:
        self._schedule_reports()
        self.record_heartbeat()


def _append_heartbeat(reports: ReportQueue, make) -> None:
    try:
        reports.append_heartbeat(make)
    except Exception:  # on the io thread: nobody else would see it
        log.exception("heartbeat could not be recorded")


def _run_command(command: str) -> None:
    try:
        subprocess.run(command, shell=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        log.error("display command %r failed: %s", command, exc)


def _store_screenshot(reports: ReportQueue, pixels: bytes, size: tuple[int, int], width: int) -> None:
    import io

    from PIL import Image

    img = Image.frombytes("RGB", size, pixels).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    img.thumbnail((width, width * 4))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    reports.put_screenshot(buf.getvalue())
