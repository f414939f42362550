"""Running out of disk: recognised in one place, answered with 507, survived.

SQLite says "database or disk is full" (SQLITE_FULL) and the OS says ENOSPC
or EDQUOT; both mean the same to the people using the manager: nothing of
their request was kept, and it will work again once space is freed. Every
write is one transaction (`db.Store.write`) and every file lands by an atomic
rename, so a failed write leaves nothing half-done to clean up apart from
upload temporaries, which `sweep_temporaries` removes at start.
"""
import errno
import logging
import sqlite3
import time
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
