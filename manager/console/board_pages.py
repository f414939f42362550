"""The boards wall, one board's page, its newest screenshot, and pairing a new board."""
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from manager import auth, boards, units
from manager.api import admin_api
from manager.console import status
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.errors import BadInput, NotFound
from protocol.pairing import PairingClaim

router = APIRouter(include_in_schema=False)


@router.get("/boards")
def wall_page(request: Request, unit: str | None = None):
    principal = page_principal(request, *CONTENT_ROLES)
    with request.app.state.store.read() as db:
        if unit:
            auth.require_scope(db, principal, principal.unit_catalogue or units.current_catalogue(db), unit)
        unit_choices = status.scope_units(db, principal)
        groups = status.groups_in_scope(db, principal)
    wall = status.wall(request.app.state, principal, unit or None)
    return render(request, "boards.html", wall=wall, units=unit_choices, unit=unit or "", groups=groups)


@router.post("/groups")
async def group_create(request: Request):
    """A named group of boards, a schedule target; every board must be in the person's scope."""
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    body = {"name": form.required("name", "tên nhóm", "group name"), "boards": form.list_of("boards")}
    if not body["boards"]:
        raise BadInput("Hãy chọn ít nhất một bảng tin cho nhóm", "pick at least one board for the group")
    await run_in_threadpool(admin_api.create_group, body, request, principal)
    return redirect("/boards", "groups.created")


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
