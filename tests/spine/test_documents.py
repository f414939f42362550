"""PDF documents on the manager: rendered once per zone size, served to boards as PNG parts."""
import hashlib
import shutil

from PIL import Image

from manager.assets import AssetStore
from manager.documents import DocumentRenderer
from tests.pdfs import Page, signed_stamp_pdf, text_lines, turned, write_pdf


def _stored(tmp_path, pdf_path) -> tuple[AssetStore, str]:
    store = AssetStore(tmp_path / "store")
    sha = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    store.keep(shutil.copy(pdf_path, tmp_path / "copy.pdf"), sha)
    return store, sha


def test_rendered_once_per_size_and_again_when_a_picture_is_lost(tmp_path):
    # A notice in 13 pt body text with a signature page in larger type; an A4 scan with no text layer.
    notice = write_pdf(tmp_path / "tb.pdf", [Page(texts=text_lines(800, 40, 13, "Thong bao ve viec tiep cong dan")),
                                             Page(texts=text_lines(300, 100, 30, "Chu tich"))])
    store, sha = _stored(tmp_path, notice)
    renderer = DocumentRenderer(store)
    parts = renderer.parts(sha, (1920, 1080), 36)
    assert [(p["page"], p["part"], p["parts"]) for p in parts] == [(1, 1, 2), (1, 2, 2), (2, 1, 1)]
    assert parts[0]["chars"] > 200 and parts[2]["chars"] < 60, "reading time follows the text in each part"
    for p in parts:
        with Image.open(store.path(p["asset"])) as img:
            assert img.format == "PNG" and img.size == (p["width"], p["height"])
            assert img.width <= 1920 and img.height <= 1080
    again = renderer.parts(sha, (1920, 1080), 36)
    assert again == parts
    store.path(parts[1]["asset"]).unlink()  # a restored backup without the rendered pictures
    assert renderer.parts(sha, (1920, 1080), 36) == parts, "rendering is deterministic: the same pictures again"
    assert store.path(parts[1]["asset"]).is_file()
    assert renderer.parts(sha, (1080, 1920), 64)[0]["parts"] == 1, "a portrait screen shows the page whole"


