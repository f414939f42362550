"""Wakes long-polling boards when something they might show has changed.

A change names the boards whose manifest it can change (`bump(board_ids)`),
or none, meaning it may change every board (`bump()`). Only those boards'
waiters wake, so an alert for one commune costs nothing to the boards of the
others. Each board has its own generation: the last change that named it (or
every board). Waiters that follow every change (pairing long-polls) wake on
each bump.

Writers run in worker threads and waiters on the event loop: a bump takes the
lock once, then hands each loop one callback that resolves all its woken
waiters, instead of one thread-safe call (one self-pipe write) per board.
"""
import asyncio
import threading
from collections.abc import Iterable

ANY = None  # the waiter key of those who follow every change


def _resolve(futures: list[asyncio.Future]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(True)


class ChangeFeed:
    def __init__(self):
        self.generation = 0
        self._every_board_since = 0
        self._board_since: dict[str, int] = {}
        self._lock = threading.Lock()
        self._waiters: dict[str | None, set[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = {}
        self.woken = 0  # waiters woken so far: what tests and the bench read to see a change's reach

    def bump(self, board_ids: Iterable[str] | None = None) -> int:
        """Records a committed change to `board_ids` (None: maybe every board) and wakes their waiters."""
        with self._lock:
            self.generation += 1
            if board_ids is None:
                self._every_board_since = self.generation
                self._board_since.clear()  # every board is now at least this generation
                woken = [w for waiters in self._waiters.values() for w in waiters]
            else:
                woken = list(self._waiters.get(ANY, ()))
                for board_id in board_ids:
                    self._board_since[board_id] = self.generation
                    woken.extend(self._waiters.get(board_id, ()))
            generation = self.generation
            self.woken += len(woken)
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = {}
        for loop, future in woken:
            by_loop.setdefault(loop, []).append(future)
        for loop, futures in by_loop.items():
            loop.call_soon_threadsafe(_resolve, futures)
        return generation

    def generation_of(self, board_id: str | None) -> int:
        """The last change that may have changed this board (None: the last change of all)."""
        if board_id is ANY:
            return self.generation
        with self._lock:
            return max(self._every_board_since, self._board_since.get(board_id, 0))

    async def wait_beyond(self, generation: int, timeout: float, board_id: str | None = ANY) -> bool:
        """True once `board_id`'s generation (or, without one, any change) moves past `generation`; False on timeout."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        entry = (loop, future)
        with self._lock:
            current = self.generation if board_id is ANY else max(self._every_board_since, self._board_since.get(board_id, 0))
            if current != generation:
                return True
            self._waiters.setdefault(board_id, set()).add(entry)
        timer = loop.call_later(timeout, lambda: future.done() or future.set_result(False))
        try:
            return await future
        finally:
            timer.cancel()
            with self._lock:
                waiters = self._waiters.get(board_id)
                if waiters is not None:
                    waiters.discard(entry)
                    if not waiters:
                        del self._waiters[board_id]
