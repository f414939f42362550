"""Logging in and out; the dashboard."""
import hmac
import secrets

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import sessions
from manager.api.access import access
from manager.api.deps import domain_of
from manager.api.identity import current_principal
from manager.console import cookies
from manager.domain import alerts as dalerts
from manager.domain import content as dcontent
from manager.domain import inbox as dinbox
from manager.domain import sources as dsources
from manager.domain import users as dusers
from manager.domain import wall
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
    response.set_cookie(cookies.LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=_secure(request), path="/login")
    return response


@router.get("/login")
@access(who="public")
def login_page(request: Request, next: str = "/"):
    return _login_form(request, next=_safe_next(next), error=None, username="")


@router.post("/login")
@access(who="public")
async def login(request: Request):
    form = await form_of(request)
    username, password = form.get("username", "").strip(), form.get("password", "")
    next_path = _safe_next(form.get("next"))
    address = request.client.host if request.client else "?"
    lang = request.state.lang
    expected = request.cookies.get(cookies.LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), form.get("login_token", "").encode()):
        return _login_form(request, 403, next=next_path, error=text(lang, "login.csrf"), username=username)
    previous = getattr(request.state, "session_id", None)

    outcome, session_id = await run_in_threadpool(domain_of(request).write, dusers.log_in, username, password, address, previous)
    if outcome != "ok":
        message = text(lang, "login.limited", minutes=sessions.FAILURE_WINDOW_S // 60) if outcome == "limited" else text(lang, "login.failed")
        return _login_form(request, 429 if outcome == "limited" else 401, next=next_path, error=message, username=username)
    response = redirect(next_path)
    response.delete_cookie(cookies.LOGIN_COOKIE, path="/login")
    response.set_cookie(cookies.COOKIE, session_id, max_age=sessions.SESSION_S, httponly=True, samesite="lax",
                        secure=_secure(request), path="/")
    return response


@router.post("/logout")
@access(who="public")
def logout(request: Request):
    session_id = getattr(request.state, "session_id", None)
    if session_id:
        domain_of(request).write(dusers.log_out, session_id)
    response = redirect("/login")
    response.delete_cookie(cookies.COOKIE, path="/")
    return response


@router.get("/")
@access(roles=("editor", "approver", "auditor"))
def dashboard(request: Request):
    principal = current_principal(request)
    if principal.role == "auditor":
        return redirect("/reports")
    page_principal(request, "editor", "approver")
    domain = domain_of(request)
    return render(request, "dashboard.html", wall=domain.read(wall.wall, principal, None),
                  pending=domain.read(dcontent.pending_schedules, principal), alerts=domain.read(dalerts.active, principal),
                  scope=domain.read(wall.scope_name, principal), display_name=domain.read(dusers.display_name, principal),
                  inbox_pending=domain.read(dinbox.pending_count, principal), source_errors=domain.read(dsources.error_count, principal))
