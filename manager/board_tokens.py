"""Which board a token belongs to, remembered: a board shows its token with every heartbeat and long-poll.

Only the token's hash and its board's id are kept, never the board's row,
whose fields change with every heartbeat. Nothing here knows when a token
changes: the domain says so (`Tx.tokens_changed`), and `Domain` calls
`forget` once that transaction has committed. A lookup that read the
database before such a change and finishes after it is not remembered (the
epoch moved on meanwhile), so a revoked token is refused from the next
request on. An entry lives at most `TTL_S`, for changes made outside this
process (the command line on the same file); at most `MAX_ENTRIES` are kept.
"""
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

from sqlite_utils import Database

from manager.auth import hash_token

TTL_S = 60.0
MAX_ENTRIES = 100_000


class BoardTokens:
    def __init__(self, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES):
        self.ttl_s, self.max_entries = ttl_s, max_entries
        self._boards: dict[str, tuple[str, float]] = {}  # token hash -> (board id, valid until, monotonic)
        self._hashes: dict[str, str] = {}  # board id -> its token's hash
        self._epoch = 0
        self._lock = threading.Lock()

    def board_id(self, read: Callable[[], AbstractContextManager[Database]], token: str) -> str | None:
        """The id of the board whose live token this is, or None; `read` opens the database only if need be."""
        hashed = hash_token(token)
        now = time.monotonic()
        known = self._boards.get(hashed)
        if known is not None and known[1] > now:
            return known[0]
        epoch = self._epoch
        with read() as db:
            row = db.execute("SELECT id FROM boards WHERE token_hash = ? AND revoked_at IS NULL", [hashed]).fetchone()
        if row is None:
            return None
        with self._lock:
            if epoch == self._epoch:
                if len(self._boards) >= self.max_entries:
                    self._boards.clear()
                    self._hashes.clear()
                self._boards[hashed] = (row[0], now + self.ttl_s)
                self._hashes[row[0]] = hashed
        return row[0]

    def forget(self, board_ids: Iterable[str]) -> None:
        """These boards' tokens were revoked: look them up again."""
        with self._lock:
            self._epoch += 1
            for board_id in board_ids:
                self._boards.pop(self._hashes.pop(board_id, ""), None)
