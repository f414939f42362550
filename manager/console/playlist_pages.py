"""Playlists changed from their pages: made empty, renamed, copied, deleted (after a confirmation step),
one item edited in place, one more bulletin added. Each is one call into `manager.domain.editing`."""
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from layouts import DEFAULT_LAYOUT_ID
from manager import content
from manager.api.access import CONTENT, access
from manager.api.deps import domain_of
from manager.console.content_pages import duration_of, zone_of
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.domain import content as dcontent
from manager.domain import editing
from protocol.layout import ZoneKind

router = APIRouter(include_in_schema=False)


async def _write(request: Request, fn, *args):
    return await run_in_threadpool(domain_of(request).write, fn, *args)


@router.post("/playlists")
@access(roles=CONTENT)
async def playlist_create(request: Request):
    """An empty draft playlist, to fill on its own page."""
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    body = content.PlaylistIn(name=form.required("name", "tên danh sách phát", "playlist name"),
                              layout=form.get("layout") or DEFAULT_LAYOUT_ID)
    playlist = await _write(request, dcontent.create_playlist, principal, body)
    return redirect(f"/playlists/{playlist['id']}", "playlists.created")


@router.post("/playlists/{playlist_id}/rename")
@access(roles=CONTENT, scope="object")
async def playlist_rename(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    await _write(request, editing.rename_playlist, principal, playlist_id, form.required("name", "tên danh sách phát", "playlist name"))
    return redirect(f"/playlists/{playlist_id}", "playlists.renamed")


@router.post("/playlists/{playlist_id}/duplicate")
@access(roles=CONTENT, scope="object")
async def playlist_duplicate(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    copy = await _write(request, editing.duplicate_playlist, principal, playlist_id)
    return redirect(f"/playlists/{copy['id']}", "playlists.duplicated")


@router.get("/playlists/{playlist_id}/delete")
@access(roles=CONTENT, scope="object")
def playlist_delete_confirm(request: Request, playlist_id: str):
    """The confirmation step; a playlist still scheduled is refused here already, with the reason."""
    principal = page_principal(request, *CONTENT_ROLES)
    playlist = domain_of(request).read(editing.deletable_playlist, principal, playlist_id)
    return render(request, "confirm.html", heading="playlists.delete_heading", message="playlists.delete_question",
                  what=playlist["name"], action=f"/playlists/{playlist_id}/delete", go="playlists.delete",
                  cancel=f"/playlists/{playlist_id}")


@router.post("/playlists/{playlist_id}/delete")
@access(roles=CONTENT, scope="object")
async def playlist_delete(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    await _write(request, editing.delete_playlist, principal, playlist_id)
    return redirect("/playlists", "playlists.deleted")


@router.post("/playlists/{playlist_id}/items/{item_id}")
@access(roles=CONTENT, scope="object")
async def item_edit(request: Request, playlist_id: str, item_id: str):
    """The item's form sends only the fields its kind has; empty text is text too (a title removed)."""
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    fields = {k: form[k].strip() for k in ("zone", "title", "body", "text") if k in form}
    if "duration_s" in form:
        fields["duration_s"] = duration_of(form, 0)
    await _write(request, editing.edit_item, principal, playlist_id, item_id, content.ItemPatch(**fields))
    return redirect(f"/playlists/{playlist_id}", "playlists.item_saved")


@router.post("/playlists/{playlist_id}/bulletins")
@access(roles=CONTENT, scope="object")
async def bulletin_add(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    playlist = domain_of(request).read(dcontent.get_playlist, principal, playlist_id)
    item = content.ItemIn(zone=zone_of(playlist["layout"], ZoneKind.bulletin), kind="bulletin", title=form.get("title", "").strip(),
                          body=form.get("body", "").strip(), duration_s=duration_of(form, 20))
    await _write(request, editing.add_item, principal, playlist_id, item)
    return redirect(f"/playlists/{playlist_id}", "playlists.item_added")
