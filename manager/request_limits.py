"""Limits applied to every request before any route sees it (an ASGI middleware).

* **Body size, per route, before parsing.** A declared Content-Length over the
  route's limit is answered 413 at once, unread; a body without one (chunked)
  is counted as it streams and cut off at the limit. FastAPI would otherwise
  read and parse a whole JSON body before the route (and its auth) runs.
* **Credentials before a large body.** A body that may exceed `AUTH_FIRST_BYTES`
  is read only when the request carries a credential that exists: a board's
  token, an API token or a live console session. The
  route still decides what that credential may do; this only stops strangers
  from making the server read megabytes.
* **Numbers at the edge.** A path segment or query value written as an integer
  too large for SQLite (over 2^63 - 1) is refused 422 before any route runs.

Refusals are answered by the app's handler for AppError, as any other:
JSON in the usual bilingual shape for the API, the error page for the console.
"""
import re
from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from manager import auth, sessions
from manager.console import cookies
from manager.errors import AppError, BadInput, TooLarge, Unauthorized
from protocol.bounds import SQLITE_INT_MAX

KB = 1024
MB = 1024 * KB
DEFAULT_LIMIT = 1 * MB  # JSON bodies and console forms
AUTH_FIRST_BYTES = 64 * KB
FORM_FILES = 10  # files in one plain (no script) upload from the library page; the script sends each on its own
_INT = re.compile(r"[+-]?\d+")


def route_limits(max_upload_bytes: int) -> list[tuple[str, re.Pattern, int | None]]:
    """(method, path pattern, largest body in bytes or None: the route limits it); the first match wins."""
    return [
        ("POST", re.compile(r"/api/v1/pair"), 4 * KB),
        # A player sends 500 reports a batch (~270 KB of heartbeats); the models allow at most 1000.
        ("POST", re.compile(r"/api/v1/boards/[^/]+/(heartbeats|playlog)"), 1 * MB),
        ("PUT", re.compile(r"/api/v1/boards/[^/]+/screenshot"), 2 * MB + 64 * KB),
        ("POST", re.compile(r"/api/v1/assets"), max_upload_bytes),
        ("POST", re.compile(r"/library/upload"), FORM_FILES * max_upload_bytes + 64 * KB),
        ("POST", re.compile(r"/api/v1/units/import-csv"), 20 * MB),
        # CAP pushes: the route itself checks the push token first, stops reading at cap.MAX_DOCUMENT_BYTES
        # and records the refusal where the source's people look (/sources), so it is left to the route.
        ("POST", re.compile(r"/api/v1/sources/\d+/cap"), None),
    ]


def limit_for(limits, method: str, path: str) -> int | None:
    for want, pattern, limit in limits:
        if method == want and pattern.fullmatch(path):
            return limit
    return DEFAULT_LIMIT


async def _answer(scope, send: Callable, error: AppError) -> None:
    """Through the app's own handler for AppError: JSON for the API, the error page for the console's pages."""
    response = await scope["app"].exception_handlers[AppError](Request(scope), error)
    response.headers["connection"] = "close"  # what is left of a refused body is not read

    async def nothing_more():
        return {"type": "http.disconnect"}

    await response(scope, nothing_more, send)


def _too_large(limit: int) -> TooLarge:
    shown = f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"
    return TooLarge(f"Dữ liệu gửi lên quá lớn: tối đa {shown}", f"request body too large: at most {shown}")


def _out_of_range(where: str) -> BadInput:
    if where == "path":
        return BadInput("Số quá lớn trong địa chỉ trang", "number too large in the path", code="out_of_range")
    return BadInput(f"Số quá lớn ở tham số {where}", f"number too large in parameter {where}", code="out_of_range")


def _too_big(value: str) -> bool:
    # 18 digits always fit in 64 bits (the quick answer for every path segment of every request); more than 19
    # never do (and int() refuses over 4300 digits anyway).
    return len(value) > 18 and bool(_INT.fullmatch(value)) and (len(value.lstrip("+-")) > 19 or abs(int(value)) > SQLITE_INT_MAX)


def _oversized_number(scope) -> str | None:
    if any(_too_big(segment) for segment in scope["path"].split("/")):
        return "path"
    query = scope.get("query_string", b"")
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if query else ():
        if _too_big(value.strip()):
            return name
    return None


def _has_credential(app_state, headers: dict[bytes, bytes]) -> bool:
    """Whether the request carries a credential that exists (what it may do is the route's business)."""
    bearer = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = bearer.partition(" ")
    token = token.strip()
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    session_id = next((part.split("=", 1)[1].strip() for part in cookie.split(";")
                       if part.strip().startswith(cookies.COOKIE + "=")), None)
    with app_state.store.read() as db:
        if token and scheme.lower() == "bearer":
            hashed = auth.hash_token(token)
            if db.execute("SELECT 1 FROM boards WHERE token_hash = ? AND revoked_at IS NULL", [hashed]).fetchone():
                return True
            if auth.user_from_token(db, token) is not None:
                return True
        if session_id and sessions.lookup(db, session_id, app_state.clock.time()) is not None:
            return True
    return False


class RequestLimits:
    def __init__(self, app, max_upload_bytes: int):
        self.app = app
        self.limits = route_limits(max_upload_bytes)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _oversized_number(scope)
        if where:
            await _answer(scope, send, _out_of_range(where))
            return
        limit = limit_for(self.limits, scope["method"], scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        size = limit if chunked else 0  # chunked: it may be as large as the limit allows; neither: no body (HTTP/1.1)
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = limit + 1
            if size > limit:
                await _answer(scope, send, _too_large(limit))
                return
        may_be_large = size > AUTH_FIRST_BYTES
        if may_be_large and scope["method"] in ("POST", "PUT", "PATCH") and not scope["path"] == "/api/v1/pair":
            ok = await run_in_threadpool(_has_credential, scope["app"].state, headers)
            if not ok:
                await _answer(scope, send, Unauthorized("Cần đăng nhập hoặc mã truy cập hợp lệ trước khi gửi dữ liệu lớn",
                                                        "a valid login or token is required before sending a large body"))
                return
        if not chunked:
            # The server reads exactly the declared length (or nothing): no byte past the limit can arrive, and
            # the counting below, which every message of the request and its answer would cross, is not needed.
            await self.app(scope, receive, send)
            return
        received = 0
        answered = False  # by us, with 413: whatever the app sends is dropped

        async def counted_receive():
            nonlocal received, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not started:
                    answered = True
                    # The app sees the client gone: it stops reading and cleans up (an upload's temporary file)
                    # before the 413 goes out below, so the client never sees a half-received upload on disk.
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def tracked_send(message):
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except Exception:
            if not answered:
                raise
            # The request is answered 413; what the app made of the cut-off body does not matter.
        if answered:
            await _answer(scope, send, _too_large(limit))
