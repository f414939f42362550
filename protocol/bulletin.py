"""How a bulletin item looks in a zone: its pages. One function for the board and the console's preview."""
from protocol import notice as notices
from protocol.manifest import Item
from protocol.pagination import Pagination, paginate, text_blocks
from protocol.typeface import shown


def padding(width: float, height: float) -> float:
    """The margin inside a bulletin zone, px."""
    return max(4.0, min(width, height) * 0.04)


def text_box(width: float, height: float) -> tuple[float, float]:
    pad = padding(width, height)
    return max(1.0, width - 2 * pad), max(1.0, height - 2 * pad)


def pages(item: Item, zone_size: tuple[float, float], floor_px: int) -> Pagination:
    """The pages of one bulletin item in a zone of `zone_size` px, lines no smaller than `floor_px`."""
    box = text_box(*zone_size)
    if item.notice is not None:
        drawable = {k: shown(v) for k, v in item.notice.model_dump().items()}
        return paginate(notices.blocks(notices.Notice(**drawable)), box, floor_px)
    return paginate(text_blocks(shown(item.body or item.text)), box, floor_px, title=shown(item.title))
