"""Playlists, their revisions, and schedules: the approval state machine and separation of duties.

* A playlist belongs to a unit. Every edit makes a new revision (an
  immutable snapshot); the working copy is the newest one.
* A schedule puts a playlist on a target (a board, a unit and everything
  under it, or a group). Creating, submitting, approving or withdrawing one
  needs every unit the target reaches inside the person's scope.
* Submitting pins the playlist's newest revision; approving makes that
  revision the one boards play (`live_revision_id`). Editing an approved
  playlist changes nothing on screen: boards keep playing the approved
  revision until a new one is submitted and approved.
* Whoever made a revision being approved (any revision since the approved
  one) or drafted the schedule cannot approve it; an administrator may,
  with a reason the audit log keeps.
"""
import json

from manager import audit, content, revisions, units
from manager.auth import Principal, in_scope
from manager.domain import assets as dassets
from manager.domain import boards as dboards
from manager.domain import db_of, wake
from manager.domain.policy import (CONTENT, require_role, require_scope, target_board_ids, target_in_scope,
                                   target_touches_scope)
from manager.errors import Invalid, NotAllowed, NotFound, OutOfScope, StateConflict
from protocol.manifest import Priority
from protocol.timebase import iso, utcnow

MIN_REASON = 10  # characters of an administrator's reason to approve their own work


def _no_playlist(playlist_id: str) -> tuple[str, str]:
    return f"Không có danh sách phát {playlist_id}", f"no playlist {playlist_id}"


def _no_schedule(schedule_id: str) -> tuple[str, str]:
    return f"Không có lịch phát {schedule_id}", f"no schedule {schedule_id}"


def _playlist_visible(db, principal: Principal, row: dict) -> bool:
    return principal.is_admin or (row["unit_code"] is not None and in_scope(db, principal, row["unit_catalogue"], row["unit_code"]))


def _playlist_row(db, principal: Principal, playlist_id: str) -> dict:
    row = content.playlist_row(db, playlist_id)
    if row is None:
        raise NotFound(*_no_playlist(playlist_id))
    if not _playlist_visible(db, principal, row):
        raise OutOfScope(*_no_playlist(playlist_id))
    return row


def _owner(db, principal: Principal, unit_code: str | None) -> tuple[str | None, str | None]:
    if unit_code is None:
        return principal.unit_catalogue, principal.unit_code
    catalogue = principal.unit_catalogue or units.current_catalogue(db)
    units.get(db, catalogue, unit_code)
    require_scope(db, principal, catalogue, unit_code)
    return catalogue, unit_code


def _check_assets(db, principal: Principal, items: list[content.ItemIn], already: set[str]) -> None:
    """Media must be the person's to use; files already in the playlist may stay."""
    for item in items:
        if item.asset and item.asset not in already:
            dassets.asset_for(db, principal, item.asset)


def _new_revision(db, principal: Principal, playlist_id: str) -> dict:
    playlist = content.playlist_row(db, playlist_id)
    return revisions.record(db, playlist, content.playlist_items(db, playlist_id), principal.user_id)


def create_playlist(x, principal: Principal, data: content.PlaylistIn, verb: str = "create", detail: dict | None = None,
                    already: frozenset[str] = frozenset()) -> dict:
    """`verb` and `detail` for the audit row (a copy is recorded as one); `already`: files the person may
    reuse although not theirs to pick (those of the playlist copied)."""
    db = db_of(x)
    require_role(principal, *CONTENT)
    _check_assets(db, principal, data.items, set(already))
    content.check_items(db, data.layout, data.items)
    catalogue, code = _owner(db, principal, data.unit_code)
    now = iso(utcnow())
    playlist_id = content.new_id("p")
    content.insert_playlist(db, dict(id=playlist_id, name=data.name, layout=data.layout, unit_catalogue=catalogue, unit_code=code,
                                     created_by=principal.user_id, created_at=now, updated_at=now))
    content.write_items(db, playlist_id, data.items)
    revision = _new_revision(db, principal, playlist_id)
    audit.record(db, principal, verb, "playlist", playlist_id, name=data.name, revision=revision["number"], **(detail or {}))
    return get_playlist(db, principal, playlist_id)


