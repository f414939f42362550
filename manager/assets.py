"""Uploaded media: checked, then kept once under its SHA-256.

A file is judged by its content, not its name: images are fully decoded with
Pillow, videos probed with ffpyplayer, and a name that claims another type
than the content is refused. Nothing reaches the store until every check has
passed, so a refused upload leaves no trace.
"""
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlite_utils import Database

from manager.errors import BadInput, NotFound, TooLarge, UnsupportedMedia
from protocol.text import nfc
from protocol.timebase import iso, utcnow

CHUNK = 1 << 20
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo", "video/mp2t"}
EXTENSIONS = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".mkv": "video/x-matroska",
    ".avi": "video/x-msvideo", ".ts": "video/mp2t",
    ".heic": "image/heif", ".heif": "image/heif", ".avif": "image/avif",
}
ACCEPTED_VI = "Chỉ nhận ảnh JPEG, PNG, GIF, WebP và video MP4, MOV, WebM, MKV, AVI, TS."
ACCEPTED_EN = "Only JPEG, PNG, GIF and WebP images and MP4, MOV, WebM, MKV, AVI and TS videos are accepted."
_NAMES = {"image/jpeg": "ảnh JPEG", "image/png": "ảnh PNG", "image/gif": "ảnh GIF", "image/webp": "ảnh WebP",
          "video/mp4": "video MP4", "video/quicktime": "video MOV", "video/webm": "video WebM", "video/x-matroska": "video MKV",
          "video/x-msvideo": "video AVI", "video/mp2t": "video MPEG-TS"}
# ISO base media files whose brand says HEIF/AVIF still image, not video: phones save photos this way.
_STILL_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
# QuickTime files from older cameras start with an atom, not `ftyp`.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


@dataclass(frozen=True)
class Probe:
    mime: str
    kind: str
    width: int | None
    height: int | None
    duration_s: float | None


