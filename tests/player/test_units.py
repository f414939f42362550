"""The player's pure parts: settings, the clock, schedule-to-zones, Vietnamese dates, USB folder."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from layouts import builtin_layouts
from player import config as cfg
from player import programme
from player.clock import BoardClock
from player.usb import folder_manifest
from player.vntime import date_text, full_text
from player.watchdog_notify import Notifier
from protocol.manifest import Alert
from tests.player.media import jpeg_bytes, manifest

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented():
    docs = (ROOT / "docs" / "player.md").read_text(encoding="utf-8")
    for setting in cfg.SETTINGS:
        flag = "--" + setting.name.replace("_", "-")
        assert flag in docs, f"{flag} is not documented in docs/player.md"
    assert "--config" in docs


def test_settings_cast_strictly(tmp_path):
    c = cfg.from_args(["--manager", "http://m.example/", "--windowed", "--size", "800x600", "--long-poll-s", "20"])
    assert (c.manager, c.windowed, c.size, c.long_poll_s) == ("http://m.example", True, (800, 600), 20)
    for bad in (["--size", "big"], ["--manager", "ftp://x"], ["--long-poll-s", "1.5"], ["--log-level", "LOUD"]):
        with pytest.raises(cfg.ConfigError):
            cfg.from_args(bad)
    path = tmp_path / "player.toml"
    path.write_text('manager = "http://a.example"\nwindowed = "yes"\ncrossfade_s = 0.2\n')
    c = cfg.from_args(["--config", str(path), "--crossfade-s", "0.4"])
    assert c.manager == "http://a.example" and c.windowed is True and c.crossfade_s == 0.4
    path.write_text('crossfade_s = 1.5\nticker_speed = 90\n')
    fresh = cfg.reload(c)
    assert fresh.crossfade_s == 0.4, "a flag given on the command line still wins"
    assert fresh.ticker_speed == 90
    path.write_text('no_such_setting = 1\n')
    with pytest.raises(cfg.ConfigError):
        cfg.reload(c)


def test_clock_keeps_the_shortest_round_trip_and_survives_a_restart(tmp_path, monkeypatch):
    """NTP-style: the sample with the shortest round trip wins; the offset is kept with the boot id."""
    import time

    from player import clock as clock_mod
    from protocol.heartbeat import ClockState

    path = tmp_path / "clock.json"
    clock = BoardClock(path)
    assert clock.state == ClockState.unsynced
    mono = time.monotonic()
    manager_now = 1_900_000_000.0  # the manager's time at `mono`
    # A slow answer whose server time sits off-centre (1.5 s of the 3 s trip) is outvoted by a quick one.
    clock.observe(datetime.fromtimestamp(manager_now - 2.0, timezone.utc), mono - 3.5, mono - 0.5)
    clock.observe(datetime.fromtimestamp(manager_now - 0.2, timezone.utc), mono - 0.21, mono - 0.19)
    assert abs(clock.time_s() - (manager_now + (time.monotonic() - mono))) < 0.05
    assert clock.state == ClockState.synced
    assert clock.observe(datetime.fromtimestamp(manager_now, timezone.utc), mono, mono + 30) is None, "too slow to use"
    # A new process in the same boot keeps the offset; after a reboot it does not vouch for it.
    again = BoardClock(path)
    assert abs(again.time_s() - clock.time_s()) < 0.05 and again.state == ClockState.held
    monkeypatch.setattr(clock_mod, "boot_id", lambda: "another-boot")
    rebooted = BoardClock(path)
    assert rebooted.state == ClockState.unsynced
    assert abs(rebooted.time_s() - clock.time_s()) < 0.05, "wall clock corrected by the last known skew"
    path.write_text("{not json")
    assert BoardClock(path).state == ClockState.unsynced


def test_schedule_picks_the_playlist_and_alerts_cover():
    m = manifest([jpeg_bytes((255, 0, 0))], ticker="Tin vắn")
    now = datetime.now(timezone.utc)
    layouts = builtin_layouts()
    prog = programme.build(m, now, layouts, (1920, 1080))
    assert prog.operating and prog.layout.id == "landscape-16x9"
    assert [i.id for i in prog.zones["main"]] == ["img0"] and [i.id for i in prog.zones["ticker"]] == ["tick"]
    alert = Alert(id="a1", level=4, headline="Lũ quét", starts_at=now - timedelta(minutes=1),
                  ends_at=now + timedelta(minutes=5))
    m2 = m.model_copy(update={"alerts": [alert]})
    prog = programme.build(m2, now, layouts, (1920, 1080))
    assert [a.id for a in prog.alerts] == ["a1"] and prog.until == alert.ends_at
    # No manifest at all: a layout for the screen's shape (the idle screen shows over it).
    assert programme.build(None, now, layouts, (1080, 1920)).layout.id == "portrait-9x16"


def test_vietnamese_dates():
    friday = datetime(2026, 11, 27, 3, 30, tzinfo=timezone.utc)  # 10:30 in Hanoi
    assert full_text(friday) == "Thứ Sáu, 27/11/2026 10:30"
    assert date_text(datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)) == "Thứ Hai, 30/11/2026"
    assert date_text(datetime(2026, 11, 29, 16, 59, tzinfo=timezone.utc)) == "Chủ Nhật, 29/11/2026"


def test_usb_folder_becomes_a_manifest(tmp_path):
    (tmp_path / "b.jpg").write_bytes(jpeg_bytes((0, 0, 255)))
    (tmp_path / "a.png").write_bytes(jpeg_bytes((0, 255, 0)))
    (tmp_path / "thong-bao.txt").write_text("Họp dân\nTối nay 19 giờ tại nhà văn hoá.\n", encoding="utf-8")
    (tmp_path / "ticker.txt").write_text("Phòng chống   bão lụt\n", encoding="utf-8")
    m = folder_manifest(tmp_path, "", "Xã Thử", 5)
    items = m.playlists["usb"].items
    assert [i.id for i in items if i.zone == "main"] == ["usb:a.png", "usb:b.jpg"]
    bulletin = next(i for i in items if i.kind.value == "bulletin")
    assert (bulletin.title, bulletin.body) == ("Họp dân", "Tối nay 19 giờ tại nhà văn hoá.")
    assert next(i for i in items if i.kind.value == "ticker").text == "Phòng chống bão lụt"
    assert all(a.url.startswith("file://") for a in m.assets.values())
    assert folder_manifest(tmp_path / "none", "", "x", 5) is None


def test_sd_notify_datagrams(tmp_path):
    import socket

    path = tmp_path / "notify.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    notifier = Notifier({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "30000000"})
    assert notifier.interval() == 10
    assert notifier.ready() and notifier.ping()
    assert server.recv(100) == b"READY=1" and server.recv(100) == b"WATCHDOG=1"
    notifier.close()
    server.close()
    assert not Notifier({}).ping()


def test_importing_the_player_opens_no_window(tmp_path):
    """No side effects at import: every module can be imported with no display at all."""
    import os
    import subprocess
    import sys

    code = ("import sys, importlib, pkgutil, player, player.screen\n"
            "for pkg in (player, player.screen):\n"
            "    for m in pkgutil.iter_modules(pkg.__path__):\n"
            "        if m.name != '__main__':\n"
            "            importlib.import_module(f'{pkg.__name__}.{m.name}')\n"
            "print('kivy.core.window' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(KIVY_NO_ARGS="1", KIVY_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
