"""Boards without a manager: video from the USB folder, files dropped while running, layouts edited on disk."""
import json
import shutil
import time

from layouts import LAYOUTS_DIR
from tests.player.conftest import close, grab, wait_for
from tests.player.media import jpeg_bytes, write_mp4

MEDIA = (205, 180)


def test_usb_folder_video_and_live_changes(run_player, xdisplay, tmp_path):
    data, usb = tmp_path / "board", tmp_path / "usb"
    usb.mkdir()
    write_mp4(usb / "01-video.mp4", seconds=2, switch_every=15)
    run_player(data, "--usb-dir", str(usb), "--name", "Xã Không Mạng", "--usb-item-s", "30")

    # The only item is a video: it plays (colours alternate every half second) and loops.
    seen = set()
    t_end = time.monotonic() + 8
    while time.monotonic() < t_end and seen != {"green", "blue"}:
        px = grab(xdisplay).getpixel(MEDIA)
        if close(px, (0, 200, 0), 50):
            seen.add("green")
        elif close(px, (0, 0, 200), 50):
            seen.add("blue")
        time.sleep(0.05)
    assert seen == {"green", "blue"}, "the video is not playing"

    # An operator drops a picture and a text bulletin while the board runs.
    (usb / "02-anh.jpg").write_bytes(jpeg_bytes((230, 120, 0)))
    (usb / "thong-bao.txt").write_text("Lịch cắt điện\nThứ Bảy từ 7 giờ đến 11 giờ.\n", encoding="utf-8")
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), (230, 120, 0), 40), 15, interval=0.1,
             message="the dropped picture after the video")

    # A layout edited on disk is picked up without a restart: the media zone moves to the right.
    layouts = data / "layouts"
    layout = json.loads((LAYOUTS_DIR / "landscape-16x9.json").read_text(encoding="utf-8"))
    for zone in layout["zones"]:
        if zone["id"] == "main":
            zone["x"] = 0.36
        elif zone["id"] == "bulletin":
            zone["x"] = 0.0
    (layouts / "landscape-16x9.json.tmp").write_text(json.dumps(layout), encoding="utf-8")
    shutil.move(layouts / "landscape-16x9.json.tmp", layouts / "landscape-16x9.json")
    right = (int(640 * 0.36) + 205, 180)
    wait_for(lambda: close(grab(xdisplay).getpixel((20, 300)), (0xf4, 0xf1, 0xe8), 12)
             and sum(grab(xdisplay).getpixel(right)) > 60, 10, message="the edited layout")


def test_slide_show_video_keeps_its_pace(run_player, xdisplay, tmp_path):
    """A bulletin exported as a video at 2 frames a second shows each slide for half a second, not a tenth."""
    data, usb = tmp_path / "board", tmp_path / "usb"
    usb.mkdir()
    write_mp4(usb / "slides.mp4", fps=2, seconds=10, switch_every=1)
    run_player(data, "--usb-dir", str(usb))
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), (0, 200, 0), 50), 10, interval=0.05, message="the first slide")
    changes, last, t_end = 0, None, time.monotonic() + 3
    while time.monotonic() < t_end:
        px = grab(xdisplay).getpixel(MEDIA)
        now = "green" if close(px, (0, 200, 0), 50) else "blue" if close(px, (0, 0, 200), 50) else last
        changes += last is not None and now != last
        last = now
        time.sleep(0.02)
    assert 2 <= changes <= 9, f"{changes} slide changes in 3 s at 2 frames/s"


