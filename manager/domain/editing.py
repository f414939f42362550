"""Changing a playlist in place: one item, one more item, its name; copying it and deleting it.

Every change is a new draft revision through `content.update_playlist`, so
boards keep playing the approved revision until the new one is approved,
and the audit row names what was done. A playlist may be deleted only when
no schedule still uses it (withdrawn ones go with it). Deleting retires it
(`content.retire_playlist`): gone from every page, list and rule, while its
name and revisions stay for the proof of play and the audit log.
"""
from layouts import builtin_layouts
from manager import audit, content
from manager.auth import Principal
from manager.domain import assets as dassets
from manager.domain import db_of
from manager.domain.content import create_playlist, get_playlist, update_playlist
from manager.errors import Invalid, StateConflict
from protocol.layout import ZoneKind
from protocol.timebase import iso, utcnow

COPY_SUFFIX = " (bản sao)"


def _as_input(playlist: dict, items: list[content.ItemIn], name: str | None = None) -> content.PlaylistIn:
    return content.PlaylistIn(name=name or playlist["name"], layout=playlist["layout"], items=items)


def add_item(x, principal: Principal, playlist_id: str, item: content.ItemIn) -> dict:
    """The playlist with one more item at the end (a second bulletin, a ticker, a file)."""
    playlist = get_playlist(x, principal, playlist_id)
    items = [content.item_in(i) for i in playlist["items"]] + [item]
    return update_playlist(x, principal, playlist_id, _as_input(playlist, items), "add_item", {"item": len(items)})


def add_media(x, principal: Principal, playlist_id: str, sha256: str, duration_s: float) -> dict:
    """The console's 'add a file': one more picture, video or document in the layout's media zone."""
    db = db_of(x)
    playlist = get_playlist(db, principal, playlist_id)
    asset = dassets.asset_for(db, principal, sha256)
    zones = builtin_layouts()[playlist["layout"]].zones_of(ZoneKind.media)
    if not zones:
        raise Invalid("Bố cục của danh sách phát không có vùng ảnh/video", "the playlist's layout has no media zone")
    return add_item(x, principal, playlist_id, content.ItemIn(zone=zones[0].id, kind=asset["kind"], asset=sha256, duration_s=duration_s))


def edit_item(x, principal: Principal, playlist_id: str, item_id: str, patch: content.ItemPatch) -> dict:
    """One item's text, title, duration or zone changed. Item ids change with every revision, so an id
    from a page that someone else's edit has overtaken is refused instead of changing the wrong item."""
    playlist = get_playlist(x, principal, playlist_id)
    positions = [i["id"] for i in playlist["items"]]
    if item_id not in positions:
        raise StateConflict("Danh sách phát vừa được sửa ở nơi khác nên mục này đã thay đổi; hãy tải lại trang rồi sửa lại",
                            "the playlist was changed elsewhere and this item with it; reload the page and edit again")
    n = positions.index(item_id)
    items = [content.item_in(i) for i in playlist["items"]]
    items[n] = content.patched(items[n], patch)
    return update_playlist(x, principal, playlist_id, _as_input(playlist, items), "edit_item",
                           {"item": n + 1, "fields": sorted(patch.model_dump(exclude_none=True))})


def rename_playlist(x, principal: Principal, playlist_id: str, name: str) -> dict:
    playlist = get_playlist(x, principal, playlist_id)
    new = _as_input(playlist, [content.item_in(i) for i in playlist["items"]], name)  # the name's bounds: PlaylistIn's
    return update_playlist(x, principal, playlist_id, new, "rename", {"before": playlist["name"]})


def duplicate_playlist(x, principal: Principal, playlist_id: str) -> dict:
    """A new draft playlist of the same unit with the same items: not scheduled, not approved."""
    playlist = get_playlist(x, principal, playlist_id)
    items = [content.item_in(i) for i in playlist["items"]]
    name = playlist["name"][:200 - len(COPY_SUFFIX)] + COPY_SUFFIX
    data = content.PlaylistIn(name=name, layout=playlist["layout"], unit_code=playlist["unit_code"], items=items)
    return create_playlist(x, principal, data, "duplicate", {"copy_of": playlist["name"]},
                           frozenset(i.asset for i in items if i.asset))


def deletable_playlist(x, principal: Principal, playlist_id: str) -> dict:
    """The playlist, when it may be deleted: no schedule uses it any more, or each that did was withdrawn."""
    db = db_of(x)
    playlist = get_playlist(db, principal, playlist_id)
    in_use = [s for s in content.schedule_rows_for_playlist(db, playlist_id) if s["status"] != "withdrawn"]
    if in_use:
        where = ", ".join(sorted({content.target_name(db, s["target_kind"], s["target_id"]) for s in in_use}))
        raise StateConflict(f"Không xoá được “{playlist['name']}”: còn {len(in_use)} lịch phát dùng danh sách này ({where}). "
                            f"Hãy rút các lịch đó trước rồi xoá.",
                            f"cannot delete “{playlist['name']}”: {len(in_use)} schedules still use it ({where}); withdraw them first")
    return playlist


def delete_playlist(x, principal: Principal, playlist_id: str) -> None:
    """Retired with its withdrawn schedules; what it played stays nameable."""
    db = db_of(x)
    playlist = deletable_playlist(db, principal, playlist_id)
    content.retire_playlist(db, playlist_id, iso(utcnow()))
    audit.record(db, principal, "delete", "playlist", playlist_id, name=playlist["name"], revision=playlist["revision"])
