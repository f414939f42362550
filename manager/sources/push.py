"""Several CAP messages pushed in one request: an Atom feed that embeds them, or a JSON list of XML texts.

Each message is received on its own (`inbox.receive`), so one refused message
never keeps the others out, and the answer has one result per message.
"""
import json
import secrets

from manager import cap, cap_feed
from manager.sources.base import InboundItem
from manager.sources.cap_adapter import item_from_alert, item_from_xml

MAX_MESSAGES = 500


def _refused(n: int, reason: str, vi: str, en: str) -> InboundItem:
    return InboundItem(external_id=f"push:{secrets.token_hex(4)}:{n}", kind="cap", error=cap.CapError(reason, vi, en))


def items_of(data: bytes, media: str, certificate: str | None) -> list[InboundItem] | None:
    """The messages of a batch, in order; None when the body is one message (answered as before)."""
    if media == "application/json":
        try:
            texts = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise cap.CapError("malformed", f"Danh sách JSON không hợp lệ: {exc}", f"malformed JSON list: {exc}") from exc
        if isinstance(texts, dict):
            texts = texts.get("messages")
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise cap.CapError("malformed", "Cần một danh sách JSON các bản tin CAP (chuỗi XML)", "expected a JSON list of CAP messages (XML strings)")
        if len(texts) > MAX_MESSAGES:
            raise cap.CapError("too_large", f"Tối đa {MAX_MESSAGES} bản tin mỗi lần đẩy", f"at most {MAX_MESSAGES} messages per push")
        return [item_from_xml(t.encode(), certificate, "application/cap+xml") for t in texts]
    try:
        root = cap.parse_xml(data)
    except cap.CapError:
        return None  # refused as one message, with its reason
    if not cap_feed.is_feed(root):
        return None
    items = []
    for n, entry in enumerate(cap_feed.parse_cap_feed(root)[:MAX_MESSAGES]):
        if entry.alert is not None and certificate:
            items.append(_refused(n, "signature", "Nguồn này chỉ nhận bản tin đã ký: hãy đẩy từng bản tin đã ký, không nhúng trong Atom",
                                  "this source accepts signed messages only: push each signed message, not embedded in Atom"))
        elif entry.alert is not None:
            items.append(item_from_alert(entry.alert, entry.xml))
        elif entry.error is not None and entry.error.reason != "no_alert":
            items.append(InboundItem(external_id=f"push:{secrets.token_hex(4)}:{n}", kind="cap", title=entry.title, error=entry.error))
        else:
            # A pushed feed that only links: the manager does not fetch what a push points at.
            items.append(_refused(n, "no_alert", "Mục đẩy lên phải chứa bản tin CAP, không chỉ liên kết tới nó",
                                  "a pushed entry must embed its CAP message, not only link to it"))
    return items
