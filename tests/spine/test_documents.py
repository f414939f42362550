"""PDF documents on the manager: rendered once per zone size, served to boards as PNG parts."""
import hashlib
import shutil

from PIL import Image

from manager.assets import AssetStore
from manager.documents import DocumentRenderer
from tests.pdfs import Page, signed_stamp_pdf, text_lines, write_pdf


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
    # 13 pt text in a 1229x864 zone stays under the 36 px floor however the page is cut: halves give
    # nearly the largest text (thirds are limited by the zone's width too).
    assert [(p["page"], p["part"], p["parts"]) for p in item["parts"]] == [(1, 1, 2), (1, 2, 2), (2, 1, 2), (2, 2, 2)]
    assert all(p["duration_s"] >= 15 for p in item["parts"]) and item["parts"][0]["duration_s"] > 15
    for p in item["parts"]:
        ref = manifest["assets"][p["asset"]]
        # The media zone of landscape-16x9 on this board: 64% x 80% of 1920x1080.
        assert ref["width"] <= 1229 and ref["height"] <= 864
        assert board.get(ref["url"]).headers["content-type"] == "image/png"
    assert asset["sha256"] not in manifest["assets"]


def test_a_digital_signature_stamp_is_drawn(tmp_path):
    store, sha = _stored(tmp_path, signed_stamp_pdf(tmp_path / "signed.pdf"))
    parts = DocumentRenderer(store).parts(sha, (595, 842), 10)
    assert len(parts) == 1
    with Image.open(store.path(parts[0]["asset"])) as img:
        # The field spans x 300..500, y 100..200 from the bottom of an 842-pt page, drawn at 1 px per pt.
        assert img.convert("RGB").getpixel((400, 842 - 150)) == (255, 0, 0), "the signature's stamp is on the page"
        assert img.convert("RGB").getpixel((100, 100)) == (255, 255, 255)
