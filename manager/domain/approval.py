"""What an approver looks at before approving: the revision as boards will show it, where, and what changed.

One schedule, for whoever may see it (`content.get_schedule` decides): the
revision waiting for approval (or, with nothing waiting, the newest one), each
item as the board renders it, on the screen most of the target's boards have
(a bulletin's pages from `manager.bulletin_preview`, the board's own
pagination; a document's page images from the renderer the manifests use),
the target by name with the boards it reaches, and each item marked against
the revision on air (`revisions.compare`).
"""
import json
from collections import Counter

from layouts import builtin_layouts
from manager import assets, boards, bulletin_preview, content, revisions
from manager.auth import Principal
from manager.domain import db_of
from manager.domain import content as dcontent
from manager.domain.assets import visible as asset_visible
from manager.domain.policy import target_board_ids
from manager.errors import NotFound
from manager.manifest import zone_box
from protocol import notice as notices
from protocol.layout import ZoneKind
from protocol.legibility import min_line_height_px
from protocol.notice import Notice
from protocol.zonefill import fill_empty

NAMED_BOARDS = 30  # a target of more boards lists these and counts the rest


def _screen(rows: list[dict]) -> dict | None:
    """The screen (size, own legibility floor) most of the target's boards have, and how many have it."""
    if not rows:
        return None
    (size, count), = Counter((b["width"], b["height"], b["min_line_px"]) for b in rows).most_common(1)
    return {"width": size[0], "height": size[1], "min_line_px": size[2], "floor_px": min_line_height_px(size[1], size[2]),
            "boards": count, "others": len(rows) - count}


def _notice(item: dict) -> Notice | None:
    raw = item.get("notice")
    if not raw:
        return None
    return Notice(**(json.loads(raw) if isinstance(raw, str) else raw))


def reading_text(item: dict) -> str:
    """What a person reads of an item on screen, for the text difference."""
    notice = _notice(item)
    if notice is not None:
        return notices.text(notice)
    return "\n".join(t for t in (item.get("title") or "", item.get("body") or "", item.get("text") or "") if t)


def _file(db, principal: Principal, sha256: str) -> dict:
    """A file's name, and whether its thumbnail is the person's to open (another unit's file shows full size)."""
    try:
        row = assets.get(db, sha256)
    except NotFound:
        return {"name": sha256[:12], "thumb": False}
    return {"name": row["original_name"], "thumb": asset_visible(db, principal, row)}


def _rendered(db, principal: Principal, item: dict, layout_id: str, busy: set[str], screen: dict | None, documents) -> dict:
    """One item as the board renders it on `screen` (the layout's own size when the target has no board yet)."""
    notice = _notice(item)
    shown = {"kind": item["kind"], "zone": item["zone"], "duration_s": item["duration_s"], "text": item.get("text") or "",
             "label": " ".join(p for p in (notice.doc_type, notice.number, notice.summary) if p) if notice else
             (item.get("title") or item.get("text") or "")}
    if item.get("asset_sha256"):
        shown.update(sha256=item["asset_sha256"], **_file(db, principal, item["asset_sha256"]))
        shown["label"] = shown["name"]
    layout = builtin_layouts().get(layout_id)
    if layout is None:
        return shown
    size = (screen["width"], screen["height"]) if screen else (layout.width, layout.height)
    own_floor = screen["min_line_px"] if screen else None
    kinds = {z.id: z.kind for z in layout.zones}
    if item["kind"] == "bulletin":
        shown["pages"] = bulletin_preview.preview(
            layout_id, title=item.get("title") or "", body=item.get("body") or "", notice=notice,
            duration_s=item["duration_s"], has_media=any(kinds.get(z) == ZoneKind.media for z in busy),
            has_ticker=any(kinds.get(z) == ZoneKind.ticker for z in busy), screen=size, min_line_px=own_floor)
    elif item["kind"] == "document" and documents is not None and item.get("asset_sha256"):
        box = zone_box(fill_empty(layout, busy), item["zone"], {"width": size[0], "height": size[1]})
        shown["parts"] = documents.parts(item["asset_sha256"], box, min_line_height_px(size[1], own_floor))
    return shown


def _boards(db, ids: list[str]) -> list[dict]:
    found = []
    for board_id in ids:
        try:
            found.append(boards.get(db, board_id))
        except NotFound:  # a board target whose board has gone: nothing to show it on
            continue
    return found


def _target(db, row: dict) -> dict:
    ids = target_board_ids(db, row["target_kind"], row["target_id"])
    rows = sorted(_boards(db, ids), key=lambda b: b["name"])
    live = [b for b in rows if not b["revoked_at"]]
    return {"kind": row["target_kind"], "name": content.target_name(db, row["target_kind"], row["target_id"]),
            "count": len(ids), "boards": [{"id": b["id"], "name": b["name"], "revoked": bool(b["revoked_at"])}
                                          for b in rows[:NAMED_BOARDS]],
            "more": max(0, len(rows) - NAMED_BOARDS), "screen": _screen(live)}


def review(x, principal: Principal, schedule_id: str) -> dict:
    """The approval view of one schedule: what approving it puts on which screens, and how that differs from now."""
    db = db_of(x)
    schedule = dcontent.get_schedule(db, principal, schedule_id)
    row = content.schedule_row(db, schedule_id)
    live = revisions.get(db, row["live_revision_id"]) if row["live_revision_id"] else None
    shown = revisions.get(db, row["revision_id"]) if row["status"] == "submitted" else revisions.head(db, row["playlist_id"])
    target = _target(db, row)
    documents = getattr(getattr(x, "manifests", None), "documents", None)
    items = []
    for entry in revisions.compare(live, shown):
        revision = live if entry["change"] == "removed" else shown
        busy = {i["zone"] for i in revision["items"]}
        item = _rendered(db, principal, entry["item"], revision["layout"], busy, target["screen"], documents)
        item["change"] = entry["change"]
        if entry["change"] == "changed":
            before = entry["before"]
            item.update(edited=entry["edited"], before_duration_s=before["duration_s"], before_zone=before["zone"])
            if "text" in entry["edited"]:
                item["text_diff"] = revisions.text_diff(reading_text(before), reading_text(entry["item"]))
        items.append(item)
    return {"schedule": schedule, "revision": {"number": shown["number"], "name": shown["name"], "layout": shown["layout"]},
            "live": None if live is None else {"number": live["number"], "name": live["name"], "layout": live["layout"]},
            "changes": [c for c in revisions.changes(live, shown) if c["change"] in ("renamed", "layout")],
            "items": items, "target": target}
