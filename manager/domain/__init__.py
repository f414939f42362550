"""The domain: one place that decides what may reach a public screen.

Every read and write of a scoped object (boards, groups, playlists and their
revisions, schedules, assets, alerts, inbox items, sources, users, tokens,
the audit log) goes through a function in this package. Each decides, once:

* who may do it: the role, plus the unit scope of the object and of every
  target it reaches (`policy`);
* what the object's state allows (the approval state machine in `content`);
* the audit record (`manager.audit.record`, one row per change);
* which boards to wake, once, after the commit (`Tx.wake`), and whose tokens
  changed (`tokens_changed`: the remembered tokens, `manager.board_tokens`);
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

from manager import storage
from manager.board_tokens import BoardTokens
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
    new_tokens: set[str] = field(default_factory=set)  # boards whose token was revoked
    quiet: bool = False  # nothing a console page shows has changed (see `quiet`)
    refusal: Exception | None = None  # raised once the transaction has committed

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
                 manifests: Any = None, live: ChangeFeed | None = None, reserve: storage.Reserve | None = None):
        self.store, self.changes, self.clock, self.settings, self.manifests = store, changes, clock, settings, manifests
        # The console's own feed: open pages wait on it (manager/console/live_pages.py), never boards, so
        # that a heartbeat changing a page costs the fleet's long-polls nothing.
        self.live = live
        self.reserve = reserve
        self.tokens = BoardTokens()

    def board_of_token(self, token: str) -> str | None:
        """The id of the board whose live token this is; remembered, since every heartbeat and long-poll asks."""
        return self.tokens.board_id(self.store.read, token)

    def read(self, fn: Callable[..., T], *args, **kwargs) -> T:
        with self.store.read() as db:
            return fn(View(db, self.clock, self.settings, self.manifests), *args, **kwargs)

    def write(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """`fn(tx, ...)` in one transaction; the boards it named are woken after the commit, not before.

        On a full disk an essential `fn` spends the reserve and runs again; others get 507 (manager.storage)."""
        return self._spending_reserve(self._write, fn, *args, **kwargs)

    def _spending_reserve(self, run: Callable[..., T], fn: Callable, *args, **kwargs) -> T:
        self.require_room(fn)
        try:
            return run(fn, *args, **kwargs)
        except Exception as exc:
            if not self._released_for(fn, exc):
                raise
        return run(fn, *args, **kwargs)

    def require_room(self, fn: Callable | None = None) -> None:
        """507 now, before any work, while the disk is full, unless `fn` is essential (manager.storage.Reserve)."""
        if self.reserve is not None and not (fn and storage.is_essential(fn)):
            self.reserve.require_room()

    def _released_for(self, fn: Callable, exc: Exception) -> bool:
        return self.reserve is not None and storage.is_essential(fn) and storage.is_disk_full(exc) and self.reserve.release()

    def _write(self, fn: Callable[..., T], *args, **kwargs) -> T:
        with self.store.write() as db:
            tx = Tx(db, self.clock, self.settings)
            result = fn(tx, *args, **kwargs)
        self._wake(tx)
        if tx.refusal is not None:
            raise tx.refusal
        return result

    def write_together(self, calls: list[tuple[Callable, tuple]]) -> list[tuple[Any, Exception | None]] | None:
        """Each `fn(tx, *args)` of `calls` in one shared transaction: each call's (result, refusal), after the
        commit. None when the disk is full or any call failed (then none of them is stored): the caller
        writes each on its own (`write`), which gives each its own outcome and spends the disk reserve.

        For manager.group_commit: one commit for the heartbeats that arrive together."""
        txs: list[Tx] = []
        try:
            for fn, _ in calls:
                self.require_room(fn)
            with self.store.write() as db:
                results = []
                for fn, args in calls:
                    txs.append(Tx(db, self.clock, self.settings))
                    results.append(fn(txs[-1], *args))
        except Exception:
            return None
        for tx in txs:
            self._wake(tx)
        return [(result, tx.refusal) for result, tx in zip(results, txs)]

    def _wake(self, tx: Tx) -> None:
        if tx.new_tokens:
            self.tokens.forget(tx.new_tokens)
        if tx.touched and self.changes is not None and (tx.boards is None or tx.boards):
            self.changes.bump(None if tx.boards is None else sorted(tx.boards))
        if self.live is not None and not tx.quiet:
            self.live.bump()


def db_of(x) -> Database:
    """A domain function's first argument: a Tx, a View, or (tests, the CLI, other stores' jobs) a plain Database."""
    return x.db if isinstance(x, (Tx, View)) else x


def refuse_after_commit(x, error: Exception) -> None:
    """Refuse the request, yet keep what it wrote (a failed attempt counted toward a limit): a plain raise
    would roll that back. With a plain Database there is no transaction of ours to commit: raise now."""
    if not isinstance(x, Tx):
        raise error
    x.refusal = error


def quiet(x) -> None:
    """This write changes nothing a console page shows: open pages need not look again."""
    if isinstance(x, Tx):
        x.quiet = True


def wake(x, board_ids: Iterable[str] | None) -> None:
    """Name the boards a change affects; with a plain Database there is nobody to wake (no server running)."""
    if isinstance(x, Tx):
        x.wake(board_ids)


def tokens_changed(x, board_ids: Iterable[str]) -> None:
    """These boards' tokens were revoked (or replaced): forget them once the transaction commits."""
    if isinstance(x, Tx):
        x.new_tokens.update(board_ids)
