"""A PDF document end to end: uploaded through the API, rendered by the manager for the board,
shown page by page (a page too small to read whole, in halves) by a real player under Xvfb."""
import io
import time

from PIL import Image

from player.state import Identity
from player.state import StateStore
from tests.pdfs import Page, text_lines, write_pdf
from tests.player.conftest import close, grab, wait_for

RED, GREEN, BLUE, YELLOW = (200, 30, 30), (30, 160, 30), (30, 30, 200), (230, 200, 30)
# landscape-16x9 at 640x360, a document alone: its media zone takes the empty bulletin and ticker space
# (protocol.zonefill), x 0..640, y 36..360. Body text runs down the left of each page; this point is
# page colour whether a page is shown whole or as a half.
SAMPLE = (262, 180)
CAPTION_BOX = (480, 330, 640, 360)


def _document(path):
    """Pages 1 and 3 have large type (readable whole); page 2 small type, in two colours, top and bottom."""
    big = text_lines(820, 20, 40, words="ab")
    small = text_lines(820, 20, 20, words="ab")
    return write_pdf(path, [Page(rects=[(0, 0, 595, 842, RED)], texts=big),
                            Page(rects=[(0, 421, 595, 421, GREEN), (0, 0, 595, 421, BLUE)], texts=small),
                            Page(rects=[(0, 0, 595, 842, YELLOW)], texts=big)])


def _named(px) -> str:
    return next((name for name, c in (("red", RED), ("green", GREEN), ("blue", BLUE), ("yellow", YELLOW)) if close(px, c, 30)),
                "other")


def test_pdf_uploaded_rendered_and_shown_page_by_page(manager, run_player, xdisplay, tmp_path):
    board_id, token = manager.pair_board(name="Bảng tin tài liệu", width=640, height=360)
    pdf = _document(tmp_path / "thong-bao.pdf").read_bytes()
    asset = manager.upload(pdf, "Thông báo số 125-TB-UBND.pdf")
    assert asset["kind"] == "document" and asset["mime"] == "application/pdf" and asset["pages"] == 3
    manager.publish([{"zone": "main", "kind": "document", "asset": asset["sha256"], "duration_s": 2}],
                    target={"kind": "board", "id": board_id})

    # What the manager rendered for this board: page 2 in halves, the others whole, each part a PNG.
    board = manager.board_client(token)
    manifest = board.get(f"/api/v1/boards/{board_id}/manifest").json()
    item = next(i for p in manifest["playlists"].values() for i in p["items"])
    assert [(p["page"], p["part"], p["parts"]) for p in item["parts"]] == [(1, 1, 1), (2, 1, 2), (2, 2, 2), (3, 1, 1)]
    assert asset["sha256"] not in manifest["assets"], "boards never download the PDF itself"
    expected = [RED, GREEN, BLUE, YELLOW]
    for part, colour in zip(item["parts"], expected):
        assert manifest["assets"][part["asset"]]["mime"] == "image/png"
        r = board.get(manifest["assets"][part["asset"]]["url"])
        assert r.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(r.content)) as img:
            assert close(img.convert("RGB").getpixel((img.width * 2 // 3, img.height // 2)), colour, 30)
            # Drawn for this board's zone (640x324 here: the screen below the header, the document playing
            # alone) above the page number's 17-px strip (1.4 lines at the 12 px floor of a 360-px screen),
            # filling that box on one side (a half, to within the 8% it may grow by to end between lines).
            assert img.width <= 640 + 1 and img.height <= 307 + 1 and (img.width >= 635 or img.height >= 307 / 1.08 - 1)

    data = tmp_path / "board"
    StateStore(data).save_identity(Identity(board_id, token, manager.base_url))
    player = run_player(data, "--manager", manager.base_url, "--crossfade-s", "0")
    wait_for(lambda: _named(grab(xdisplay).getpixel(SAMPLE)) != "other", 30, interval=0.1, message="the document on screen")

    # Every part comes on screen in order, each with its page number drawn over it.
    order, captions, t_end = [], {}, time.monotonic() + 40
    while time.monotonic() < t_end and len(order) < 6:
        shot = grab(xdisplay)
        name = _named(shot.getpixel(SAMPLE))
        if name != "other" and (not order or order[-1] != name):
            order.append(name)
        if name != "other":  # the best reading while the part shows: a shot can fall between picture and caption
            caption = shot.crop(CAPTION_BOX)
            captions[name] = max(captions.get(name, 0), sum(1 for p in caption.get_flattened_data() if sum(p) > 600))
        time.sleep(0.1)
    cycle = ["red", "green", "blue", "yellow"]
    start = order.index("red") if "red" in order else 0
    assert order[start:start + 4] == cycle or (order + order)[start:start + 4] == cycle, order
    assert set(order) == set(cycle), order
    assert all(n > 5 for n in captions.values()), f"no page number drawn: {captions}"
    # The page number has a strip of its own under the picture: no part of the page is under it.
    strip = [grab(xdisplay).getpixel((x, 352)) for x in range(0, 460, 10)]
    assert all(_named(px) == "other" for px in strip), strip
    assert player.alive()
