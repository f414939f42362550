"""Be Vietnam Pro registered with Kivy; `shown` (text made drawable in it) lives in protocol.typeface."""

from protocol.typeface import BOLD, ITALIC, REGULAR, SEMIBOLD, shown  # noqa: F401 (shown: for the zones)


def register() -> None:
    from kivy.core.text import LabelBase

    LabelBase.register(name="BeVietnamPro", fn_regular=str(REGULAR), fn_bold=str(BOLD))
    LabelBase.register(name="BeVietnamProBold", fn_regular=str(BOLD))
    LabelBase.register(name="BeVietnamProSemiBold", fn_regular=str(SEMIBOLD))
    LabelBase.register(name="BeVietnamProItalic", fn_regular=str(ITALIC))
