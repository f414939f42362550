"""A notice on the board and in the console's preview, compared by what is on screen.

The editor pastes a long notice into the bulletin editor (real Chromium, live
manager) and saves it; the board (real Kivy under Xvfb, 1920x1080, the
layout's own resolution) plays the saved item. Both screens are read with
tesseract: the same "Trang 1/N", the number the pagination function gives.
The board's text-only notice leaves no blank area over 20% of the screen.
"""
import io
import os
import re
import shutil
import subprocess

import pytest
from PIL import Image, ImageOps
from playwright.sync_api import expect

from player.state import Identity, StateStore
from protocol.bulletin import pages
from protocol.manifest import Item, ItemKind
from protocol.notice import Notice
from protocol.legibility import min_line_height_px
from tests.console.conftest import login, people  # noqa: F401 (a fixture)
from tests.notices.samples import ALL
from tests.player.conftest import ROOT, closed_port_url, grab, wait_for
from tests.player.media import manifest

SCREEN = (1920, 1080)


def ocr(image: Image.Image) -> str:
    big = ImageOps.grayscale(image).resize((image.width * 2, image.height * 2), Image.LANCZOS)
    done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "6"], input=_png(big),
                          capture_output=True, timeout=60, check=True)
    return done.stdout.decode("utf-8", "replace")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def page_count(text: str) -> int | None:
    found = re.search(r"Trang\s*(\d+)\s*/\s*(\d+)", text)
    return int(found.group(2)) if found else None


def largest_blank_fraction(image: Image.Image, cell: int = 24) -> float:
    """The largest rectangle of cells with no ink (one flat colour), as a fraction of the screen."""
    cols, rows = image.width // cell, image.height // cell
    grey = ImageOps.grayscale(image)
    blank = [[False] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            lo, hi = grey.crop((c * cell, r * cell, (c + 1) * cell, (r + 1) * cell)).getextrema()
            blank[r][c] = hi - lo < 12
    best = 0
    heights = [0] * cols
    for r in range(rows):
        heights = [h + 1 if blank[r][c] else 0 for c, h in enumerate(heights)]
        stack: list[int] = []
        for c in range(cols + 1):
            h = heights[c] if c < cols else 0
            while stack and heights[stack[-1]] >= h:
                top = heights[stack.pop()]
                left = stack[-1] + 1 if stack else 0
                best = max(best, top * (c - left))
            stack.append(c)
    return best / (cols * rows)


@pytest.fixture
def editor_page(browser):
    # Three device pixels per CSS pixel: the preview's page number is large enough to read back.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=3, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract-ocr is not installed (scripts/setup.sh installs it)")
def test_board_and_preview_show_the_same_pages(manager, people, editor_page, run_player, xdisplay, tmp_path):  # noqa: F811
    page = editor_page
    login(page, manager, "c_editor")
    page.goto(manager.base_url + "/bulletins/new")
    page.fill("input[name=name]", "Thông báo tiêm chủng và phòng dịch")
    page.check("#format-notice")
    page.fill("#notice-paste", ALL["3000"])
    page.click("#notice-recognise")
    expect(page.locator("#notice_number")).to_have_value("Số: 126/TB-UBND")
    expect(page.locator("#notice_signer_name")).to_have_value("Nguyễn Văn Bình")
    expect(page.locator("#preview .line-footer")).to_have_text(re.compile(r"Trang 1/\d"))
    preview_pages = int(page.locator("#preview").get_attribute("data-pages"))
    # Longer to read than the 20-second slot: said before saving.
    expect(page.locator("#preview-warning")).to_be_visible()
    expect(page.locator("#preview-summary")).to_contain_text(f"{preview_pages} trang")
    # The preview as the editor sees it, read back from its pixels.
    box = page.locator("#preview").bounding_box()
    shot = Image.open(io.BytesIO(page.locator("#preview").screenshot()))
    footer = shot.crop((int(shot.width * 0.75), int(shot.height * 0.9), shot.width, shot.height))
    assert page_count(ocr(footer)) == preview_pages, ocr(footer)
    assert box["width"] > 500

    page.click("#bulletin-form button[type=submit]")
    page.wait_for_url(re.compile(r"/playlists/p-"))
    playlist_id = page.url.rsplit("/", 1)[1].split("?")[0]
    saved = manager.admin.get(f"/api/v1/playlists/{playlist_id}").json()["items"]
    assert [i["kind"] for i in saved] == ["bulletin"] and saved[0]["notice"]["doc_type"] == "THÔNG BÁO"
    notice = Notice.model_validate(saved[0]["notice"])

    # The board plays the saved item, text only: the notice takes the media zone's space too.
    item = Item(id="n1", zone="bulletin", kind=ItemKind.bulletin, notice=notice, duration_s=saved[0]["duration_s"])
    m = manifest([], ticker="")
    m = m.model_copy(update={"playlists": {"p": m.playlists["p"].model_copy(update={"items": [item]})}}).with_version()
    data = tmp_path / "board"
    store = StateStore(data)
    url = closed_port_url()
    store.save_identity(Identity("b1", "tok", url))
    store.save_manifest(m)
    player = run_player(data, "--manager", url, size=f"{SCREEN[0]}x{SCREEN[1]}")
    wait_for(lambda: "first frame" in player.log(), 30, message="the first frame")

    def board_footer():
        screen = grab(xdisplay, (0, 0, *SCREEN))
        text = ocr(screen.crop((int(SCREEN[0] * 0.8), int(SCREEN[1] * 0.9), SCREEN[0], SCREEN[1])))
        return (screen, text) if page_count(text) else None

    screen, text = wait_for(board_footer, 30, interval=0.5, message="the board's page number")
    assert page_count(text) == preview_pages, text
    # Both are what the one pagination function gives for a 1080p board.
    zone = (SCREEN[0], SCREEN[1] * 0.9)
    assert len(pages(item, zone, min_line_height_px(SCREEN[1])).pages) == preview_pages
    # The notice's header reads as the decree sets it: issuing body left, motto right.
    header = ocr(screen.crop((0, int(SCREEN[1] * 0.1), SCREEN[0], int(SCREEN[1] * 0.3))))
    assert "CỘNG HÒA" in header and "ỦY BAN" in header, header
    left, right = header.find("ỦY BAN"), header.find("CỘNG HÒA")
    assert left < right, "the issuing body is not left of the motto"
    assert largest_blank_fraction(screen) <= 0.20
    if os.environ.get("BANGTIN_UPDATE_SCREENSHOTS") == "1":  # docs/notices.md shows the board as it is
        screen.resize((1280, 720), Image.LANCZOS).save(ROOT / "docs" / "screenshots" / "board-notice.png")
    assert player.alive()
