"""One ASGI middleware for the console: who is logged in, which language, and CSRF.

* The session cookie is looked up on every request; a live session puts its
  principal on `request.state.principal`, which `auth.current_principal`
  reads, so the JSON API works from the console with the cookie.
* Every state-changing request authenticated by the cookie must carry the
  session's CSRF token: in the `X-CSRF-Token` header (XHR, fetch) or in the
  `csrf_token` field of a url-encoded form. Otherwise 403, before any route
  runs, so nothing changes. Bearer-token calls are not cookie-authenticated
  and need no token.
* `?lang=en` or `?lang=vi` switches the language and remembers it in a cookie.
* Console pages get security headers (no framing, no sniffing, scripts only
  from the manager itself).
"""
import hmac
import re
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

from manager import i18n, sessions
from manager.console import cookies

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_FORM_BYTES = 1 << 20
MAX_CSRF_PREFIX = 4096  # a multipart form's first bytes, where its csrf_token field is
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def refusal(path: str, lang: str, status: int, message_vi: str, message_en: str):
    if _is_api(path):
        return JSONResponse({"error": "csrf" if status == 403 else "refused", "message": message_vi, "message_en": message_en},
                            status_code=status)
    message = i18n.pick(lang, message_vi, message_en)
    title = i18n.text(lang, "error.title")
    html = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="stylesheet" href="/static/console.css"></head><body><main class="narrow"><h1>{title}</h1>'
            f'<p class="flash error">{message}</p><p><a href="/">{i18n.text(lang, "common.back")}</a></p></main></body></html>')
    return HTMLResponse(html, status_code=status)


class ConsoleMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = scope.setdefault("state", {})
        app_state = scope["app"].state
        asked_lang = i18n.normal_lang(request.query_params.get("lang"))
        lang = asked_lang or i18n.normal_lang(request.cookies.get(cookies.LANG_COOKIE)) or i18n.DEFAULT_LANG
        state["lang"] = lang
        state["csrf"] = None
        session_id = request.cookies.get(cookies.COOKIE)
        found = None
        if session_id:
            def look():
                with app_state.store.read() as db:
                    return sessions.lookup(db, session_id, app_state.clock.time())

            found = await run_in_threadpool(look)
        bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
        if found and not bearer:
            state["principal"], state["csrf"] = found
            state["session_id"] = session_id
            if scope["method"] not in SAFE_METHODS:
                receive, ok = await self._check_csrf(request, receive, found[1])
                if ok is None:
                    await refusal(scope["path"], lang, 413, "Biểu mẫu quá lớn", "form too large")(scope, receive, send)
                    return
                if not ok:
                    message = i18n.MESSAGES["login.csrf"]
                    await refusal(scope["path"], lang, 403, *message)(scope, receive, send)
                    return
        console_page = not _is_api(scope["path"]) and not scope["path"].startswith(("/docs", "/redoc", "/assets/"))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if asked_lang:
                    headers.append((b"set-cookie", f"{cookies.LANG_COOKIE}={asked_lang}; Path=/; Max-Age=31536000; SameSite=Lax".encode()))
                if console_page:
                    headers += [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
                                (b"referrer-policy", b"same-origin"), (b"content-security-policy", CSP.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _check_csrf(self, request: Request, receive, expected: str):
        """(receive to pass on, True/False; None when a form is too large to check)."""
        header = request.headers.get("x-csrf-token")
        if header is not None:
            return receive, hmac.compare_digest(header.encode(), expected.encode())
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            return await self._check_multipart(content_type, receive, expected)
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return receive, False
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return receive, False
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_FORM_BYTES:
                return receive, None
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        given = parse_qs(body.decode("utf-8", "replace")).get("csrf_token", [""])[0]
        return _replaying(receive, body, False), bool(given) and hmac.compare_digest(given.encode(), expected.encode())

    async def _check_multipart(self, content_type: str, receive, expected: str):
        """A file form (the library's several files) can be far larger than a form to read whole: its
        `csrf_token` must be the first field, read from the first bytes; the rest streams on unread."""
        boundary = re.search(r"boundary=\"?([^\";]+)", content_type)
        if not boundary:
            return receive, False
        mark = b"--" + boundary[1].encode("latin-1")
        first = re.compile(rb"\A(?:\r\n)?" + re.escape(mark) + rb"\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n"
                           rb"(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)\r\n" + re.escape(mark), re.IGNORECASE)
        head, more = b"", True
        while more and len(head) < MAX_CSRF_PREFIX and head.count(mark) < 2:
            message = await receive()
            if message["type"] != "http.request":
                return receive, False
            head += message.get("body", b"")
            more = message.get("more_body", False)
        found = first.match(head)
        given = found[1] if found else b""
        return _replaying(receive, head, more), bool(given) and hmac.compare_digest(given, expected.encode())


def _replaying(receive, body: bytes, more: bool):
    """`receive` that first gives back what was read to check the token."""
    replayed = False

    async def replay():
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
