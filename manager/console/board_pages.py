"""The boards wall, one board's page and settings, its newest screenshot, and pairing a new board."""
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from layouts import builtin_layouts
from manager import auth, boards, units
from manager.api import admin_api
from manager.console import status
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.errors import BadInput, NotFound
from protocol.legibility import min_line_height_px
from protocol.pairing import PairingClaim

router = APIRouter(include_in_schema=False)


@router.get("/boards")
def wall_page(request: Request, unit: str | None = None, page: int = 1):
    principal = page_principal(request, *CONTENT_ROLES)
    with request.app.state.store.read() as db:
        if unit:
            auth.require_scope(db, principal, principal.unit_catalogue or units.current_catalogue(db), unit)
        unit_choices = status.scope_units(db, principal)
        group_count = len(boards.groups_in_scope(db, principal))
    wall = status.wall(request.app.state, principal, unit or None, page, status.PAGE_SIZE)
    return render(request, "boards.html", wall=wall, per_page=status.PAGE_SIZE, units=unit_choices, unit=unit or "",
                  group_count=group_count)


@router.post("/boards/pair")
async def pair(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    code = form.required("code", "mã ghép", "pairing code")
    claim = PairingClaim(name=form.required("name", "tên bảng tin", "board name"), unit_code=form.required("unit", "đơn vị", "unit"),
                         board_class=form.get("board_class") or "commune")
    if not code.isdigit():
        raise BadInput("Mã ghép chỉ gồm chữ số, như trên màn hình", "the pairing code is the digits on the screen")
    board = await run_in_threadpool(admin_api.claim_board, code, claim, request, principal)
    return redirect(f"/boards/{board['id']}", "boards.paired")


def _board_for(request: Request, board_id: str, principal) -> dict:
    with request.app.state.store.read() as db:
        board = boards.get(db, board_id)
        if not auth.in_scope(db, principal, board["unit_catalogue"], board["unit_code"]):
            # Out of scope looks the same as missing: do not confirm another district's board ids.
            raise NotFound(f"Không có bảng tin {board_id}", f"no board {board_id}")
    return board


@router.get("/boards/{board_id}")
def board_page(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    board = _board_for(request, board_id, principal)
    with request.app.state.store.read() as db:
        found = status.board_status(request.app.state, db, board, request.app.state.clock.time())
        recent = list(db.query("SELECT * FROM audit_log WHERE object_type = 'board' AND object_id = ? ORDER BY id DESC LIMIT 20", [board_id]))
    return render(request, "board.html", s=found, b=boards.public(board), recent=recent)


@router.get("/boards/{board_id}/screenshot")
def screenshot(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    _board_for(request, board_id, principal)
    with request.app.state.store.read() as db:
        row = db.execute("SELECT mime, content FROM screenshots WHERE board_id = ?", [board_id]).fetchone()
    if not row:
        raise NotFound("Chưa có ảnh màn hình", "no screenshot yet")
    return Response(row[1], media_type=row[0], headers={"Cache-Control": "private, no-cache"})


WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)
SPARE_WINDOWS = 2  # empty rows offered below the board's windows


@router.get("/boards/{board_id}/settings")
def settings_page(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    board = boards.public(_board_for(request, board_id, principal))
    windows = board["operating_hours"] + [{"weekdays": [], "start": "", "end": ""}] * SPARE_WINDOWS
    return render(request, "board_settings.html", b=board, windows=windows, weekdays=WEEKDAYS,
                  layouts=builtin_layouts(), classes=("commune", "large"), default_line_px=min_line_height_px(board["height"] or 1080))


def _float_or_none(value: str, label_vi: str, label_en: str) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise BadInput(f"{label_vi} phải là một số, ví dụ 21.0245", f"{label_en} must be a number, e.g. 21.0245") from exc


def _windows(form) -> list[dict]:
    """Rows `start_N`, `end_N`, `days_N` (checkboxes); a row with neither time is left out."""
    found = []
    indexes = sorted({int(k.split("_", 1)[1]) for k in form if k.startswith(("start_", "end_")) and k.split("_", 1)[1].isdigit()})
    for i in indexes:
        start, end = form.get(f"start_{i}", "").strip(), form.get(f"end_{i}", "").strip()
        if not start and not end:
            continue
        if not start or not end:
            raise BadInput("Mỗi khung giờ hoạt động cần cả giờ bắt đầu và giờ kết thúc", "each window needs a start and an end")
        days = [int(d) for d in form.list_of(f"days_{i}") if d.isdigit()]
        found.append({"weekdays": days, "start": start, "end": end})
    return found


def settings_changes(form) -> dict:
    """The settings form as the API's PATCH body (validated there)."""
    try:
        interval = int(form.get("heartbeat_interval_s", "").strip())
    except ValueError as exc:
        raise BadInput("Chu kỳ tín hiệu là số giây (5 đến 3600)", "the heartbeat interval is a number of seconds (5 to 3600)") from exc
    return {"name": form.get("name", ""), "operating_hours": _windows(form), "layout": form.get("layout") or None,
            "lat": _float_or_none(form.get("lat", ""), "Vĩ độ", "latitude"),
            "lon": _float_or_none(form.get("lon", ""), "Kinh độ", "longitude"),
            "heartbeat_interval_s": interval, "is_test": form.get("is_test") == "1", "board_class": form.get("board_class", ""),
            "min_line_px": form.get("min_line_px", "").strip() and _whole(form["min_line_px"])}


def _whole(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError as exc:
        raise BadInput("Chiều cao dòng chữ tối thiểu là một số điểm ảnh (8 đến 400)",
                       "the minimum line height is a number of pixels (8 to 400)") from exc


@router.post("/boards/{board_id}/settings")
async def settings_save(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    _board_for(request, board_id, principal)
    form = await form_of(request)
    changes = settings_changes(form)
    await run_in_threadpool(admin_api.update_board, board_id, changes, request, principal)  # checks, audits, wakes boards
    return redirect(f"/boards/{board_id}/settings", "common.saved")


@router.post("/boards/{board_id}/revoke")
def revoke(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    _board_for(request, board_id, principal)
    admin_api.revoke_board(board_id, request, principal)
    return redirect(f"/boards/{board_id}", "boards.revoked")
