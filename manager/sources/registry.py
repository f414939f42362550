"""Adapters by name: the built-in ones, plus any a province installs as an entry point."""
from importlib.metadata import entry_points

from manager.sources.base import Adapter
from manager.sources.cap_adapter import CapAdapter
from manager.sources.json_feed import JsonFeedAdapter
from manager.sources.rss import RssAdapter

ENTRY_POINT_GROUP = "bangtin.source_adapters"
# A province's own adapter module: add its class here, or publish an entry point.
BUILTIN: list[type] = [CapAdapter, RssAdapter, JsonFeedAdapter]


def adapters() -> dict[str, Adapter]:
    found = {cls.name: cls() for cls in BUILTIN}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        cls = ep.load()
        found[cls.name] = cls()
    return found


def get(name: str) -> Adapter | None:
    return adapters().get(name)
