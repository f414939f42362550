"""The provincial source system's side: CAP pushed in with a source's token, and what it may read back.

Reading back (every board's position and state, the play log, the
indicators, the pushes made) is for the source system's own account and
auditors at province level; admins always.
"""
from manager import cap, outbound
from manager.auth import Principal
from manager.domain import db_of, wake
from manager.domain.policy import board_visible, require_province_level
from manager.errors import NotAllowed, Unauthorized
from manager.sources import inbox, push, store
from manager.sources.cap_adapter import certificate_of, item_from_xml

PLAYLOG_PAGE = outbound.PLAYLOG_PAGE
READERS = ("source", "auditor")


def pushing_source(x, source_id: int, token: str) -> dict:
    """The source whose push token this is, and which is enabled."""
    source = store.by_push_token(db_of(x), source_id, token)
    if source is None:
        raise Unauthorized("Mã truy cập của nguồn không đúng", "invalid source push token")
    if not source["enabled"]:
        raise NotAllowed("Nguồn đang bị tắt", "this source is disabled")
    return source


def record_too_large(x, source: dict, size: int) -> None:
    """A refused push is seen on /sources like any other: the sender may not know its message never arrived."""
    store.record_event(db_of(x), source["id"], "error", f"Bản tin đẩy lên quá lớn ({size} byte, tối đa {cap.MAX_DOCUMENT_BYTES}): bị từ chối",
                       f"pushed message too large ({size} bytes, at most {cap.MAX_DOCUMENT_BYTES}): refused", code="cap_too_large")


def push_items(x, source: dict, media: str, data: bytes) -> tuple[list, bool]:
    """The messages of one push (an Atom feed or a JSON list carries several), and whether it was a single one."""
    items = push.items_of(data, media, certificate_of(source))
    if items is None:
        return [item_from_xml(data, certificate_of(source), media)], True
    return items, False


def receive_item(x, source: dict, item) -> dict:
    """One message into the inbox; refusals are kept there with the reason."""
    row, changed = inbox.receive(db_of(x), source, item, x.clock.now())
    if changed:
        wake(x, None)  # a new, updated or cancelled warning: its area decides, and an Update may move it
    return row


def status(x, principal: Principal) -> dict:
    """Every board of the person's province (admins: every board)."""
    db = db_of(x)
    require_province_level(db, principal, *READERS)
    found = outbound.status(db, x.clock.now())
    found["boards"] = [b for b in found["boards"] if board_visible(db, principal, b)]
    return found


def playlog(x, principal: Principal, since: float, limit: int) -> dict:
    require_province_level(db_of(x), principal, *READERS)
    return outbound.playlog(db_of(x), since, limit)


def indicators(x, principal: Principal, period: str | None, province: str | None) -> dict:
    require_province_level(db_of(x), principal, *READERS)
    return outbound.indicators(db_of(x), x.clock.now(), period, province)


def pushes(x, principal: Principal, limit: int) -> list[dict]:
    db = db_of(x)
    require_province_level(db, principal, "auditor")
    return outbound.pushes(db, limit)
