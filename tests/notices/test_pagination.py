"""Pagination: notices of about 300, 1,500 and 3,000 characters, NFC and NFD, on four screens.

Every line at or above the legibility floor, inside its box, broken only between
words, no paragraph leaving a single line alone at a page's foot or head, and
the pages joined give back the whole text.
"""
import unicodedata

import pytest

from layouts import builtin_layouts
from protocol import notice as notices
from protocol.bulletin import pages, text_box
from protocol.documents import reading_time_s
from protocol.layout import ZoneKind
from protocol.manifest import Item, ItemKind
from protocol.legibility import min_line_height_px
from protocol.pagination import LINE_RATIO, MIN_PAGE_S, paginate, paginate_text, reading_seconds, text_blocks
from protocol.zonefill import fill_empty
from tests.notices.samples import ALL, nfd

SCREENS = {(1920, 1080): "landscape-16x9", (1280, 720): "landscape-16x9", (1080, 1920): "portrait-9x16",
           (768, 384): "led-768x384"}


def zone_sizes(screen: tuple[int, int]) -> dict[str, tuple[float, float]]:
    """The bulletin zone beside media (as laid out) and alone (a text-only notice: the zone takes the media's space)."""
    layout = builtin_layouts()[SCREENS[screen]]
    w, h = screen
    beside = layout.zones_of(ZoneKind.bulletin)[0]
    alone = fill_empty(layout, {"header", "clock", beside.id}).zone(beside.id)
    return {"beside": (beside.w * w, beside.h * h), "alone": (alone.w * w, alone.h * h)}


def check(result, floor: int, box: tuple[float, float]) -> None:
    assert result.pages
    assert "".join(p.text for p in result.pages) == result.source, "the pages joined are not the text"
    for a, b in zip(result.pages, result.pages[1:]):
        assert a.end == b.start, "a gap or an overlap between pages"
    width, height = box
    for page in result.pages:
        assert page.reading_s >= MIN_PAGE_S
        for line in page.lines:
            assert line.height >= floor, f"a line of {line.height} px under the floor of {floor} px"
            assert line.size >= floor / LINE_RATIO - 1
            assert line.y >= 0 and line.y + line.height <= height + 0.5, f"line {line.text!r} outside the box"
            assert line.x >= 0 and line.x + line.width <= width + 0.5
        body = [line for line in page.lines if line.role == "body"]
        for line in body:
            source = result.source
            if line.end < len(source) and source[line.end] != "\n" and not line.broken:
                # A break inside a paragraph: the line's span ends on the space it broke at.
                assert source[line.end - 1].isspace(), f"broken mid-word: {source[line.start:line.end + 5]!r}"
    if len(result.pages) > 1:
        for page in result.pages:
            assert page.lines[-1].role == "footer" and page.lines[-1].text == f"Trang {page.number}/{len(result.pages)}"


def paragraph_lines(result) -> dict:
    """For each paragraph (by where it starts in the source), the page of each of its lines."""
    starts = [0] + [n + 1 for n, ch in enumerate(result.source) if ch == "\n"]
    found: dict[int, list[int]] = {}
    for page in result.pages:
        for line in page.lines:
            if line.role != "body":
                continue
            para = max(s for s in starts if s <= line.start)
            found.setdefault(para, []).append(page.number)
    return found


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("length", list(ALL))
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_notice_pages_are_legible_and_whole(screen, length, form):
    pasted = ALL[length] if form == "NFC" else nfd(ALL[length])
    floor = min_line_height_px(screen[1])
    assert floor == {1080: 36, 720: 24, 1920: 64, 384: 13}[screen[1]]
    for where, size in zone_sizes(screen).items():
        # As plain text (pasted into an ordinary bulletin) ...
        plain = pages(Item(id="b", zone="bulletin", kind=ItemKind.bulletin, title="Thông báo", body=pasted), size, floor)
        check(plain, floor, text_box(*size))
        assert plain.source == unicodedata.normalize("NFC", pasted).strip("\n") or \
            plain.source == unicodedata.normalize("NFC", pasted), "the text changed on the way"
        # ... and recognised as a notice.
        notice = notices.parse(pasted)
        laid = pages(Item(id="n", zone="bulletin", kind=ItemKind.bulletin, notice=notice), size, floor)
        check(laid, floor, text_box(*size))
        assert laid.source == notices.text(notice)
        words = unicodedata.normalize("NFC", pasted).split()
        shown = " ".join(line.text for p in laid.pages for line in p.lines if line.role == "body").split()
        assert sorted(words) == sorted(shown), f"words lost or added ({where}, {screen})"