def sniff(head: bytes) -> str | None:
    """The media type the first bytes show, or None when it is nothing we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        if head[8:12] in _STILL_BRANDS:
            return "image/heif"
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "video/quicktime"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[:1] == b"\x47" and head[188:189] == b"\x47":
        return "video/mp2t"
    return None


def safe_name(filename: str) -> str:
    """A display name only: never used as a path. Drops folders, control characters and excess length."""
    name = nfc(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return (name or "tep-khong-ten")[:200]


def _probe_image(path: Path, mime: str, max_pixels: int) -> Probe:
    try:
        with Image.open(path) as img:
            if img.width * img.height > max_pixels:
                raise TooLarge(f"Ảnh quá lớn ({img.width}x{img.height} điểm ảnh); tối đa {max_pixels:,} điểm ảnh",
                               f"image too large ({img.width}x{img.height}); at most {max_pixels:,} pixels")
            if img.format != IMAGE_TYPES[mime]:
                raise BadInput("Nội dung ảnh không khớp với định dạng của nó", "image content does not match its format")
            img.load()  # a full decode: a truncated or corrupt file fails here, not on a board
            # EXIF orientations 5-8 turn the picture a quarter: the board shows it turned.
            turned = img.getexif().get(0x0112) in (5, 6, 7, 8)
            width, height = (img.height, img.width) if turned else img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise BadInput(f"Tệp ảnh bị hỏng hoặc không đọc được ({exc.__class__.__name__})",
                       f"the image is corrupt or unreadable: {exc}", code="corrupt_media") from exc
    return Probe(mime, "image", width, height, None)


def _probe_video(path: Path, mime: str, timeout_s: float = 10.0) -> Probe:
    from ffpyplayer.player import MediaPlayer

    player = MediaPlayer(str(path), ff_opts={"paused": True, "an": True, "sn": True})
    try:
        deadline = time.monotonic() + timeout_s
        meta = player.get_metadata()
        while (meta.get("duration") is None or meta.get("src_vid_size") == (0, 0)) and time.monotonic() < deadline:
            time.sleep(0.02)
            meta = player.get_metadata()
    finally:
        player.close_player()
    width, height = meta.get("src_vid_size") or (0, 0)
    if not meta.get("duration") or not width:
        raise BadInput("Tệp video bị hỏng hoặc không có hình", "the video is corrupt or has no picture", code="corrupt_media")
    return Probe(mime, "video", width, height, float(meta["duration"]))


def probe(path: Path, filename: str, max_pixels: int) -> Probe:
    with path.open("rb") as f:
        head = f.read(256)
    mime = sniff(head)
    if mime == "image/heif":
        raise UnsupportedMedia(f"Ảnh HEIC/AVIF (thường chụp từ điện thoại) chưa được hỗ trợ; hãy lưu lại ảnh dưới dạng "
                               f"JPEG rồi tải lên. {ACCEPTED_VI}",
                               f"HEIC/AVIF photos are not supported; save the photo as JPEG and upload that. {ACCEPTED_EN}")
    if mime is None:
        raise UnsupportedMedia(f"Định dạng tệp không được hỗ trợ. {ACCEPTED_VI}", f"unsupported file type. {ACCEPTED_EN}")
    claimed = EXTENSIONS.get(os.path.splitext(filename.lower())[1])
    if claimed and claimed.split("/")[0] != mime.split("/")[0]:
        ext = os.path.splitext(filename)[1]
        raise UnsupportedMedia(f"Nội dung tệp là {_NAMES[mime]} nhưng tên tệp có đuôi {ext}; hãy kiểm tra lại tệp",
                               f"the file contains {mime} but its name ends in {ext}")
    if mime in IMAGE_TYPES:
        return _probe_image(path, mime, max_pixels)
    return _probe_video(path, mime)


class AssetStore:
    """Files under <root>/<sha[:2]>/<sha>; `tmp/` holds uploads still being checked."""

    def __init__(self, root: Path):
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise NotFound("Không có tệp này", "no such asset")
        return self.root / sha256[:2] / sha256

    def new_upload(self):
        return tempfile.NamedTemporaryFile(dir=self.tmp, delete=False, prefix="upload-")

    def keep(self, tmp_path: Path, sha256: str) -> Path:
        final = self.path(sha256)
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp_path, final)  # atomic: a reader sees the whole file or none
        return final


class UploadSink:
    """Receives an upload chunk by chunk, hashing and counting as it goes."""

    def __init__(self, store: AssetStore, max_bytes: int):
        self.file = store.new_upload()
        self.path = Path(self.file.name)
        self.max_bytes = max_bytes
        self.size = 0
        self.hash = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.discard()
            raise too_large(self.max_bytes)
        self.hash.update(chunk)
        self.file.write(chunk)

    def finish(self) -> str:
        self.file.close()
        if self.size == 0:
            self.discard()
            raise BadInput("Tệp rỗng (0 byte); hãy chọn lại tệp", "the file is empty", code="empty_file")
        return self.hash.hexdigest()

    def discard(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def too_large(max_bytes: int) -> TooLarge:
    mb = max_bytes // (1024 * 1024)
    return TooLarge(f"Tệp quá lớn: tối đa {mb} MB", f"file too large: at most {mb} MB")


def record(db: Database, sha256: str, size: int, found: Probe, filename: str, uploaded_by: int | None,
           unit_catalogue: str | None, unit_code: str | None) -> dict:
    existing = list(db.query("SELECT * FROM assets WHERE sha256 = ?", [sha256]))
    if existing:
        return existing[0]
    row = dict(sha256=sha256, size=size, mime=found.mime, kind=found.kind, width=found.width, height=found.height,
               duration_s=found.duration_s, original_name=safe_name(filename), uploaded_by=uploaded_by,
               unit_catalogue=unit_catalogue, unit_code=unit_code, created_at=iso(utcnow()))
    db["assets"].insert(row)
    return row


def get(db: Database, sha256: str) -> dict:
    rows = list(db.query("SELECT * FROM assets WHERE sha256 = ?", [sha256]))
    if not rows:
        raise NotFound("Không có tệp này", "no such asset")
    return rows[0]
