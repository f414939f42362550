"""The content library (upload, thumbnails, usage), the bulletin editor and playlists."""
import json
import time
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from PIL import Image, ImageOps
from starlette.concurrency import run_in_threadpool

from layouts import DEFAULT_LAYOUT_ID, builtin_layouts
from manager import assets, content, documents
from manager.api.access import CONTENT, access
from manager.api.deps import domain_of
from manager.console import notice_pages
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.domain import assets as dassets
from manager.domain import content as dcontent
from manager.domain import editing
from manager.errors import BadInput, NotFound
from protocol.imaging import flattened, to_display
from protocol.layout import ZoneKind

router = APIRouter(include_in_schema=False)
THUMB_SIZE = (320, 180)
ITEM_FIELDS = ("zone", "kind", "asset", "title", "body", "text", "duration_s", "fit", "muted", "notice")


def _visible_assets(request: Request, principal) -> list[dict]:
    return domain_of(request).read(dassets.list_assets, principal)


@router.get("/library")
@access(roles=CONTENT)
def library(request: Request):
    return library_page(request, page_principal(request, *CONTENT_ROLES))


def library_page(request: Request, principal, results: list[dict] | None = None):
    """`results`: what became of each file of a plain (no script) upload form."""
    rows = _visible_assets(request, principal)
    usage, elsewhere = domain_of(request).read(dcontent.playlist_uses_of_assets, principal, [r["sha256"] for r in rows])
    return render(request, "library.html", assets=rows, usage=usage, elsewhere=elsewhere, results=results,
                  max_mb=request.app.state.settings.max_upload_mb)


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
@access(roles=CONTENT, scope="object")
def thumbnail(request: Request, sha256: str):
    principal = page_principal(request, *CONTENT_ROLES)
    found = domain_of(request).read(dassets.asset_for, principal, sha256)
    path = _thumbnail(request.app.state.assets, sha256, found["kind"])
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/bulletins/new")
@access(roles=CONTENT)
def bulletin_editor(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    images = [a for a in _visible_assets(request, principal) if a["kind"] == "image"]
    return render(request, "bulletin.html", layouts=builtin_layouts(), images=images)


ZONE_KIND_VI = {ZoneKind.media: "ảnh, video", ZoneKind.bulletin: "bản tin", ZoneKind.ticker: "chữ chạy",
                ZoneKind.clock: "đồng hồ", ZoneKind.header: "đầu trang"}


def zone_of(layout_id: str, kind: ZoneKind) -> str:
    layout = builtin_layouts().get(layout_id)
    if layout is None:
        raise BadInput(f"Không có bố cục {layout_id!r}", f"no layout {layout_id!r}")
    zones = layout.zones_of(kind)
    if not zones:
        raise BadInput(f"Bố cục {layout.name} không có vùng {ZONE_KIND_VI[kind]}", f"layout {layout_id} has no {kind.value} zone")
    return zones[0].id


def duration_of(form, default: float) -> float:
    """Seconds as typed, a decimal comma allowed ("7,5"), within the bounds every item has."""
    try:
        value = float(str(form.get("duration_s") or default).strip().replace(",", "."))
    except ValueError as exc:
        raise BadInput("Thời lượng phải là một số giây", "duration must be a number of seconds") from exc
    content.check_duration(None, value)
    return value


@router.post("/bulletins/new")
@access(roles=CONTENT)
async def bulletin_save(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    layout = form.get("layout") or DEFAULT_LAYOUT_ID
    duration = duration_of(form, 20)
    items = []
    if form.get("asset"):
        items.append(content.ItemIn(zone=zone_of(layout, ZoneKind.media), kind="image", asset=form["asset"], duration_s=duration))
    notice = notice_pages.notice_of(form)
    if notice is not None and not notice.is_empty:
        items.append(content.ItemIn(zone=zone_of(layout, ZoneKind.bulletin), kind="bulletin", notice=notice, duration_s=duration))
    elif notice is None and (form.get("title", "").strip() or form.get("body", "").strip()):
        items.append(content.ItemIn(zone=zone_of(layout, ZoneKind.bulletin), kind="bulletin", title=form.get("title", "").strip(),
                                    body=form.get("body", "").strip(), duration_s=duration))
    if form.get("ticker", "").strip():
        items.append(content.ItemIn(zone=zone_of(layout, ZoneKind.ticker), kind="ticker", text=form["ticker"].strip(), duration_s=60))
    if not items:
        raise BadInput("Bản tin cần tiêu đề, nội dung hoặc dòng chữ chạy", "a bulletin needs a title, text or ticker")
    body = content.PlaylistIn(name=form.required("name", "tên danh sách phát", "playlist name"), layout=layout, items=items)
    playlist = await run_in_threadpool(domain_of(request).write, dcontent.create_playlist, principal, body)
    return redirect(f"/playlists/{playlist['id']}", "common.saved")


@router.get("/playlists")
@access(roles=CONTENT)
def playlists(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    rows = domain_of(request).read(dcontent.list_playlists, principal)
    return render(request, "playlists.html", playlists=rows, layouts=builtin_layouts())


def item_json(item: dict) -> str:
    shown = {k: item["asset_sha256"] if k == "asset" else item[k] for k in ITEM_FIELDS}
    shown["muted"] = bool(item["muted"])
    return json.dumps({k: v for k, v in shown.items() if v is not None}, ensure_ascii=False)


@router.get("/playlists/{playlist_id}")
@access(roles=CONTENT, scope="object")
def playlist_page(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    domain = domain_of(request)
    playlist = domain.read(dcontent.get_playlist, principal, playlist_id)
    media = [a for a in _visible_assets(request, principal) if a["kind"] in ("image", "video", "document")]
    names = {a["sha256"]: a["original_name"] for a in media}
    on_air = domain.read(dcontent.playlist_schedules, principal, playlist_id)
    layout = builtin_layouts().get(playlist["layout"])
    # The zones each kind of item may be moved to in this layout.
    zones_for = {kind.value: [z.id for z in (layout.zones if layout else []) if z.kind == zone] for kind, zone in content.ZONE_FOR_KIND.items()}
    return render(request, "playlist.html", p=playlist, item_json=item_json, media=media, names=names, layout=layout,
                  schedules=on_air, zones_for=zones_for)


@router.post("/playlists/{playlist_id}/items")
@access(roles=CONTENT, scope="object")
async def playlist_add(request: Request, playlist_id: str):
    principal = page_principal(request, *CONTENT_ROLES)
    form = await form_of(request)
    sha = form.required("asset", "tệp", "file")
    await run_in_threadpool(domain_of(request).write, editing.add_media, principal, playlist_id, sha, duration_of(form, 10))
    return redirect(f"/playlists/{playlist_id}", "common.saved")
