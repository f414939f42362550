"""PDF documents: checked on upload, rendered to page images for each board's zone size.

A commune office uploads its signed PDF; boards never see the PDF itself. For
each zone size a board shows it in, every page is rendered with pdfium
(pypdfium2) and cut by `protocol.documents.cut` into a whole page, halves or
thirds, so that body text reaches the board's legibility floor. The images go
into the asset store like uploads (content-addressed, immutable); an index
file per (document, size, floor) remembers them, so a size is rendered once.
Rendering is deterministic, which is also why the index is a file and not a
table: a missing index or image is simply rendered again.
"""
import hashlib
import json
import logging
import os
import statistics
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from manager.errors import BadInput, TooLarge
from protocol.documents import SCANNED_LINE_PT, SCANNED_PAGE_CHARS, cut, part_bounds

log = logging.getLogger(__name__)
MAX_PAGES = 50
RENDER_VERSION = 1  # bump when rendering changes, so boards get new images
# pdfium is not thread-safe: uploads and manifest builds run on several threads.
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PageText:
    width_pt: float
    height_pt: float
    line_pt: float  # the body text's line height
    scanned: bool  # no text layer: a scan of the signed paper
    char_tops: tuple[float, ...]  # each visible character's centre, in points from the page's top


def probe(path: Path) -> int:
    """The page count of a readable, unlocked PDF of at most MAX_PAGES pages."""
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            log.info("refused PDF %s: %s", path.name, exc)
            if "password" in str(exc).lower():
                raise BadInput("Tệp PDF có mật khẩu; hãy lưu một bản không mật khẩu rồi tải lên",
                               "the PDF is password-protected; upload a copy without a password", code="locked_document") from exc
            raise BadInput("Tệp PDF bị hỏng hoặc không đọc được", "the PDF is corrupt or unreadable", code="corrupt_media") from exc
        try:
            pages = len(pdf)
            if pages == 0:
                raise BadInput("Tệp PDF không có trang nào", "the PDF has no pages", code="corrupt_media")
            if pages > MAX_PAGES:
                raise TooLarge(f"Tài liệu quá dài ({pages} trang); tối đa {MAX_PAGES} trang",
                               f"document too long ({pages} pages); at most {MAX_PAGES} pages")
            for n in range(pages):
                width, height = pdf[n].get_size()
                if width < 1 or height < 1:
                    raise BadInput(f"Trang {n + 1} của tệp PDF bị hỏng", f"page {n + 1} of the PDF is broken", code="corrupt_media")
        finally:
            pdf.close()
    return pages


def _page_text(page) -> PageText:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        heights, tops = [], []
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            if not ch.strip():
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            if top - bottom > 0:
                heights.append(top - bottom)
                tops.append(height - (top + bottom) / 2)
    finally:
        textpage.close()
    if len(heights) < 20:  # a stamp or a page number is not a text layer
        return PageText(width, height, SCANNED_LINE_PT, True, ())
    return PageText(width, height, statistics.median(heights), False, tuple(tops))


def _chars_in(text: PageText, top: float, bottom: float) -> int:
    """Characters whose centre lies in the band [top, bottom); the last band takes what lies below too."""
    if text.scanned:
        return round(SCANNED_PAGE_CHARS * (min(bottom, text.height_pt) - top) / text.height_pt)
    return sum(1 for y in text.char_tops if top <= y < bottom)


def _open_for_rendering(path: Path):
    """The document with its form fields set up, so that a digital signature's visible stamp, a form
    widget, is drawn like the rest of the page."""
    pdf = pdfium.PdfDocument(str(path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pdfium.PdfiumWarning)
        pdf.init_forms()  # before any page is loaded, as pdfium requires
    for warning in caught:
        log.info("document %s: %s", path.name, warning.message)
    return pdf


def first_page(path: Path, side: int) -> Image.Image:
    """The first page as an RGB picture at most `side` pixels on its longer side (library thumbnails)."""
    with _PDFIUM:
        pdf = _open_for_rendering(path)
        try:
            page = pdf[0]
            scale = side / max(page.get_size())
            return page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil().convert("RGB")
        finally:
            pdf.close()


class DocumentRenderer:
    """Renders documents into `store` (an `AssetStore`) for a zone box and a legibility floor."""

    def __init__(self, store):
        self.store = store
        self.index_dir = store.root / "documents"

    def _index_path(self, sha256: str, box: tuple[int, int], floor_px: int) -> Path:
        return self.index_dir / sha256[:2] / f"{sha256}-{box[0]}x{box[1]}-{floor_px}-v{RENDER_VERSION}.json"

    def parts(self, sha256: str, box: tuple[int, int], floor_px: int) -> list[dict]:
        """The document's parts for this box, in showing order: page, part, parts, chars and the image
        (asset sha256, size in bytes, width, height). Rendered now if not rendered before."""
        box = (max(1, int(box[0])), max(1, int(box[1])))
        index = self._index_path(sha256, box, floor_px)
        if index.is_file():
            parts = json.loads(index.read_text())
            if all(self.store.path(p["asset"]).is_file() for p in parts):
                return parts
        parts = self._render(sha256, box, floor_px)
        index.parent.mkdir(parents=True, exist_ok=True)
        tmp = index.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(parts))
        tmp.replace(index)
        return parts

    def _render(self, sha256: str, box: tuple[int, int], floor_px: int) -> list[dict]:
        parts = []
        with _PDFIUM:
            pdf = _open_for_rendering(self.store.path(sha256))
            try:
                pages = len(pdf)
                for n in range(pages):
                    page = pdf[n]
                    text = _page_text(page)
                    chosen = cut(text.width_pt, text.height_pt, text.line_pt, box[0], box[1], floor_px)
                    if not chosen.readable:
                        log.info("document %s page %d: body lines %.0f px at best in %dx%d, under the %d px floor",
                                 sha256[:12], n + 1, chosen.line_px, box[0], box[1], floor_px)
                    # White under the page: a PDF page has no background of its own.
                    picture = page.render(scale=chosen.scale, fill_color=(255, 255, 255, 255)).to_pil().convert("RGB")
                    for part in range(1, chosen.parts + 1):
                        top, bottom = part_bounds(text.height_pt, chosen.parts, part)
                        band = picture.crop((0, round(top * chosen.scale), picture.width,
                                             min(picture.height, round(bottom * chosen.scale))))
                        if part == chosen.parts:
                            bottom = float("inf")
                        asset, size = self._keep(band)
                        parts.append(dict(asset=asset, size=size, width=band.width, height=band.height, page=n + 1,
                                          pages=pages, part=part, parts=chosen.parts, chars=_chars_in(text, top, bottom)))
            finally:
                pdf.close()
        log.info("rendered document %s for %dx%d (floor %d px): %d images", sha256[:12], box[0], box[1], floor_px, len(parts))
        return parts

    def _keep(self, picture: Image.Image) -> tuple[str, int]:
        with self.store.new_upload() as f:
            picture.save(f, "PNG", compress_level=6)
            tmp = Path(f.name)
        data = tmp.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        self.store.keep(tmp, digest)
        return digest, len(data)
