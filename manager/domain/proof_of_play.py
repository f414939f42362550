"""Proof of play: what the boards a person may see showed over a period, per playlist, item and board.

Read from the boards' play logs (manager/playlog.py). Scope is the boards':
a person sees the plays on their units' boards (revoked ones too, for the
periods they played), whichever playlist or warning was shown there. Names,
not ids: a playlist's (a deleted one's too: it is retired, marked so), an
item's (its title, text or file, from whichever revision the board played),
a warning's headline, a board's and its unit's.
"""
from dataclasses import dataclass, field

from manager import content, playlog, units as units_mod
from manager.auth import Principal, require_role
from manager.domain import db_of
from manager.domain.policy import board_for, boards_in_scope
from manager.reports.period import Period


@dataclass
class Line:
    """One board's plays of one item."""
    board_id: str
    board: str
    unit: str
    plays: int
    seconds: float


@dataclass
class Item:
    id: str
    name: str
    kind: str
    lines: list[Line] = field(default_factory=list)

    @property
    def plays(self) -> int:
        return sum(x.plays for x in self.lines)

    @property
    def seconds(self) -> float:
        return sum(x.seconds for x in self.lines)


@dataclass
class Group:
    """A playlist, or a warning (an alert is shown outside any playlist)."""
    id: str
    name: str
    is_alert: bool
    retired: bool = False  # a playlist deleted since it played
    items: list[Item] = field(default_factory=list)

    @property
    def plays(self) -> int:
        return sum(i.plays for i in self.items)

    @property
    def seconds(self) -> float:
        return sum(i.seconds for i in self.items)


@dataclass
class ProofOfPlay:
    period: Period
    groups: list[Group]
    playlists: list[tuple[str, str, bool]]  # (id, name, retired) of every playlist played in scope over the period: the filter's choices
    boards: list[tuple[str, str]]  # (id, name) of the boards in scope

    @property
    def plays(self) -> int:
        return sum(g.plays for g in self.groups)

    @property
    def seconds(self) -> float:
        return sum(g.seconds for g in self.groups)


def _item_name(item_id: str, label: dict | None) -> str:
    if label is None:
        return item_id  # an item no revision knows (a board's own fallback content): its id is all there is
    return label["title"] or label["file"] or (label["text"][:80] if label["text"] else "") or item_id


def proof_of_play(x, principal: Principal, period: Period, playlist_id: str | None = None,
                  board_id: str | None = None) -> ProofOfPlay:
    db = db_of(x)
    require_role(principal, "editor", "approver", "auditor")
    boards = boards_in_scope(db, principal, revoked=True)
    choices = [(b["id"], b["name"]) for b in boards]
    if board_id:
        boards = [board_for(db, principal, board_id)]
    by_id = {b["id"]: b for b in boards}
    every = playlog.totals(db, list(by_id), period.start, period.end)
    rows = [r for r in every if r["playlist"] == playlist_id] if playlist_id else every
    playlist_ids = sorted({r["playlist"] for r in every if r["playlist"]})
    names = content.playlist_names(db, playlist_ids)
    alerts = playlog.alert_headlines(db, sorted({r["alert"] for r in rows if r["alert"] and not r["playlist"]}))
    labels = playlog.item_labels(db, sorted({r["playlist"] for r in rows if r["playlist"]}))
    units: dict[tuple[str, str], str] = {}

    def unit_name(board: dict) -> str:
        key = (board["unit_catalogue"], board["unit_code"])
        if key not in units:
            units[key] = units_mod.get(db, *key)["name"]
        return units[key]

    groups: dict[str, Group] = {}
    for r in rows:
        key = r["playlist"] or r["alert"] or ""
        group = groups.get(key)
        if group is None:
            is_alert = not r["playlist"]
            name, retired = names.get(key) or (alerts.get(key) or key, False)
            group = groups[key] = Group(key, name, is_alert, retired)
        item = next((i for i in group.items if i.id == r["item"]), None)
        if item is None:
            item = Item(r["item"], _item_name(r["item"], labels.get(r["item"])), r["kind"])
            group.items.append(item)
        board = by_id[r["board_id"]]
        item.lines.append(Line(board["id"], board["name"], unit_name(board), r["plays"], r["seconds"]))
    for group in groups.values():
        for item in group.items:
            item.lines.sort(key=lambda line: (line.unit, line.board))
        group.items.sort(key=lambda i: -i.seconds)
    ordered = sorted(groups.values(), key=lambda g: (g.is_alert, g.name.lower()))
    chosen = [(p, *names.get(p, (p, False))) for p in playlist_ids]
    return ProofOfPlay(period, ordered, sorted(chosen, key=lambda c: c[1].lower()), choices)

