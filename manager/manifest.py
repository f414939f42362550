"""Builds each board's manifest: gather rows (I/O), then assemble (pure).

What a board gets: approved schedules that target it directly, through its
unit or any unit above it, or through a group it belongs to, for the next
days; the approved revision of each schedule's playlist (never the working
copy an editor may be changing), the layouts and assets they use; alerts
that cover it.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlite_utils import Database

from layouts import DEFAULT_LAYOUT_ID, PORTRAIT_LAYOUT_ID, builtin_layouts
from manager import alerts, boards, revisions, units
from protocol import api
from protocol.documents import reading_time_s
from protocol.layout import Layout
from protocol.legibility import min_line_height_px
from protocol.manifest import (Alert, AssetRef, BoardInfo, DocumentPart, Item, ItemKind, Manifest, OperatingWindow,
                               Playlist, Priority, ScheduleRule, TimeWindow)
from protocol.notice import Notice
from protocol.timebase import VN_TZ, iso
from protocol.zonefill import fill_empty


@dataclass
class ManifestInputs:
    board: dict
    unit_name: str
    ancestry: list[str]
    group_ids: list[str]
    schedules: list[dict]
    playlists: dict[str, dict]
    items: dict[str, list[dict]]
    assets: dict[str, dict]
    alerts: list[Alert]
    layouts: dict[str, Layout] = field(default_factory=builtin_layouts)
    # Item id -> the document's parts rendered for this board (see manager.documents).
    documents: dict[str, list[dict]] = field(default_factory=dict)


def board_layout_id(board: dict) -> str:
    if board.get("layout"):
        return board["layout"]
    return PORTRAIT_LAYOUT_ID if board["orientation"] == "portrait" else DEFAULT_LAYOUT_ID


def zone_box(layout: Layout | None, zone_id: str, board: dict) -> tuple[int, int]:
    """A zone's size in pixels on this board (the whole screen if the layout or zone is unknown)."""
    zone = layout.zone(zone_id) if layout else None
    if zone is None:
        return board["width"], board["height"]
    return round(zone.w * board["width"]), round(zone.h * board["height"])


def _document_parts(board: dict, playlists: dict, items: dict, layouts: dict, documents) -> dict[str, list[dict]]:
    if documents is None:  # the week view needs the schedule, not the pictures
        return {}
    floor = min_line_height_px(board["height"], board.get("min_line_px"))  # a board's own floor, where it has one
    found = {}
    for pid, rows in items.items():
        layout = layouts.get(playlists[pid]["layout"])
        if layout is not None:
            # Cut for the zone the board will give it: an empty neighbour's space included (protocol.zonefill).
            layout = fill_empty(layout, {row["zone"] for row in rows})
        for row in rows:
            if row["kind"] == ItemKind.document.value and row["asset_sha256"]:
                found[row["id"]] = documents.parts(row["asset_sha256"], zone_box(layout, row["zone"], board), floor)
    return found


def gather(db: Database, board_id: str, now: datetime, days: int, documents=None) -> ManifestInputs:
    """`documents`: a `manager.documents.DocumentRenderer`, which renders PDF pages for this board's zones."""
    board = boards.get(db, board_id)
    ancestry = units.ancestors(db, board["unit_catalogue"], board["unit_code"])
    unit = units.get(db, board["unit_catalogue"], board["unit_code"])
    group_ids = boards.group_ids(db, board_id)
    unit_targets = [f"{board['unit_catalogue']}:{code}" for code in ancestry]
    horizon = now + timedelta(days=days)
    today = now.astimezone(VN_TZ).date().isoformat()
    last_day = horizon.astimezone(VN_TZ).date().isoformat()
    marks = lambda xs: ",".join("?" * len(xs)) or "NULL"  # noqa: E731
    schedules = list(db.query(
        f"""SELECT * FROM schedules WHERE status != 'withdrawn' AND live_revision_id IS NOT NULL
            AND ((target_kind = 'board' AND target_id = ?)
              OR (target_kind = 'unit' AND target_id IN ({marks(unit_targets)}))
              OR (target_kind = 'group' AND target_id IN ({marks(group_ids)})))
            AND (ends_at IS NULL OR ends_at > ?) AND (starts_at IS NULL OR starts_at < ?)
            AND (date_to IS NULL OR date_to >= ?) AND (date_from IS NULL OR date_from <= ?)""",
        [board_id, *unit_targets, *group_ids, iso(now), iso(horizon), today, last_day]))
    # Each schedule plays the revision it approved, keyed by playlist id (two revisions of one playlist on the
    # same board, while one schedule waits for re-approval, are told apart by the revision number).
    approved = revisions.many(db, sorted({s["live_revision_id"] for s in schedules}))
    by_playlist: dict[str, set[str]] = {}
    for rev in approved.values():
        by_playlist.setdefault(rev["playlist_id"], set()).add(rev["id"])
    keys = {rid: (rev["playlist_id"] if len(by_playlist[rev["playlist_id"]]) == 1 else f"{rev['playlist_id']}@r{rev['number']}")
            for rid, rev in approved.items()}
    for s in schedules:
        s["playlist_id"] = keys[s["live_revision_id"]]
    playlists = {keys[rid]: {"id": keys[rid], "name": rev["name"], "layout": rev["layout"]} for rid, rev in approved.items()}
    items: dict[str, list[dict]] = {keys[rid]: rev["items"] for rid, rev in approved.items()}
    shas = sorted({i["asset_sha256"] for rows in items.values() for i in rows if i["asset_sha256"]})
    asset_rows = {r["sha256"]: r for r in db.query(f"SELECT * FROM assets WHERE sha256 IN ({marks(shas)})", shas)}
    layouts = builtin_layouts()
    return ManifestInputs(board=board, unit_name=unit["name"], ancestry=ancestry, group_ids=group_ids, schedules=schedules,
                          playlists=playlists, items=items, assets=asset_rows, alerts=alerts.for_board(db, board, ancestry, now),
                          layouts=layouts, documents=_document_parts(board, playlists, items, layouts, documents))


