"""Heartbeats that arrive together are written together: one transaction and one commit, in a writer thread.

Every board sends a heartbeat every 30 s, and right after an alert every
board at once sends the one that reports it on screen. In a transaction
each on the event loop, every heartbeat paid a commit (and, every few
hundred, SQLite's checkpoint with its sync) and held the loop for all its
SQL: most of a heartbeat's cost (bench/README.md, issue 15). Here the
heartbeats that arrive while the previous batch is being written are
written next, together, in one transaction, by one writer thread; SQLite
runs without Python's lock, so the writing overlaps the loop's reading of
the next requests. Each request is answered once its commit is done, never
before: a board deletes from its queue what the manager acknowledged.

While a change's answers are still going out to the boards (`hold`, the
manifest service's `delivering`), the writes wait a few milliseconds at a
time, up to a bound, so that a warning reaches the last board before the
first boards' acknowledgements are written.
"""
import asyncio
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

MAX_BATCH = 512  # writes per transaction: a bound on how long one batch keeps the others waiting
HOLD_STEP_S = 0.005
HOLD_AT_MOST_S = 1.0


class GroupCommit:
    def __init__(self, domain, hold: Callable[[], bool] | None = None):
        self.domain = domain
        self.hold = hold or (lambda: False)
        self._pending: deque[tuple[Callable, tuple, asyncio.Future]] = deque()
        self._busy = False  # a flush is scheduled, waiting, or being written
        self._held_since: float | None = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="group-commit")

    async def write(self, fn: Callable, *args) -> Any:
        """`fn(tx, *args)`, written with whatever else arrives meanwhile; its result once committed."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((fn, args, future))
        if not self._busy:
            self._busy = True
            loop.call_soon(self._flush, loop)
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._holding(loop.time()):
            loop.call_later(HOLD_STEP_S, self._flush, loop)
            return
        batch = [self._pending.popleft() for _ in range(min(MAX_BATCH, len(self._pending)))]
        written = loop.run_in_executor(self._writer, self._write, batch)
        written.add_done_callback(lambda done: self._written(loop, batch, done))

    def _written(self, loop: asyncio.AbstractEventLoop, batch: list, done: asyncio.Future) -> None:
        for (_, _, future), (result, refusal) in zip(batch, done.result()):
            _settle(future, result, refusal)
        if self._pending:
            self._flush(loop)
        else:
            self._busy = False

    def _holding(self, now: float) -> bool:
        if not self.hold():
            self._held_since = None
            return False
        if self._held_since is None:
            self._held_since = now
        return now - self._held_since < HOLD_AT_MOST_S

    def _write(self, batch: list) -> list[tuple[Any, Exception | None]]:
        """In the writer thread: the batch in one transaction; if that fails, each call on its own."""
        outcomes = self.domain.write_together([(fn, args) for fn, args, _ in batch])
        if outcomes is not None:
            return outcomes
        alone = []
        for fn, args, _ in batch:
            try:
                alone.append((self.domain.write(fn, *args), None))
            except Exception as exc:
                alone.append((None, exc))
        return alone


def _settle(future: asyncio.Future, result: Any, refusal: Exception | None) -> None:
    if future.done():
        return  # the request is gone; what it sent is stored all the same
    if refusal is not None:
        future.set_exception(refusal)
    else:
        future.set_result(result)
