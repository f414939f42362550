"""The content library (upload, thumbnails, usage), the bulletin editor and playlists."""
import json
import time
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from PIL import Image, ImageOps
from starlette.concurrency import run_in_threadpool

from layouts import builtin_layouts
from manager import assets, content, documents
from manager.api import admin_api
from manager.console import notice_pages
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.errors import BadInput, NotFound
from protocol.imaging import flattened, to_display
from protocol.layout import ZoneKind

router = APIRouter(include_in_schema=False)
THUMB_SIZE = (320, 180)
ITEM_FIELDS = ("zone", "kind", "asset", "title", "body", "text", "duration_s", "fit", "muted", "notice")


def _visible_assets(request: Request, principal) -> list[dict]:
    return admin_api.list_assets(request, principal)


def _usage(db, principal, sha_list: list[str]) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Per file: the playlists in scope that use it, and how many others (not named) do."""
    visible = {p["id"]: p for p in content.list_playlists(db, principal)}
    used: dict[str, list[dict]] = {sha: [] for sha in sha_list}
    elsewhere = {sha: 0 for sha in sha_list}
    for row in db.query("SELECT DISTINCT asset_sha256, playlist_id FROM items WHERE asset_sha256 IS NOT NULL"):
        if row["asset_sha256"] not in used:
            continue
        if row["playlist_id"] in visible:
            used[row["asset_sha256"]].append(visible[row["playlist_id"]])
        else:
            elsewhere[row["asset_sha256"]] += 1
    return used, elsewhere


@router.get("/library")
def library(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    rows = _visible_assets(request, principal)
    with request.app.state.store.read() as db:
        usage, elsewhere = _usage(db, principal, [r["sha256"] for r in rows])
    return render(request, "library.html", assets=rows, usage=usage, elsewhere=elsewhere, max_mb=request.app.state.settings.max_upload_mb)


def _first_frame(path: Path, timeout_s: float = 5.0) -> Image.Image:
    """A video's first picture, decoded with ffpyplayer (as the boards do)."""
    from ffpyplayer.player import MediaPlayer

    player = MediaPlayer(str(path), ff_opts={"an": True, "sn": True, "out_fmt": "rgb24"})
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            frame, value = player.get_frame()
            if frame is not None:
                picture = frame[0]
                return Image.frombytes("RGB", picture.get_size(), bytes(picture.to_bytearray()[0]))
            if value == "eof":
                break
            time.sleep(0.01)
    finally:
        player.close_player()
    raise NotFound("Không lấy được hình từ video", "no picture in the video")


def _thumbnail(store: assets.AssetStore, sha256: str, kind: str) -> Path:
    """A small JPEG beside the store, made once per file (the name is the content's hash)."""
    # "-2": thumbnails made before transparency was kept showed some pictures all black; made again.
    out = store.root / "thumbs" / f"{sha256}-2.jpg"
    if not out.exists():
        out.parent.mkdir(exist_ok=True)
        if kind == "video":
            small = _first_frame(store.path(sha256))
        elif kind == "document":
            small = documents.first_page(store.path(sha256), max(THUMB_SIZE))
        else:
            with Image.open(store.path(sha256)) as img:
                small = to_display(ImageOps.exif_transpose(img))
        small.thumbnail(THUMB_SIZE)
        tmp = out.with_suffix(".tmp")
        flattened(small).save(tmp, "JPEG", quality=80)  # transparent parts as a checkerboard, not their hidden colour
        tmp.replace(out)
    return out