def update_playlist(x, principal: Principal, playlist_id: str, data: content.PlaylistIn, verb: str = "update",
                    detail: dict | None = None) -> dict:
    """A new draft revision. Nothing on screen changes: schedules keep playing the revision they approved.
    `verb` and `detail` say in the audit row what the change was (a rename, one item edited)."""
    db = db_of(x)
    require_role(principal, *CONTENT)
    before = _playlist_row(db, principal, playlist_id)
    old_items = content.playlist_items(db, playlist_id)
    _check_assets(db, principal, data.items, {i["asset_sha256"] for i in old_items if i["asset_sha256"]})
    content.check_items(db, data.layout, data.items)
    if data.unit_code is not None and data.unit_code != before["unit_code"]:
        catalogue, code = _owner(db, principal, data.unit_code)
        content.set_playlist(db, playlist_id, unit_catalogue=catalogue, unit_code=code)
    content.set_playlist(db, playlist_id, name=data.name, layout=data.layout, updated_at=iso(utcnow()))
    content.write_items(db, playlist_id, data.items)
    previous = before["revision"]
    revision = _new_revision(db, principal, playlist_id)
    on_air = [s["id"] for s in content.schedule_rows_for_playlist(db, playlist_id) if s["live_revision_id"] and s["status"] != "withdrawn"]
    audit.record(db, principal, verb, "playlist", playlist_id, name=data.name, revision=revision["number"],
                 previous_revision=previous, on_air_schedules=on_air, **(detail or {}))
    return get_playlist(db, principal, playlist_id)


def get_playlist(x, principal: Principal, playlist_id: str) -> dict:
    db = db_of(x)
    require_role(principal, *CONTENT)
    playlist = dict(_playlist_row(db, principal, playlist_id))
    playlist["items"] = content.playlist_items(db, playlist_id)
    for item in playlist["items"]:
        item["notice"] = json.loads(item["notice"]) if item.get("notice") else None
    return playlist


def list_playlists(x, principal: Principal) -> list[dict]:
    db = db_of(x)
    require_role(principal, *CONTENT)
    return [r for r in content.playlist_rows(db) if _playlist_visible(db, principal, r)]


def playlist_uses_of_assets(x, principal: Principal, shas: list[str]) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Per file: the playlists in scope whose revisions use it (on air or not, in the newest revision or
    only an older one), and how many others (not named) do."""
    db = db_of(x)
    visible = {p["id"] for p in list_playlists(db, principal)}
    used: dict[str, list[dict]] = {sha: [] for sha in shas}
    elsewhere = {sha: 0 for sha in shas}
    for row in revisions.asset_uses(db):
        if row["sha256"] not in used:
            continue
        if row["playlist_id"] in visible:
            used[row["sha256"]].append(dict(id=row["playlist_id"], name=row["name"], approved=bool(row["approved"]),
                                            current=bool(row["current"])))
        else:
            elsewhere[row["sha256"]] += 1
    return used, elsewhere


# Schedules -----------------------------------------------------------------------------------------

def _target(db, principal: Principal, target: content.TargetIn) -> str:
    """The target's stored id; it must exist and every unit it reaches must be the person's."""
    if target.kind == "board":
        dboards.board_for(db, principal, target.id)
        stored = target.id
    elif target.kind == "unit":
        catalogue = target.catalogue or units.current_catalogue(db)
        units.get(db, catalogue, target.id)
        stored = f"{catalogue}:{target.id}"
    else:
        stored = str(dboards.group_for(db, principal, target.id)["id"])
    if not target_in_scope(db, principal, target.kind, stored):
        raise OutOfScope("Nơi phát này (hoặc một phần của nó) nằm ngoài phạm vi của bạn",
                         "this target (or part of it) is outside your scope")
    return stored


def _schedule_visible(db, principal: Principal, row: dict) -> bool:
    """The playlist's owners see it, and so does everyone whose boards it targets."""
    if principal.is_admin or target_touches_scope(db, principal, row["target_kind"], row["target_id"]):
        return True
    playlist = content.playlist_row(db, row["playlist_id"])
    return playlist is not None and _playlist_visible(db, principal, playlist)


def _schedule_row(db, principal: Principal, schedule_id: str) -> dict:
    row = content.schedule_row(db, schedule_id)
    if row is None:
        raise NotFound(*_no_schedule(schedule_id))
    if not _schedule_visible(db, principal, row):
        raise OutOfScope(*_no_schedule(schedule_id))
    return row


