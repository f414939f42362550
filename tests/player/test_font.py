"""Every Vietnamese letter, with every tone mark, upper and lower case, has a glyph."""
import unicodedata

from fontTools.ttLib import TTFont

from player.screen import fonts

BASES = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # huyền, sắc, ngã, hỏi, nặng


def vietnamese_letters() -> set[str]:
    letters = set("bcdđghklmnpqrstvx")
    for base in BASES:
        for tone in TONES:
            letters.add(unicodedata.normalize("NFC", base + tone))
    return letters | {c.upper() for c in letters}


def test_font_covers_vietnamese():
    letters = vietnamese_letters()
    assert len(letters) == 2 * (12 * 6 + 17) and "Đ" in letters and "ự" in letters and "Ỷ" in letters
    for path in (fonts.REGULAR, fonts.BOLD, fonts.SEMIBOLD):
        cmap = TTFont(path).getBestCmap()
        missing = sorted(c for c in letters if any(ord(ch) not in cmap for ch in c))
        assert not missing, f"{path.name} lacks {missing}"
        assert all(len(c) == 1 for c in letters), "every letter is one precomposed code point after NFC"


def test_characters_the_typeface_lacks_are_left_out():
    assert fonts.shown("📢 Thông báo ⚠️ khẩn: mất điện 🔌 từ 7 giờ") == "Thông báo khẩn: mất điện từ 7 giờ"
    assert fonts.shown("Dòng một 😀\nDòng hai") == "Dòng một\nDòng hai", "line breaks stay"
    decomposed = unicodedata.normalize("NFD", "Lũ quét ở Mù Cang Chải")
    assert fonts.shown(decomposed) == "Lũ quét ở Mù Cang Chải", "NFC, every Vietnamese letter kept"
