"""The USB folder: media an operator drops on a board with no manager.

`folder_manifest` turns the folder's files into a manifest (pure apart from
listing the folder): images and videos in name order in the media zone, each
`.txt` file as a bulletin (first line the title), and `ticker.txt` as the
ticker. Assets point at the files themselves (`file://`), named by a hash of
path, size and modification time, so a changed file is a new item.
"""
import hashlib
from datetime import timedelta
from pathlib import Path

from layouts import DEFAULT_LAYOUT_ID
from protocol.manifest import AssetRef, BoardClass, BoardInfo, Item, ItemKind, Manifest, Playlist
from protocol.text import nfc
from protocol.timebase import utcnow

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"}
VIDEO_EXT = {".mp4", ".mkv", ".webm", ".mov", ".avi", ".ts"}
TICKER_FILE = "ticker.txt"


def _file_id(path: Path) -> str:
    st = path.stat()
    return hashlib.sha256(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()


def folder_manifest(folder: Path, layout_id: str, name: str, item_s: float) -> Manifest | None:
    if not folder.is_dir():
        return None
    items: list[Item] = []
    assets: dict[str, AssetRef] = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        ext = path.suffix.lower()
        try:
            if ext in IMAGE_EXT or ext in VIDEO_EXT:
                kind = ItemKind.image if ext in IMAGE_EXT else ItemKind.video
                sha = _file_id(path)
                assets[sha] = AssetRef(sha256=sha, size=path.stat().st_size, mime=f"{kind.value}/{ext[1:]}",
                                       kind=kind, url=path.resolve().as_uri())
                items.append(Item(id=f"usb:{path.name}", zone="main", kind=kind, asset=sha, duration_s=item_s))
            elif path.name.lower() == TICKER_FILE:
                text = " ".join(nfc(path.read_text(encoding="utf-8", errors="replace")).split())
                items.append(Item(id="usb:ticker", zone="ticker", kind=ItemKind.ticker, text=text))
            elif ext == ".txt":
                lines = nfc(path.read_text(encoding="utf-8", errors="replace")).strip().splitlines()
                if lines:
                    items.append(Item(id=f"usb:{path.name}", zone="bulletin", kind=ItemKind.bulletin,
                                      title=lines[0].strip(), body="\n".join(lines[1:]).strip(), duration_s=item_s))
        except OSError:
            continue  # removed while we looked: the next change event lists the folder again
    if not items:
        return None
    now = utcnow()
    board = BoardInfo(id="local", name=name, unit_catalogue="", unit_code="", unit_name=name,
                      board_class=BoardClass.commune, width=0, height=0, orientation="landscape",
                      layout=layout_id or DEFAULT_LAYOUT_ID)
    playlist = Playlist(id="usb", name="USB", layout=layout_id, items=items)
    return Manifest(generated_at=now, valid_until=now + timedelta(days=3650), board=board, layouts={},
                    assets=assets, playlists={"usb": playlist}, schedule=[], default_playlist="usb").with_version()
