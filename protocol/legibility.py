"""The legibility floor: how small body text may be on a board, from the screen's height.

Residents read a board from the street. By default a line of body text is at
least 1/30 of the screen height (36 px at 1080p, 24 px at 720p, 13 px on a
384-px-high LED board); a board seen from further away may ask for more.
Shared by the player, which draws, and the manager, which renders documents
and previews for the boards.
"""
import math

SCREEN_LINES = 30  # at most this many lines of body text fit the screen's height


def min_line_height_px(screen_height: int, board_min_px: int | None = None) -> int:
    """The smallest line height (px) body text may have on a screen `screen_height` pixels high."""
    floor = math.ceil(max(1, screen_height) / SCREEN_LINES)
    return max(floor, board_min_px or 0)