@router.get("/library/{sha256}/thumb.jpg")
def thumbnail(request: Request, sha256: str):
    principal = page_principal(request, *CONTENT_ROLES)
    found = next((a for a in _visible_assets(request, principal) if a["sha256"] == sha256), None)
    if found is None:
        raise NotFound("Không có tệp này", "no such file")
    path = _thumbnail(request.app.state.assets, sha256, found["kind"])
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/bulletins/new")
def bulletin_editor(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    images = [a for a in _visible_assets(request, principal) if a["kind"] == "image"]
    return render(request, "bulletin.html", layouts=builtin_layouts(), images=images)


def _zone(layout_id: str, kind: ZoneKind) -> str:
    layout = builtin_layouts().get(layout_id)
    if layout is None:
        raise BadInput(f"Không có bố cục {layout_id!r}", f"no layout {layout_id!r}")
    zones = layout.zones_of(kind)
    if not zones:
        raise BadInput(f"Bố cục {layout.name} không có vùng {kind.value}", f"layout {layout_id} has no {kind.value} zone")
    return zones[0].id


def _duration(form, default: float) -> float:
    try:
        return float(form.get("duration_s") or default)
    except ValueError as exc:
        raise BadInput("Thời lượng phải là một số giây", "duration must be a number of seconds") from exc


@router.post("/bulletins/new")
async def bulletin_save(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    layout = form.get("layout") or "landscape-16x9"
    duration = _duration(form, 20)
    items = []
    if form.get("asset"):
        items.append(content.ItemIn(zone=_zone(layout, ZoneKind.media), kind="image", asset=form["asset"], duration_s=duration))
    notice = notice_pages.notice_of(form)
    if notice is not None and not notice.is_empty:
        items.append(content.ItemIn(zone=_zone(layout, ZoneKind.bulletin), kind="bulletin", notice=notice, duration_s=duration))
    elif notice is None and (form.get("title", "").strip() or form.get("body", "").strip()):
        items.append(content.ItemIn(zone=_zone(layout, ZoneKind.bulletin), kind="bulletin", title=form.get("title", "").strip(),
                                    body=form.get("body", "").strip(), duration_s=duration))
    if form.get("ticker", "").strip():
        items.append(content.ItemIn(zone=_zone(layout, ZoneKind.ticker), kind="ticker", text=form["ticker"].strip(), duration_s=60))
    if not items:
        raise BadInput("Bản tin cần tiêu đề, nội dung hoặc dòng chữ chạy", "a bulletin needs a title, text or ticker")
    body = content.PlaylistIn(name=form.required("name", "tên danh sách phát", "playlist name"), layout=layout, items=items)
    playlist = await run_in_threadpool(admin_api.create_playlist, body, request, principal)
    return redirect(f"/playlists/{playlist['id']}", "common.saved")


@router.get("/playlists")
def playlists(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    rows = admin_api.list_playlists(request, principal)
    return render(request, "playlists.html", playlists=rows, layouts=builtin_layouts())


def item_json(item: dict) -> str:
    shown = {k: item["asset_sha256"] if k == "asset" else item[k] for k in ITEM_FIELDS}
    shown["muted"] = bool(item["muted"])
    return json.dumps({k: v for k, v in shown.items() if v is not None}, ensure_ascii=False)


@router.get("/playlists/{playlist_id}")
def playlist_page(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    playlist = admin_api.get_playlist(playlist_id, request, principal)
    media = [a for a in _visible_assets(request, principal) if a["kind"] in ("image", "video", "document")]
    names = {a["sha256"]: a["original_name"] for a in media}
    return render(request, "playlist.html", p=playlist, item_json=item_json, media=media, names=names,
                  layout=builtin_layouts().get(playlist["layout"]))


@router.post("/playlists/{playlist_id}/items")
async def playlist_add(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    sha = form.required("asset", "tệp", "file")

    def add():
        playlist = admin_api.get_playlist(playlist_id, request, principal)
        with request.app.state.store.read() as db:
            kind = assets.get(db, sha)["kind"]
        items = [content.ItemIn(**json.loads(item_json(i))) for i in playlist["items"]]
        items.append(content.ItemIn(zone=_zone(playlist["layout"], ZoneKind.media), kind=kind, asset=sha,
                                    duration_s=_duration(form, 10)))
        body = content.PlaylistIn(name=playlist["name"], layout=playlist["layout"], items=items)
        return admin_api.update_playlist(playlist_id, body, request, principal)

    await run_in_threadpool(add)
    return redirect(f"/playlists/{playlist_id}", "common.saved")
