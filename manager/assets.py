"""Uploaded media: checked, then kept once under its SHA-256.

A file is judged by its content, not its name: images are fully decoded with
Pillow, videos probed with ffpyplayer, PDF documents opened with pdfium, and a
name that claims another type than the content is refused. BMP and TIFF (what
office scanners write) are converted to PNG, which every board decodes.
Nothing reaches the store until every check has passed, so a refused upload
leaves no trace.
"""
import hashlib
import logging
import os
import re
import tempfile
import time
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlite_utils import Database

from manager import documents
from manager.errors import BadInput, NotFound, TooLarge, UnsupportedMedia
from protocol.imaging import to_display
from protocol.text import nfc
from protocol.timebase import iso, utcnow

log = logging.getLogger(__name__)
CHUNK = 1 << 20
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP",
               "image/bmp": "BMP", "image/tiff": "TIFF"}
CONVERTED = {"image/bmp", "image/tiff"}  # stored as PNG: boards decode only what the store holds
DOCUMENT_TYPES = {"application/pdf"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo", "video/mp2t"}
EXTENSIONS = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".mkv": "video/x-matroska",
    ".avi": "video/x-msvideo", ".ts": "video/mp2t",
    ".bmp": "image/bmp", ".dib": "image/bmp", ".tif": "image/tiff", ".tiff": "image/tiff", ".pdf": "application/pdf",
    ".heic": "image/heif", ".heif": "image/heif", ".avif": "image/avif",
}
ACCEPTED_VI = "Chỉ nhận ảnh JPEG, PNG, GIF, WebP, BMP, TIFF, tài liệu PDF và video MP4, MOV, WebM, MKV, AVI, TS."
ACCEPTED_EN = ("Only JPEG, PNG, GIF, WebP, BMP and TIFF images, PDF documents and MP4, MOV, WebM, MKV, AVI and TS videos "
               "are accepted.")