def _specificity(schedule: dict, inputs: ManifestInputs) -> int:
    if schedule["target_kind"] == "board":
        return 1000
    if schedule["target_kind"] == "group":
        return 500
    code = schedule["target_id"].split(":", 1)[1]
    return len(inputs.ancestry) - inputs.ancestry.index(code)  # the board's own unit ranks above its province


def _rule(schedule: dict) -> ScheduleRule:
    return ScheduleRule(
        id=schedule["id"], playlist=schedule["playlist_id"], priority=Priority(schedule["priority"]),
        date_from=schedule["date_from"], date_to=schedule["date_to"], weekdays=json.loads(schedule["weekdays"]),
        windows=[TimeWindow.model_validate(w) for w in json.loads(schedule["windows"])],
        starts_at=schedule["starts_at"], ends_at=schedule["ends_at"])


def assemble(inputs: ManifestInputs, now: datetime, days: int) -> Manifest:
    board = inputs.board
    ranked = sorted(inputs.schedules, key=lambda s: (Priority(s["priority"]).rank, _specificity(s, inputs), s["created_at"]), reverse=True)
    defaults = [s for s in ranked if s["is_default"]]
    rules = [_rule(s) for s in ranked if not s["is_default"]]
    default_playlist = defaults[0]["playlist_id"] if defaults else None
    used = {r.playlist for r in rules} | ({default_playlist} if default_playlist else set())
    playlists = {}
    for pid in sorted(used):
        row = inputs.playlists[pid]
        playlists[pid] = Playlist(id=pid, name=row["name"], layout=row["layout"], items=[
            Item(id=i["id"], zone=i["zone"], kind=i["kind"], asset=i["asset_sha256"], title=i["title"], body=i["body"],
                 text=i["text"], duration_s=i["duration_s"], fit=i["fit"], muted=bool(i["muted"]),
                 notice=Notice.model_validate_json(i["notice"]) if i.get("notice") else None,
                 parts=_parts(inputs.documents.get(i["id"], []), i["duration_s"]))
            for i in inputs.items.get(pid, [])])
    # A document's PDF stays on the manager: boards fetch only its rendered parts.
    shas = {i.asset for p in playlists.values() for i in p.items if i.asset and i.kind != ItemKind.document}
    assets = {sha: AssetRef(sha256=sha, size=a["size"], mime=a["mime"], kind=a["kind"], url=api.ASSET.format(sha256=sha),
                            width=a["width"], height=a["height"], duration_s=a["duration_s"])
              for sha, a in sorted(inputs.assets.items()) if sha in shas}
    for item in (i for p in playlists.values() for i in p.items):
        for part in inputs.documents.get(item.id, []):
            assets[part["asset"]] = AssetRef(sha256=part["asset"], size=part["size"], mime="image/png", kind=ItemKind.image,
                                             url=api.ASSET.format(sha256=part["asset"]), width=part["width"], height=part["height"])
    assets = dict(sorted(assets.items()))
    layout_id = board_layout_id(board)
    layout_ids = {p.layout for p in playlists.values()} | {layout_id}
    info = BoardInfo(
        id=board["id"], name=board["name"], unit_catalogue=board["unit_catalogue"], unit_code=board["unit_code"],
        unit_name=inputs.unit_name, board_class=board["board_class"], width=board["width"], height=board["height"],
        orientation=board["orientation"], layout=layout_id,
        operating_hours=[OperatingWindow.model_validate(w) for w in json.loads(board["operating_hours"])],
        heartbeat_interval_s=board["heartbeat_interval_s"], min_line_px=board.get("min_line_px"))
    # An answer never outlives an alert it carries: whoever keeps it (a cache, the board) must ask again by then.
    valid_until = min([now + timedelta(days=days)] + [a.ends_at for a in inputs.alerts if a.ends_at])
    manifest = Manifest(generated_at=now, valid_until=valid_until, board=info,
                        layouts={i: inputs.layouts[i] for i in sorted(layout_ids) if i in inputs.layouts},
                        assets=assets, playlists=playlists, schedule=rules, default_playlist=default_playlist,
                        alerts=inputs.alerts)
    return manifest.with_version()


def _parts(rendered: list[dict], item_s: float) -> list[DocumentPart]:
    """Each part for as long as its text takes to read, never less than the item's own duration."""
    return [DocumentPart(asset=p["asset"], page=p["page"], pages=p["pages"], part=p["part"], parts=p["parts"],
                         duration_s=reading_time_s(p["chars"], minimum_s=item_s)) for p in rendered]


def build(db: Database, board_id: str, now: datetime, days: int, documents=None) -> Manifest:
    return assemble(gather(db, board_id, now, days, documents), now, days)