def create_schedule(x, principal: Principal, data: content.ScheduleIn) -> dict:
    db = db_of(x)
    require_role(principal, *CONTENT)
    playlist = _playlist_row(db, principal, data.playlist_id)
    if data.priority == Priority.emergency:
        require_role(principal, "approver")
    target_id = _target(db, principal, data.target)
    now = iso(utcnow())
    schedule_id = content.new_id("s")
    content.insert_schedule(db, dict(
        id=schedule_id, playlist_id=data.playlist_id, priority=data.priority.value, target_kind=data.target.kind,
        target_id=target_id, date_from=data.date_from.isoformat() if data.date_from else None,
        date_to=data.date_to.isoformat() if data.date_to else None, weekdays=_json(data.weekdays),
        windows=_json([w.model_dump() for w in data.windows]),
        starts_at=iso(data.starts_at) if data.starts_at else None, ends_at=iso(data.ends_at) if data.ends_at else None,
        is_default=int(data.is_default), status="draft", created_by=principal.user_id, created_at=now, updated_at=now,
        revision_id=revisions.head(db, playlist["id"])["id"]))
    audit.record(db, principal, "create", "schedule", schedule_id, playlist=data.playlist_id, target=target_id)
    return get_schedule(db, principal, schedule_id)


def _json(value) -> str:
    return json.dumps(value)


def _shown(db, principal: Principal, row: dict) -> dict:
    """A schedule as people see it: its state, the revision on air, the one waiting, and what changed."""
    shown = dict(row)
    head = revisions.head(db, row["playlist_id"])
    live = revisions.get(db, row["live_revision_id"]) if row["live_revision_id"] else None
    pinned = revisions.get(db, row["revision_id"]) if row["revision_id"] else None
    shown["revision"] = pinned["number"] if pinned else None
    shown["live_revision"] = live["number"] if live else None
    shown["head_revision"] = head["number"]
    shown["on_air"] = bool(live) and row["status"] != "withdrawn"
    # An edit not yet approved: waiting for approval (submitted) or not yet submitted (head moved on).
    shown["awaiting_approval"] = row["status"] == "submitted"
    shown["unsubmitted_edit"] = row["status"] in ("approved", "submitted") and (pinned or live) is not None \
        and head["number"] > (pinned or live)["number"]
    shown["changes"] = revisions.changes(live, pinned) if row["status"] == "submitted" and pinned else []
    shown["playlist_name"] = (pinned or head)["name"]
    shown["items"] = (pinned or head)["items"]
    shown["target_name"] = content.target_name(db, row["target_kind"], row["target_id"])
    shown["target_boards"] = len(target_board_ids(db, row["target_kind"], row["target_id"]))  # what approving reaches
    shown["may_act"] = target_in_scope(db, principal, row["target_kind"], row["target_id"])
    return shown


def get_schedule(x, principal: Principal, schedule_id: str) -> dict:
    db = db_of(x)
    require_role(principal, *CONTENT)
    return _shown(db, principal, _schedule_row(db, principal, schedule_id))


def list_schedules(x, principal: Principal, status: str | None = None) -> list[dict]:
    db = db_of(x)
    require_role(principal, *CONTENT)
    out = []
    for schedule_id in content.schedule_ids(db, status):
        row = content.schedule_row(db, schedule_id)
        if _schedule_visible(db, principal, row):
            out.append(_shown(db, principal, row))
    return out


# (from, roles allowed besides admin)
TRANSITIONS = {
    "submit": (("draft", "withdrawn", "approved", "submitted"), ("editor", "approver")),  # again: pins a newer revision
    "approve": (("submitted",), ("approver",)),
    "reject": (("submitted",), ("approver",)),
    "withdraw": (("submitted", "approved"), ("editor", "approver")),
}


def _check_separation(db, principal: Principal, row: dict, reason: str) -> dict:
    """Whoever drafted the schedule or changed the content since the approved revision may not approve it."""
    pinned = revisions.get(db, row["revision_id"])
    live_number = revisions.get(db, row["live_revision_id"])["number"] if row["live_revision_id"] else 0
    involved = revisions.authors_between(db, row["playlist_id"], live_number, pinned["number"])
    if row["live_revision_id"] is None and row["created_by"] is not None:
        involved.add(row["created_by"])
    if principal.user_id not in involved:
        return {}
    if not principal.is_admin:
        raise NotAllowed("Bạn đã soạn hoặc sửa nội dung này nên không thể tự duyệt; hãy nhờ một người duyệt khác",
                         "you drafted or changed this content, so someone else must approve it")
    if len(reason.strip()) < MIN_REASON:
        raise Invalid(f"Quản trị viên tự duyệt nội dung của mình phải ghi lý do (ít nhất {MIN_REASON} ký tự)",
                      f"an administrator approving their own work must give a reason (at least {MIN_REASON} characters)")
    return {"override": True, "reason": reason.strip()}


