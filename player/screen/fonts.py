"""Be Vietnam Pro, registered with Kivy under two names (regular and bold)."""
from pathlib import Path

import fontpkg_be_vietnam_pro

FONT_DIR = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
REGULAR = FONT_DIR / "BeVietnamPro-Regular.ttf"
BOLD = FONT_DIR / "BeVietnamPro-Bold.ttf"
SEMIBOLD = FONT_DIR / "BeVietnamPro-SemiBold.ttf"


def register() -> None:
    from kivy.core.text import LabelBase

    LabelBase.register(name="BeVietnamPro", fn_regular=str(REGULAR), fn_bold=str(BOLD))
    LabelBase.register(name="BeVietnamProBold", fn_regular=str(BOLD))
    LabelBase.register(name="BeVietnamProSemiBold", fn_regular=str(SEMIBOLD))
