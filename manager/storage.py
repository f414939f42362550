"""Running out of disk: recognised in one place, answered with 507, survived.

SQLite says "database or disk is full" (SQLITE_FULL) and the OS says ENOSPC
or EDQUOT; both mean the same to the people using the manager: nothing of
their request was kept, and it will work again once space is freed. Every
write is one transaction (`db.Store.write`) and every file lands by an atomic
rename, so a failed write leaves nothing half-done to clean up apart from
upload temporaries, which `sweep_temporaries` removes at start.

A full disk must not make boards look offline, nor lock people out: the
manager keeps a `Reserve`, a few MB allocated beside the database. The first
essential write (heartbeats, logins: `essential`) that finds the disk full
gives the reserve back and tries again, so it lands and is acknowledged. From
then until there is room again (twice the reserve free), only essential
writes run; every other write, uploads first, gets 507 before it starts. The
reserve is made again by the first write that finds the room back.
"""
import errno
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from manager.errors import StorageFull

log = logging.getLogger("bangtin.manager")

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, StorageFull):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc)
    return isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS


def as_storage_full(exc: BaseException) -> StorageFull | None:
    """The 507 to answer for `exc`, or None when it is not about disk space."""
    if not is_disk_full(exc):
        return None
    if not isinstance(exc, StorageFull):
        log.error("disk full: %s", exc)
    return exc if isinstance(exc, StorageFull) else StorageFull()


def sweep_temporaries(tmp_dir: Path, older_than_s: float = 0) -> int:
    """Removes upload temporaries left by a crash (kill -9, power cut): no one else writes there."""
    removed = 0
    cutoff = time.time() - older_than_s
    for path in tmp_dir.glob("upload-*"):
        try:
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    if removed:
        log.info("removed %d unfinished upload(s) from %s", removed, tmp_dir)
    return removed


def essential(fn: Callable) -> Callable:
    """Marks a domain write that must land even on a full disk (small, and what boards and people depend on)."""
    fn.essential = True
    return fn


def is_essential(fn: Callable) -> bool:
    return getattr(fn, "essential", False)


class Reserve:
    """Space held back for essential writes on a full disk (see the module's text). Size 0: none."""

    def __init__(self, path: Path, size: int):
        self.path, self.size = path, size
        self.spent = False
        self._lock = threading.Lock()

    def ensure(self) -> bool:
        """Holds the reserve if it is not held and there is room for it twice over; True when held."""
        if self.size <= 0:
            return True
        with self._lock:
            if self.path.exists() and self.path.stat().st_blocks * 512 >= self.size:
                self.spent = False
                return True
            if shutil.disk_usage(self.path.parent).free < 2 * self.size:
                self.spent = True
                return False
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
                try:
                    os.posix_fallocate(fd, 0, self.size)  # blocks really allocated: a sparse file would hold nothing
                finally:
                    os.close(fd)
            except OSError as exc:
                if not is_disk_full(exc):
                    raise
                self.path.unlink(missing_ok=True)
                self.spent = True
                return False
            if self.spent:
                log.warning("disk space is back: the %d MB reserve is held again, every write runs", self.size >> 20)
            self.spent = False
            return True

    def release(self) -> bool:
        """Gives the reserve's space back to the write that found the disk full; False if already given."""
        with self._lock:
            if self.size <= 0 or self.spent:
                return False
            self.path.unlink(missing_ok=True)
            self.spent = True
        log.error("disk full: the %d MB reserve is released for heartbeats and logins; other writes get 507 until space is freed",
                  self.size >> 20)
        return True

    def require_room(self) -> None:
        """Before a write that is not essential: 507 while the reserve is spent and the room has not come back."""
        if self.spent and not self.ensure():
            raise StorageFull()
