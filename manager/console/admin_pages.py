"""Emergency broadcasts, users and roles (administrators), and the audit log."""
import json

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


@router.post("/emergency")
@access(roles=("approver",), scope="object")
async def emergency_send(request: Request):
    principal = page_principal(request, "approver")
    form = await form_of(request)
    area = form.list_of("units")
    if not area:
        raise BadInput("Hãy chọn ít nhất một đơn vị cho khu vực cảnh báo", "pick at least one unit for the area")
    try:
        level = int(form.get("level", ""))
    except ValueError as exc:
        raise BadInput("Cấp độ rủi ro là một số từ 1 đến 5", "the risk level is a number from 1 to 5") from exc
    body = alerts.AlertIn(level=level, headline=form.required("headline", "tiêu đề cảnh báo", "headline"), body=form.get("body", ""),
                          units=[{"code": code} for code in area], ends_at=form.local_datetime("ends_at", "Thời điểm kết thúc", "end time"))
    await run_in_threadpool(domain_of(request).write, dalerts.broadcast, principal, body)
    return redirect("/emergency", "emergency.sent")


@router.post("/emergency/{alert_id}/withdraw")
@access(roles=("approver",), scope="object")
def emergency_withdraw(request: Request, alert_id: str):
    principal = page_principal(request, "approver")
    domain_of(request).write(dalerts.withdraw, principal, alert_id)
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
    for row in rows:
        row["detail_obj"] = json.loads(row["detail"] or "{}")
    return render(request, "audit.html", rows=rows, action=action or "")
