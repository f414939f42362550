"""The boards wall, one board's page and settings, its newest screenshot, and pairing a new board."""
import re

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from layouts import builtin_layouts
from manager.api.access import CONTENT, access
from manager.api.deps import domain_of
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.domain import boards as dboards
from manager.domain import wall as dwall
from manager.errors import BadInput
from protocol.legibility import min_line_height_px
from protocol.pairing import PairingClaim

router = APIRouter(include_in_schema=False)


@router.get("/boards")
@access(roles=CONTENT, scope="object")
def wall_page(request: Request, unit: str | None = None, page: int = 1):
    principal = page_principal(request, *CONTENT_ROLES)
    domain = domain_of(request)
    wall = domain.read(dwall.wall, principal, unit or None, page, dwall.PAGE_SIZE)
    return render(request, "boards.html", wall=wall, per_page=dwall.PAGE_SIZE, units=domain.read(dwall.scope_units, principal),
                  unit=unit or "", group_count=len(domain.read(dboards.list_groups, principal)))


@router.post("/boards/pair")
@access(roles=CONTENT, scope="object")
async def pair(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    # Typed as the board shows it ("666 745", "666-745"): only the digits count.
    code = re.sub(r"[\s\-.·]", "", form.required("code", "mã ghép", "pairing code"))
    claim = PairingClaim(name=form.required("name", "tên bảng tin", "board name"), unit_code=form.required("unit", "đơn vị", "unit"),
                         board_class=form.get("board_class") or "commune")
    if not code.isdigit():
        raise BadInput("Mã ghép gồm các chữ số hiện trên màn hình bảng tin (có thể gõ cả dấu cách), ví dụ 666 745",
                       "the pairing code is the digits on the board's screen (spaces allowed), e.g. 666 745")
    board = await run_in_threadpool(domain_of(request).write, dboards.claim, principal, code, claim)
    return redirect(f"/boards/{board['id']}", "boards.paired")


@router.get("/boards/{board_id}")
@access(roles=CONTENT, scope="object")
def board_page(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    domain = domain_of(request)
    found = domain.read(dwall.board_status, principal, board_id)
    return render(request, "board.html", s=found, b=domain.read(dboards.get_board, principal, board_id),
                  recent=domain.read(dboards.recent_changes, principal, board_id))


@router.get("/boards/{board_id}/screenshot")
@access(roles=CONTENT, scope="object")
def screenshot(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    mime, data = domain_of(request).read(dboards.screenshot, principal, board_id)
    return Response(data, media_type=mime, headers={"Cache-Control": "private, no-cache"})


WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)
SPARE_WINDOWS = 2  # empty rows offered below the board's windows


@router.get("/boards/{board_id}/settings")
@access(roles=CONTENT, scope="object")
def settings_page(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    board = domain_of(request).read(dboards.get_board, principal, board_id)
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
        start, end = form.hhmm(f"start_{i}", "Giờ bắt đầu", "start time"), form.hhmm(f"end_{i}", "Giờ kết thúc", "end time")
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
@access(roles=CONTENT, scope="object")
async def settings_save(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    changes = settings_changes(await form_of(request))
    await run_in_threadpool(domain_of(request).write, dboards.update_board, principal, board_id, changes)  # checks, audits, wakes
    return redirect(f"/boards/{board_id}/settings", "common.saved")


@router.post("/boards/{board_id}/revoke")
@access(roles=CONTENT, scope="object")
def revoke(request: Request, board_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    domain_of(request).write(dboards.revoke_board, principal, board_id)
    return redirect(f"/boards/{board_id}", "boards.revoked")
