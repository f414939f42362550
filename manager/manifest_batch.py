"""Builds many boards' manifests at once, from parts they share.

A province's boards differ little: those of one commune with no schedule or
group of their own get the same playlists, and an alert covers thousands of
boards the same way. So a batch reads, once: the live schedules, the active
alerts, the boards' rows and groups. Then each board's manifest is three
kinds of part, each built once and reused:

- the board's own part (`board`), kept between batches keyed by the row
  values it is made of;
- the schedule part (layouts, assets, playlists, rules, default), one per
  distinct set of schedules (with their ranks), board layout and screen (a
  PDF document's pages are cut for the board's zones and legibility floor);
- one part per alert.

The body is the parts joined in the manifest's field order, the same JSON
`Manifest.model_dump_json()` gives (tests compare them), and the version is a
hash of the parts' hashes, so no board's whole manifest is hashed again.
"""
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import TypeAdapter
from sqlite_utils import Database

from layouts import builtin_layouts
from manager import alerts, manifest, units
from protocol.manifest import MANIFEST_SCHEMA, Alert
from protocol.timebase import UTCDateTime

_TIME = TypeAdapter(UTCDateTime)
_SCHEDULE_FIELDS = {"layouts", "assets", "playlists", "schedule", "default_playlist"}
_BOARD_FIELDS = ("id", "name", "unit_catalogue", "unit_code", "board_class", "width", "height", "orientation", "layout",
                 "operating_hours", "heartbeat_interval_s", "min_line_px")
BOARD_PARTS_KEPT = 200_000  # a few hundred bytes each


@dataclass(frozen=True)
class Part:
    json: bytes
    digest: bytes

    @classmethod
    def of(cls, data: bytes) -> "Part":
        return cls(data, hashlib.sha256(data).digest())


@dataclass(frozen=True)
class Built:
    board_id: str
    version: str
    body: bytes
    valid_until: datetime


@dataclass
class _ActiveAlert:
    area: dict
    test: bool
    alert: Alert
    part: Part


@dataclass
class BoardParts:
    """Board parts kept from batch to batch: a board's row rarely changes, its alerts and schedules often."""
    parts: dict[str, tuple[tuple, Part]] = field(default_factory=dict)

    def get(self, board: dict, unit_name: str) -> Part:
        key = (*(board.get(f) for f in _BOARD_FIELDS), unit_name)
        hit = self.parts.get(board["id"])
        if hit is not None and hit[0] == key:
            return hit[1]
        if len(self.parts) >= BOARD_PARTS_KEPT:
            self.parts.clear()
        part = Part.of(b'"board":' + manifest.board_info(board, unit_name).model_dump_json().encode())
        self.parts[board["id"]] = (key, part)
        return part


def _chunks(values: list, first: int = 20, size: int = 500) -> Iterator[list]:
    """A small first chunk, so that the first answers leave at once; then larger ones."""
    yield values[:first]
    for start in range(first, len(values), size):
        yield values[start:start + size]


