"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1): news items as JSON."""
import json
from datetime import datetime

from manager.sources.base import Fetcher, InboundItem, SourceConfig, SourceError
from protocol.text import nfc


def items_from_json(data: bytes) -> list[InboundItem]:
    try:
        feed = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"JSON Feed không hợp lệ: {exc}", f"invalid JSON Feed: {exc}") from exc
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith("https://jsonfeed.org/version/1") \
            or not isinstance(feed.get("items"), list):
        raise SourceError("Không phải JSON Feed 1.x (thiếu version hoặc items)", "not a JSON Feed 1.x (version or items missing)")
    items = []
    for raw in feed["items"]:
        if not isinstance(raw, dict) or not raw.get("id"):
            continue
        published = None
        if raw.get("date_published"):
            try:
                published = datetime.fromisoformat(raw["date_published"])
            except ValueError:
                published = None
        items.append(InboundItem(
            external_id=nfc(str(raw["id"])), kind="news", title=nfc(str(raw.get("title", ""))),
            body=nfc(str(raw.get("content_text") or raw.get("summary") or "")), link=raw.get("url"),
            published_at=published if published and published.tzinfo else None))
    return items


class JsonFeedAdapter:
    name = "json-feed"

    def fetch(self, http: Fetcher, source: SourceConfig) -> list[InboundItem]:
        return items_from_json(http.get(source.url, source.timeout_s, deadline=source.deadline))
