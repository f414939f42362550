"""The source link's pages: sources and what went wrong with them, the inbox, one item and its delivery.

Every change goes through the routes of `manager/api/source_api.py`, so the
role checks, the audit log and the boards' wake-up are the API's own.
"""
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import auth, content
from manager.api import source_api
from manager.console.forms import form_of
from manager.console.views import page_principal, redirect, render
from manager.errors import BadInput
from manager.sources import inbox, registry, store

router = APIRouter(include_in_schema=False)
READERS = ("editor", "approver")  # admin always; auditors keep to reports and the audit log
STATUSES = ("pending", "published", "accepted", "rejected", "superseded", "refused", "skipped")
PROBLEMS = 50  # refused and skipped documents shown
PER_SOURCE = 10  # events shown per source


def _problems(db) -> list[dict]:
    """The sources' events and the documents they sent that were refused or skipped, newest first."""
    names = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM sources")}
    # Each source's own newest events: a noisy source cannot push a quiet one's failure off the page.
    events = [e for source_id in names for e in store.events(db, source_id, PER_SOURCE)]
    found = [{"at": e["at"], "source": names.get(e["source_id"], "—"), "level": e["level"], "message": e["message"],
              "message_en": e["message_en"], "item": None, "code": e.get("code")} for e in events]
    for row in inbox.list_items(db, "refused", None, PROBLEMS) + inbox.list_items(db, "skipped", None, PROBLEMS):
        found.append({"at": row["received_at"], "source": names.get(row["source_id"], "—"), "level": row["status"],
                      "message": row["reason"] or "", "message_en": row["payload"].get("reason_en", ""), "item": row["id"],
                      "code": row["payload"].get("error")})
    found.sort(key=lambda p: p["at"], reverse=True)
    return found


def _sources_page(request: Request, principal, new_token: dict | None = None):
    with request.app.state.store.read() as db:
        sources = store.list_all(db)
        problems = _problems(db)
    return render(request, "sources.html", sources=sources, problems=problems, adapters=sorted(registry.adapters()),
                  new_token=new_token, can_admin=principal.is_admin)


@router.get("/sources")
def sources_page(request: Request):
    principal = page_principal(request, *READERS)
    return _sources_page(request, principal)


def _interval(form) -> int:
    try:
        return int(form.get("poll_interval_s", "60") or 0)
    except ValueError as exc:
        raise BadInput("Chu kỳ đọc là số giây (0: chỉ nhận đẩy)", "the poll interval is a number of seconds (0: push only)") from exc


@router.post("/sources")
async def source_create(request: Request):
    principal = page_principal(request)
    auth.require_role(principal, "admin")
    form = await form_of(request)
    interval = _interval(form)
    try:
        body = store.SourceIn(name=form.required("name", "tên nguồn", "source name"), adapter=form.required("adapter", "bộ đọc", "adapter"),
                              url=form.get("url", "").strip(), mode=form.get("mode", "approval"), poll_interval_s=interval)
    except ValueError as exc:
        raise BadInput(f"Thông tin nguồn không hợp lệ: {exc.errors()[0]['msg']}", f"invalid source: {exc.errors()[0]['msg']}") from exc
    made = await run_in_threadpool(source_api.create_source, body, request, principal)
    return _sources_page(request, principal, {"source": made["name"], "token": made["push_token"]})


@router.post("/sources/{source_id}")
async def source_update(request: Request, source_id: int):
    """The edit form as `PATCH /api/v1/sources/{id}`'s body, through that route (admin only, audited, the poller woken)."""
    principal = page_principal(request)
    auth.require_role(principal, "admin")
    form = await form_of(request)
    interval = _interval(form)
    changes = dict(url=form.get("url", "").strip(), mode=form.get("mode", "approval"), poll_interval_s=interval,
                   enabled=form.get("enabled") == "1")
    if "signing_certificate" in form:  # CAP sources: an empty box accepts unsigned messages again
        with request.app.state.store.read() as db:
            config = store.get(db, source_id)["config"]
        changes["config"] = {**config, "signing_certificate": form.get("signing_certificate", "").strip()}
    try:
        body = store.SourcePatch(**changes)
    except ValueError as exc:
        raise BadInput(f"Thông tin nguồn không hợp lệ: {exc.errors()[0]['msg']}", f"invalid source: {exc.errors()[0]['msg']}") from exc
    await run_in_threadpool(source_api.update_source, source_id, body, request, principal)
    return redirect("/sources", "sources.saved")


