"""Content-addressed asset cache: `<root>/<aa>/<sha256>`, verified, atomic.

A download goes to `<root>/partial/<sha256>.part`, resumes with `Range` after
an interruption, is checked against its sha256 and only then renamed into
place, so a file under its hash was the right bytes when it arrived.

Disks and SD cards rot, so that is not enough: what the board shows is
proved again. Every file is re-hashed before it is first shown after a
start (`verify`), a background pass re-hashes the whole cache at a bounded
disk rate (`scrub`), and a picture that fails to decode is checked too
(`quarantine`). A file that fails is removed and `on_removed` is told, so
the sync fetches it again at once. Partial downloads are the first thing
dropped when the disk is full (`drop_partials`). Files no manifest needs
are removed by `collect_garbage`.
"""
import errno
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

import requests

from player import net
from player.state import fsync_dir
from protocol.manifest import AssetRef

log = logging.getLogger(__name__)
CHUNK = 256 * 1024
# A download may take as long as its size at this rate (plus a minute) before it is cut and resumed
# later: slow links finish, a server that trickles a few bytes a minute does not hold the thread.
MIN_RATE_BPS = 16 * 1024


class AssetError(Exception):
    """An asset could not be fetched or did not verify."""


class AssetCorrupt(AssetError):
    """The downloaded bytes do not hash to the expected sha256."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class AssetCache:
    def __init__(self, root: Path, on_removed: Callable[[str], None] | None = None):
        self.root = root
        self.partial = root / "partial"
        self.on_removed = on_removed  # told the sha256 of each file removed as corrupt
        self._verified: set[str] = set()  # hashed in this run (on arrival or since the start)
        self._lock = threading.Lock()

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def resolve(self, ref: AssetRef | None) -> Path | None:
        """Where an asset's bytes are on disk: the cache, or a local file for USB content."""
        if ref is None:
            return None
        if ref.url.startswith("file://"):
            path = Path(unquote(urlparse(ref.url).path))
            return path if path.is_file() else None
        path = self.path(ref.sha256)
        return path if path.is_file() else None

    def verify(self, sha256: str) -> bool:
        """Hash a cached file once per run; a file that fails is removed. True when it is good."""
        with self._lock:
            if sha256 in self._verified:
                return self.has(sha256)
        path = self.path(sha256)
        try:
            good = sha256_file(path) == sha256
        except FileNotFoundError:
            return False
        if good:
            with self._lock:
                self._verified.add(sha256)
            return True
        self._remove_corrupt(sha256, "failed its sha256 check")
        return False

    def verify_all(self, refs: list[AssetRef]) -> int:
        """Verify every cached file `refs` name; returns how many failed."""
        bad = 0
        for ref in refs:
            if not ref.url.startswith("file://") and self.has(ref.sha256) and not self.verify(ref.sha256):
                bad += 1
        return bad

    def _remove_corrupt(self, sha256: str, why: str) -> None:
        with self._lock:
            self._verified.discard(sha256)
        path = self.path(sha256)
        if not path.is_file():
            return
        log.error("cached asset %s %s: removed, fetching it again", sha256[:12], why)
        path.unlink(missing_ok=True)
        if self.on_removed is not None:
            self.on_removed(sha256)

    def scrub(self, rate_bps: float, stopping: threading.Event) -> int:
        """Re-hash every cached file, reading at most `rate_bps` bytes a second; returns how many failed.

        The rate keeps the pass from starving video playback of disk bandwidth."""
        bad = 0
        for path in sorted(self.root.glob("??/*")):
            if stopping.is_set():
                break
            sha = path.name
            digest = hashlib.sha256()
            try:
                with open(path, "rb") as fh:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
                        if stopping.wait(len(chunk) / rate_bps):
                            return bad
            except FileNotFoundError:
                continue  # collected meanwhile
            if digest.hexdigest() != sha:
                bad += 1
                self._remove_corrupt(sha, "changed on disk (found by the periodic check)")
        return bad

    def drop_partials(self) -> int:
        """Remove every partial download; returns the bytes freed. The disk is full: these go first."""
        freed = 0
        for part in self.partial.glob("*.part") if self.partial.exists() else []:
            try:
                freed += part.stat().st_size
                part.unlink()
            except FileNotFoundError:
                continue
        if freed:
            log.warning("disk full: dropped %d bytes of partial downloads", freed)
        return freed

    def missing(self, refs: list[AssetRef]) -> list[AssetRef]:
        return [r for r in refs if not r.url.startswith("file://") and not self.has(r.sha256)]

    def fetch(self, session: requests.Session, url: str, ref: AssetRef,
              progress: Callable[[int], None] | None = None, timeout: float = 30) -> Path:
        """Download one asset (resuming a partial file) and move it into place once verified."""
        final = self.path(ref.sha256)
        if final.is_file():
            return final
        self.partial.mkdir(parents=True, exist_ok=True)
        part = self.partial / f"{ref.sha256}.part"
        have = part.stat().st_size if part.exists() else 0
        if have > ref.size:
            part.unlink()
            have = 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with net.deadline(60 + (ref.size - have) / MIN_RATE_BPS), \
                    session.get(url, headers=headers, stream=True, timeout=(net.CONNECT_S, timeout)) as resp:
                if resp.status_code == 416:  # nothing left to send: the part is complete
                    pass
                elif resp.status_code == 200:
                    have = 0  # the server ignored the range: start again
                    self._write(resp, part, "wb", have, progress)
                elif resp.status_code == 206:
                    self._write(resp, part, "ab", have, progress)
                else:
                    raise AssetError(f"{url}: HTTP {resp.status_code}")
        except requests.RequestException as exc:
            raise AssetError(f"{url}: {exc}") from exc
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                self.drop_partials()
            raise
        actual = sha256_file(part) if part.exists() else ""
        if actual != ref.sha256:
            part.unlink(missing_ok=True)
            raise AssetCorrupt(f"{url}: sha256 {actual[:12]}… is not {ref.sha256[:12]}…; discarded")
        final.parent.mkdir(parents=True, exist_ok=True)
        with open(part, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(part, final)
        fsync_dir(final.parent)
        with self._lock:
            self._verified.add(ref.sha256)
        return final

    @staticmethod
    def _write(resp: requests.Response, part: Path, mode: str, have: int,
               progress: Callable[[int], None] | None) -> None:
        with open(part, mode) as fh:
            for chunk in resp.iter_content(CHUNK):
                fh.write(chunk)
                have += len(chunk)
                if progress:
                    progress(have)
            fh.flush()
            os.fsync(fh.fileno())

    def collect_garbage(self, keep: set[str]) -> int:
        """Remove every cached or partial file whose hash is not in `keep`; returns the count."""
        removed = 0
        if not self.root.exists():
            return 0
        for sub in self.root.iterdir():
            if not sub.is_dir():
                continue
            for f in sub.iterdir():
                sha = f.name.removesuffix(".part")
                if sha not in keep:
                    f.unlink(missing_ok=True)
                    removed += 1
        return removed

    def quarantine(self, sha256: str) -> None:
        """A cached file failed to decode: hash it again; if it rotted, it is removed and fetched again.

        (If it hashes right, the file itself is bad, and fetching it again would bring the same bytes.)"""
        path = self.path(sha256)
        if path.is_file() and sha256_file(path) != sha256:
            self._remove_corrupt(sha256, "failed to decode and its sha256 is wrong")
