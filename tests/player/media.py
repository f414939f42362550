"""Test media and manifests, generated in the test (no downloads)."""
import hashlib
import io
from datetime import timedelta
from pathlib import Path

from PIL import Image

from protocol.manifest import AssetRef, BoardInfo, Item, ItemKind, Manifest, Playlist
from protocol.timebase import utcnow

VIETNAMESE_TEXT = "Thông báo khẩn: Ủy ban nhân dân xã Đồng Tiến"


def animated_gif(colours: list[tuple[int, int, int]], frame_ms: int = 300, size=(640, 360)) -> bytes:
    frames = [Image.new("RGB", size, c) for c in colours]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=frame_ms, loop=0)
    return out.getvalue()


def jpeg_bytes(colour: tuple[int, int, int], size=(640, 360), exif_orientation: int | None = None) -> bytes:
    img = Image.new("RGB", size, colour)
    buf = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        img.save(buf, "JPEG", quality=90, exif=exif)
    else:
        img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def asset_ref(data: bytes, kind=ItemKind.image, mime="image/jpeg") -> AssetRef:
    digest = sha(data)
    return AssetRef(sha256=digest, size=len(data), mime=mime, kind=kind, url=f"/assets/{digest}")


def manifest(media: list[bytes], *, ticker: str = "", bulletin: tuple[str, str] | None = None,
             alerts=(), layout="landscape-16x9", image_s: float = 10, unit_name="Xã Đồng Tiến") -> Manifest:
    now = utcnow()
    assets = {}
    items = []
    for n, data in enumerate(media):
        ref = asset_ref(data)
        assets[ref.sha256] = ref
        items.append(Item(id=f"img{n}", zone="main", kind=ItemKind.image, asset=ref.sha256, duration_s=image_s))
    if ticker:
        items.append(Item(id="tick", zone="ticker", kind=ItemKind.ticker, text=ticker))
    if bulletin:
        items.append(Item(id="bul", zone="bulletin", kind=ItemKind.bulletin, title=bulletin[0], body=bulletin[1]))
    board = BoardInfo(id="b1", name="Bảng 1", unit_catalogue="2025", unit_code="00001", unit_name=unit_name,
                      board_class="commune", width=1920, height=1080, orientation="landscape",
                      layout=layout)
    return Manifest(generated_at=now, valid_until=now + timedelta(days=7), board=board, layouts={},
                    assets=assets, playlists={"p": Playlist(id="p", name="P", layout=layout, items=items)},
                    schedule=[], default_playlist="p", alerts=list(alerts)).with_version()


def seed_cache(data_dir: Path, blobs: list[bytes]) -> None:
    for data in blobs:
        digest = sha(data)
        path = data_dir / "cache" / digest[:2] / digest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_mp4(path: Path, size=(320, 180), fps: int = 30, seconds: float = 2.0,
              colours=((0, 200, 0), (0, 0, 200)), switch_every: int = 15) -> Path:
    """An H.264 test video alternating between solid colours, encoded with ffpyplayer."""
    from ffpyplayer.pic import Image as FFImage
    from ffpyplayer.writer import MediaWriter

    w, h = size
    out = [{"pix_fmt_in": "rgb24", "width_in": w, "height_in": h, "codec": "libx264",
            "frame_rate": (fps, 1), "pix_fmt_out": "yuv420p"}]
    writer = MediaWriter(str(path), out, fmt="mp4", overwrite=True, lib_opts={"preset": "ultrafast"})
    frames = [bytes(c) * (w * h) for c in colours]
    for i in range(int(fps * seconds)):
        buf = frames[(i // switch_every) % len(frames)]
        writer.write_frame(img=FFImage(plane_buffers=[buf], pix_fmt="rgb24", size=(w, h)), pts=i / fps, stream=0)
    writer.close()
    return path
