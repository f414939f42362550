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
With `prepare` set (the manifest service sets it), the boards a change reaches
are not woken at once: their answers are built first, and each board is woken
when its answer is ready, so that the event loop only writes answers.
"""
import asyncio
import threading
from collections.abc import Callable, Iterable

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
        # Called with the waiting boards a change reaches, instead of waking them: the manifest
        # service builds their answers first and wakes them (`wake`) as the answers are ready.
        self.prepare: Callable[[list[str]], None] | None = None

    def bump(self, board_ids: Iterable[str] | None = None) -> int:
        """Records a committed change to `board_ids` (None: maybe every board) and wakes their waiters."""
        with self._lock:
            self.generation += 1
            if board_ids is None:
                self._every_board_since = self.generation
                self._board_since.clear()  # every board is now at least this generation
                reached = [b for b in self._waiters if b is not ANY]
            else:
                reached = []
                for board_id in board_ids:
                    self._board_since[board_id] = self.generation
                    if board_id in self._waiters:
                        reached.append(board_id)
            generation = self.generation
        self._wake([ANY])
        if reached:
            if self.prepare is None:
                self._wake(reached)
            else:
                self.prepare(reached)
        return generation

    def wake(self, board_ids: Iterable[str]) -> None:
        """Wakes these boards' waiters now (the manifest service, once their answers are built)."""
        self._wake(board_ids)

    def _wake(self, keys: Iterable[str | None]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = {}
        with self._lock:
            for key in keys:
                for loop, future in self._waiters.get(key, ()):
                    by_loop.setdefault(loop, []).append(future)
            self.woken += sum(len(f) for f in by_loop.values())
        for loop, futures in by_loop.items():
            loop.call_soon_threadsafe(_resolve, futures)

    def generation_of(self, board_id: str | None) -> int:
        """The last change that may have changed this board (None: the last change of all)."""
        if board_id is ANY:
            return self.generation
        with self._lock:
            return max(self._every_board_since, self._board_since.get(board_id, 0))

    def generations_of(self, board_ids: Iterable[str]) -> dict[str, int]:
        """`generation_of` for many boards under one taking of the lock: a province's fan-out asks for thousands."""
        with self._lock:
            every, since = self._every_board_since, self._board_since
            # A board's own entry is never older than `every`: a bump of every board clears them all.
            return {board_id: since.get(board_id, every) for board_id in board_ids}

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
