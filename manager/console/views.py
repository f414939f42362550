"""Rendering for the console: one Jinja2 environment (autoescaped), its helpers, error pages."""
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from manager import i18n, vnformat
from manager.api.identity import current_principal
from manager.auth import Principal
from manager.domain import audit_log
from manager.errors import Forbidden

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))  # autoescape is on for .html

# (message id, path, roles that see it besides admin; or the domain's own `may_*(view, principal)` check,
# where the rule is more than a role: the link shows exactly when the page would open)
NAV = [
    ("nav.dashboard", "/", ("editor", "approver")),
    ("nav.boards", "/boards", ("editor", "approver")),
    ("nav.library", "/library", ("editor", "approver")),
    ("nav.bulletin", "/bulletins/new", ("editor", "approver")),
    ("nav.playlists", "/playlists", ("editor", "approver")),
    ("nav.schedules", "/schedules", ("editor", "approver")),
    ("nav.week", "/week", ("editor", "approver")),
    ("nav.emergency", "/emergency", ("approver",)),
    ("nav.inbox", "/inbox", ("editor", "approver")),
    ("nav.users", "/users", ()),
    ("nav.reports", "/reports", ("auditor",)),
    ("nav.proof", "/proof-of-play", ("editor", "approver", "auditor")),
    ("nav.audit", "/audit", audit_log.may_read),
]
CONTENT_ROLES = ("editor", "approver")


def lang_of(request: Request) -> str:
    return getattr(request.state, "lang", i18n.DEFAULT_LANG)


@pass_context
def t(context, key: str, **values) -> str:
    return i18n.text(lang_of(context["request"]), key, **values)


@pass_context
def nav_items(context) -> list[tuple[str, str]]:
    request = context["request"]
    principal = getattr(request.state, "principal", None)
    if principal is None:
        return []

    def shown(who) -> bool:
        if callable(who):
            return request.app.state.domain.read(who, principal)
        return principal.is_admin or principal.role in who

    return [(key, path) for key, path, who in NAV if shown(who)]


def local_time(value, fmt: str = "%H:%M %d/%m/%Y") -> str:
    """UTC (ISO text or epoch seconds) shown in Vietnam time."""
    if value is None or value == "":
        return "—"
    return vnformat.local(value).strftime(fmt)


@pass_context
def file_size(context, size: int | None) -> str:
    if size is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{num(context, size, 1)} {unit}"
        size /= 1024
    return ""


@pass_context
def num(context, value, decimals: int | None = None) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English (manager/vnformat.py)."""
    return vnformat.number(value, decimals, lang_of(context["request"]))


@pass_context
def pct(context, value, decimals: int | None = None) -> str:
    return vnformat.percent(value, decimals, lang_of(context["request"]))


@pass_context
def term(context, prefix: str, value) -> str:
    """A stored word (zone id, board class, state, audit verb) in the console's language; unknown words as they are."""
    key = f"{prefix}.{value}"
    return i18n.text(lang_of(context["request"]), key) if i18n.has(key) else str(value)


def short_hash(value: str | None, length: int = 10) -> str:
    """A SHA-256 as people compare it by eye: its first characters (the whole one stays in the title attribute)."""
    return (value or "")[:length]


@pass_context
def duration(context, seconds: float | None) -> str:
    """Time on screen as the page's language says it ("2 giờ 05 phút")."""
    return vnformat.duration(seconds, lang_of(context["request"]))


def install_globals(env) -> None:
    """Also given to the reports' environment, so their pages can extend base.html."""
    env.globals.update(t=t, term=term, nav_items=nav_items, local_time=local_time, file_size=file_size)
    env.filters.update(num=num, pct=pct, short_hash=short_hash, stamp=vnformat.stamp)
    env.globals["duration"] = duration


install_globals(templates.env)


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    notice = request.query_params.get("ok")
    if notice not in i18n.MESSAGES:
        notice = None
    return templates.TemplateResponse(request, name, {"notice": notice, "base": "base.html", **context}, status_code=status)


def page_principal(request: Request, *roles: str) -> Principal:
    """The logged-in person, checked against the page's roles (admin always passes)."""
    principal = current_principal(request)
    if roles and not principal.is_admin and principal.role not in roles:
        raise Forbidden("Bạn không có quyền xem trang này", "you may not see this page")
    request.state.principal = principal  # the pages read it, also when the caller came with an API token
    return principal


def redirect(path: str, notice: str | None = None) -> RedirectResponse:
    if notice:
        path += ("&" if "?" in path else "?") + "ok=" + quote(notice)
    return RedirectResponse(path, status_code=303)


def error_page(request: Request, status: int, message_vi: str, message_en: str):
    """The HTML side of `manager.api.http_errors.install_handlers`."""
    if status == 401:
        return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
    message = i18n.pick(lang_of(request), message_vi, message_en)
    return render(request, "error.html", status=status, message=message, status_code=status)
