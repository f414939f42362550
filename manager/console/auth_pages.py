"""Logging in and out; the dashboard."""
import hmac
import secrets

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import auth
from manager.console import sessions, status
from manager.console.forms import form_of
from manager.console.views import page_principal, redirect, render
from manager.i18n import text

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    # Only paths on this site: never an absolute URL or a scheme-relative one.
    return value if value and value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.app.state.settings.https_public


def _login_form(request: Request, status: int = 200, **context):
    """The login page with a fresh double-submit token: the same random value in a
    SameSite=Strict cookie and in the form, so another site cannot log a browser in."""
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status=status, login_token=token, **context)
    response.set_cookie(sessions.LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=_secure(request), path="/login")
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return _login_form(request, next=_safe_next(next), error=None, username="")


@router.post("/login")
async def login(request: Request):
    form = await form_of(request)
    username, password = form.get("username", "").strip(), form.get("password", "")
    next_path = _safe_next(form.get("next"))
    state = request.app.state
    address = request.client.host if request.client else "?"
    lang = request.state.lang
    expected = request.cookies.get(sessions.LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), form.get("login_token", "").encode()):
        return _login_form(request, 403, next=next_path, error=text(lang, "login.csrf"), username=username)
    previous = getattr(request.state, "session_id", None)

    def attempt():
        now = state.clock.time()
        with state.store.write() as db:
            if sessions.limited(db, username, address, now):
                return "limited", None
            rows = list(db.query("SELECT * FROM users WHERE username = ? AND disabled = 0", [username]))
            if not rows or rows[0]["role"] == "source" or not auth.check_password(rows[0]["password_hash"], password):
                sessions.record_failed_login(db, username, address, now)
                return "failed", None
            sessions.clear_failures(db, sessions.failure_key(username, address))
            if previous:
                sessions.end(db, previous)  # a new id at every login: no session fixation
            return "ok", sessions.create(db, rows[0]["id"], now)

    outcome, session_id = await run_in_threadpool(attempt)
    if outcome != "ok":
        message = text(lang, "login.limited", minutes=sessions.FAILURE_WINDOW_S // 60) if outcome == "limited" else text(lang, "login.failed")
        return _login_form(request, 429 if outcome == "limited" else 401, next=next_path, error=message, username=username)
    response = redirect(next_path)
    response.delete_cookie(sessions.LOGIN_COOKIE, path="/login")
    response.set_cookie(sessions.COOKIE, session_id, max_age=sessions.SESSION_S, httponly=True, samesite="lax",
                        secure=_secure(request), path="/")
    return response


@router.post("/logout")
def logout(request: Request):
    session_id = getattr(request.state, "session_id", None)
    if session_id:
        with request.app.state.store.write() as db:
            sessions.end(db, session_id)
    response = redirect("/login")
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@router.get("/")
def dashboard(request: Request):
    principal = auth.current_principal(request)
    if principal.role == "auditor":
        return redirect("/reports")
    page_principal(request, "editor", "approver")
    wall = status.wall(request.app.state, principal, None)
    with request.app.state.store.read() as db:
        pending = status.pending_schedules(db, principal)
        alerts = status.active_alerts(db, principal, request.app.state.clock.now())
        scope = status.scope_name(db, principal)
        name = db.execute("SELECT display_name FROM users WHERE id = ?", [principal.user_id]).fetchone()[0]
        inbox_pending = db.execute("SELECT count(*) FROM inbox WHERE status = 'pending'").fetchone()[0]
        source_errors = db.execute("SELECT count(*) FROM sources WHERE enabled = 1 AND last_error IS NOT NULL").fetchone()[0]
    return render(request, "dashboard.html", wall=wall, pending=pending, alerts=alerts, scope=scope, display_name=name or principal.username,
                  inbox_pending=inbox_pending, source_errors=source_errors)
