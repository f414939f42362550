"""Be Vietnam Pro, registered with Kivy under two names (regular and bold), and text made drawable in it."""
import re
from functools import cache

from fontTools.ttLib import TTFont

from protocol.text import nfc
from protocol.typeface import BOLD, ITALIC, REGULAR, SEMIBOLD


def register() -> None:
    from kivy.core.text import LabelBase

    LabelBase.register(name="BeVietnamPro", fn_regular=str(REGULAR), fn_bold=str(BOLD))
    LabelBase.register(name="BeVietnamProBold", fn_regular=str(BOLD))
    LabelBase.register(name="BeVietnamProSemiBold", fn_regular=str(SEMIBOLD))
    LabelBase.register(name="BeVietnamProItalic", fn_regular=str(ITALIC))


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
