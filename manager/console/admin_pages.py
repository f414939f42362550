"""Emergency broadcasts, users and roles (administrators), and the audit log."""

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import alerts
from manager.api.access import access
from manager.api.deps import domain_of
from manager.console.forms import form_of
from manager.console.views import page_principal, redirect, render
from manager.domain import alerts as dalerts
from manager.domain import audit_log
from manager.domain import users as dusers
from manager.domain.wall import scope_units
from manager.errors import BadInput, NotFound

router = APIRouter(include_in_schema=False)


@router.get("/emergency")
@access(roles=("approver",))
def emergency_page(request: Request):
    principal = page_principal(request, "approver")
    domain = domain_of(request)
    active = domain.read(dalerts.active, principal, with_boards=True)
    return render(request, "emergency.html", active=active, units=domain.read(scope_units, principal))


def _alert_in(form) -> alerts.AlertIn:
    area = form.list_of("units")
    if not area:
        raise BadInput("Hãy chọn ít nhất một đơn vị cho khu vực cảnh báo", "pick at least one unit for the area")
    try:
        level = int(form.get("level", ""))
    except ValueError as exc:
        raise BadInput("Hãy chọn cấp độ rủi ro (1 đến 5)", "choose the risk level (1 to 5)") from exc
    try:
        return alerts.AlertIn(level=level, headline=form.required("headline", "tiêu đề cảnh báo", "headline"),
                              body=form.get("body", ""), authority=form.get("authority", ""),
                              units=[{"code": code} for code in area],
                              ends_at=form.local_datetime("ends_at", "Thời điểm kết thúc", "end time"))
    except ValueError as exc:
        raise BadInput(f"Cảnh báo không hợp lệ: {exc.errors()[0]['msg']}", f"invalid alert: {exc.errors()[0]['msg']}") from exc


@router.post("/emergency")
@access(roles=("approver",), scope="object")
async def emergency_send(request: Request):
    """Two steps: the first answers a page stating the level, units and number of boards; only its button sends."""
    principal = page_principal(request, "approver")
    form = await form_of(request)
    body = _alert_in(form)
    domain = domain_of(request)
    if form.get("confirmed") != "yes":
        reach = await run_in_threadpool(domain.read, dalerts.preview, principal, body)
        return render(request, "emergency_confirm.html", alert=body, reach=reach, fields=form.pairs, withdraw=None)
    await run_in_threadpool(domain.write, dalerts.broadcast, principal, body)
    return redirect("/emergency", "emergency.sent")


@router.post("/emergency/{alert_id}/withdraw")
@access(roles=("approver",), scope="object")
async def emergency_withdraw(request: Request, alert_id: str):
    principal = page_principal(request, "approver")
    form = await form_of(request)
    domain = domain_of(request)
    if form.get("confirmed") != "yes":
        alert = domain.read(dalerts.withdraw_preview, principal, alert_id)
        return render(request, "emergency_confirm.html", alert=alert, reach=alert, fields=[], withdraw=alert_id)
    domain.write(dalerts.withdraw, principal, alert_id)
    return redirect("/emergency", "emergency.withdrawn")


@router.get("/users")
@access(roles=())
def users_page(request: Request):
    principal = page_principal(request)
    domain = domain_of(request)
    rows = domain.read(dusers.list_users, principal)
    return render(request, "users.html", users=rows, units=domain.read(scope_units, principal), roles=list(dusers.CONSOLE_ROLES))


@router.post("/users")
@access(roles=())
async def user_create(request: Request):
    principal = page_principal(request)
    form = await form_of(request)
    username = form.required("username", "tên đăng nhập", "username")
    role = form.required("role", "vai trò", "role")
    await run_in_threadpool(domain_of(request).write, dusers.create_user, principal, username, form.get("password", ""), role,
                            (form.get("unit") or "").strip() or None, form.get("display_name", ""))
    return redirect("/users", "users.changed")


@router.post("/users/{user_id}/role")
@access(roles=())
async def user_change(request: Request, user_id: int):
    """Change a user's role and unit, and optionally set a new password."""
    principal = page_principal(request)
    form = await form_of(request)
    await run_in_threadpool(domain_of(request).write, dusers.change_user, principal, user_id, form.required("role", "vai trò", "role"),
                            (form.get("unit") or "").strip() or None, form.get("password", ""))
    return redirect("/users", "users.changed")


@router.post("/users/{user_id}/{action}")
@access(roles=())
def user_toggle(request: Request, user_id: int, action: str):
    principal = page_principal(request)
    if action not in ("disable", "enable"):
        raise NotFound("Không có thao tác này", "no such action")
    domain_of(request).write(dusers.set_enabled, principal, user_id, action == "enable")
    return redirect("/users", "users.changed")


@router.get("/audit")
@access(roles=("auditor",), scope="province")
def audit_page(request: Request, action: str | None = None, limit: int = 300):
    principal = page_principal(request, "auditor")
    rows = domain_of(request).read(audit_log.latest, principal, min(max(limit, 1), 5000), action)
    return render(request, "audit.html", rows=rows, action=action or "")
