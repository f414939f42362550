"""Content-addressed asset cache: `<root>/<aa>/<sha256>`, verified, atomic.

A download goes to `<root>/partial/<sha256>.part`, resumes with `Range` after
an interruption, is checked against its sha256 and only then renamed into
place, so a file under its hash is always the right bytes. Files no manifest
needs are removed by `collect_garbage`.
"""
import hashlib
import logging
import os
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

import requests

from player.state import fsync_dir
from protocol.manifest import AssetRef

log = logging.getLogger(__name__)
CHUNK = 256 * 1024


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
    def __init__(self, root: Path):
        self.root = root
        self.partial = root / "partial"

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
            with session.get(url, headers=headers, stream=True, timeout=timeout) as resp:
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
        actual = sha256_file(part) if part.exists() else ""
        if actual != ref.sha256:
            part.unlink(missing_ok=True)
            raise AssetCorrupt(f"{url}: sha256 {actual[:12]}… is not {ref.sha256[:12]}…; discarded")
        final.parent.mkdir(parents=True, exist_ok=True)
        with open(part, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(part, final)
        fsync_dir(final.parent)
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
        """Drop a cached file that turned out unreadable, so the next sync fetches it again."""
        path = self.path(sha256)
        if path.is_file() and sha256_file(path) != sha256:
            log.error("cached asset %s is corrupt; removed", sha256[:12])
            path.unlink(missing_ok=True)
