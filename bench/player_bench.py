"""Player benchmark under Xvfb at 1920x1080: render, cross-fade gaps, 1080p video, memory, start-up.

    .venv/bin/python bench/player_bench.py [--seconds 30] [--memory-seconds 300] [--only render,video,memory,start]

Starts its own Xvfb unless $DISPLAY is set, runs the real player as a
subprocess with `--frame-log` (one line per frame: time and the RGB of the
media zone's centre pixel), and prints a Markdown section for
bench/README-player.md.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import ImageGrab  # noqa: E402

from player.state import Identity, StateStore  # noqa: E402
from tests.player.media import jpeg_bytes, manifest, seed_cache  # noqa: E402
from tests.player.media import asset_ref  # noqa: E402
from protocol.manifest import Item, ItemKind  # noqa: E402

SIZE = "1920x1080"
MEDIA_CENTRE = (int(1920 * 0.32), int(1080 * 0.5))  # landscape-16x9 main zone centre, top-left origin


def closed_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def start_xvfb() -> tuple[subprocess.Popen | None, str]:
    if os.environ.get("DISPLAY"):
        return None, os.environ["DISPLAY"]
    read_fd, write_fd = os.pipe()  # Xvfb picks a free display number and writes it here
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return proc, ":" + pipe.readline().strip()


def run_player(display: str, data: Path, extra: list[str], work: Path) -> subprocess.Popen:
    env = {**os.environ, "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(work / "kivy"),
           "KIVY_VIDEO": "ffpyplayer"}
    log = open(work / f"{data.name}.log", "ab")
    return subprocess.Popen([sys.executable, "-m", "player", "--data-dir", str(data), "--windowed", "--size", SIZE,
                             "--log-level", "WARNING", *extra], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def seed(data: Path, blobs: list[bytes], **kwargs) -> None:
    seed_cache(data, blobs)
    m = manifest(blobs, **kwargs)
    store = StateStore(data)
    store.save_manifest(m)


def read_frames(path: Path) -> list[tuple[float, tuple[int, int, int] | None]]:
    frames = []
    for line in path.read_text().splitlines():
        parts = line.split()
        rgb = None if parts[1] == "-" else tuple(int(v) for v in parts[1:4])
        frames.append((float(parts[0]), rgb))
    return frames


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_render(display: str, work: Path, seconds: float) -> dict:
    colours = [(200, 40, 40), (40, 180, 60), (40, 80, 200), (220, 180, 30), (160, 60, 180), (30, 170, 170)]
    blobs = [jpeg_bytes(c, size=(1920, 1080)) for c in colours]
    data = work / "render"
    seed(data, blobs, image_s=2, ticker="Bão số 5 đang tiến vào đất liền, người dân chủ động phòng tránh. " * 4,
         bulletin=("Thông báo", "Ủy ban nhân dân xã thông báo lịch tiêm chủng mở rộng."))
    log = work / "render-frames.txt"
    proc = run_player(display, data, ["--frame-log", str(log), "--crossfade-s", "0.6"], work)
    time.sleep(4)  # start-up and first items
    log.write_text("")
    time.sleep(seconds)
    stop(proc)
    frames = read_frames(log)
    # Frames logged before the first picture (start-up, batched writes) are not "between items".
    first = next(i for i, (_, rgb) in enumerate(frames) if rgb is not None and sum(rgb) >= 30)
    frames = frames[first:]
    times = [t for t, _ in frames]
    deltas = [(b - a) * 1000 for a, b in zip(times, times[1:])]
    blank = sum(1 for _, rgb in frames if rgb is not None and sum(rgb) < 30)
    changes = sum(1 for (_, a), (_, b) in zip(frames, frames[1:]) if a and b and max(abs(x - y) for x, y in zip(a, b)) > 60)
    return {"seconds": times[-1] - times[0], "frames": len(frames), "fps": (len(frames) - 1) / (times[-1] - times[0]),
            "median_ms": statistics.median(deltas), "p99_ms": pct(deltas, 99),
            "over_50ms": sum(1 for d in deltas if d > 50), "blank_frames": blank,
            "item_changes": round(seconds / 2)}


def bench_video(display: str, work: Path, seconds: float) -> dict:
    data = work / "video"
    path = work / "v1080.mp4"
    fps, length = 30, 10
    if not path.exists():
        _write_counter_video(path, fps, length)
    raw = path.read_bytes()
    ref = asset_ref(raw, kind=ItemKind.video, mime="video/mp4")
    seed_cache(data, [raw])
    m = manifest([])
    playlist = m.playlists["p"]
    items = [Item(id="v", zone="main", kind=ItemKind.video, asset=ref.sha256)] + playlist.items
    m = m.model_copy(update={"assets": {ref.sha256: ref},
                             "playlists": {"p": playlist.model_copy(update={"items": items})}}).with_version()
    StateStore(data).save_manifest(m)
    log = work / "video-frames.txt"
    proc = run_player(display, data, ["--frame-log", str(log)], work)
    time.sleep(3)
    log.write_text("")
    time.sleep(seconds)
    stop(proc)
    frames = read_frames(log)
    span = frames[-1][0] - frames[0][0]
    shown = sum(1 for (_, a), (_, b) in zip(frames, frames[1:]) if a and b and max(abs(x - y) for x, y in zip(a, b)) > 6)
    expected = span * fps
    return {"seconds": span, "render_fps": (len(frames) - 1) / span, "video_fps_shown": shown / span,
            "dropped": max(0, round(expected - shown)), "expected": round(expected)}


def _write_counter_video(path: Path, fps: int, seconds: int) -> None:
    """1080p H.264 where every frame has its own colour, so each new frame on screen is visible."""
    from ffpyplayer.pic import Image as FFImage
    from ffpyplayer.writer import MediaWriter

    w, h = 1920, 1080
    out = [{"pix_fmt_in": "rgb24", "width_in": w, "height_in": h, "codec": "libx264",
            "frame_rate": (fps, 1), "pix_fmt_out": "yuv420p"}]
    writer = MediaWriter(str(path), out, fmt="mp4", overwrite=True, lib_opts={"preset": "ultrafast"})
    for i in range(fps * seconds):
        colour = bytes(((i * 37) % 200 + 40, (i * 91) % 200 + 40, (i * 53) % 200 + 40))
        writer.write_frame(img=FFImage(plane_buffers=[colour * (w * h)], pix_fmt="rgb24", size=(w, h)), pts=i / fps, stream=0)
    writer.close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def bench_memory(display: str, work: Path, seconds: float) -> dict:
    blobs = [jpeg_bytes(((i * 47) % 256, (i * 89) % 256, (i * 151) % 256), size=(1280, 720)) for i in range(100)]
    data = work / "memory"
    seed(data, blobs, image_s=0.5, ticker="Tin vắn: " + "thông báo của xã. " * 10)
    proc = run_player(display, data, ["--crossfade-s", "0.2"], work)
    time.sleep(WARM_UP_S)  # two full cycles of 100 items: caches and allocator arenas fill up
    samples = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        samples.append(rss_kb(proc.pid))
        time.sleep(10)
    samples.append(rss_kb(proc.pid))
    stop(proc)
    return {"seconds": seconds + WARM_UP_S, "start_mb": samples[0] / 1024, "end_mb": samples[-1] / 1024,
            "max_mb": max(samples) / 1024, "growth_pct": 100 * (samples[-1] - samples[0]) / samples[0]}


def bench_baseline(display: str, work: Path) -> float:
    """The same measurement (one pixel read back per frame) for a bare Kivy window with one moving rectangle."""
    script = work / "baseline.py"
    script.write_text(BASELINE)
    env = {**os.environ, "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(work / "kivy")}
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60).stdout
    return float(out.strip().splitlines()[-1])


BASELINE = '''
import time
from kivy.config import Config
for k, v in (("width", "1920"), ("height", "1080"), ("position", "custom"), ("left", "0"), ("top", "0"), ("borderless", "1")):
    Config.set("graphics", k, v)
from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
from kivy.uix.widget import Widget
ts = []
class Bare(App):
    def build(self):
        w = Widget()
        with w.canvas:
            Color(1, 0, 0)
            r = Rectangle(size=(1920, 1080))
        Window.bind(on_flip=lambda *a: (glReadPixels(5, 5, 1, 1, GL_RGB, GL_UNSIGNED_BYTE), ts.append(time.perf_counter())))
        Clock.schedule_interval(lambda dt: setattr(r, "pos", (time.time() % 10, 0)), 0)
        Clock.schedule_once(lambda dt: self.stop(), 8)
        return w
Bare().run()
print((len(ts) - 1) / (ts[-1] - ts[0]))
'''


WARM_UP_S = 120


def bench_start(display: str, work: Path, runs: int = 3) -> dict:
    data = work / "start"
    seed(data, [jpeg_bytes((200, 40, 40), size=(1920, 1080))])
    url = closed_url()  # the manager is unreachable: no network
    StateStore(data).save_identity(Identity("b", "t", url))
    results = []
    for _ in range(runs):
        t0 = time.monotonic()
        proc = run_player(display, data, ["--manager", url], work)
        while time.monotonic() - t0 < 15:
            px = ImageGrab.grab(xdisplay=display).getpixel(MEDIA_CENTRE)
            if abs(px[0] - 200) < 40 and px[1] < 80:
                results.append(time.monotonic() - t0)
                break
            time.sleep(0.02)
        stop(proc)
    return {"runs": runs, "median_s": statistics.median(results), "max_s": max(results)}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--memory-seconds", type=float, default=300)
    p.add_argument("--only", default="render,video,memory,start")
    args = p.parse_args()
    xvfb, display = start_xvfb()
    work = Path(tempfile.mkdtemp(prefix="player-bench-"))
    only = set(args.only.split(","))
    try:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"## Player (Xvfb, Mesa llvmpipe, {os.cpu_count()} CPU cores, window {SIZE}; load average at start {load})\n")
        if "render" in only:
            base = bench_baseline(display, work)
            print(f"- Reference: a bare Kivy window with one moving full-screen rectangle, measured the same way: {base:.1f} fps "
                  "(software GL's fill rate and the per-frame read-back bound everything below).")
            r = bench_render(display, work, args.seconds)
            print(f"- Ticker scrolling + images cross-fading every 2 s, {r['seconds']:.0f} s measured: "
                  f"**{r['fps']:.1f} fps**, frame time median **{r['median_ms']:.1f} ms**, p99 **{r['p99_ms']:.1f} ms**, "
                  f"**{r['over_50ms']}** frames over 50 ms (of {r['frames']}).")
            print(f"- Blank frames in the media zone between consecutive items (~{r['item_changes']} changes): **{r['blank_frames']}**.")
        if "video" in only:
            v = bench_video(display, work, args.seconds)
            print(f"- 1080p30 H.264 (libx264), {v['seconds']:.0f} s: **{v['video_fps_shown']:.1f} video frames shown/s**, "
                  f"**{v['dropped']}** of {v['expected']} frames not shown; render loop {v['render_fps']:.1f} fps.")
        if "memory" in only:
            m = bench_memory(display, work, args.memory_seconds)
            print(f"- Memory cycling 100 images (0.5 s each) for {m['seconds'] / 60:.1f} min (shortened from one hour; "
                  f"growth measured after a {WARM_UP_S} s warm-up): RSS {m['start_mb']:.0f} MB after warm-up → {m['end_mb']:.0f} MB (max {m['max_mb']:.0f} MB), "
                  f"growth **{m['growth_pct']:+.1f}%**.")
        if "start" in only:
            s = bench_start(display, work)
            print(f"- Start to first content frame from cache, manager unreachable ({s['runs']} runs): "
                  f"median **{s['median_s']:.2f} s**, max {s['max_s']:.2f} s (process start to image on screen, measured by screen grabs).")
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