_NAMES = {"image/jpeg": "ảnh JPEG", "image/png": "ảnh PNG", "image/gif": "ảnh GIF", "image/webp": "ảnh WebP",
          "image/bmp": "ảnh BMP", "image/tiff": "ảnh TIFF", "application/pdf": "tài liệu PDF",
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
    pages: int | None = None  # a document's page count; a TIFF's, when only its first page is kept


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
    if head[:2] == b"BM" and head[14:15] in (b"\x0c", b"\x28", b"\x40", b"\x6c", b"\x7c"):  # the DIB header's size
        return "image/bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if b"%PDF-" in head[:1024]:  # some writers put a few bytes before the header, as readers allow
        return "application/pdf"
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


MAX_NAME = 200


def safe_name(filename: str) -> str:
    """A display name only: never used as a path. Drops folders, control characters and excess length."""
    name = nfc(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".") or "tep-khong-ten"
    if len(name) <= MAX_NAME:
        return name
    stem, ext = os.path.splitext(name)
    ext = ext if len(ext) <= 10 else ""  # shortened, a name still says what type of file it is
    return stem[:MAX_NAME - len(ext)].rstrip() + ext


def image_too_large(max_pixels: int, size: tuple[int, int] | None = None) -> TooLarge:
    shown = f" ({size[0]}x{size[1]} điểm ảnh)" if size else ""
    most_vi = f"{max_pixels:,}".replace(",", ".")  # Vietnamese groups thousands with dots (a comma is its decimal mark)
    return TooLarge(f"Ảnh quá lớn{shown}; tối đa {most_vi} điểm ảnh",
                    f"image too large{' (%dx%d)' % size if size else ''}; at most {max_pixels:,} pixels")


def open_image(path: Path, max_pixels: int) -> Image.Image:
    """Pillow's image, refused as too large before any pixel is decoded: a small file that would
    decompress into gigabytes (a decompression bomb) is a picture too large, not a corrupt one."""
    with warnings.catch_warnings():
        # Pillow warns, then refuses, past its own limit; ours (max_pixels) is checked just below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise image_too_large(max_pixels) from exc
    if img.width * img.height > max_pixels:
        img.close()
        raise image_too_large(max_pixels, img.size)
    return img


def _probe_image(path: Path, mime: str, max_pixels: int) -> Probe:
    try:
        with open_image(path, max_pixels) as img:
            if img.format != IMAGE_TYPES[mime]:
                raise BadInput("Nội dung ảnh không khớp với định dạng của nó", "image content does not match its format")
            img.load()  # a full decode: a truncated or corrupt file fails here, not on a board
            # EXIF orientations 5-8 turn the picture a quarter: the board shows it turned.
            turned = img.getexif().get(0x0112) in (5, 6, 7, 8)
            width, height = (img.height, img.width) if turned else img.size
            frames = getattr(img, "n_frames", 1) if mime == "image/tiff" else None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        # The editor needs to know what to do, not Pillow's exception; the log keeps the detail.
        log.info("refused image %s: %r", path.name, exc)
        raise BadInput("Tệp ảnh bị hỏng hoặc không đọc được; hãy mở và lưu lại ảnh rồi tải lên",
                       "the image is corrupt or unreadable; open and save it again, then upload it", code="corrupt_media") from exc
    return Probe(mime, "image", width, height, None, frames)


def _probe_document(path: Path, mime: str) -> Probe:
    return Probe(mime, "document", None, None, None, documents.probe(path))


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
    if mime in DOCUMENT_TYPES:
        return _probe_document(path, mime)
    return _probe_video(path, mime)


@dataclass(frozen=True)
class Accepted:
    """An upload that passed every check: the file to keep (converted if need be) and what it is."""

    path: Path
    sha256: str
    size: int
    probe: Probe
    note_vi: str | None = None  # what the editor should know (a TIFF's other pages were left out)
    note_en: str | None = None


def accept(store: "AssetStore", path: Path, sha256: str, size: int, filename: str, max_pixels: int) -> Accepted:
    """Checks an uploaded file; BMP and TIFF come back converted to PNG (only a TIFF's first page)."""
    found = probe(path, filename, max_pixels)
    if found.mime not in CONVERTED:
        return Accepted(path, sha256, size, found)
    with open_image(path, max_pixels) as img:
        picture = ImageOps.exif_transpose(img)
        # Greys (most scans) stay grey; anything else becomes sRGB, as boards show it.
        picture = picture.convert("L") if picture.mode in ("1", "L") else to_display(picture)
    with store.new_upload() as f:
        picture.save(f, "PNG", compress_level=6)
        converted = Path(f.name)
    data = converted.read_bytes()
    path.unlink(missing_ok=True)
    png = Probe("image/png", "image", picture.width, picture.height, None, found.pages)
    if found.pages and found.pages > 1:
        return Accepted(converted, hashlib.sha256(data).hexdigest(), len(data), png,
                        f"Tệp TIFF có {found.pages} trang; bảng tin chỉ dùng trang đầu. Hãy gửi các trang khác thành "
                        f"từng ảnh, hoặc gửi cả tài liệu dưới dạng PDF.",
                        f"the TIFF has {found.pages} pages; only the first is used. Upload the others as separate "
                        f"images, or the whole document as a PDF.")
    return Accepted(converted, hashlib.sha256(data).hexdigest(), len(data), png)


def mime_of(db: Database, store: "AssetStore", sha256: str) -> str:
    """The media type to serve a stored file with: an upload's own, or PNG for a document's rendered page."""
    rows = list(db.query("SELECT mime FROM assets WHERE sha256 = ?", [sha256]))
    if rows:
        return rows[0]["mime"]
    path = store.path(sha256)
    if path.is_file():
        with path.open("rb") as f:
            if f.read(8) == b"\x89PNG\r\n\x1a\n":
                return "image/png"
    raise NotFound("Không có tệp này", "no such asset")


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

    def remove(self, sha256: str) -> None:
        """The file and what was made from it here (its thumbnails)."""
        self.path(sha256).unlink(missing_ok=True)
        for thumb in (self.root / "thumbs").glob(f"{sha256}*.jpg"):
            thumb.unlink(missing_ok=True)

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
           unit_catalogue: str | None, unit_code: str | None, note: str | None = None) -> dict:
    existing = list(db.query("SELECT * FROM assets WHERE sha256 = ?", [sha256]))
    if existing:
        return existing[0]
    row = dict(sha256=sha256, size=size, mime=found.mime, kind=found.kind, width=found.width, height=found.height,
               duration_s=found.duration_s, original_name=safe_name(filename), uploaded_by=uploaded_by,
               unit_catalogue=unit_catalogue, unit_code=unit_code, created_at=iso(utcnow()), pages=found.pages, note=note)
    db["assets"].insert(row)
    return row


def get(db: Database, sha256: str) -> dict:
    rows = list(db.query("SELECT * FROM assets WHERE sha256 = ?", [sha256]))
    if not rows:
        raise NotFound("Không có tệp này", "no such asset")
    return rows[0]


def delete(db: Database, sha256: str) -> None:
    db.execute("DELETE FROM assets WHERE sha256 = ?", [sha256])
