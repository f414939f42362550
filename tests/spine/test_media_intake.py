"""Media as offices actually have it: scans (BMP, TIFF), PDF documents, bombs, 16-bit transparency."""
import hashlib
import io
import re

import requests
from PIL import Image

from tests.pdfs import Page, text_lines, write_pdf
from tests.spine.test_assets import _stored_files

CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]+(Error|Exception|Warning)\b")


def _bytes(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def _served(manager, asset) -> Image.Image:
    r = manager.admin.get(f"{manager.base_url}/assets/{asset['sha256']}")
    assert r.status_code == 200
    return Image.open(io.BytesIO(r.content))


def test_bmp_converted_to_png(manager):
    bmp = _bytes(Image.new("RGB", (120, 80), (10, 200, 30)), "BMP")
    asset = manager.upload(bmp, "áp phích.bmp")
    assert asset["mime"] == "image/png" and asset["kind"] == "image" and (asset["width"], asset["height"]) == (120, 80)
    assert asset["original_name"] == "áp phích.bmp" and asset["sha256"] != hashlib.sha256(bmp).hexdigest()
    with _served(manager, asset) as img:
        assert img.format == "PNG" and img.convert("RGB").getpixel((60, 40)) == (10, 200, 30)


def test_multipage_tiff_keeps_its_first_page_and_says_so(manager):
    pages = [Image.new("RGB", (200, 100), c) for c in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    tiff = _bytes(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    asset = manager.upload(tiff, "ban-quet.tif")
    assert asset["mime"] == "image/png" and asset["pages"] == 3
    assert "3 trang" in asset["note"] and "trang đầu" in asset["note"]
    with _served(manager, asset) as img:
        assert img.convert("RGB").getpixel((100, 50)) == (200, 0, 0), "the first page, not another"
    # A scanner's bilevel (fax-compressed) page stays a grey picture.
    scan = Image.new("1", (300, 200), 1)
    scan.paste(0, (0, 0, 150, 200))
    asset = manager.upload(_bytes(scan, "TIFF", compression="group4"), "cong-van.tiff")
    assert asset["note"] is None and asset["pages"] == 1
    with _served(manager, asset) as img:
        assert img.mode == "L" and img.getpixel((10, 10)) == 0 and img.getpixel((290, 10)) == 255


def test_decompression_bomb_is_too_large_with_the_limit(manager):
    """A 60 KB PNG that would decode into 225 megapixels: over Pillow's own limit, refused as too large."""
    bomb = _bytes(Image.new("1", (15000, 15000), 0), "PNG")
    assert len(bomb) < 200_000
    before = _stored_files(manager)
    for name, data in (("bom.png", bomb), ("bom.bmp", _bytes(Image.new("1", (15000, 15000), 0), "BMP"))):
        r = manager.admin.post("/api/v1/assets", params={"filename": name}, data=data)
        assert r.status_code == 413, (name, r.text)
        message = r.json()["message"]
        assert "quá lớn" in message and "50,000,000" in message, message
        assert not CLASS_NAME.search(message + r.json()["message_en"]), message
    assert _stored_files(manager) == before


def test_refusals_never_show_exception_names(manager):
    broken = {"hong.png": _bytes(Image.effect_noise((64, 64), 60), "PNG")[:300], "hong.gif": b"GIF89a" + b"\x00" * 40,
              "hong.bmp": b"BM" + b"\x00" * 12 + b"\x28" + b"\x00" * 60, "hong.tif": b"II*\x00" + b"\xff" * 60,
              "hong.pdf": b"%PDF-1.7\n" + b"\x00" * 100}
    for name, data in broken.items():
        r = manager.admin.post("/api/v1/assets", params={"filename": name}, data=data)
        assert r.status_code == 422, (name, r.text)
        body = r.json()
        assert "hỏng" in body["message"], (name, body)
        assert not CLASS_NAME.search(body["message"] + body["message_en"]), (name, body)


def test_pdf_accepted_counted_and_limited(manager, tmp_path):
    doc = write_pdf(tmp_path / "tb.pdf", [Page(texts=text_lines(800, 100, 13)), Page(texts=text_lines(800, 600, 13))])
    asset = manager.upload(doc.read_bytes(), "Thông báo 12.pdf")
    assert (asset["kind"], asset["mime"], asset["pages"]) == ("document", "application/pdf", 2)
    long = write_pdf(tmp_path / "long.pdf", [Page() for _ in range(51)])
    r = manager.admin.post("/api/v1/assets", params={"filename": "dai.pdf"}, data=long.read_bytes())
    assert r.status_code == 413 and "tối đa 50 trang" in r.json()["message"]
    r = manager.admin.post("/api/v1/assets", params={"filename": "tb.jpg"}, data=doc.read_bytes())
    assert r.status_code == 415 and "tài liệu PDF" in r.json()["message"], "a PDF named .jpg is not an image"


def test_library_thumbnails_of_16_bit_transparency_and_documents(manager, tmp_path):
    from tests.console.conftest import post_login
    from tests.live_manager import ADMIN_PASSWORD

    logo = Image.new("I;16", (320, 180), 40000)
    logo.paste(Image.new("I;16", (160, 180), 0x8000), (0, 0))
    png = _bytes(logo, "PNG", transparency=40000)
    pdf = write_pdf(tmp_path / "thumb.pdf", [Page(rects=[(0, 0, 595, 842, (30, 60, 200))])]).read_bytes()
    shas = [manager.upload(png, "logo16.png")["sha256"], manager.upload(pdf, "cong-van.pdf")["sha256"]]

    console = requests.Session()
    assert post_login(console, manager.base_url, "admin", ADMIN_PASSWORD).status_code == 303
    thumbs = []
    for sha in shas:
        r = console.get(f"{manager.base_url}/library/{sha}/thumb.jpg", timeout=30)
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        thumbs.append(Image.open(io.BytesIO(r.content)).convert("RGB"))
    logo_thumb, pdf_thumb = thumbs
    ink, ground = logo_thumb.getpixel((40, 90)), logo_thumb.getpixel((logo_thumb.width - 40, 90))
    assert all(118 <= v <= 138 for v in ink), f"16-bit ink mapped to mid grey: {ink}"
    assert min(ground) >= 190, f"the transparent ground shows as the light checkerboard, not its hidden grey: {ground}"
    assert all(abs(a - b) < 25 for a, b in zip(pdf_thumb.getpixel((pdf_thumb.width // 2, pdf_thumb.height // 2)), (30, 60, 200)))