class Batch:
    """One read of what every board shares; `build` then costs little per board."""

    def __init__(self, db: Database, now: datetime, days: int, board_parts: BoardParts, documents=None):
        """`documents`: the `manager.documents.DocumentRenderer` (None: documents' pages are left out)."""
        self.db, self.now, self.days, self.board_parts, self.documents = db, now, days, board_parts, documents
        self.generated_at = b'"generated_at":' + _TIME.dump_json(now)
        self.horizon = now + timedelta(days=days)
        self.horizon_json = _TIME.dump_json(self.horizon)
        self.layouts = builtin_layouts()
        self.schedules_by_target: dict[tuple[str, str], list[dict]] = {}
        for row in db.query(f"SELECT * FROM schedules WHERE {manifest.LIVE_SCHEDULES}", manifest.live_schedule_args(now, days)):
            self.schedules_by_target.setdefault((row["target_kind"], row["target_id"]), []).append(row)
        self.alerts = [_ActiveAlert(json.loads(row["area"]), bool(row["test"]), alert, Part.of(alert.model_dump_json().encode()))
                       for row, alert in alerts.active(db, now)]
        self._units: dict[tuple[str, str], tuple[list[str], str]] = {}
        self._schedule_parts: dict[tuple, Part] = {}

    def _unit(self, catalogue: str, code: str) -> tuple[list[str], str]:
        hit = self._units.get((catalogue, code))
        if hit is None:
            hit = self._units[(catalogue, code)] = (units.ancestors(self.db, catalogue, code), units.get(self.db, catalogue, code)["name"])
        return hit

    def build(self, board_ids: Iterable[str]) -> Iterator[Built | tuple[str, Exception]]:
        """Each board's manifest in turn, or (board id, error) for a board that cannot have one."""
        for chunk in _chunks(list(dict.fromkeys(board_ids))):  # read a chunk, build it, then read the next
            marks = ",".join("?" * len(chunk))
            rows = {r["id"]: r for r in self.db.query(f"SELECT * FROM boards WHERE id IN ({marks})", chunk)}
            groups: dict[str, list[str]] = {}
            for board_id, group_id in self.db.execute(
                    f"SELECT board_id, group_id FROM board_group_members WHERE board_id IN ({marks})", chunk).fetchall():
                groups.setdefault(board_id, []).append(str(group_id))
            for board_id in chunk:
                board = rows.get(board_id)
                if board is None:
                    yield board_id, LookupError(f"no board {board_id}")
                    continue
                try:
                    yield self._build_one(board, groups.get(board_id, []))
                except Exception as exc:  # one board's bad data must not fail the boards batched with it
                    yield board_id, exc

    def _build_one(self, board: dict, group_ids: list[str]) -> Built:
        ancestry, unit_name = self._unit(board["unit_catalogue"], board["unit_code"])
        targets = [("board", board["id"]), *(("unit", f"{board['unit_catalogue']}:{c}") for c in ancestry),
                   *(("group", g) for g in group_ids)]
        schedules = [s for t in targets for s in self.schedules_by_target.get(t, ())]
        board_part = self.board_parts.get(board, unit_name)
        schedule_part = self._schedule_part(board, schedules, ancestry, unit_name, group_ids)
        covering = [a for a in self.alerts if alerts.targets_board(a.area, a.test, board, ancestry)]
        version = hashlib.sha256(b"".join([board_part.digest, schedule_part.digest, *(a.part.digest for a in covering)])).hexdigest()[:32]
        until = manifest.valid_until(self.now, self.days, [a.alert for a in covering])
        body = b"".join([b'{"schema_version":', str(MANIFEST_SCHEMA).encode(), b',"version":"', version.encode(), b'",',
                         self.generated_at, b',"valid_until":', self.horizon_json if until == self.horizon else _TIME.dump_json(until),
                         b",", board_part.json, b",", schedule_part.json, b',"alerts":[', b",".join(a.part.json for a in covering), b"]}"])
        return Built(board["id"], version, body, until)

    def _schedule_part(self, board: dict, schedules: list[dict], ancestry: list[str], unit_name: str, group_ids: list[str]) -> Part:
        # The screen is in the key: a document's pages are cut for it. Boards of one model share.
        key = (manifest.board_layout_id(board), board["width"], board["height"], board.get("min_line_px"),
               tuple(sorted((s["id"], manifest.specificity(s, ancestry)) for s in schedules)))
        part = self._schedule_parts.get(key)
        if part is None:
            schedules, playlists, items, assets = manifest.approved_content(self.db, schedules)
            layouts = self.layouts
            inputs = manifest.ManifestInputs(
                board=board, unit_name=unit_name, ancestry=ancestry, group_ids=group_ids, schedules=schedules, playlists=playlists,
                items=items, assets=assets, alerts=[], layouts=layouts,
                documents=manifest.document_parts(board, playlists, items, layouts, self.documents))
            shared = manifest.assemble(inputs, self.now, self.days, versioned=False)
            part = self._schedule_parts[key] = Part.of(shared.model_dump_json(include=_SCHEDULE_FIELDS).encode()[1:-1])
        return part