def transition(x, principal: Principal, schedule_id: str, action: str, reason: str = "") -> dict:
    db = db_of(x)
    if action not in TRANSITIONS:
        raise NotFound(f"Không có thao tác {action}", f"unknown action: {action}")
    sources, roles = TRANSITIONS[action]
    require_role(principal, *roles)
    row = _schedule_row(db, principal, schedule_id)
    if not target_in_scope(db, principal, row["target_kind"], row["target_id"]):
        raise OutOfScope(*_no_schedule(schedule_id))  # may see it (its playlist is theirs), may not act on its target
    if row["status"] not in sources:
        raise StateConflict(f"Không thể '{action}' lịch đang ở trạng thái '{row['status']}'",
                            f"cannot {action} a schedule that is {row['status']}")
    now = iso(utcnow())
    detail: dict = {}
    if action == "submit":
        head = revisions.head(db, row["playlist_id"])
        if row["status"] == "approved" and head["id"] == row["live_revision_id"]:
            raise StateConflict("Lịch đã được duyệt và nội dung chưa thay đổi: không có gì để gửi duyệt",
                                "the schedule is approved and its content has not changed: nothing to submit")
        if row["status"] == "submitted" and head["id"] == row["revision_id"]:
            raise StateConflict("Lịch đang chờ duyệt đúng phiên bản này", "this revision is already waiting for approval")
        content.set_schedule(db, schedule_id, status="submitted", revision_id=head["id"], submitted_by=principal.user_id,
                             submitted_at=now, updated_at=now)
        detail = {"revision": head["number"]}
    elif action == "approve":
        detail = _check_separation(db, principal, row, reason)
        pinned = revisions.get(db, row["revision_id"])
        previous = revisions.get(db, row["live_revision_id"])["number"] if row["live_revision_id"] else None
        content.set_schedule(db, schedule_id, status="approved", live_revision_id=pinned["id"], approved_by=principal.user_id,
                             approved_at=now, updated_at=now)
        detail.update(revision=pinned["number"], content_hash=pinned["content_hash"], previous_revision=previous)
    elif action == "reject":
        # An approved revision stays on air; only the edit waiting for approval is turned down.
        status = "approved" if row["live_revision_id"] else "draft"
        content.set_schedule(db, schedule_id, status=status, revision_id=row["live_revision_id"] or row["revision_id"], updated_at=now)
        detail = {"revision": revisions.get(db, row["revision_id"])["number"], "reason": reason.strip()}
    else:
        content.set_schedule(db, schedule_id, status="withdrawn", live_revision_id=None, updated_at=now)
        detail = {"revision": revisions.get(db, row["live_revision_id"])["number"] if row["live_revision_id"] else None}
    audit.record(db, principal, action, "schedule", schedule_id, status=content.schedule_row(db, schedule_id)["status"], **detail)
    if action in ("approve", "withdraw") or (action == "reject" and row["live_revision_id"]):
        wake(x, target_board_ids(db, row["target_kind"], row["target_id"]))
    return get_schedule(db, principal, schedule_id)


def pending_schedules(x, principal: Principal) -> list[dict]:
    """Submitted schedules the person may act on, oldest first."""
    db = db_of(x)
    return [s for s in list_schedules(db, principal, "submitted") if s["may_act"]]


def playlist_schedules(x, principal: Principal, playlist_id: str) -> list[dict]:
    """The schedules of a playlist the person may see, each with what is on air and what waits."""
    db = db_of(x)
    _playlist_row(db, principal, playlist_id)
    return [_shown(db, principal, r) for r in content.schedule_rows_for_playlist(db, playlist_id) if _schedule_visible(db, principal, r)]


def week_boards(x, principal: Principal, board: str | None, unit: str | None) -> list[dict]:
    """The boards whose week the person asked to see: one board, or every board under a unit of theirs."""
    from manager.domain.wall import board_choices

    db = db_of(x)
    require_role(principal, *CONTENT)
    if board:
        return [dboards.board_for(db, principal, board)]
    if unit:
        return board_choices(db, principal, unit)
    return []


def schedule_form_choices(x, principal: Principal) -> dict:
    """What a person may pick when making a schedule: their playlists, boards, units and groups."""
    from manager.domain.wall import board_choices, scope_units

    db = db_of(x)
    require_role(principal, *CONTENT)
    return dict(playlists=list_playlists(db, principal), boards=board_choices(db, principal), units=scope_units(db, principal),
                groups=dboards.list_groups(db, principal))
