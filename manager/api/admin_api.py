"""The editors' API: units, boards, media, playlists, schedules and alerts.

Every route checks the caller's role and unit scope on the server; the
console's pages call the same functions. A change that boards may see wakes
their long-polls after its transaction has committed.
"""
from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from manager import alerts, assets, audit, board_facts, boards, content, geo, pairing, units, uptime_store
from manager.api.responses import AssetOut, BoardOut, GroupOut, PlaylistSummary
from manager.auth import Principal, current_principal, in_scope, require_role, require_scope
from manager.errors import BadInput, Forbidden
from protocol.pairing import PairingClaim

router = APIRouter(prefix="/api/v1", tags=["editors"])
Who = Depends(current_principal)


def _changed(request: Request) -> None:
    request.app.state.changes.bump()


@router.get("/units")
def list_units(request: Request, catalogue: str | None = None, parent: str | None = None, principal: Principal = Who):
    with request.app.state.store.read() as db:
        return units.children(db, catalogue or units.current_catalogue(db), parent)


@router.post("/units/import-current")
def import_current_units(request: Request, principal: Principal = Who):
    require_role(principal, "admin")
    with request.app.state.store.write() as db:
        return units.import_current(db)


@router.post("/units/import-csv")
async def import_units_csv(request: Request, catalogue: str = Query(pattern=r"^[a-z0-9-]{2,40}$"), name: str = Query(min_length=1),
                           version: str = Query(min_length=1), principal: Principal = Who):
    require_role(principal, "admin")
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput("Tệp CSV phải dùng mã UTF-8", "CSV must be UTF-8") from exc

    def run():
        with request.app.state.store.write() as db:
            return units.import_csv(db, catalogue, name, version, text)

    return await run_in_threadpool(run)


