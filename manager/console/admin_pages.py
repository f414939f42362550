"""Emergency broadcasts, users and roles (administrators), and the audit log."""
import json

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import alerts, audit, auth, units
from manager.api import admin_api
from manager.console import sessions, status
from manager.console.forms import form_of
from manager.console.views import page_principal, redirect, render
from manager.errors import BadInput, NotFound

router = APIRouter(include_in_schema=False)


def _covered_boards(db, alert: dict) -> list[dict]:
    covered = []
    for board in db.query("SELECT * FROM boards WHERE revoked_at IS NULL ORDER BY name"):
        ancestry = units.ancestors(db, board["unit_catalogue"], board["unit_code"])
        if alerts.targets_board(alert["area"], bool(alert["test"]), board, ancestry):
            covered.append(board)
    return covered


@router.get("/emergency")
def emergency_page(request: Request):
    principal = page_principal(request, "approver")
    with request.app.state.store.read() as db:
        active = status.active_alerts(db, principal, request.app.state.clock.now())
        for alert in active:
            alert["covered"] = _covered_boards(db, alert)
        choices = status.scope_units(db, principal)
    return render(request, "emergency.html", active=active, units=choices)


@router.post("/emergency")
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
    await run_in_threadpool(admin_api.broadcast_alert, body, request, principal)
    return redirect("/emergency", "emergency.sent")


@router.post("/emergency/{alert_id}/withdraw")
def emergency_withdraw(request: Request, alert_id: str):
    principal = page_principal(request, "approver")
    admin_api.withdraw_alert(alert_id, request, principal)  # checks the alert's area against the person's scope
    return redirect("/emergency", "emergency.withdrawn")


@router.get("/users")
def users_page(request: Request):
    principal = page_principal(request)
    auth.require_role(principal, "admin")
    with request.app.state.store.read() as db:
        rows = list(db.query("SELECT u.*, n.name AS unit_name FROM users u LEFT JOIN units n "
                             "ON n.catalogue = u.unit_catalogue AND n.code = u.unit_code ORDER BY u.username"))
        choices = status.scope_units(db, principal)
    return render(request, "users.html", users=rows, units=choices, roles=[r for r in auth.ROLES if r != "source"])


@router.post("/users")
async def user_create(request: Request):
    principal = auth.current_principal(request)
    auth.require_role(principal, "admin")
    form = await form_of(request)
    username = form.required("username", "tên đăng nhập", "username")
    role = form.required("role", "vai trò", "role")
    if role == "source":
        raise BadInput("Tài khoản nguồn tin được tạo bằng dòng lệnh", "source accounts are made on the command line")

    def create():
        with request.app.state.store.write() as db:
            user_id = auth.create_user(db, username, form.get("password", ""), role, None, (form.get("unit") or "").strip() or None,
                                       form.get("display_name", ""))
            audit.record(db, principal, "create", "user", str(user_id), username=username, role=role, unit=form.get("unit"))

    await run_in_threadpool(create)
    return redirect("/users", "users.changed")


@router.post("/users/{user_id}/role")
async def user_change(request: Request, user_id: int):
    """Change a user's role and unit, and optionally set a new password."""
    principal = auth.current_principal(request)
    auth.require_role(principal, "admin")
    form = await form_of(request)
    role, unit = form.required("role", "vai trò", "role"), (form.get("unit") or "").strip() or None
    password = form.get("password", "")
    if role not in auth.ROLES or role == "source":
        raise BadInput(f"Vai trò không hợp lệ: {role}", f"unknown role: {role}")
    if role != "admin" and not unit:
        raise BadInput("Người dùng không phải quản trị phải gắn với một đơn vị", "non-admin users need a unit")
    if password and len(password) < 8:
        raise BadInput("Mật khẩu phải có ít nhất 8 ký tự", "password must have at least 8 characters")
    if user_id == principal.user_id and role != "admin":
        raise BadInput("Không thể tự bỏ quyền quản trị của mình", "you cannot take away your own administrator role")

    def change():
        with request.app.state.store.write() as db:
            if not db.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone():
                raise NotFound("Không có người dùng này", "no such user")
            catalogue = units.current_catalogue(db) if unit else None
            if unit:
                units.get(db, catalogue, unit)
            db.execute("UPDATE users SET role = ?, unit_catalogue = ?, unit_code = ? WHERE id = ?",
                       [role, catalogue, unit, user_id])
            if password:
                db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [auth.hash_password(password), user_id])
                sessions.end_all_for(db, user_id)
            audit.record(db, principal, "update", "user", str(user_id), role=role, unit=unit, password_changed=bool(password))

    await run_in_threadpool(change)
    return redirect("/users", "users.changed")


@router.post("/users/{user_id}/{action}")
def user_toggle(request: Request, user_id: int, action: str):
    principal = auth.current_principal(request)
    auth.require_role(principal, "admin")
    if action not in ("disable", "enable"):
        raise NotFound("Không có thao tác này", "no such action")
    if user_id == principal.user_id:
        raise BadInput("Không thể tự khoá tài khoản của mình", "you cannot disable yourself")
    with request.app.state.store.write() as db:
        if not db.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone():
            raise NotFound("Không có người dùng này", "no such user")
        db.execute("UPDATE users SET disabled = ? WHERE id = ?", [int(action == "disable"), user_id])
        if action == "disable":
            sessions.end_all_for(db, user_id)
            db.execute("UPDATE api_tokens SET revoked_at = datetime('now') WHERE user_id = ? AND revoked_at IS NULL", [user_id])
        audit.record(db, principal, action, "user", str(user_id))
    return redirect("/users", "users.changed")


@router.get("/audit")
def audit_page(request: Request, action: str | None = None, limit: int = 300):
    principal = page_principal(request, "auditor")
    rows = admin_api.audit_log(request, min(max(limit, 1), 5000), principal)
    if action:
        rows = [r for r in rows if r["action"] == action]
    for row in rows:
        row["detail_obj"] = json.loads(row["detail"] or "{}")
    return render(request, "audit.html", rows=rows, action=action or "")
