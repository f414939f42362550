"""A consistent copy of a running manager: the database through SQLite's online backup, and the
uploaded files, which never change once stored (their name is their SHA-256), copied if missing.

Run it from cron while the server runs; restoring is copying the two back with the server stopped.
"""
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from manager.assets import CHUNK, AssetStore, UploadSink
from manager.errors import BadInput


@dataclass(frozen=True)
class BackupResult:
    database: Path
    database_bytes: int
    files_copied: int
    files_total: int
    damaged: list[Path]  # stored files whose content no longer matches their name: not copied


def backup(db_path: Path, asset_dir: Path, dest: Path, dest_assets: Path | None = None) -> BackupResult:
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    out = sqlite3.connect(tmp)
    try:
        src.backup(out)  # a snapshot at one instant, while boards keep writing
        ok = out.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        out.close()
        src.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"the copy failed its integrity check: {ok}")
    os.replace(tmp, dest)
    copied, total, damaged = _copy_assets(asset_dir, dest_assets or dest.with_name(dest.name + ".assets"))
    return BackupResult(dest, dest.stat().st_size, copied, total, damaged)


def _copy_assets(src_dir: Path, dest_dir: Path) -> tuple[int, int, list[Path]]:
    copy = AssetStore(dest_dir)
    copied = total = 0
    damaged = []
    for sub in sorted(p for p in src_dir.glob("??") if p.is_dir()):
        for path in sorted(sub.iterdir()):
            if len(path.name) != 64:
                continue
            total += 1
            target = copy.path(path.name)
            if target.exists() and target.stat().st_size == path.stat().st_size:
                continue
            sink = UploadSink(copy, max_bytes=path.stat().st_size)  # hashes as it writes, like an upload
            with path.open("rb") as source:
                while chunk := source.read(CHUNK):
                    sink.write(chunk)
            try:
                digest = sink.finish()
            except BadInput:  # an empty file: no upload is ever stored empty
                digest = None
            if digest != path.name:
                sink.discard()
                damaged.append(path)
                continue
            copy.keep(sink.path, path.name)
            copied += 1
    shutil.rmtree(copy.tmp, ignore_errors=True)
    return copied, total, damaged