def test_plain_text_joins_back_exactly():
    text = "Dòng một\n\nDòng hai   có   khoảng trắng \n" + "chữ " * 400 + "\n"
    result = paginate_text(text, (400, 300), 24)
    assert "".join(p.text for p in result.pages) == text
    assert len(result.pages) > 1


def test_no_lonely_lines_at_page_breaks():
    """Several paragraphs of 2 to 7 lines: a paragraph split over a page break keeps two lines on each side."""
    paragraphs = [" ".join(["Người dân thực hiện nghiêm túc thông báo này."] * n) for n in (2, 5, 3, 7, 4, 6, 2, 5)]
    for height in range(200, 520, 23):
        result = paginate_text("\n".join(paragraphs), (420, height), 22)
        for para, on_pages in paragraph_lines(result).items():
            for page in set(on_pages):
                if len(set(on_pages)) > 1:
                    assert on_pages.count(page) >= 2, f"a lone line of a paragraph on page {page} (height {height})"


def test_a_heading_stays_with_what_follows():
    notice = notices.parse(ALL["3000"])
    for height in range(250, 700, 37):
        result = paginate(notices.blocks(notice), (700, height), 22)
        for page in result.pages:
            body = [line for line in page.lines if line.role == "body"]
            assert body[-1].text != "THÔNG BÁO", "the document type left alone at the foot of a page"
            assert body[-1].text not in notice.summary.split("\n"), "the summary cut from the body"


def test_a_word_wider_than_the_line_is_the_only_word_broken():
    address = "https://xadongtien.laocai.gov.vn/thong-bao/2026/12/tiem-chung-mo-rong-cho-tre-em-duoi-5-tuoi"
    result = paginate_text(f"Xem chi tiết tại {address} hoặc tại nhà văn hóa thôn.", (300, 1000), 20)
    lines = [line for line in result.pages[0].lines]
    assert "".join(p.text for p in result.pages).count(address) == 1
    assert any(line.broken for line in lines)
    assert "".join(line.text for line in lines if address[:10] in line.text or line.broken).count("https") == 1


def test_short_text_grows_but_long_text_keeps_the_floor():
    short = paginate_text("Mất điện từ 7 giờ đến 11 giờ.", (1200, 800), 24)
    long = paginate_text(ALL["3000"], (1200, 800), 24)
    assert short.line_px > 2 * 24
    assert len(long.pages) > 1 and long.line_px >= 24


def test_a_board_may_set_a_larger_floor():
    default = paginate_text(ALL["1500"], (1150, 580), min_line_height_px(720))
    far = paginate_text(ALL["1500"], (1150, 580), min_line_height_px(720, 40))
    assert min_line_height_px(720, 40) == 40 and min_line_height_px(720, 10) == 24
    assert far.line_px >= 40 and len(far.pages) > len(default.pages)


def test_reading_time():
    assert reading_seconds("ngắn") == MIN_PAGE_S
    page = " ".join(["tiếng"] * 300)  # 1,799 characters: about 150 s at 12 a second, as for a document's page
    assert reading_seconds(page) == reading_time_s(len(page), 0) == 150
    result = paginate_text(ALL["3000"], (1150, 580), 24)
    assert result.durations(1.0) == [p.reading_s for p in result.pages], "a short slot never shortens reading"
    stretched = result.durations(result.total_s * 2)
    assert sum(stretched) == pytest.approx(result.total_s * 2, abs=0.1)


def test_empty_and_blank_text():
    assert len(paginate_text("", (400, 300), 24).pages) == 1
    assert len(paginate([], (400, 300), 24, title="Chỉ có tiêu đề").pages) == 1
    assert text_blocks("a\r\nb")[1].text == "b"
