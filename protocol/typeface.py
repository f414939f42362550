"""Be Vietnam Pro, the one typeface of boards and previews, and its measurements.

The font files come from the `fontpkg-be-vietnam-pro` package. Text is
measured here with Pillow (FreeType) so that the manager, which has no Kivy,
lays text out exactly as the board will: `protocol.pagination` decides every
line break and the board only draws the lines it is given.
"""
import re
from functools import cache, lru_cache
from pathlib import Path

import fontpkg_be_vietnam_pro
from fontTools.ttLib import TTFont
from PIL import ImageFont

from protocol.text import nfc

FONT_DIR = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
REGULAR = FONT_DIR / "BeVietnamPro-Regular.ttf"
BOLD = FONT_DIR / "BeVietnamPro-Bold.ttf"
SEMIBOLD = FONT_DIR / "BeVietnamPro-SemiBold.ttf"
ITALIC = FONT_DIR / "BeVietnamPro-Italic.ttf"
FILES = {"regular": REGULAR, "bold": BOLD, "italic": ITALIC}


@lru_cache(maxsize=64)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FILES[weight]), size)


@lru_cache(maxsize=65536)
def text_width(text: str, weight: str, size: int) -> float:
    """Advance width in pixels of `text` set at `size` px."""
    return _font(weight, size).getlength(text)


@cache
def _covered() -> frozenset[int]:
    covered = None
    for path in (REGULAR, BOLD, SEMIBOLD, ITALIC):
        with TTFont(path, lazy=True) as font:
            cmap = set(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered)


def shown(text: str) -> str:
    """NFC text without the characters the typeface cannot draw (emoji pasted into a bulletin,
    say), which a board would otherwise show as empty boxes to the whole street."""
    text = nfc(text or "")
    covered = _covered()
    if all(ord(ch) in covered or ch in "\n\t" for ch in text):
        return text
    kept = "".join(ch for ch in text if ord(ch) in covered or ch in "\n\t")
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"^[ \t]+|[ \t]+$", "", kept, flags=re.M))
