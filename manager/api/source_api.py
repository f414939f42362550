"""The source link's API: sources, the inbox, CAP push, and what the source system may read.

Editors and approvers use `/api/v1/sources` and `/api/v1/inbox` (the
console's inbox page calls the same routes). The provincial system pushes
CAP to `/api/v1/sources/{id}/cap` with that source's push token, and reads
`/api/v1/source-link/*` with the API token of a user whose role is `source`.
Shapes and examples: docs/sources.md.
"""
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from manager import cap, outbound
from manager.auth import Principal, _bearer, current_principal, require_role
from manager.errors import Forbidden, TooLarge, Unauthorized, UnsupportedMedia
from manager.sources import inbox, push, sequence, store
from manager.sources.cap_adapter import certificate_of, item_from_xml
from protocol.timebase import iso

router = APIRouter(prefix="/api/v1", tags=["source link"])
Who = Depends(current_principal)
CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml", "application/atom+xml")
JSON_TYPES = ("application/json",)


def _changed(request: Request) -> None:
    request.app.state.changes.bump()


def _poke(request: Request) -> None:
    poller = getattr(request.app.state, "poller", None)
    if poller is not None:
        poller.poke()


@router.get("/sources")
def list_sources(request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver", "auditor")
    with request.app.state.store.read() as db:
        return store.list_all(db)


@router.post("/sources", status_code=201)
def create_source(body: store.SourceIn, request: Request, principal: Principal = Who):
    with request.app.state.store.write() as db:
        source, token = store.create(db, principal, body)
    _poke(request)
    return {**source, "push_token": token}


@router.get("/sources/{source_id}")
def get_source(source_id: int, request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver", "auditor")
    with request.app.state.store.read() as db:
        return {**store.get(db, source_id), "events": store.events(db, source_id, 50)}


@router.patch("/sources/{source_id}")
def update_source(source_id: int, body: store.SourcePatch, request: Request, principal: Principal = Who):
    with request.app.state.store.write() as db:
        source = store.update(db, principal, source_id, body)
    _poke(request)
    return source


@router.post("/sources/{source_id}/token")
def rotate_source_token(source_id: int, request: Request, principal: Principal = Who):
    with request.app.state.store.write() as db:
        return {"push_token": store.rotate_token(db, principal, source_id)}


@router.post("/sources/{source_id}/poll")
def poll_source_now(source_id: int, request: Request, principal: Principal = Who):
    """Read the source now (admin), whatever its interval; answers with the source's state afterwards."""
    require_role(principal, "admin")
    with request.app.state.store.read() as db:
        source = store.get(db, source_id)
    new = request.app.state.poller.poll(source)
    with request.app.state.store.read() as db:
        return {**store.get(db, source_id), "new_items": new}


@router.get("/source-events")
def source_events(request: Request, source_id: int | None = None, limit: int = Query(200, ge=1, le=2000), principal: Principal = Who):
    require_role(principal, "editor", "approver", "auditor")
    with request.app.state.store.read() as db:
        return store.events(db, source_id, limit)


@router.post("/sources/{source_id}/cap")
async def push_cap(source_id: int, request: Request):
    """The provincial system pushes CAP with the source's push token: one message (the XML), or several
    in one request (an Atom feed embedding them, or a JSON list of XML texts), answered per message."""
    token = _bearer(request)
    if not token:
        raise Unauthorized("Thiếu mã truy cập của nguồn", "source push token required")
    source = await run_in_threadpool(_pushing_source, request, source_id, token)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in CAP_TYPES + JSON_TYPES:
        raise UnsupportedMedia(f"Cần gửi XML CAP ({', '.join(CAP_TYPES)}) hoặc danh sách JSON", f"send CAP XML ({', '.join(CAP_TYPES)}) or a JSON list")
    declared = request.headers.get("content-length")
    size = int(declared) if declared and declared.isdigit() else 0
    chunks = []
    if size <= cap.MAX_DOCUMENT_BYTES:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap.MAX_DOCUMENT_BYTES:
                break
            chunks.append(chunk)
    if size > cap.MAX_DOCUMENT_BYTES:
        await run_in_threadpool(_record_too_large, request, source, size)
        raise TooLarge("Bản tin CAP quá lớn", "CAP message too large", code="cap_too_large")
    return await run_in_threadpool(_receive_push, request, source, media, b"".join(chunks))


def _pushing_source(request: Request, source_id: int, token: str) -> dict:
    with request.app.state.store.read() as db:
        source = store.by_push_token(db, source_id, token)
    if source is None:
        raise Unauthorized("Mã truy cập của nguồn không đúng", "invalid source push token")
    if not source["enabled"]:
        raise Forbidden("Nguồn đang bị tắt", "this source is disabled")
    return source


def _record_too_large(request: Request, source: dict, size: int) -> None:
    """A refused push is seen on /sources like any other: the sender may not know its message never arrived."""
    with request.app.state.store.write() as db:
        store.record_event(db, source["id"], "error", f"Bản tin đẩy lên quá lớn ({size} byte, tối đa {cap.MAX_DOCUMENT_BYTES}): bị từ chối",
                           f"pushed message too large ({size} bytes, at most {cap.MAX_DOCUMENT_BYTES}): refused", code="cap_too_large")
        store.mark_pushed(db, source["id"], iso(request.app.state.clock.now()), (
            f"Bản tin đẩy lên quá lớn ({size} byte): bị từ chối", f"pushed message too large ({size} bytes): refused"))


def _receive_push(request: Request, source: dict, media: str, data: bytes):
    state = request.app.state
    items = push.items_of(data, media, certificate_of(source))
    received = items if items is not None else [item_from_xml(data, certificate_of(source), media)]
    results, changed = [None] * len(received), False
    for n in sequence.in_sent_order(received):  # oldest first; answered in the request's order
        with state.store.write() as db:
            results[n], item_changed = inbox.receive(db, source, received[n], state.clock.now())
        changed = changed or item_changed
    with state.store.write() as db:
        push.record_outcome(db, source, results, iso(state.clock.now()))
    if changed:
        _changed(request)
    if items is None:  # one message: the item itself, or 422 with the refusal
        row = results[0]
        if row["status"] == "refused":
            return JSONResponse({**_refusal(row), "inbox": row}, status_code=422)
        return row
    return {"results": [{"index": n, "status": row["status"], "inbox_id": row["id"], "external_id": row["external_id"],
                         **(_refusal(row) if row["status"] == "refused" else {})} for n, row in enumerate(results)]}


def _refusal(row: dict) -> dict:
    return {"error": row["payload"].get("error", "cap_invalid"), "message": row["reason"], "message_en": row["payload"].get("reason_en", ""),
            **({"element": row["payload"]["element"]} if row["payload"].get("element") else {})}


@router.get("/inbox")
def list_inbox(request: Request, status: str | None = None, source_id: int | None = None,
               limit: int = Query(200, ge=1, le=2000), principal: Principal = Who):
    require_role(principal, "editor", "approver", "auditor")
    with request.app.state.store.read() as db:
        return inbox.list_items(db, status, source_id, limit)


@router.get("/inbox/{inbox_id}")
def get_inbox_item(inbox_id: int, request: Request, principal: Principal = Who):
    require_role(principal, "editor", "approver", "auditor")
    with request.app.state.store.read() as db:
        item = inbox.get(db, inbox_id)
        if item["alert_id"]:
            item["delivery"] = inbox.delivery(db, item["alert_id"])
        return item


@router.post("/inbox/{inbox_id}/accept")
def accept_inbox_item(inbox_id: int, request: Request, body: inbox.AcceptIn | None = None, principal: Principal = Who):
    with request.app.state.store.write() as db:
        row, changed = inbox.accept(db, principal, inbox_id, body or inbox.AcceptIn(), request.app.state.clock.now())
    if changed:
        _changed(request)
    return row


@router.post("/inbox/{inbox_id}/reject")
def reject_inbox_item(inbox_id: int, request: Request, body: inbox.RejectIn | None = None, principal: Principal = Who):
    with request.app.state.store.write() as db:
        return inbox.reject(db, principal, inbox_id, body or inbox.RejectIn())


def _source_system(principal: Principal) -> None:
    require_role(principal, "source", "auditor")


@router.get("/source-link/status")
def source_link_status(request: Request, principal: Principal = Who):
    _source_system(principal)
    with request.app.state.store.read() as db:
        return outbound.status(db, request.app.state.clock.now())


@router.get("/source-link/playlog")
def source_link_playlog(request: Request, since: float = Query(0, ge=0, le=253402300799), limit: int = Query(outbound.PLAYLOG_PAGE, ge=1, le=50000),
                        principal: Principal = Who):
    _source_system(principal)
    with request.app.state.store.read() as db:
        return outbound.playlog(db, since, limit)


@router.get("/source-link/indicators")
def source_link_indicators(request: Request, period: str | None = None, province: str | None = None, principal: Principal = Who):
    _source_system(principal)
    with request.app.state.store.read() as db:
        return outbound.indicators(db, request.app.state.clock.now(), period, province)


@router.get("/source-link/pushes")
def source_link_pushes(request: Request, limit: int = Query(50, ge=1, le=1000), principal: Principal = Who):
    """The scheduled pushes to the source system, newest first (for the console)."""
    require_role(principal, "auditor")
    with request.app.state.store.read() as db:
        return list(db.query("SELECT * FROM source_link_pushes ORDER BY id DESC LIMIT ?", [limit]))
