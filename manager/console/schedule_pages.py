"""Schedules (create, submit, approve, reject, withdraw) and the week view."""
import math
from datetime import date, timedelta

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import auth, boards, content, manifest, units
from manager.api import admin_api
from manager.console import status, week
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.errors import BadInput, NotFound
from protocol.timebase import to_local

router = APIRouter(include_in_schema=False)


def _target_name(db, row: dict) -> str:
    if row["target_kind"] == "board":
        found = db.execute("SELECT name FROM boards WHERE id = ?", [row["target_id"]]).fetchone()
    elif row["target_kind"] == "unit":
        catalogue, code = row["target_id"].split(":", 1)
        found = db.execute("SELECT name FROM units WHERE catalogue = ? AND code = ?", [catalogue, code]).fetchone()
    else:
        found = db.execute("SELECT name FROM board_groups WHERE id = ?", [row["target_id"]]).fetchone()
    return found[0] if found else row["target_id"]


@router.get("/schedules")
def schedules_page(request: Request, playlist: str | None = None):
    principal = page_principal(request, *CONTENT_ROLES)
    with request.app.state.store.read() as db:
        playlists = content.list_playlists(db, principal)
        names = {p["id"]: p["name"] for p in playlists}
        rows = [content.get_schedule(db, principal, r["id"])
                for r in db.query("SELECT id, playlist_id FROM schedules ORDER BY updated_at DESC") if r["playlist_id"] in names]
        for row in rows:
            row["target_name"] = _target_name(db, row)
            row["playlist_name"] = names[row["playlist_id"]]
        choices = dict(boards=status.boards_in_scope(db, principal), units=status.scope_units(db, principal), groups=boards.groups_in_scope(db, principal))
    return render(request, "schedules.html", schedules=rows, playlists=playlists, chosen=playlist or "", transitions=content.TRANSITIONS,
                  **choices)


def _schedule_in(form) -> content.ScheduleIn:
    kind = form.get("target_kind", "unit")
    target_id = form.get(f"target_{kind}", "").strip()
    if not target_id:
        raise BadInput("Hãy chọn nơi phát (bảng tin, đơn vị hoặc nhóm)", "pick a target (board, unit or group)")
    windows = [{"start": form["start"], "end": form["end"]}] if form.get("start") and form.get("end") else []
    weekdays = [int(d) for d in form.list_of("weekdays") if d.isdigit()]
    if not weekdays:
        raise BadInput("Hãy chọn ít nhất một ngày trong tuần", "pick at least one weekday")
    starts_at = form.local_datetime("starts_at", "Thời điểm bắt đầu", "start time")
    ends_at = form.local_datetime("ends_at", "Thời điểm kết thúc", "end time")
    if starts_at and ends_at and ends_at <= starts_at:
        raise BadInput("Thời điểm kết thúc phải sau thời điểm bắt đầu", "the end time must be after the start time")
    playlist_id = form.required("playlist_id", "danh sách phát", "playlist")
    try:
        return content.ScheduleIn(playlist_id=playlist_id,
                                  priority=form.get("priority") or "normal", target={"kind": kind, "id": target_id},
                                  date_from=form.get("date_from") or None, date_to=form.get("date_to") or None,
                                  weekdays=weekdays, windows=windows, starts_at=starts_at, ends_at=ends_at,
                                  is_default=form.get("is_default") == "1")
    except ValueError as exc:
        raise BadInput(f"Lịch phát không hợp lệ: {exc.errors()[0]['msg']}", f"invalid schedule: {exc.errors()[0]['msg']}") from exc


@router.post("/schedules")
async def schedule_create(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    body = _schedule_in(form)
    await run_in_threadpool(admin_api.create_schedule, body, request, principal)
    return redirect("/schedules", "schedules.created")


@router.post("/schedules/{schedule_id}/{action}")
async def schedule_transition(request: Request, schedule_id: str, action: str):
    principal = page_principal(request, *CONTENT_ROLES)
    if action not in content.TRANSITIONS:
        raise NotFound("Không có thao tác này", "no such action")
    await run_in_threadpool(admin_api.schedule_action, schedule_id, action, request, principal)
    return redirect("/schedules", f"schedules.done_{action}")


@router.get("/week")
def week_page(request: Request, board: str | None = None, unit: str | None = None, start: str | None = None):
    principal = page_principal(request, *CONTENT_ROLES)
    state = request.app.state
    now = state.clock.now()
    try:
        monday = week.monday_of(date.fromisoformat(start) if start else to_local(now).date())
    except ValueError as exc:
        raise BadInput("Ngày không hợp lệ (YYYY-MM-DD)", "invalid date (YYYY-MM-DD)") from exc
    _, week_end = week.week_bounds(monday)
    days = max(1, math.ceil((week_end - now).total_seconds() / 86400) + 1)
    shown = []
    with state.store.read() as db:
        if board:
            rows = [b for b in status.boards_in_scope(db, principal) if b["id"] == board]
            if not rows:
                raise NotFound(f"Không có bảng tin {board}", f"no board {board}")
        elif unit:
            auth.require_scope(db, principal, principal.unit_catalogue or units.current_catalogue(db), unit)
            rows = status.boards_in_scope(db, principal, unit)
        else:
            rows = []
        for row in rows:
            shown.append((row, week.board_week(manifest.build(db, row["id"], now, days), monday)))
        choices = dict(boards=status.boards_in_scope(db, principal), units=status.scope_units(db, principal))
    return render(request, "week.html", weeks=shown, monday=monday, board=board or "", unit=unit or "",
                  prev=(monday - timedelta(days=7)).isoformat(), next=(monday + timedelta(days=7)).isoformat(), **choices)
