"""The source link's API: sources, the inbox, CAP push, and what the source system may read.

Editors and approvers use `/api/v1/sources` and `/api/v1/inbox` (the
console's inbox page calls the same domain functions). The provincial system
pushes CAP to `/api/v1/sources/{id}/cap` with that source's push token, and
reads `/api/v1/source-link/*` with the API token of a user whose role is
`source`. Shapes and examples: docs/sources.md.
"""
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from manager import cap
from manager.api.access import EVERYONE, access
from manager.api.deps import domain_of
from manager.api.identity import Who, bearer
from manager.api.link_responses import (InboxDetail, InboxItemOut, InboxSummary, LinkIndicators, LinkPlaylog, LinkPush, LinkStatus,
                                        PushResults, PushToken, SourceCreated, SourceDetail, SourceEventOut, SourceOut, SourcePolled)
from manager.auth import Principal
from manager.domain import inbox as dinbox
from manager.domain import source_link
from manager.domain import sources as dsources
from manager.errors import TooLarge, Unauthorized, UnsupportedMedia
from manager.sources import inbox, store

router = APIRouter(prefix="/api/v1", tags=["source link"])
CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml", "application/atom+xml")
JSON_TYPES = ("application/json",)
LINK_READERS = ("source", "auditor")


def _poke(request: Request) -> None:
    poller = getattr(request.app.state, "poller", None)
    if poller is not None:
        poller.poke()


@router.get("/sources", response_model=list[SourceOut])
@access(roles=EVERYONE)
def list_sources(request: Request, principal: Principal = Who):
    return domain_of(request).read(dsources.list_sources, principal)


@router.post("/sources", status_code=201, response_model=SourceCreated)
@access(roles=())
def create_source(body: store.SourceIn, request: Request, principal: Principal = Who):
    made = domain_of(request).write(dsources.create_source, principal, body)
    _poke(request)
    return made


@router.get("/sources/{source_id}", response_model=SourceDetail)
@access(roles=EVERYONE)
def get_source(source_id: int, request: Request, principal: Principal = Who):
    return domain_of(request).read(dsources.get_source, principal, source_id)


@router.patch("/sources/{source_id}", response_model=SourceOut)
@access(roles=())
def update_source(source_id: int, body: store.SourcePatch, request: Request, principal: Principal = Who):
    source = domain_of(request).write(dsources.update_source, principal, source_id, body)
    _poke(request)
    return source


@router.post("/sources/{source_id}/token", response_model=PushToken)
@access(roles=())
def rotate_source_token(source_id: int, request: Request, principal: Principal = Who):
    return {"push_token": domain_of(request).write(dsources.rotate_token, principal, source_id)["push_token"]}


@router.post("/sources/{source_id}/poll", response_model=SourcePolled)
@access(roles=())
def poll_source_now(source_id: int, request: Request, principal: Principal = Who):
    """Read the source now (admin), whatever its interval; answers with the source's state afterwards."""
    domain = domain_of(request)
    source = domain.read(dsources.source_for_poll, principal, source_id)
    new = request.app.state.poller.poll(source)  # the poller wakes boards on news
    return {**domain.read(dsources.get_source, principal, source_id, 0), "new_items": new}


@router.get("/source-events", response_model=list[SourceEventOut])
@access(roles=EVERYONE)
def source_events(request: Request, source_id: int | None = None, limit: int = Query(200, ge=1, le=2000), principal: Principal = Who):
    return domain_of(request).read(dsources.events, principal, source_id, limit)


@router.post("/sources/{source_id}/cap", response_model=InboxItemOut | PushResults)
@access(who="source")
async def push_cap(source_id: int, request: Request):
    """The provincial system pushes CAP with the source's push token: one message (the XML), or several
    in one request (an Atom feed embedding them, or a JSON list of XML texts), answered per message."""
    token = bearer(request)
    if not token:
        raise Unauthorized("Thiếu mã truy cập của nguồn", "source push token required")
    domain = domain_of(request)
    source = await run_in_threadpool(domain.read, source_link.pushing_source, source_id, token)
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
        await run_in_threadpool(domain.write, source_link.record_too_large, source, size)
        raise TooLarge("Bản tin CAP quá lớn", "CAP message too large", code="cap_too_large")
    return await run_in_threadpool(_receive_push, domain, source, media, b"".join(chunks))


