"""CAP 1.2 over HTTP: one message, or an Atom or RSS feed of messages (embedded or linked)."""
import concurrent.futures
import hashlib
from urllib.parse import urljoin

from manager import cap, cap_feed, cap_signature
from manager.sources.base import Fetcher, InboundItem, SourceConfig, SourceError

UNREACHABLE = "unreachable"  # a linked message that could not be fetched this time


NOT_A_MESSAGE = ("malformed", "unsafe_xml", "namespace", "too_large")  # refusals of bodies that are no CAP <alert> at all


def describe(data: bytes, content_type: str | None) -> dict:
    """What is kept of a body that is not an alert: enough to recognise it, nothing of its content."""
    return {"type": (content_type or "").split(";")[0].strip() or "unknown", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def item_from_xml(data: bytes, certificate: str | None = None, content_type: str | None = None) -> InboundItem:
    """One CAP message as an inbox item; a message we cannot read, or whose signature does not
    verify against the source's `certificate`, becomes a refused item."""
    try:
        if certificate:
            data = cap_signature.verified(data, certificate)
        alert = cap.parse_cap(data)
    except cap.CapError as exc:
        if exc.reason in NOT_A_MESSAGE:
            return InboundItem(external_id="", kind="cap", error=exc, document=describe(data, content_type))
        return InboundItem(external_id="", kind="cap", error=exc, cap_xml=_text(data))
    return item_from_alert(alert, _text(data))


def certificate_of(source: SourceConfig | dict) -> str | None:
    """The sender's certificate when the source requires signed messages."""
    config = source.config if isinstance(source, SourceConfig) else source["config"]
    return (config or {}).get("signing_certificate") or None


def item_from_alert(alert: cap.CapAlert, xml: str | None) -> InboundItem:
    info = cap.choose_info(alert)
    title = (info.headline or info.event) if info else alert.msg_type
    return InboundItem(external_id=alert.key, kind="cap", title=title or alert.identifier,
                       body=info.description if info else "", published_at=alert.sent, cap=alert, cap_xml=xml)


def _text(data: bytes) -> str:
    return data[: cap.MAX_DOCUMENT_BYTES].decode("utf-8", errors="replace")


LINKED_AT_ONCE = 3  # linked documents fetched at the same time, per source


class CapAdapter:
    name = "cap"

    def fetch(self, http: Fetcher, source: SourceConfig) -> list[InboundItem]:
        got = http.fetch(source.url, source.timeout_s, deadline=source.deadline)
        try:
            root = cap.parse_xml(got.body)
        except cap.CapError as exc:
            raise SourceError(f"Nguồn CAP không đọc được: {exc.message_vi}", f"unreadable CAP source: {exc.message_en}") from exc
        certificate = certificate_of(source)
        if not cap_feed.is_feed(root):
            item = item_from_xml(got.body, certificate, got.content_type)
            if item.error and item.error.reason == "namespace":
                raise SourceError(f"Nguồn CAP không đọc được: {item.error.message_vi}", f"unreadable CAP source: {item.error.message_en}")
            return [item]
        entries = cap_feed.parse_cap_feed(root)
        links = {}
        for entry in entries:
            if entry.alert is None and entry.link:
                url = urljoin(got.url, entry.link)
                if url not in source.seen_links:
                    links[entry.id] = url
        fetched = _fetch_all(http, source, list(dict.fromkeys(links.values())))
        items = []
        for entry in entries:
            if entry.alert is not None and certificate:
                # Taken out of the feed, an embedded message is no longer byte for byte what was signed.
                items.append(InboundItem(external_id=entry.alert.key, kind="cap", title=entry.title, cap_xml=entry.xml, error=cap.CapError(
                    "signature", "Nguồn này chỉ nhận bản tin đã ký, mà chữ ký của bản tin nhúng trong nguồn Atom không kiểm tra được: "
                    "bên gửi cần liên kết tới bản tin CAP đã ký",
                    "this source accepts signed messages only, and a message embedded in an Atom feed cannot be checked: "
                    "the feed must link to the signed messages")))
            elif entry.alert is not None:
                items.append(item_from_alert(entry.alert, entry.xml))
            elif entry.link:
                if entry.id not in links:
                    continue  # already in the inbox
                url = links[entry.id]
                linked = fetched[url]
                if isinstance(linked, SourceError):
                    # Not stored in the inbox (the next poll tries again); the poller records it as an event.
                    items.append(InboundItem(external_id=f"feed:{entry.id}", kind="cap", title=entry.title, link=url,
                                             error=cap.CapError(UNREACHABLE, linked.message_vi, linked.message_en)))
                    continue
                items.append(item_from_xml(linked.body, certificate, linked.content_type))
                items[-1].link = url
            else:
                items.append(InboundItem(external_id=f"feed:{entry.id}", kind="cap", title=entry.title, error=entry.error))
            if items[-1].error is not None and not items[-1].external_id:
                items[-1].external_id = f"feed:{entry.id}"
                items[-1].title = items[-1].title or entry.title
        return items


def _fetch_all(http: Fetcher, source: SourceConfig, urls: list[str]) -> dict:
    """Each linked document, or the SourceError that kept it; a few at a time, all within the poll's deadline."""
    if not urls:
        return {}

    def one(url: str):
        try:
            return http.fetch(url, source.timeout_s, deadline=source.deadline)
        except SourceError as exc:
            return exc

    with concurrent.futures.ThreadPoolExecutor(max_workers=LINKED_AT_ONCE, thread_name_prefix=f"source-{source.id}-linked") as pool:
        return dict(zip(urls, pool.map(one, urls)))
