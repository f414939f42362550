"""The board API: pairing, manifest long-poll and reports (assets: asset_api)."""
import asyncio
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from manager import playlog
from manager.api import json_body
from manager.api.access import access
from manager.api.deps import domain_of
from manager.api.identity import require_board_token
from manager.domain import board_link
from manager.errors import BadInput, TooLarge, UnsupportedMedia
from manager.manifest_service import etag_of
from protocol import api
from protocol.heartbeat import HeartbeatAck, HeartbeatBatch
from protocol.manifest import Manifest
from protocol.pairing import PairingCode, PairingRequest, PairingStatus
from protocol.playlog import PlayLogAck, PlayLogBatch

router = APIRouter(tags=["board"])


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    return if_none_match.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]


@router.post(api.PAIR, response_model=PairingCode, status_code=201)
@access(who="public")
def start_pairing(body: PairingRequest, request: Request):
    state = request.app.state
    state.pairing_throttle.admit_request(request.client.host if request.client else "?", state.clock.time())
    return domain_of(request).write(board_link.start_pairing, body)


@router.get(api.PAIR_STATUS, response_model=PairingStatus)
@access(who="public")
async def pairing_status(request: Request, code: str = Path(pattern=r"^\d{6}$"),
                         secret: str = Header(alias=api.PAIRING_SECRET_HEADER, min_length=8, max_length=200),
                         wait: float = Query(0, ge=0, le=api.MAX_WAIT_S)):
    """Long-polls until an editor claims the code (or `wait` runs out)."""
    state = request.app.state
    domain = domain_of(request)
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        generation = state.changes.generation
        status = await run_in_threadpool(domain.write, board_link.pairing_status, code, secret)
        remaining = deadline - asyncio.get_running_loop().time()
        if status.state != "pending" or remaining <= 0:
            return status
        await state.changes.wait_beyond(generation, remaining)


_WAIT = TypeAdapter(Annotated[float, Field(ge=0, le=api.MAX_WAIT_S)])
_WAIT_DOCUMENTED = {"parameters": [{"name": "wait", "in": "query", "required": False, "schema": {
    "type": "number", "maximum": api.MAX_WAIT_S, "minimum": 0, "default": 0, "title": "Wait"}}]}


def _wait(request: Request) -> float:
    """The `wait` query parameter, checked as FastAPI would check `wait: float = Query(0, ge=0, le=MAX_WAIT_S)`."""
    raw = request.query_params.get("wait")
    if raw is None:
        return 0
    try:
        return _WAIT.validate_python(raw)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", "wait", *e["loc"])} for e in exc.errors()]) from None


# Every board long-polls here, and every answer of a fan-out goes out through it: the route takes the
# shortcut past FastAPI's routing (manager/api/shortcut.py), so it reads its own `wait`.
@router.get(api.MANIFEST, responses={200: {"model": Manifest, "description": "the manifest"}, 304: {"description": "unchanged"}},
            openapi_extra=_WAIT_DOCUMENTED)
@access(who="board")
async def manifest(board_id: str, request: Request):
    """The board's manifest; with If-None-Match and `wait`, answers as soon as it changes."""
    state = request.app.state
    wait = _wait(request)  # before the token, as FastAPI's own check of a query parameter was
    require_board_token(request, board_id)  # remembered, or one indexed lookup: cheaper inline than a thread hop
    if_none_match = request.headers.get("if-none-match")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        generation = state.changes.generation_of(board_id)
        # A board woken by a change finds its answer built: one look in the cache, then it is written.
        served = state.manifests.cached(board_id, generation)
        version = served.version if served else (state.manifests.cached_version(board_id) or (await state.manifests.served(board_id)).version)
        if not _matches(if_none_match, etag_of(version)):
            served = served or await state.manifests.served(board_id)
            return Response(served.body, media_type="application/json", headers={"ETag": served.etag, "Cache-Control": "no-cache"})
        remaining = deadline - loop.time()
        if remaining <= 0 or not await state.changes.wait_beyond(generation, remaining, board_id):
            return Response(status_code=304, headers={"ETag": etag_of(version), "Cache-Control": "no-cache"})


@router.post(api.HEARTBEATS, response_model=HeartbeatAck, openapi_extra=json_body.documented(HeartbeatBatch))
@access(who="board")
async def post_heartbeats(board_id: str, request: Request):
    require_board_token(request, board_id)
    batch = await json_body.parse(request, HeartbeatBatch)
    # The hottest route (every board, every 30 s): heartbeats that arrive together share one transaction and
    # one commit, in the writer thread (manager/group_commit.py); the event loop never waits for the write lock.
    ack = await request.app.state.heartbeat_writes.write(board_link.heartbeats_in, board_id, batch)
    return Response(ack.model_dump_json(), media_type="application/json")  # already an ack: not validated again


@router.post(api.PLAYLOG, response_model=PlayLogAck)
@access(who="board")
def post_playlog(board_id: str, batch: PlayLogBatch, request: Request):
    require_board_token(request, board_id)
    return domain_of(request).write(board_link.playlog_in, board_id, batch.records)


@router.put(api.SCREENSHOT, status_code=204)
@access(who="board")
async def put_screenshot(board_id: str, request: Request):
    await run_in_threadpool(require_board_token, request, board_id)
    mime = request.headers.get("content-type", "").split(";")[0].strip()
    if mime not in playlog.SCREENSHOT_TYPES:
        raise UnsupportedMedia("Ảnh chụp màn hình phải là JPEG hoặc PNG", "screenshot must be JPEG or PNG")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > playlog.SCREENSHOT_MAX_BYTES:
            raise TooLarge("Ảnh chụp màn hình quá lớn (tối đa 2 MB)", "screenshot too large (2 MB at most)")
    if not body:
        raise BadInput("Ảnh chụp màn hình rỗng", "empty screenshot")

    await run_in_threadpool(domain_of(request).write, board_link.screenshot_in, board_id, mime, bytes(body))
    return Response(status_code=204)
