"""Wakes long-polling boards when anything they might show has changed.

Writers run in worker threads and waiters on the event loop, so a change is
one counter bump plus a thread-safe wake-up of every waiter; each woken board
rebuilds its manifest (cached per generation) and answers only if its own
version moved.
"""
import asyncio
import threading


class ChangeFeed:
    def __init__(self):
        self.generation = 0
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def bump(self, board_ids=None) -> int:
        """`board_ids`: the boards the change may affect (None: maybe every board). Every waiter
        is woken for now; waking only those boards is the change feed's own business."""
        with self._lock:
            self.generation += 1
            waiters = list(self._waiters)
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)
        return self.generation

    async def wait_beyond(self, generation: int, timeout: float) -> bool:
        """True once the generation moves past `generation`; False on timeout."""
        event = asyncio.Event()
        entry = (asyncio.get_running_loop(), event)
        with self._lock:
            if self.generation != generation:
                return True
            self._waiters.add(entry)
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                self._waiters.discard(entry)
