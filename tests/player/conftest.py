"""Player fixtures: one Xvfb per session, the player as a subprocess, screen grabs, a tiny HTTP server."""
import email.utils
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import ImageGrab

from tests import processes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def xdisplay():
    """A real X server (Xvfb, 1920x1080x24) shared by every player test of the session.

    Xvfb picks a free display number itself (`-displayfd`), so sessions running
    side by side never share (and never tear down) each other's server.
    """
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed (scripts/setup.sh installs it)")
    read_fd, write_fd = os.pipe()
    # -noreset: by default the server resets whenever its last client leaves, and the screen grabs
    # (each its own short connection) made it reset now and then just as a player connected: the
    # player then drew into a window the new server did not have, and the screen stayed black.
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp", "-noreset"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number or proc.poll() is not None:
        raise RuntimeError("Xvfb did not start")
    yield f":{number}"
    proc.terminate()
    proc.wait(10)


def grab(display: str, box=(0, 0, 640, 360), attempts: int = 20):
    """The screen, cropped; a refused X connection (seen now and then while players start and stop) is retried."""
    for attempt in range(attempts):
        try:
            return ImageGrab.grab(xdisplay=display).crop(box).convert("RGB")
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def wait_for(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def close(a, b, tol=40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b))


class PlayerProcess:
    def __init__(self, display: str, data_dir: Path, args: list[str], kivy_home: Path):
        self.data_dir = data_dir
        self.log_path = data_dir.parent / f"{data_dir.name}-player.log"
        env = {**os.environ, "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_HOME": str(kivy_home),
               "KIVY_VIDEO": "ffpyplayer", "KIVY_NO_CONSOLELOG": "0", "PYTHONUNBUFFERED": "1"}
        env.pop("NOTIFY_SOCKET", None)
        self.started = time.monotonic()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "player", "--data-dir", str(data_dir), "--windowed",
                                      *args], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill9(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        processes.stop(self.proc)
        self._log.close()


FAILURES = ROOT / "tests" / "_artifacts" / "player-failures"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def run_player(xdisplay, tmp_path, request):
    """Start `python -m player --windowed` on the shared display; stopped after the test.

    When the test fails, the screen and each player's log go to tests/_artifacts/player-failures/,
    so a failure seen only in CI can still be read.
    """
    started: list[PlayerProcess] = []

    def start(data_dir: Path, *args: str, size: str = "640x360") -> PlayerProcess:
        for previous in started:
            previous.stop()  # one window on the display at a time
        player = PlayerProcess(xdisplay, data_dir, ["--size", size, *args], tmp_path / "kivy-home")
        started.append(player)
        return player

    yield start
    if getattr(request.node, "call_failed", False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        try:
            ImageGrab.grab(xdisplay=xdisplay).save(FAILURES / f"{request.node.name}.png")
        except OSError:
            pass
        for n, player in enumerate(started):
            (FAILURES / f"{request.node.name}-{n}.log").write_text(player.log(), encoding="utf-8")
    for player in started:
        player.stop()
    for player in started:
        if player.proc.returncode not in (0, -15, -9, None):
            print(player.log()[-4000:])


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append((self.path, dict(self.headers)))
        route = server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = route(self) if callable(route) else route
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if isinstance(body, bytes):
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.end_headers()  # an iterator of chunks, sent slowly (headers carry Content-Length)
        for chunk in body:
            self.wfile.write(chunk)
            self.wfile.flush()

    def log_message(self, *args):
        pass

    def date_time_string(self, timestamp=None):
        # The `Date` header, from a server clock that tests may set ahead or behind.
        return email.utils.formatdate((timestamp or time.time()) + self.server.clock_offset, usegmt=True)


@pytest.fixture
def http_server():
    """A local HTTP server whose routes tests set: path -> (status, headers, body) or a function."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.routes = {}
    server.requests = []
    server.clock_offset = 0.0
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"
