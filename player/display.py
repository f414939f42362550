"""The display's size, asked of SDL before Kivy creates its window.

Kiosk mode uses a borderless window covering the whole display at (0, 0)
rather than SDL's "desktop fullscreen", which needs a window manager: boards
often run a bare X server (startx) with none, and there SDL leaves an
800x600 window in the middle of the screen.
"""
import ctypes
import ctypes.util
import logging
from pathlib import Path

log = logging.getLogger(__name__)
SDL_INIT_VIDEO = 0x20


class _DisplayMode(ctypes.Structure):
    _fields_ = [("format", ctypes.c_uint32), ("w", ctypes.c_int), ("h", ctypes.c_int),
                ("refresh_rate", ctypes.c_int), ("driverdata", ctypes.c_void_p)]


def _sdl_library() -> str | None:
    import kivy

    bundled = sorted((Path(kivy.__file__).parent.parent / "Kivy.libs").glob("libSDL2-*.so*"))
    if bundled:
        return str(bundled[0])
    return ctypes.util.find_library("SDL2")


def desktop_size() -> tuple[int, int] | None:
    """(width, height) of display 0, or None if SDL cannot tell."""
    path = _sdl_library()
    if path is None:
        return None
    try:
        sdl = ctypes.CDLL(path)
        if sdl.SDL_InitSubSystem(SDL_INIT_VIDEO) != 0:
            return None
        try:
            mode = _DisplayMode()
            if sdl.SDL_GetDesktopDisplayMode(0, ctypes.byref(mode)) != 0 or mode.w <= 0:
                return None
            return (mode.w, mode.h)
        finally:
            sdl.SDL_QuitSubSystem(SDL_INIT_VIDEO)
    except (OSError, AttributeError) as exc:
        log.warning("cannot ask SDL for the display size (%s); using desktop fullscreen", exc)
        return None
