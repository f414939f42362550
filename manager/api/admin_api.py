"""The editors' API: units, boards, groups, media, playlists, schedules, alerts and the audit log.

Thin adapters: each route reads its input, calls one function of
`manager.domain` (which decides who may, what the state allows, the audit
record and which boards to wake) and returns what it answers.
"""
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from manager import alerts, assets, content
from manager.api.responses import (AlertOut, AssetOut, AuditOut, BoardOut, GroupOut, PlaylistOut, PlaylistSummary, RevokedOut,
                                   ScheduleOut, UnitOut, UnitsImported)
from manager.api.uploads import store_upload
from manager.api.access import CONTENT, EVERYONE, access
from manager.api.deps import domain_of
from manager.api.identity import Who
from manager.auth import Principal
from manager.domain import alerts as dalerts
from manager.domain import assets as dassets
from manager.domain import audit_log
from manager.domain import boards as dboards
from manager.domain import content as dcontent
from manager.domain import editing
from manager.domain import units as dunits
from manager.errors import BadInput
from protocol.pairing import PairingClaim
from protocol.text import NFCStr

router = APIRouter(prefix="/api/v1", tags=["editors"])


class DecisionIn(BaseModel):
    """An approval's or rejection's note; an administrator approving their own work must give a reason."""
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=1000)


class RenameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NFCStr = Field(min_length=1, max_length=200)


class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    boards: list[str] = Field(default_factory=list, max_length=10000)


@router.get("/units", response_model=list[UnitOut])
@access(roles=EVERYONE + ("source",))
def list_units(request: Request, catalogue: str | None = None, parent: str | None = None, principal: Principal = Who):
    return domain_of(request).read(dunits.children, principal, catalogue, parent)


@router.post("/units/import-current", response_model=UnitsImported)
@access(roles=())
def import_current_units(request: Request, principal: Principal = Who):
    return domain_of(request).write(dunits.import_current, principal)


@router.post("/units/import-csv", response_model=UnitsImported)
@access(roles=())
async def import_units_csv(request: Request, catalogue: str = Query(pattern=r"^[a-z0-9-]{2,40}$"), name: str = Query(min_length=1),
                           version: str = Query(min_length=1), principal: Principal = Who):
    dunits.may_import(principal)
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput("Tệp CSV phải dùng mã UTF-8", "CSV must be UTF-8") from exc
    return await run_in_threadpool(domain_of(request).write, dunits.import_csv, principal, catalogue, name, version, text)


@router.post("/pairings/{code}/claim", status_code=201, response_model=BoardOut)
@access(roles=CONTENT, scope="object")
def claim_board(code: str, body: PairingClaim, request: Request, principal: Principal = Who):
    return domain_of(request).write(dboards.claim, principal, code, body)


@router.get("/boards", response_model=list[BoardOut])
@access(roles=CONTENT)
def list_boards(request: Request, principal: Principal = Who):
    return domain_of(request).read(dboards.list_boards, principal)


@router.get("/boards/{board_id}", response_model=BoardOut)
@access(roles=CONTENT, scope="object")
def get_board(board_id: str, request: Request, principal: Principal = Who):
    return domain_of(request).read(dboards.get_board, principal, board_id)


@router.patch("/boards/{board_id}", response_model=BoardOut)
@access(roles=CONTENT, scope="object")
def update_board(board_id: str, changes: dict, request: Request, principal: Principal = Who):
    return domain_of(request).write(dboards.update_board, principal, board_id, changes)


@router.post("/boards/{board_id}/revoke", response_model=RevokedOut)
@access(roles=CONTENT, scope="object")
def revoke_board(board_id: str, request: Request, principal: Principal = Who):
    return domain_of(request).write(dboards.revoke_board, principal, board_id)


@router.get("/groups", response_model=list[GroupOut])
@access(roles=CONTENT)
def list_groups(request: Request, principal: Principal = Who):
    return domain_of(request).read(dboards.list_groups, principal)


@router.post("/groups", status_code=201, response_model=GroupOut)
@access(roles=CONTENT, scope="object")
def create_group(body: GroupIn, request: Request, principal: Principal = Who):
    return domain_of(request).write(dboards.create_group, principal, body.name, body.boards)


@router.put("/groups/{group_id}", response_model=GroupOut)
@access(roles=CONTENT, scope="object")
def update_group(group_id: int, body: GroupIn, request: Request, principal: Principal = Who):
    """New name and members; boards of schedules that target the group get their manifests at once."""
    return domain_of(request).write(dboards.update_group, principal, group_id, body.name, body.boards)


@router.delete("/groups/{group_id}", status_code=204)
@access(roles=CONTENT, scope="object")
def delete_group(group_id: int, request: Request, principal: Principal = Who):
    domain_of(request).write(dboards.delete_group, principal, group_id)
    return Response(status_code=204)


@router.post("/assets", status_code=201, response_model=AssetOut)
@access(roles=CONTENT)
async def upload_asset(request: Request, filename: str = Query(min_length=1, max_length=1000), principal: Principal = Who):
    """The request body is the file itself, streamed; nothing is kept unless every check passes."""
    dassets.may_upload(principal)  # before reading a byte of it
    limit = request.app.state.settings.max_upload_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise assets.too_large(limit)
    return await store_upload(request, principal, filename, request.stream())


@router.delete("/assets/{sha256}", status_code=204)
@access(roles=CONTENT, scope="object")
def delete_asset(sha256: str, request: Request, principal: Principal = Who):
    """Only a file no revision of any playlist uses; 409 names how many do."""
    store = request.app.state.assets
    domain_of(request).write(dassets.delete_asset, principal, sha256, lambda: store.remove(sha256))
    return Response(status_code=204)


