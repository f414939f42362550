"""RSS and Atom news feeds (feedparser): ordinary announcements, not emergency alerts."""
import calendar
import re
from datetime import datetime, timezone

import feedparser

from manager.sources.base import Fetcher, InboundItem, SourceConfig, SourceError
from protocol.text import nfc


def _time(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc) if parsed else None


def items_from_feed(data: bytes) -> list[InboundItem]:
    # feedparser never fetches here: it gets bytes, so it cannot reach the network or the disk.
    # It does not expand entities either, but a feed that declares any is hostile or broken: refuse it.
    if b"<!ENTITY" in data:
        raise SourceError("Nguồn RSS/Atom có khai báo thực thể (ENTITY), bị từ chối", "RSS/Atom feed declares entities: refused")
    feed = feedparser.parse(data)
    if feed.bozo and not feed.entries:
        raise SourceError(f"Nguồn RSS/Atom không đọc được: {feed.bozo_exception}", f"unreadable RSS/Atom feed: {feed.bozo_exception}")
    items = []
    for entry in feed.entries:
        external_id = entry.get("id") or entry.get("link") or entry.get("title")
        if not external_id:
            continue
        body = entry.get("summary") or ""
        items.append(InboundItem(external_id=nfc(external_id), kind="news", title=nfc(entry.get("title", "")),
                                 body=nfc(_plain(body)), link=entry.get("link"), published_at=_time(entry)))
    return items


def _plain(html: str) -> str:
    """feedparser already sanitises HTML; boards show text, so drop the remaining tags."""
    return re.sub(r"\s+\n", "\n", re.sub(r"<[^>]+>", "", html)).strip()


class RssAdapter:
    name = "rss"

    def fetch(self, http: Fetcher, source: SourceConfig) -> list[InboundItem]:
        return items_from_feed(http.get(source.url, source.timeout_s, deadline=source.deadline))