def _receive_push(domain, source: dict, media: str, data: bytes):
    """Each message in a transaction of its own: one refused does not undo the others."""
    items, single = domain.read(source_link.push_items, source, media, data)
    results = [None] * len(items)
    for n in domain.read(source_link.sent_order, items):  # oldest first; answered in the request's order
        results[n] = domain.write(source_link.receive_item, source, items[n])
    domain.write(source_link.record_push_outcome, source, results)
    if single:  # one message: the item itself, or 422 with the refusal
        row = results[0]
        if row["status"] == "refused":
            return JSONResponse({**_refusal(row), "inbox": row}, status_code=422)
        return row
    return {"results": [{"index": n, "status": row["status"], "inbox_id": row["id"], "external_id": row["external_id"],
                         **(_refusal(row) if row["status"] == "refused" else {})} for n, row in enumerate(results)]}


def _refusal(row: dict) -> dict:
    return {"error": row["payload"].get("error", "cap_invalid"), "message": row["reason"], "message_en": row["payload"].get("reason_en", ""),
            **({"element": row["payload"]["element"]} if row["payload"].get("element") else {})}


@router.get("/inbox", response_model=list[InboxSummary])
@access(roles=EVERYONE)
def list_inbox(request: Request, status: str | None = None, source_id: int | None = None,
               limit: int = Query(200, ge=1, le=2000), principal: Principal = Who):
    return domain_of(request).read(dinbox.list_items, principal, status, source_id, limit)


@router.get("/inbox/{inbox_id}", response_model=InboxDetail)
@access(roles=EVERYONE, scope="object")
def get_inbox_item(inbox_id: int, request: Request, principal: Principal = Who):
    return domain_of(request).read(dinbox.get_item, principal, inbox_id)


@router.post("/inbox/{inbox_id}/accept", response_model=InboxItemOut)
@access(roles=("approver",), scope="object")  # warnings (the matrix tries one); editors may also take news
def accept_inbox_item(inbox_id: int, request: Request, body: inbox.AcceptIn | None = None, principal: Principal = Who):
    return domain_of(request).write(dinbox.accept, principal, inbox_id, body or inbox.AcceptIn())


@router.post("/inbox/{inbox_id}/reject", response_model=InboxItemOut)
@access(roles=("approver",), scope="object")  # warnings (the matrix tries one); editors may also take news
def reject_inbox_item(inbox_id: int, request: Request, body: inbox.RejectIn | None = None, principal: Principal = Who):
    return domain_of(request).write(dinbox.reject, principal, inbox_id, body or inbox.RejectIn())


@router.get("/source-link/status", response_model=LinkStatus)
@access(roles=LINK_READERS, scope="province")
def source_link_status(request: Request, principal: Principal = Who):
    return domain_of(request).read(source_link.status, principal)


@router.get("/source-link/playlog", response_model=LinkPlaylog)
@access(roles=LINK_READERS, scope="province")
def source_link_playlog(request: Request, since: float = Query(0, ge=0, le=253402300799), limit: int = Query(source_link.PLAYLOG_PAGE, ge=1, le=50000),
                        principal: Principal = Who):
    return domain_of(request).read(source_link.playlog, principal, since, limit)


@router.get("/source-link/indicators", response_model=LinkIndicators)
@access(roles=LINK_READERS, scope="province")
def source_link_indicators(request: Request, period: str | None = None, province: str | None = None, principal: Principal = Who):
    return domain_of(request).read(source_link.indicators, principal, period, province)


@router.get("/source-link/pushes", response_model=list[LinkPush])
@access(roles=("auditor",), scope="province")
def source_link_pushes(request: Request, limit: int = Query(50, ge=1, le=1000), principal: Principal = Who):
    """The scheduled pushes to the source system, newest first (for the console)."""
    return domain_of(request).read(source_link.pushes, principal, limit)
