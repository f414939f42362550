"""The domain: one place that decides what may reach a public screen.

Every read and write of a scoped object (boards, groups, playlists and their
revisions, schedules, assets, alerts, inbox items, sources, users, tokens,
the audit log) goes through a function in this package. Each decides, once:

* who may do it: the role, plus the unit scope of the object and of every
  target it reaches (`policy`);
* what the object's state allows (the approval state machine in `content`);
* the audit record (`manager.audit.record`, one row per change);
* which boards to wake, once, after the commit (`Tx.wake`);
* whether the console's open pages should look again (`live`: every write
  unless it calls `quiet`, such as a heartbeat that changes nothing people see).

Routes (`manager/api/`) and console pages (`manager/console/`) call these
functions through `Domain.read` and `Domain.write`; the functions call the
stores (`manager.boards`, `manager.content`, ... which hold the SQL). Nothing
here imports a web framework. See docs/architecture.md.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlite_utils import Database

from manager.clock import Clock
from manager.db import Store
from manager.notify import ChangeFeed

T = TypeVar("T")


@dataclass
class Tx:
    """One write transaction, and the boards it will wake once it has committed."""
    db: Database
    clock: Clock | None = None
    settings: Any = None
    boards: set[str] | None = field(default_factory=set)  # None: maybe every board
    touched: bool = False
    quiet: bool = False  # nothing a console page shows has changed (see `quiet`)

    def wake(self, board_ids: Iterable[str] | None) -> None:
        self.touched = True
        if board_ids is None or self.boards is None:
            self.boards = None
        else:
            self.boards.update(board_ids)


@dataclass
class View:
    """A read: the database, the clock, the settings and the manifests' versions; nothing to wake."""
    db: Database
    clock: Clock | None = None
    settings: Any = None
    manifests: Any = None


class Domain:
    def __init__(self, store: Store, changes: ChangeFeed | None = None, clock: Clock | None = None, settings: Any = None,
                 manifests: Any = None, live: ChangeFeed | None = None):
        self.store, self.changes, self.clock, self.settings, self.manifests = store, changes, clock, settings, manifests
        # The console's own feed: open pages wait on it (manager/console/live_pages.py), never boards, so
        # that a heartbeat changing a page costs the fleet's long-polls nothing.
        self.live = live

    def read(self, fn: Callable[..., T], *args, **kwargs) -> T:
        with self.store.read() as db:
            return fn(View(db, self.clock, self.settings, self.manifests), *args, **kwargs)

    def write(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """`fn(tx, ...)` in one transaction; the boards it named are woken after the commit, not before."""
        with self.store.write() as db:
            tx = Tx(db, self.clock, self.settings)
            result = fn(tx, *args, **kwargs)
        self._wake(tx)
        return result

    def write_if_free(self, fn: Callable[..., T], *args, **kwargs) -> tuple[bool, T | None]:
        """As `write` if no other writer holds the lock right now: (True, result); else (False, None), at once.

        For the event loop's fast path, which must never wait for the lock (an import holds it for seconds).
        """
        txs: list[Tx] = []

        def work(db: Database) -> T:
            txs.append(Tx(db, self.clock, self.settings))
            return fn(txs[0], *args, **kwargs)

        done, result = self.store.write_if_free(work)
        if done:
            self._wake(txs[0])
        return done, result

    def _wake(self, tx: Tx) -> None:
        if tx.touched and self.changes is not None and (tx.boards is None or tx.boards):
            self.changes.bump(None if tx.boards is None else sorted(tx.boards))
        if self.live is not None and not tx.quiet:
            self.live.bump()


def db_of(x) -> Database:
    """A domain function's first argument: a Tx, a View, or (tests, the CLI, other stores' jobs) a plain Database."""
    return x.db if isinstance(x, (Tx, View)) else x


def quiet(x) -> None:
    """This write changes nothing a console page shows: open pages need not look again."""
    if isinstance(x, Tx):
        x.quiet = True


def wake(x, board_ids: Iterable[str] | None) -> None:
    """Name the boards a change affects; with a plain Database there is nobody to wake (no server running)."""
    if isinstance(x, Tx):
        x.wake(board_ids)
