"""Feeds of CAP messages: Atom entries that embed or link a message, RSS 2.0 items that link one.

Pure, like `manager.cap`: bytes or an element in, entries out.
"""
from dataclasses import dataclass
from xml.etree.ElementTree import Element, tostring

from manager.cap import CapAlert, CapError, alert_from_element, child_text, parse_xml, split_tag

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass
class FeedEntry:
    id: str
    title: str
    updated: str
    alert: CapAlert | None = None  # when the entry embeds the message
    link: str | None = None  # when it only links to it
    xml: str | None = None  # the embedded message as XML text
    error: CapError | None = None  # an embedded message we refused; the rest of the feed still counts


def is_feed(root: Element) -> bool:
    return root.tag == f"{{{ATOM_NS}}}feed" or root.tag == "rss"


def parse_cap_feed(data: bytes | Element) -> list[FeedEntry]:
    """A feed of CAP messages: Atom entries that embed a message (in <content>) or link to it, or
    RSS 2.0 items that link to it (as alerting authorities list theirs for the WMO Alert Hub)."""
    root = data if isinstance(data, Element) else parse_xml(data)
    if root.tag == "rss":
        return [_rss_entry(item) for item in root.iter("item")]
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise CapError("namespace", f"Không phải nguồn Atom hay RSS: phần tử gốc {root.tag}",
                       f"not an Atom or RSS feed: root element {root.tag}")
    entries = []
    for entry in root.findall(f"{{{ATOM_NS}}}entry"):
        item = FeedEntry(id=child_text(entry, ATOM_NS, "id"), title=child_text(entry, ATOM_NS, "title"), updated=child_text(entry, ATOM_NS, "updated"))
        embedded = [el for el in entry.iter() if split_tag(el.tag)[1] == "alert" and split_tag(el.tag)[0] != ATOM_NS]
        if embedded:
            try:
                item.alert = alert_from_element(embedded[0])
                item.xml = tostring(embedded[0], encoding="unicode")
            except CapError as exc:
                item.error = exc
        else:
            links = entry.findall(f"{{{ATOM_NS}}}link")
            cap_links = [l for l in links if "cap" in (l.get("type") or "")] or links
            item.link = cap_links[0].get("href") if cap_links else None
            if not item.link:
                item.error = _no_alert("Atom")
        entries.append(item)
    return entries


def _rss_entry(item: Element) -> FeedEntry:
    enclosures = [e.get("url") for e in item.findall("enclosure") if "cap" in (e.get("type") or "") and e.get("url")]
    link = enclosures[0] if enclosures else child_text(item, "", "link")
    entry = FeedEntry(id=child_text(item, "", "guid") or link, title=child_text(item, "", "title"),
                      updated=child_text(item, "", "pubDate"), link=link or None)
    if not entry.link:
        entry.error = _no_alert("RSS")
    return entry


def _no_alert(kind: str) -> CapError:
    return CapError("no_alert", f"Mục {kind} không chứa và không liên kết bản tin CAP", f"{kind} entry neither embeds nor links a CAP message")
