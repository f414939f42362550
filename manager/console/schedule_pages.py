"""Schedules (create, submit, approve, reject, withdraw) and the week view."""
import math
from datetime import date, timedelta

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from layouts import builtin_layouts
from manager import content
from manager.api.access import CONTENT, access
from manager.api.deps import domain_of
from manager.domain import approval, schedule_phase
from manager.console import week
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.domain import content as dcontent
from manager.domain import manifests as dmanifests
from manager.domain.wall import board_choices, scope_units
from manager.errors import BadInput, NotFound
from protocol.timebase import to_local

router = APIRouter(include_in_schema=False)


@router.get("/schedules")
@access(roles=CONTENT)
def schedules_page(request: Request, playlist: str | None = None):
    principal = page_principal(request, *CONTENT_ROLES)
    domain = domain_of(request)
    rows = domain.read(dcontent.list_schedules, principal)
    now = request.app.state.clock.now()
    for row in rows:
        row["phase"], row["phase_at"] = schedule_phase.phase(row, now)
    choices = domain.read(dcontent.schedule_form_choices, principal)
    return render(request, "schedules.html", schedules=rows, chosen=playlist or "", transitions=dcontent.TRANSITIONS, **choices)


@router.get("/schedules/{schedule_id}")
@access(roles=CONTENT, scope="object")
def approval_page(request: Request, schedule_id: str):
    """What approving the schedule puts on screen, where, and what it changes (manager.domain.approval)."""
    principal = page_principal(request, *CONTENT_ROLES)
    view = domain_of(request).read(approval.review, principal, schedule_id)
    return render(request, "approval.html", v=view, s=view["schedule"], transitions=dcontent.TRANSITIONS, layouts=builtin_layouts())


def _schedule_in(form) -> content.ScheduleIn:
    kind = form.get("target_kind", "unit")
    target_id = form.get(f"target_{kind}", "").strip()
    if not target_id:
        raise BadInput("Hãy chọn nơi phát (bảng tin, đơn vị hoặc nhóm)", "pick a target (board, unit or group)")
    start, end = form.hhmm("start", "Giờ bắt đầu", "start time"), form.hhmm("end", "Giờ kết thúc", "end time")
    windows = [{"start": start, "end": end}] if start and end else []
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
                                  date_from=form.local_date("date_from", "Từ ngày", "from date"),
                                  date_to=form.local_date("date_to", "Đến ngày", "to date"),
                                  weekdays=weekdays, windows=windows, starts_at=starts_at, ends_at=ends_at,
                                  is_default=form.get("is_default") == "1")
    except ValueError as exc:
        raise BadInput(f"Lịch phát không hợp lệ: {exc.errors()[0]['msg']}", f"invalid schedule: {exc.errors()[0]['msg']}") from exc


@router.post("/schedules")
@access(roles=CONTENT, scope="object")
async def schedule_create(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    body = _schedule_in(await form_of(request))
    await run_in_threadpool(domain_of(request).write, dcontent.create_schedule, principal, body)
    return redirect("/schedules", "schedules.created")


@router.post("/schedules/{schedule_id}/{action}")
@access(roles=CONTENT, scope="object")
async def schedule_transition(request: Request, schedule_id: str, action: str):
    principal = page_principal(request, *CONTENT_ROLES)
    if action not in dcontent.TRANSITIONS:
        raise NotFound("Không có thao tác này", "no such action")
    form = await form_of(request)
    await run_in_threadpool(domain_of(request).write, dcontent.transition, principal, schedule_id, action,
                            form.get("reason", "")[:1000])
    return redirect("/schedules", f"schedules.done_{action}")


@router.get("/week")
@access(roles=CONTENT, scope="object")
def week_page(request: Request, board: str | None = None, unit: str | None = None, start: str | None = None):
    principal = page_principal(request, *CONTENT_ROLES)
    domain = domain_of(request)
    now = request.app.state.clock.now()
    try:
        monday = week.monday_of(date.fromisoformat(start) if start else to_local(now).date())
    except ValueError as exc:
        raise BadInput("Ngày không hợp lệ (YYYY-MM-DD)", "invalid date (YYYY-MM-DD)") from exc
    _, week_end = week.week_bounds(monday)
    days = max(1, math.ceil((week_end - now).total_seconds() / 86400) + 1)
    rows = domain.read(dcontent.week_boards, principal, board, unit)
    shown = [(row, week.board_week(domain.read(dmanifests.preview, principal, row["id"], days), monday)) for row in rows]
    choices = dict(boards=domain.read(board_choices, principal), units=domain.read(scope_units, principal))
    return render(request, "week.html", weeks=shown, monday=monday, board=board or "", unit=unit or "",
                  prev=(monday - timedelta(days=7)).isoformat(), next=(monday + timedelta(days=7)).isoformat(), **choices)
