"""The domain on a real SQLite file, without HTTP: a store, the units, a few people of neighbouring units, boards.

Province 15 (Lào Cai) with two of its communes, A and B, and another province
(01, Hà Nội) with one of its wards: enough to try every rule inside and
outside a person's scope, and across two neighbouring communes.
"""
from pathlib import Path

import pytest

from manager import boards, units
from manager.auth import Principal, create_user, principal_for
from manager.clock import Clock
from manager.db import Store
from manager.domain import Domain
from manager.migrations import migrate
from manager.notify import ChangeFeed

PROVINCE, COMMUNE_A, COMMUNE_B = "15", "04465", "04456"
OTHER_PROVINCE, OTHER_WARD = "01", "00070"
PEOPLE = {
    "admin": ("admin", None), "admin2": ("admin", None),
    "p_editor": ("editor", PROVINCE), "p_approver": ("approver", PROVINCE), "p_auditor": ("auditor", PROVINCE),
    "a_editor": ("editor", COMMUNE_A), "a_approver": ("approver", COMMUNE_A), "a_approver2": ("approver", COMMUNE_A),
    "a_auditor": ("auditor", COMMUNE_A),
    "b_editor": ("editor", COMMUNE_B), "b_approver": ("approver", COMMUNE_B),
    "o_editor": ("editor", OTHER_WARD), "o_approver": ("approver", OTHER_WARD), "o_auditor": ("auditor", OTHER_PROVINCE),
}


class RecordingFeed(ChangeFeed):
    """The real change feed, also keeping which boards each wake-up named (None: every board)."""

    def __init__(self):
        super().__init__()
        self.named: list = []  # (`woken` is the feed's own count)

    def bump(self, board_ids=None) -> int:
        self.named.append(None if board_ids is None else sorted(board_ids))
        return super().bump(board_ids)


class Settings:
    heartbeat_interval_s = 30


class World:
    def __init__(self, path: Path):
        self.store = Store(path)
        db = self.store.db()
        migrate(db)
        units.import_current(db)
        assert units.get(db, "vn-2025", COMMUNE_A)["parent_code"] == PROVINCE
        assert units.get(db, "vn-2025", COMMUNE_B)["parent_code"] == PROVINCE
        self.feed = RecordingFeed()
        self.domain = Domain(self.store, self.feed, Clock(), Settings())
        self.people: dict[str, Principal] = {}
        with self.store.write() as db:
            for name, (role, unit) in PEOPLE.items():
                user_id = create_user(db, name, "matkhau-kiem-thu", role, None, unit)
                self.people[name] = principal_for(db["users"].get(user_id))
            self.board_a = boards.create(db, name="Bảng xã A", unit_code=COMMUNE_A)["id"]
            self.board_b = boards.create(db, name="Bảng xã B", unit_code=COMMUNE_B)["id"]
            self.board_o = boards.create(db, name="Bảng Hà Nội", unit_code=OTHER_WARD)["id"]

    def __getitem__(self, name: str) -> Principal:
        return self.people[name]

    def audit(self, object_id: str) -> list[dict]:
        import json

        return [{**r, "detail": json.loads(r["detail"])} for r in
                self.store.db().query("SELECT * FROM audit_log WHERE object_id = ? ORDER BY id", [object_id])]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return World(tmp_path_factory.mktemp("domain") / "manager.db")