def test_a_page_turned_by_its_rotate_flag_is_measured_as_shown(tmp_path):
    # Scanners fed sideways write the page turned on a landscape sheet, with /Rotate to show it upright:
    # its text must be measured and counted as readers see it, not as it lies on the sheet.
    upright = write_pdf(tmp_path / "tb.pdf", [Page(texts=text_lines(800, 420, 13, "Thong bao ve viec tiep cong dan"))])
    store, sha = _stored(tmp_path, upright)
    expected = [(p["page"], p["part"], p["parts"], p["chars"], p["width"], p["height"])
                for p in DocumentRenderer(store).parts(sha, (819, 576), 24)]
    assert sum(e[3] for e in expected) > 400
    for rotation in (90, 270):
        store, sha = _stored(tmp_path, turned(upright, tmp_path / f"r{rotation}.pdf", rotation))
        parts = DocumentRenderer(store).parts(sha, (819, 576), 24)
        assert [(p["page"], p["part"], p["parts"], p["chars"], p["width"], p["height"]) for p in parts] == expected
        with Image.open(store.path(parts[0]["asset"])) as img:
            assert img.convert("L").crop((0, 0, img.width, img.height // 2)).getextrema()[0] < 100, "the text is on top"


def _ink_columns(img) -> tuple[int, int]:
    """The first and last pixel columns with dark ink in a rendered part."""
    dark = img.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    return (dark[0], dark[2]) if dark else (0, 0)


def test_blank_margins_are_not_shown_and_no_part_is_blank(tmp_path):
    # Decree 30's margins (left 30 mm, right 20 mm, top and bottom 20 mm) take a quarter of an A4
    # page's width: in a zone that the page's width limits, they made the text that much smaller.
    # A short notice fills the top of its page: the bottom half was shown as a blank picture.
    line = "Uy ban nhan dan xa thong bao lich tiem chung mo rong nam 2026 tai tram y te"
    full = [(85, y, 13, line) for y in range(780, 60, -18)]
    short = [(85, y, 13, line) for y in range(780, 500, -18)]
    doc = write_pdf(tmp_path / "tb.pdf", [Page(texts=full), Page(texts=short)])
    store, sha = _stored(tmp_path, doc)
    parts = DocumentRenderer(store).parts(sha, (1229, 864), 36)
    for p in parts:
        with Image.open(store.path(p["asset"])) as img:
            left, right = _ink_columns(img)
            assert right - left > 0.85 * img.width, f"part {p['page']}.{p['part']}: the text spans the picture"
            assert p["chars"] > 0, "no part without text"
    assert sum(p["chars"] for p in parts) >= len(line.replace(" ", "")) * (len(full) + len(short))
    assert [p["parts"] for p in parts if p["page"] == 2] == [1], "the short notice's text, shown whole"


def test_parts_are_cut_between_lines_of_text(tmp_path):
    # Halves and thirds cut at fixed heights went through a line of text, which then could be read in
    # neither part. Lines at three offsets, so that some fixed cut would go through one.
    pages = [Page(texts=[(60, y, 13, "Thong bao lich tiem chung mo rong nam 2026 tai tram y te xa")
                         for y in range(800 - offset, 40, -18)]) for offset in (0, 6, 12)]
    store, sha = _stored(tmp_path, write_pdf(tmp_path / "tb.pdf", pages))
    for box, floor in (((1229, 864), 36), ((819, 576), 24), ((384, 257), 13)):
        parts = DocumentRenderer(store).parts(sha, box, floor)
        assert any(p["parts"] > 1 for p in parts)
        for p in parts:
            with Image.open(store.path(p["asset"])) as img:
                assert img.width <= box[0] and img.height <= box[1]
                dark = img.convert("L").point(lambda v: 255 if v < 160 else 0)
                if p["part"] > 1:
                    assert dark.crop((0, 0, img.width, 1)).getbbox() is None, f"{box}: part {p['part']} starts in a line"
                if p["part"] < p["parts"]:
                    assert dark.crop((0, img.height - 1, img.width, img.height)).getbbox() is None, \
                        f"{box}: part {p['part']} ends in a line"


def test_a_scan_is_timed_as_a_full_page_of_text(tmp_path):
    scan = write_pdf(tmp_path / "scan.pdf", [Page(rects=[(0, 0, 595, 842, (250, 250, 250))])])
    store, sha = _stored(tmp_path, scan)
    parts = DocumentRenderer(store).parts(sha, (1920, 1080), 36)
    assert len(parts) == 2 and all(p["chars"] == 900 for p in parts)


def test_board_gets_parts_for_its_zone_in_the_manifest(manager, tmp_path):
    board_id, token = manager.pair_board(name="Bảng tin tài liệu 1080p", width=1920, height=1080)
    doc = write_pdf(tmp_path / "tb.pdf", [Page(texts=text_lines(800, 40, 13)), Page(texts=text_lines(800, 400, 13))])
    asset = manager.upload(doc.read_bytes(), "Thông báo.pdf")
    manager.publish([{"zone": "main", "kind": "document", "asset": asset["sha256"], "duration_s": 15}],
                    target={"kind": "board", "id": board_id})
    board = manager.board_client(token)
    manifest = board.get(f"/api/v1/boards/{board_id}/manifest").json()
    item = next(i for p in manifest["playlists"].values() for i in p["items"])
    assert item["kind"] == "document" and item["asset"] == asset["sha256"]
    # Playing alone, the document's zone takes the empty bulletin and ticker space: 1920x972 (less the
    # page number's 51-px strip). 13 pt text reaches the 36 px floor in thirds of the page's inked part;
    # the second page's text fills only its top half, which is shown in halves.
    assert [(p["page"], p["part"], p["parts"]) for p in item["parts"]] == [(1, 1, 3), (1, 2, 3), (1, 3, 3),
                                                                             (2, 1, 2), (2, 2, 2)]
    assert all(p["duration_s"] >= 15 for p in item["parts"]) and item["parts"][0]["duration_s"] > 15
    for p in item["parts"]:
        ref = manifest["assets"][p["asset"]]
        assert ref["width"] <= 1920 and ref["height"] <= 972 - 51
        assert board.get(ref["url"]).headers["content-type"] == "image/png"
    assert asset["sha256"] not in manifest["assets"]


def test_a_digital_signature_stamp_is_drawn(tmp_path):
    store, sha = _stored(tmp_path, signed_stamp_pdf(tmp_path / "signed.pdf"))
    parts = DocumentRenderer(store).parts(sha, (595, 842), 10)
    assert len(parts) == 1
    with Image.open(store.path(parts[0]["asset"])) as img:
        # The field (200 x 100 pt) is the page's only ink: shown with the white around it, not blown up.
        colours = dict((c, n) for n, c in img.convert("RGB").getcolors(1 << 20))
        assert colours.get((255, 0, 0), 0) > 0.25 * img.width * img.height, "the signature's stamp is on the page"
        assert img.convert("RGB").getpixel((2, 2)) == (255, 255, 255)
        red = img.convert("RGB").split()[1].point(lambda v: 255 if v < 128 else 0).getbbox()
        # The part shown is at least 60% of the page's width: at most 595 / 357 px per pt in this box.
        assert red[2] - red[0] <= 200 * 595 / 357 + 1, "a page holding only a stamp is not blown up to the zone"
