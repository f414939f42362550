"""Messages that arrive out of order: a later message that refers to this one came first.

Feeds list their newest message first (Atom and RSS readers expect it), and
two sources may deliver the same warning's Alert and its Cancel in either
order. Read in the order they arrive, a Cancel finds nothing to withdraw and
the Alert it cancelled is then published; an Update becomes an alert of its
own and the Alert it replaced a second one. So a poll or a batch is received
oldest `<sent>` first, and a message some already-received message
references (an Update, a Cancel, an all-clear) is never shown: that later
message already said what should be on the boards.
"""
import json
from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from manager.cap import Reference
from manager.sources.base import InboundItem
from protocol.timebase import iso

_UNDATED = datetime.min.replace(tzinfo=timezone.utc)
# The reasons of the only messages that can overtake another: ones that found nothing to act on. Looking
# for them by reason (a small column) keeps each receive from reading every message's XML.
NOTHING_TO_END = "Không có cảnh báo đang hiển thị nào để kết thúc"
NOTHING_TO_UPDATE = "Không có cảnh báo nào để cập nhật, và bản tin không có vùng nhắm"
UPDATE_AS_NEW = "Bản cập nhật của bản tin chưa nhận: phát như cảnh báo mới"
CLOCK_SLACK = timedelta(days=1)  # a referring message is received after the one it refers to was sent, give or take clocks


def in_sent_order(items: list[InboundItem]) -> list[int]:
    """Indexes of `items`, oldest CAP `<sent>` first (items without one keep their place at the front)."""
    return sorted(range(len(items)), key=lambda n: items[n].cap.sent if items[n].cap is not None else _UNDATED)


def reference_names(references: list[Reference]) -> list[str]:
    """How an inbox item keeps what it references: `sender,identifier,sent` with the time in UTC, so
    that "+07:00" and "Z" spellings of one instant name one message."""
    names = []
    for ref in references:
        try:
            sent = iso(datetime.fromisoformat(ref.sent).astimezone(timezone.utc))
        except ValueError:
            sent = ref.sent
        names.append(f"{ref.sender},{ref.identifier},{sent}")
    return names


def overtaken_by(db: Database, external_id: str, sent: datetime) -> tuple[dict, str] | None:
    """(the inbox row, its action) of a message already received that references this one
    (`external_id` is sender,identifier; with `sent`, CAP's name of a message) and found nothing to
    act on: an Update ('update', published as new or skipped), a Cancel ('cancel') or an all-clear
    ('allclear'). One waiting for approval is not looked at (it acts, if accepted, when it is)."""
    name = f"{external_id},{iso(sent.astimezone(timezone.utc))}"
    needle = json.dumps(external_id, ensure_ascii=False)[1:-1]
    rows = db.query(
        "SELECT id, external_id, status, alert_id, payload FROM inbox WHERE status IN ('published', 'skipped') AND received_at >= ? "
        "AND reason IN (?, ?, ?) AND instr(payload, ?) > 0 ORDER BY id",
        [iso(sent - CLOCK_SLACK), NOTHING_TO_END, NOTHING_TO_UPDATE, UPDATE_AS_NEW, needle])
    for row in rows:
        payload = json.loads(row["payload"])
        if name in payload.get("references", []):
            return row, payload.get("cap_action", "update")
    return None