@router.get("/assets", response_model=list[AssetOut])
@access(roles=CONTENT)
def list_assets(request: Request, principal: Principal = Who):
    return domain_of(request).read(dassets.list_assets, principal)


@router.post("/playlists", status_code=201, response_model=PlaylistOut)
@access(roles=CONTENT)
def create_playlist(body: content.PlaylistIn, request: Request, principal: Principal = Who):
    return domain_of(request).write(dcontent.create_playlist, principal, body)


@router.put("/playlists/{playlist_id}", response_model=PlaylistOut)
@access(roles=CONTENT, scope="object")
def update_playlist(playlist_id: str, body: content.PlaylistIn, request: Request, principal: Principal = Who):
    """A new draft revision: boards keep playing the approved one until the new one is approved."""
    return domain_of(request).write(dcontent.update_playlist, principal, playlist_id, body)


@router.patch("/playlists/{playlist_id}", response_model=PlaylistOut)
@access(roles=CONTENT, scope="object")
def rename_playlist(playlist_id: str, body: RenameIn, request: Request, principal: Principal = Who):
    return domain_of(request).write(editing.rename_playlist, principal, playlist_id, body.name)


@router.post("/playlists/{playlist_id}/duplicate", status_code=201, response_model=PlaylistOut)
@access(roles=CONTENT, scope="object")
def duplicate_playlist(playlist_id: str, request: Request, principal: Principal = Who):
    """A new draft playlist with the same items, named "… (bản sao)": not scheduled, not approved."""
    return domain_of(request).write(editing.duplicate_playlist, principal, playlist_id)


@router.delete("/playlists/{playlist_id}", status_code=204)
@access(roles=CONTENT, scope="object")
def delete_playlist(playlist_id: str, request: Request, principal: Principal = Who):
    """409 while a schedule that is not withdrawn uses it."""
    domain_of(request).write(editing.delete_playlist, principal, playlist_id)
    return Response(status_code=204)


@router.post("/playlists/{playlist_id}/items", status_code=201, response_model=PlaylistOut)
@access(roles=CONTENT, scope="object")
def add_item(playlist_id: str, body: content.ItemIn, request: Request, principal: Principal = Who):
    return domain_of(request).write(editing.add_item, principal, playlist_id, body)


@router.patch("/playlists/{playlist_id}/items/{item_id}", response_model=PlaylistOut)
@access(roles=CONTENT, scope="object")
def edit_item(playlist_id: str, item_id: str, body: content.ItemPatch, request: Request, principal: Principal = Who):
    """Item ids change with each revision: an id the playlist no longer has is 409 (reload, then edit)."""
    return domain_of(request).write(editing.edit_item, principal, playlist_id, item_id, body)


@router.get("/playlists", response_model=list[PlaylistSummary])
@access(roles=CONTENT)
def list_playlists(request: Request, principal: Principal = Who):
    return domain_of(request).read(dcontent.list_playlists, principal)


@router.get("/playlists/{playlist_id}", response_model=PlaylistOut)
@access(roles=CONTENT, scope="object")
def get_playlist(playlist_id: str, request: Request, principal: Principal = Who):
    return domain_of(request).read(dcontent.get_playlist, principal, playlist_id)


@router.get("/schedules", response_model=list[ScheduleOut])
@access(roles=CONTENT)
def list_schedules(request: Request, status: str | None = None, principal: Principal = Who):
    return domain_of(request).read(dcontent.list_schedules, principal, status)


@router.post("/schedules", status_code=201, response_model=ScheduleOut)
@access(roles=CONTENT, scope="object")
def create_schedule(body: content.ScheduleIn, request: Request, principal: Principal = Who):
    return domain_of(request).write(dcontent.create_schedule, principal, body)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut)
@access(roles=CONTENT, scope="object")
def get_schedule(schedule_id: str, request: Request, principal: Principal = Who):
    return domain_of(request).read(dcontent.get_schedule, principal, schedule_id)


@router.post("/schedules/{schedule_id}/{action}", response_model=ScheduleOut)
@access(roles=CONTENT, scope="object")
def schedule_action(schedule_id: str, action: str, request: Request, body: DecisionIn | None = None, principal: Principal = Who):
    """submit, approve, reject or withdraw; `reason` for an administrator approving their own work, or a rejection."""
    return domain_of(request).write(dcontent.transition, principal, schedule_id, action, (body or DecisionIn()).reason)


@router.post("/alerts", status_code=201, response_model=AlertOut)
@access(roles=("approver",), scope="object")
def broadcast_alert(body: alerts.AlertIn, request: Request, principal: Principal = Who):
    return domain_of(request).write(dalerts.broadcast, principal, body)


@router.post("/alerts/{alert_id}/withdraw", response_model=AlertOut)
@access(roles=("approver",), scope="object")
def withdraw_alert(alert_id: str, request: Request, principal: Principal = Who):
    return domain_of(request).write(dalerts.withdraw, principal, alert_id)


@router.get("/alerts/{alert_id}", response_model=AlertOut)
@access(roles=CONTENT, scope="object")
def get_alert(alert_id: str, request: Request, principal: Principal = Who):
    return domain_of(request).read(dalerts.alert_for, principal, alert_id)


@router.get("/audit", response_model=list[AuditOut])
@access(roles=("auditor",), scope="province")
def audit_log_route(request: Request, limit: int = Query(200, ge=1, le=5000), principal: Principal = Who):
    return domain_of(request).read(audit_log.latest, principal, limit)