@router.post("/sources/{source_id}/poll")
async def source_poll(request: Request, source_id: int):
    """Poll now (admin): `POST /api/v1/sources/{id}/poll`'s function; a failure shows as the source's last error."""
    principal = page_principal(request)
    auth.require_role(principal, "admin")
    await run_in_threadpool(source_api.poll_source_now, source_id, request, principal)  # the poller wakes boards on news
    return redirect("/sources", "sources.polled")


@router.post("/sources/{source_id}/token")
def source_rotate(request: Request, source_id: int):
    principal = page_principal(request)
    auth.require_role(principal, "admin")
    token = source_api.rotate_source_token(source_id, request, principal)["push_token"]
    with request.app.state.store.read() as db:
        name = store.get(db, source_id)["name"]
    return _sources_page(request, principal, {"source": name, "token": token})


@router.get("/inbox")
def inbox_page(request: Request, status: str = "pending"):
    principal = page_principal(request, *READERS)
    if status not in STATUSES and status != "all":
        status = "pending"
    items = source_api.list_inbox(request, None if status == "all" else status, None, 200, principal)
    with request.app.state.store.read() as db:
        names = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM sources")}
        playlists = content.list_playlists(db, principal) if any(i["kind"] != "cap" for i in items) else []
    return render(request, "inbox.html", items=items, current=status, statuses=STATUSES, names=names, playlists=playlists)


@router.get("/inbox/{inbox_id}")
def inbox_item_page(request: Request, inbox_id: int):
    principal = page_principal(request, *READERS)
    item = source_api.get_inbox_item(inbox_id, request, principal)
    with request.app.state.store.read() as db:
        source = store.get(db, item["source_id"])
        # Other units' boards are not named (as on the boards wall).
        delivery = [d for d in item.get("delivery", []) if auth.in_scope(db, principal, d["unit_catalogue"], d["unit_code"])]
        playlists = content.list_playlists(db, principal) if item["kind"] != "cap" else []
    return render(request, "inbox_item.html", item=item, source=source, delivery=delivery, playlists=playlists)


@router.post("/inbox/{inbox_id}/accept")
async def inbox_accept(request: Request, inbox_id: int):
    principal = page_principal(request, "editor", "approver")
    form = await form_of(request)
    # Units an approver chose for a warning that only names its area: ticked candidates ("catalogue:code").
    chosen = [dict(zip(("catalogue", "code"), v.split(":", 1))) for v in form.list_of("unit") if ":" in v]
    body = inbox.AcceptIn(playlist_id=form.get("playlist_id") or None, units=chosen)
    row = await run_in_threadpool(source_api.accept_inbox_item, inbox_id, request, body, principal)  # wakes the boards
    if row["status"] == "refused":  # e.g. expired while it waited
        raise BadInput(f"Không phát được: {row['reason']}", f"not published: {row['payload'].get('reason_en', '')}")
    return redirect(f"/inbox/{inbox_id}", "inbox.accepted")


@router.post("/inbox/{inbox_id}/reject")
async def inbox_reject(request: Request, inbox_id: int):
    principal = page_principal(request, "editor", "approver")
    form = await form_of(request)
    body = inbox.RejectIn(reason=form.get("reason", "").strip()[:500])
    await run_in_threadpool(source_api.reject_inbox_item, inbox_id, request, body, principal)
    return redirect("/inbox", "inbox.rejected")
