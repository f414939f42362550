"""Writes are all or nothing: a failure mid-write leaves no half-written rows."""
import pytest

from manager import boards, units
from manager.db import Store
from manager.errors import NotFound
from manager.migrations import migrate


def test_failed_write_rolls_back_everything(tmp_path):
    store = Store(tmp_path / "x.db")
    migrate(store.db())
    with store.write() as db:
        units.import_current(db)
    with pytest.raises(NotFound):
        with store.write() as db:
            boards.create(db, name="Bảng một", unit_code="00070")
            boards.create_group(db, "Nhóm", ["b-does-not-exist"])  # fails after two inserts
    with store.read() as db:
        assert db.execute("SELECT count(*) FROM boards").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM board_groups").fetchone()[0] == 0