def test_shipped_layouts_at_their_sizes(run_player, xdisplay, tmp_path):
    """Portrait 9:16 and the 768x384 LED module: the picture lands in each layout's media zone
    (which, with nothing else to show, takes the bulletin and ticker space too)."""
    from layouts import builtin_layouts
    from protocol.zonefill import fill_empty

    for layout_id, size in (("portrait-9x16", (360, 640)), ("led-768x384", (768, 384))):
        usb = tmp_path / layout_id
        usb.mkdir()
        (usb / "a.jpg").write_bytes(jpeg_bytes((230, 120, 0)))
        zone = fill_empty(builtin_layouts()[layout_id], {"header", "clock", "main"}).zone("main")
        centre = (int((zone.x + zone.w / 2) * size[0]), int((zone.y + zone.h / 2) * size[1]))
        run_player(tmp_path / f"data-{layout_id}", "--usb-dir", str(usb), "--layout", layout_id,
                   size=f"{size[0]}x{size[1]}")
        wait_for(lambda: close(grab(xdisplay, (0, 0, *size)).getpixel(centre), (230, 120, 0), 40), 10,
                 message=f"the picture in {layout_id}")


def test_kiosk_covers_the_display_and_stops_on_sigterm(xdisplay, tmp_path):
    """Without --windowed: the whole 1920x1080 display, even with no window manager; SIGTERM ends it."""
    import os
    import subprocess
    import sys

    from tests.player.conftest import ROOT

    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "a.jpg").write_bytes(jpeg_bytes((230, 120, 0)))
    (usb / "ticker.txt").write_text("Bảng tin xã", encoding="utf-8")  # the ticker band in use, so it reaches the corner
    env = {**os.environ, "DISPLAY": xdisplay, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(tmp_path / "kivy")}
    proc = subprocess.Popen([sys.executable, "-m", "player", "--data-dir", str(tmp_path / "data"), "--usb-dir", str(usb),
                             "--layout", "landscape-16x9"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        full = (0, 0, 1920, 1080)
        wait_for(lambda: close(grab(xdisplay, full).getpixel((614, 540)), (230, 120, 0), 40), 15,
                 message="the picture in the full-screen media zone")
        shot = grab(xdisplay, full)
        assert close(shot.getpixel((5, 5)), (0xa5, 0x0e, 0x0e), 12), "the header starts at the display's corner"
        assert close(shot.getpixel((1915, 1075)), (0x00, 0x3c, 0x8f), 12), "the ticker reaches the far corner"
        proc.terminate()
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_config_file_edited_on_disk(run_player, xdisplay, tmp_path):
    """A live setting changed in the config file applies without a restart: here the layout."""
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "a.jpg").write_bytes(jpeg_bytes((230, 120, 0)))
    conf = tmp_path / "player.toml"
    conf.write_text(f'usb_dir = "{usb}"\nname = "Xã Cấu Hình"\nlayout = "landscape-16x9"\n', encoding="utf-8")
    run_player(tmp_path / "data", "--config", str(conf))
    wait_for(lambda: close(grab(xdisplay).getpixel(MEDIA), (230, 120, 0), 40), 10, message="the picture")
    # The LED layout puts a black header where the landscape one has a red one.
    conf.write_text(f'usb_dir = "{usb}"\nname = "Xã Cấu Hình"\nlayout = "led-768x384"\n', encoding="utf-8")
    wait_for(lambda: sum(grab(xdisplay).getpixel((3, 3))) < 30, 10, message="the layout from the edited file")


def test_systemd_notify_from_the_render_loop(xdisplay, tmp_path):
    """Under systemd (Type=notify, WatchdogSec): READY=1 after the first frame, then WATCHDOG=1 pings."""
    import os
    import socket
    import subprocess
    import sys

    from tests.player.conftest import ROOT

    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(15)
    env = {**os.environ, "DISPLAY": xdisplay, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(tmp_path / "kivy"),
           "NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1500000"}
    proc = subprocess.Popen([sys.executable, "-m", "player", "--data-dir", str(tmp_path / "data"), "--windowed",
                             "--size", "640x360"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        messages = [sock.recv(100) for _ in range(3)]
        assert messages[0] == b"READY=1"
        assert messages[1:] == [b"WATCHDOG=1", b"WATCHDOG=1"]
    finally:
        proc.terminate()
        proc.wait(15)
        sock.close()
