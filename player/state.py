"""What a board remembers across restarts: its identity and the last manifest.

Both are written atomically (temporary file, fsync, rename, fsync of the
folder), so a power cut leaves either the old file or the new one, never half.
"""
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import ValidationError

from protocol.manifest import Manifest

log = logging.getLogger(__name__)


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Identity:
    board_id: str
    token: str
    manager: str  # the manager that issued the token


class StateStore:
    """`identity.json` and `manifest.json` in the data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.identity_path = data_dir / "identity.json"
        self.manifest_path = data_dir / "manifest.json"

    def load_identity(self, manager: str) -> Identity | None:
        try:
            data = json.loads(self.identity_path.read_text(encoding="utf-8"))
            identity = Identity(**data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            log.error("identity file %s unreadable (%s); pairing again", self.identity_path, exc)
            return None
        if identity.manager != manager:
            log.warning("identity belongs to %s, not %s; pairing again", identity.manager, manager)
            return None
        return identity

    def save_identity(self, identity: Identity) -> None:
        atomic_write(self.identity_path, json.dumps(asdict(identity)).encode())

    def forget_identity(self) -> None:
        self.identity_path.unlink(missing_ok=True)

    def load_manifest(self) -> Manifest | None:
        """The last manifest switched in; None when absent or broken (logged)."""
        try:
            return Manifest.model_validate_json(self.manifest_path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError, ValueError) as exc:
            log.error("stored manifest %s unusable (%s); ignoring it", self.manifest_path, exc)
            return None

    def save_manifest(self, manifest: Manifest) -> None:
        atomic_write(self.manifest_path, manifest.model_dump_json().encode())

    def forget_manifest(self) -> None:
        self.manifest_path.unlink(missing_ok=True)
