"""Writes that arrive together share one transaction in the writer thread (manager/group_commit.py), on a real
SQLite file: each caller gets its own result only once it is committed, a failing write takes no other with it,
writes wait while answers are going out, and a writer holding the lock never stalls the event loop."""
import asyncio
import threading
import time

import pytest

from manager import group_commit
from manager.clock import Clock
from manager.db import Store, connect
from manager.domain import Domain
from manager.group_commit import GroupCommit
from tests import event_loops


class CountingStore(Store):
    """The real store; its connections also count the transactions they commit."""

    def __init__(self, path):
        super().__init__(path)
        self.commits = 0

    def db(self):
        fresh = getattr(self._local, "db", None) is None
        db = super().db()
        if fresh:
            db.conn.set_trace_callback(self._seen)
        return db

    def _seen(self, sql: str) -> None:
        if sql.strip().upper().startswith("COMMIT"):
            self.commits += 1


@pytest.fixture
def store(tmp_path):
    store = CountingStore(tmp_path / "m.db")
    store.db().execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    return store


def note(tx, text: str) -> int:
    if text == "hỏng":
        tx.db.execute("INSERT INTO notes (text) VALUES (?)", [text])
        raise ValueError("không ghi được")
    return tx.db.execute("INSERT INTO notes (text) VALUES (?)", [text]).lastrowid


def stored_texts(store: Store) -> list[str]:
    outside = connect(store.path)  # another connection sees only what was committed
    try:
        return [r[0] for r in outside.execute("SELECT text FROM notes ORDER BY id").fetchall()]
    finally:
        outside.close()


def test_writes_arriving_together_share_one_commit_and_each_is_answered_after_it(store):
    writes = GroupCommit(Domain(store, clock=Clock()))
    seen_when_answered = {}

    async def one(k: int):
        row_id = await writes.write(note, f"ghi chú {k}")
        seen_when_answered[k] = f"ghi chú {k}" in stored_texts(store)
        return row_id

    async def main():
        return await asyncio.gather(*(one(k) for k in range(40)))

    before = store.commits
    ids = event_loops.run(main)
    assert sorted(ids) == list(range(1, 41)) and len(set(ids)) == 40
    assert all(seen_when_answered.values()) and len(seen_when_answered) == 40
    assert stored_texts(store) == [f"ghi chú {k}" for k in range(40)]
    assert 1 <= store.commits - before <= 2  # the first write alone at most, then the rest together


def test_a_failing_write_takes_no_other_with_it(store):
    writes = GroupCommit(Domain(store, clock=Clock()))

    async def main():
        return await asyncio.gather(*(writes.write(note, text) for text in ["một", "hỏng", "hai", "ba"]),
                                    return_exceptions=True)

    first, failed, *rest = event_loops.run(main)
    assert isinstance(failed, ValueError) and str(failed) == "không ghi được"
    assert all(isinstance(r, int) for r in [first, *rest])
    assert stored_texts(store) == ["một", "hai", "ba"]


def test_writes_wait_while_answers_go_out_then_go(store, monkeypatch):
    held_until = time.monotonic() + 0.3
    writes = GroupCommit(Domain(store, clock=Clock()), hold=lambda: time.monotonic() < held_until)

    async def main():
        started = time.monotonic()
        await writes.write(note, "sau khi trả lời")
        return time.monotonic() - started

    assert event_loops.run(main) >= 0.25
    monkeypatch.setattr(group_commit, "HOLD_AT_MOST_S", 0.2)
    forever = GroupCommit(Domain(store, clock=Clock()), hold=lambda: True)

    async def bounded():
        started = time.monotonic()
        await forever.write(note, "không chờ mãi")
        return time.monotonic() - started

    assert 0.15 <= event_loops.run(bounded) < 2  # never held past the bound
    assert stored_texts(store) == ["sau khi trả lời", "không chờ mãi"]


def test_another_writer_holding_the_lock_never_stalls_the_event_loop(store):
    writes = GroupCommit(Domain(store, clock=Clock()))
    locked, release = threading.Event(), threading.Event()

    def long_import():
        with store.write() as db:  # a CSV import holds the write lock for seconds
            db.execute("INSERT INTO notes (text) VALUES ('nhập danh mục')")
            locked.set()
            release.wait(5)

    async def main():
        importer = threading.Thread(target=long_import)
        importer.start()
        locked.wait(5)
        write = asyncio.ensure_future(writes.write(note, "nhịp tim"))
        ticks = 0
        for _ in range(20):  # the loop keeps turning while the write waits for the lock in the writer thread
            await asyncio.sleep(0.01)
            ticks += 1
        assert not write.done()
        release.set()
        row_id = await asyncio.wait_for(write, 5)
        importer.join()
        return ticks, row_id

    ticks, row_id = event_loops.run(main)
    assert ticks == 20 and row_id == 2
    assert stored_texts(store) == ["nhập danh mục", "nhịp tim"]
