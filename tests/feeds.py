"""A feed served over loopback HTTP, for tests of the source link."""
import http.server
import threading
from contextlib import contextmanager


@contextmanager
def serve_feed(body: bytes, content_type: str = "application/feed+json"):
    """Serves `body` at http://127.0.0.1:PORT/feed.json for the duration of the block; yields the URL."""

    class Feed(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.json"
    finally:
        server.shutdown()
        server.server_close()
