"""A database made by an older schema is upgraded in place, its rows kept."""
import sqlite3

import pytest

from manager import migrations
from manager.db import connect
from manager.migrations import MIGRATIONS, migrate


def test_older_database_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    old = connect(path)
    assert migrate(old, MIGRATIONS[:1]) == ["m001_base"]
    old.execute("INSERT INTO catalogues VALUES ('vn-2025', 'x', '1', 'test', '2025-07-01T00:00:00.000000Z', 1)")
    old.execute("INSERT INTO units VALUES ('vn-2025', '01', 'Hà Nội', 'central_city', 1, NULL, '01')")
    old.execute("INSERT INTO boards (id, name, unit_catalogue, unit_code, created_at) VALUES ('b-old', 'Bảng cũ', 'vn-2025', '01', '2025-01-01T00:00:00.000000Z')")
    old.conn.commit()
    old.close()

    upgraded = connect(path)
    ran = migrate(upgraded)
    assert ran == [m.__name__ for m in MIGRATIONS[1:]]
    board = upgraded["boards"].get("b-old")
    assert board["name"] == "Bảng cũ" and board["layout"] is None
    assert migrate(upgraded) == []
    assert migrations.applied(upgraded) == {m.__name__ for m in MIGRATIONS}


def test_failed_migration_leaves_nothing_half_done(tmp_path):
    db = connect(tmp_path / "x.db")
    migrate(db, MIGRATIONS[:1])

    def m999_broken(database):
        database.execute("CREATE TABLE half (x)")
        database.execute("THIS IS NOT SQL")

    with pytest.raises(sqlite3.OperationalError):
        migrate(db, [*MIGRATIONS[:1], m999_broken])
    assert "half" not in db.table_names()
    assert "m999_broken" not in migrations.applied(db)