@router.post("/pairings/{code}/claim", status_code=201, response_model=BoardOut)
def claim_board(code: str, body: PairingClaim, request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver")
    with request.app.state.store.write() as db:
        require_scope(db, principal, body.unit_catalogue or units.current_catalogue(db), body.unit_code)
        board = pairing.claim(db, code, body, request.app.state.clock.time(), request.app.state.settings.heartbeat_interval_s,
                              throttle=request.app.state.pairing_throttle, user_id=principal.user_id)
        audit.record(db, principal, "pair", "board", board["id"], code=code, unit=body.unit_code)
    _changed(request)
    return boards.public(board)


@router.get("/boards", response_model=list[BoardOut])
def list_boards(request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        rows = db.query("SELECT * FROM boards ORDER BY unit_code, name")
        return [boards.public(r) for r in rows if in_scope(db, principal, r["unit_catalogue"], r["unit_code"])]


def _board_in_scope(db, principal: Principal, board_id: str) -> dict:
    board = boards.get(db, board_id)
    require_scope(db, principal, board["unit_catalogue"], board["unit_code"])
    return board


@router.get("/boards/{board_id}", response_model=BoardOut)
def get_board(board_id: str, request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        return boards.public(_board_in_scope(db, principal, board_id))


@router.patch("/boards/{board_id}")
def update_board(board_id: str, changes: dict, request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver")
    changes = boards.validate_changes(changes)
    with request.app.state.store.write() as db:
        before = _board_in_scope(db, principal, board_id)
        db["boards"].update(board_id, changes)
        if "operating_hours" in changes and changes["operating_hours"] != before["operating_hours"]:
            uptime_store.record_hours(db, board_id, request.app.state.clock.time(), changes["operating_hours"])
        board_facts.record(db, board_id, request.app.state.clock.time())  # class, test flag, unit, hours: kept with their date
        audit.record(db, principal, "update", "board", board_id, fields=sorted(changes))
        board = boards.get(db, board_id)
    _changed(request)
    return boards.public(board)


@router.post("/boards/{board_id}/revoke")
def revoke_board(board_id: str, request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver")
    with request.app.state.store.write() as db:
        _board_in_scope(db, principal, board_id)
        boards.revoke(db, board_id)
        audit.record(db, principal, "revoke", "board", board_id)
    return {"revoked": board_id}


def _group_body(body: dict) -> tuple[str, list[str]]:
    name, board_ids = body.get("name"), body.get("boards", [])
    if not isinstance(name, str) or not name.strip() or not isinstance(board_ids, list) or not all(isinstance(b, str) for b in board_ids):
        raise BadInput("Nhóm cần tên và danh sách bảng tin", "a group needs a name and a list of boards")
    if not board_ids:
        raise BadInput("Hãy chọn ít nhất một bảng tin cho nhóm", "pick at least one board for the group")
    return name.strip(), board_ids


@router.get("/groups", response_model=list[GroupOut])
def list_groups(request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        return [boards.group_public(db, g) for g in boards.groups_in_scope(db, principal)]


@router.post("/groups", status_code=201)
def create_group(body: dict, request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver")
    name, board_ids = _group_body(body)
    with request.app.state.store.write() as db:
        for board_id in board_ids:
            _board_in_scope(db, principal, board_id)
        group_id = boards.create_group(db, name, board_ids, principal.unit_catalogue, principal.unit_code)
        audit.record(db, principal, "create", "group", str(group_id), name=name)
        return boards.group_public(db, boards.group_in_scope(db, principal, group_id))


@router.put("/groups/{group_id}")
def update_group(group_id: int, body: dict, request: Request, principal: Principal = Who):
    """New name and members; boards of schedules that target the group get their manifests at once."""
    require_role(principal, "editor", "approver")
    name, board_ids = _group_body(body)
    with request.app.state.store.write() as db:
        boards.group_in_scope(db, principal, group_id)
        for board_id in board_ids:
            _board_in_scope(db, principal, board_id)
        boards.update_group(db, group_id, name, board_ids)
        audit.record(db, principal, "update", "group", str(group_id), name=name, boards=len(board_ids))
        shown = boards.group_public(db, boards.group_in_scope(db, principal, group_id))
    _changed(request)
    return shown


@router.delete("/groups/{group_id}", status_code=204)
def delete_group(group_id: int, request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver")
    with request.app.state.store.write() as db:
        group = boards.group_in_scope(db, principal, group_id)
        boards.delete_group(db, group)
        audit.record(db, principal, "delete", "group", str(group_id), name=group["name"])
    return Response(status_code=204)


@router.post("/assets", status_code=201, response_model=AssetOut)
async def upload_asset(request: Request, filename: str = Query(min_length=1, max_length=1000), principal: Principal = Who):
    """The request body is the file itself, streamed; nothing is kept unless every check passes."""
    require_role(principal, "editor", "approver")
    state = request.app.state
    limit = state.settings.max_upload_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise assets.too_large(limit)
    sink = assets.UploadSink(state.assets, limit)
    try:
        async for chunk in request.stream():
            sink.write(chunk)
        sha256 = sink.finish()
        got = await run_in_threadpool(assets.accept, state.assets, sink.path, sha256, sink.size, filename,
                                      state.settings.max_image_pixels)
    except BaseException:
        sink.discard()
        raise

    def keep():
        with state.store.write() as db:
            row = assets.record(db, got.sha256, got.size, got.probe, filename, principal.user_id, principal.unit_catalogue,
                                principal.unit_code, note=got.note_vi)
            state.assets.keep(got.path, got.sha256)
            audit.record(db, principal, "upload", "asset", got.sha256, name=row["original_name"])
            return row

    try:
        return await run_in_threadpool(keep)
    finally:
        sink.discard()  # gone already once kept; a write that failed (a full disk) must not leave it behind


@router.get("/assets", response_model=list[AssetOut])
def list_assets(request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        rows = db.query("SELECT * FROM assets ORDER BY created_at DESC")
        return [r for r in rows if principal.is_admin or (r["unit_code"] and in_scope(db, principal, r["unit_catalogue"], r["unit_code"]))]


@router.post("/playlists", status_code=201)
def create_playlist(body: content.PlaylistIn, request: Request, principal: Principal = Who):
    with request.app.state.store.write() as db:
        playlist = content.create_playlist(db, principal, body)
    _changed(request)
    return playlist


@router.put("/playlists/{playlist_id}")
def update_playlist(playlist_id: str, body: content.PlaylistIn, request: Request, principal: Principal = Who):
    with request.app.state.store.write() as db:
        playlist = content.update_playlist(db, principal, playlist_id, body)
    _changed(request)
    return playlist


@router.get("/playlists", response_model=list[PlaylistSummary])
def list_playlists(request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        return content.list_playlists(db, principal)


@router.get("/playlists/{playlist_id}")
def get_playlist(playlist_id: str, request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        return content.get_playlist(db, principal, playlist_id)


@router.post("/schedules", status_code=201)
def create_schedule(body: content.ScheduleIn, request: Request, principal: Principal = Who):
    with request.app.state.store.write() as db:
        return content.create_schedule(db, principal, body)


@router.get("/schedules/{schedule_id}")
def get_schedule(schedule_id: str, request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        return content.get_schedule(db, principal, schedule_id)


@router.post("/schedules/{schedule_id}/{action}")
def schedule_action(schedule_id: str, action: str, request: Request, principal: Principal = Who):
    """submit, approve, reject or withdraw."""
    with request.app.state.store.write() as db:
        schedule = content.transition(db, principal, schedule_id, action)
    _changed(request)
    return schedule


@router.post("/alerts", status_code=201)
def broadcast_alert(body: alerts.AlertIn, request: Request, principal: Principal = Who):
    with request.app.state.store.write() as db:
        alert = alerts.broadcast(db, principal, body)
    _changed(request)
    return alert


def alert_in_scope(db, principal: Principal, area: dict) -> bool:
    """An alert is a person's to see or end when its area names a unit or board in their scope."""
    if principal.is_admin:
        return True
    targets = [(u.get("catalogue"), u.get("code")) for u in area.get("units", [])]
    for board_id in area.get("boards", []):
        row = db.execute("SELECT unit_catalogue, unit_code FROM boards WHERE id = ?", [board_id]).fetchone()
        if row:
            targets.append((row[0], row[1]))
    if any(in_scope(db, principal, catalogue, code) for catalogue, code in targets):
        return True
    if area.get("polygons") or area.get("circles"):
        # A shape (CAP from the source system): theirs when it covers a board of theirs.
        for row in db.query("SELECT unit_catalogue, unit_code, lat, lon FROM boards WHERE lat IS NOT NULL AND lon IS NOT NULL"):
            if geo.area_contains(area, row["lat"], row["lon"]) and in_scope(db, principal, row["unit_catalogue"], row["unit_code"]):
                return True
    return False


def _alert_for(db, principal: Principal, alert_id: str) -> dict:
    alert = alerts.get(db, alert_id)
    if not alert_in_scope(db, principal, alert["area"]):
        raise Forbidden("Cảnh báo này nằm ngoài phạm vi của bạn", "this alert is outside your scope")
    return alert


@router.post("/alerts/{alert_id}/withdraw")
def withdraw_alert(alert_id: str, request: Request, principal: Principal = Who):
    require_role(principal, "approver")
    with request.app.state.store.write() as db:
        _alert_for(db, principal, alert_id)
        alert = alerts.withdraw(db, alert_id, principal)
    _changed(request)
    return alert


@router.get("/alerts/{alert_id}")
def get_alert(alert_id: str, request: Request, principal: Principal = Who):
    with request.app.state.store.read() as db:
        return _alert_for(db, principal, alert_id)


@router.get("/audit")
def audit_log(request: Request, limit: int = Query(200, ge=1, le=5000), principal: Principal = Who):
    require_role(principal, "auditor")
    with request.app.state.store.read() as db:
        return list(db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit]))
