"""The source link's pages: sources and what went wrong with them, the inbox, one item and its delivery.

Every read and change goes through `manager.domain` (as the API's routes
do), so the role and scope checks, the audit log and the boards' wake-up
are the same.
"""
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager.api.access import CONTENT, access
from manager.api.deps import domain_of
from manager.console.forms import form_of
from manager.console.views import page_principal, redirect, render
from manager.domain import content as dcontent
from manager.domain import inbox as dinbox
from manager.domain import sources as dsources
from manager.errors import BadInput
from manager.sources import inbox, registry, store

router = APIRouter(include_in_schema=False)
READERS = ("editor", "approver")  # admin always; auditors keep to reports and the audit log
STATUSES = ("pending", "published", "accepted", "rejected", "superseded", "refused", "skipped")


def _sources_page(request: Request, principal, new_token: dict | None = None):
    domain = domain_of(request)
    sources = domain.read(dsources.list_sources, principal)
    problems = domain.read(dsources.problems, principal)
    return render(request, "sources.html", sources=sources, problems=problems, adapters=sorted(registry.adapters()),
                  new_token=new_token, can_admin=principal.is_admin)


@router.get("/sources")
@access(roles=CONTENT)
def sources_page(request: Request):
    principal = page_principal(request, *READERS)
    return _sources_page(request, principal)


def _interval(form) -> int:
    try:
        return int(form.get("poll_interval_s", "60") or 0)
    except ValueError as exc:
        raise BadInput("Chu kỳ đọc là số giây (0: chỉ nhận đẩy)", "the poll interval is a number of seconds (0: push only)") from exc


def _poke(request: Request) -> None:
    poller = getattr(request.app.state, "poller", None)
    if poller is not None:
        poller.poke()


@router.post("/sources")
@access(roles=())
async def source_create(request: Request):
    principal = page_principal(request)
    form = await form_of(request)
    interval = _interval(form)
    try:
        body = store.SourceIn(name=form.required("name", "tên nguồn", "source name"), adapter=form.required("adapter", "bộ đọc", "adapter"),
                              url=form.get("url", "").strip(), mode=form.get("mode", "approval"), poll_interval_s=interval)
    except ValueError as exc:
        raise BadInput(f"Thông tin nguồn không hợp lệ: {exc.errors()[0]['msg']}", f"invalid source: {exc.errors()[0]['msg']}") from exc
    made = await run_in_threadpool(domain_of(request).write, dsources.create_source, principal, body)
    _poke(request)
    return _sources_page(request, principal, {"source": made["name"], "token": made["push_token"]})


@router.post("/sources/{source_id}")
@access(roles=())
async def source_update(request: Request, source_id: int):
    """The edit form as `PATCH /api/v1/sources/{id}`'s body (admin only, audited, secrets kept, the poller woken)."""
    principal = page_principal(request)
    domain = domain_of(request)
    form = await form_of(request)
    interval = _interval(form)
    changes = dict(url=form.get("url", "").strip(), mode=form.get("mode", "approval"), poll_interval_s=interval,
                   enabled=form.get("enabled") == "1")
    if "signing_certificate" in form:  # CAP sources: an empty box accepts unsigned messages again
        config = domain.read(dsources.get_source, principal, source_id, 0)["config"]
        changes["config"] = {**config, "signing_certificate": form.get("signing_certificate", "").strip()}
    try:
        body = store.SourcePatch(**changes)
    except ValueError as exc:
        raise BadInput(f"Thông tin nguồn không hợp lệ: {exc.errors()[0]['msg']}", f"invalid source: {exc.errors()[0]['msg']}") from exc
    await run_in_threadpool(domain.write, dsources.update_source, principal, source_id, body)
    _poke(request)
    return redirect("/sources", "sources.saved")


@router.post("/sources/{source_id}/poll")
@access(roles=())
async def source_poll(request: Request, source_id: int):
    """Poll now (admin); a failure shows as the source's last error."""
    principal = page_principal(request)
    source = domain_of(request).read(dsources.source_for_poll, principal, source_id)
    await run_in_threadpool(request.app.state.poller.poll, source)  # the poller wakes boards on news
    return redirect("/sources", "sources.polled")


@router.post("/sources/{source_id}/token")
@access(roles=())
def source_rotate(request: Request, source_id: int):
    principal = page_principal(request)
    rotated = domain_of(request).write(dsources.rotate_token, principal, source_id)
    return _sources_page(request, principal, {"source": rotated["source"]["name"], "token": rotated["push_token"]})


@router.get("/inbox")
@access(roles=CONTENT)
def inbox_page(request: Request, status: str = "pending"):
    principal = page_principal(request, *READERS)
    if status not in STATUSES and status != "all":
        status = "pending"
    domain = domain_of(request)
    items = domain.read(dinbox.list_items, principal, None if status == "all" else status, None, 200)
    names = domain.read(dsources.names, principal)
    playlists = domain.read(dcontent.list_playlists, principal) if any(i["kind"] != "cap" for i in items) else []
    return render(request, "inbox.html", items=items, current=status, statuses=STATUSES, names=names, playlists=playlists)


@router.get("/inbox/{inbox_id}")
@access(roles=CONTENT, scope="object")
def inbox_item_page(request: Request, inbox_id: int):
    principal = page_principal(request, *READERS)
    domain = domain_of(request)
    item = domain.read(dinbox.get_item, principal, inbox_id)  # its delivery lists the caller's boards only
    source = domain.read(dsources.get_source, principal, item["source_id"], 0)
    playlists = domain.read(dcontent.list_playlists, principal) if item["kind"] != "cap" else []
    return render(request, "inbox_item.html", item=item, source=source, delivery=item.get("delivery", []), playlists=playlists)


@router.post("/inbox/{inbox_id}/accept")
@access(roles=("approver",), scope="object")  # warnings (the matrix tries one); editors may also take news
async def inbox_accept(request: Request, inbox_id: int):
    principal = page_principal(request, "editor", "approver")
    form = await form_of(request)
    # Units an approver chose for a warning that only names its area: ticked candidates ("catalogue:code").
    chosen = [dict(zip(("catalogue", "code"), v.split(":", 1))) for v in form.list_of("unit") if ":" in v]
    body = inbox.AcceptIn(playlist_id=form.get("playlist_id") or None, units=chosen)
    row = await run_in_threadpool(domain_of(request).write, dinbox.accept, principal, inbox_id, body)  # wakes the boards
    if row["status"] == "refused":  # e.g. expired while it waited
        raise BadInput(f"Không phát được: {row['reason']}", f"not published: {row['payload'].get('reason_en', '')}")
    return redirect(f"/inbox/{inbox_id}", "inbox.accepted")


@router.post("/inbox/{inbox_id}/reject")
@access(roles=("approver",), scope="object")  # warnings (the matrix tries one); editors may also take news
async def inbox_reject(request: Request, inbox_id: int):
    principal = page_principal(request, "editor", "approver")
    form = await form_of(request)
    body = inbox.RejectIn(reason=form.get("reason", "").strip()[:500])
    await run_in_threadpool(domain_of(request).write, dinbox.reject, principal, inbox_id, body)
    return redirect("/inbox", "inbox.rejected")
