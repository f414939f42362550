"""Helpers for the source tests: the CAP fixtures, with their times moved to now when needed."""
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
_TIME = re.compile(r"(?<=>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)(?=<)|(?<=,)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def shifted(name: str, sent: datetime, base: datetime | None = None) -> bytes:
    """The fixture with every timestamp moved by the same amount, so that `base` (default: its <sent>) becomes `sent`.

    Keeps the documents real while their expiry lies in the future of the test run.
    """
    text = fixture_bytes(name).decode()
    if base is None:
        base = datetime.fromisoformat(re.search(r"<sent>([^<]+)</sent>", text).group(1))
    delta = sent - base

    def move(m):
        original = datetime.fromisoformat(m.group(0))
        return (original + delta).astimezone(original.tzinfo).isoformat(timespec="seconds")

    return _TIME.sub(move, text).encode()


@pytest.fixture
def now():
    return datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=1)


@pytest.fixture
def capdoc():
    """capdoc(name) -> the fixture's bytes."""
    return fixture_bytes


@pytest.fixture
def capdoc_at():
    """capdoc_at(name, sent) -> the fixture with its times moved so that <sent> is `sent`."""
    return shifted


class FeedServer:
    """A local HTTP server: GET serves `routes[path] = (body, content_type, delay_s)`; GET paths and POST bodies are recorded."""

    def __init__(self):
        import http.server
        import threading

        self.routes: dict[str, tuple[bytes, str, float]] = {}
        self.redirects: dict[str, str] = {}  # path -> Location answered with 302
        self.posts: list[tuple[str, dict, bytes]] = []
        self.gets: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                import time

                server.gets.append(self.path)
                if self.path in server.redirects:
                    self.send_response(302)
                    self.send_header("Location", server.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path not in server.routes:
                    self.send_error(404)
                    return
                body, ctype, delay = server.routes[self.path]
                time.sleep(delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, which is what a timeout test wants

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.posts.append((self.path, dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, path: str, body: bytes, content_type: str = "application/xml", delay_s: float = 0.0) -> str:
        self.routes[path] = (body, content_type, delay_s)
        return self.base_url + path

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def link(tmp_path_factory):
    """A manager of this module's own, so its alerts cannot reach other tests' boards."""
    from tests.live_manager import LiveManager

    # Its test feeds are on loopback: allowed explicitly, as an admin would allow a feed on the LAN.
    live = LiveManager(tmp_path_factory.mktemp("source-link"), extra_args=["--source-allow-hosts", "127.0.0.1"]).start()
    yield live
    live.stop()
