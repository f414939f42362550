"""A board as the protocol sees it: fetches its manifest, reports heartbeats and screenshots.

Speaks the real board API over HTTP, like the player's sync worker, without a screen.
"""
import io
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageDraw

from protocol.heartbeat import GENESIS_HASH, Heartbeat


class BoardClient:
    def __init__(self, manager, unit_code: str, name: str, **claim):
        self.id, token = manager.pair_board(unit_code=unit_code, name=name, **claim)
        self.http = manager.board_client(token)
        self.seq = 0
        self.play_seq = 0  # the play log's own sequence
        self.prev = GENESIS_HASH
        self.etag = None
        self.manifest = None

    def fetch(self, wait: float = 0) -> bool:
        """Fetches the manifest (long-polling up to `wait` s); True when it changed."""
        headers = {"If-None-Match": self.etag} if self.etag else {}
        r = self.http.get(f"/api/v1/boards/{self.id}/manifest", params={"wait": wait}, headers=headers, timeout=wait + 10)
        if r.status_code == 304:
            return False
        r.raise_for_status()
        self.etag, self.manifest = r.headers["ETag"], r.json()
        return True

    def heartbeat(self, alert: str | None = None, **fields) -> None:
        """One live heartbeat; `fields` set more of it (`clock`, `ntp_disagreement_s`...)."""
        hb = Heartbeat(seq=self.seq, board_time=datetime.now(timezone.utc), manifest_version=self.manifest["version"] if self.manifest else None,
                       display_state="on", alert=alert, interval_s=30, prev_hash=self.prev, software_version="console-test",
                       **fields).sealed()
        r = self.http.post(f"/api/v1/boards/{self.id}/heartbeats", json={"heartbeats": [hb.model_dump(mode="json")]})
        r.raise_for_status()
        self.seq += 1
        self.prev = hb.hash

    def apply(self) -> str:
        """What a player does: take the newest manifest and report that it shows it."""
        self.fetch()
        self.heartbeat()
        return self.manifest["version"]

    def screenshot(self, text: str = "Bảng tin") -> None:
        img = Image.new("RGB", (640, 360), (11, 31, 58))
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 324, 640, 360), fill=(0, 60, 143))
        draw.rectangle((410, 36, 640, 324), fill=(244, 241, 232))
        draw.text((20, 150), text, fill=(255, 255, 255))
        buf = io.BytesIO()
        img.save(buf, "JPEG")
        r = self.http.put(f"/api/v1/boards/{self.id}/screenshot", data=buf.getvalue(), headers={"Content-Type": "image/jpeg"})
        r.raise_for_status()

    def played(self, item: str, playlist: str | None, started: datetime, seconds: float, kind: str = "image",
               zone: str = "main", times: int = 1) -> None:
        """Reports `times` showings of an item one after another from `started`, as the player's play log does."""
        records = []
        for k in range(times):
            records.append({"seq": self.play_seq, "item": item, "playlist": playlist, "zone": zone, "kind": kind,
                            "started_at": (started + timedelta(seconds=k * seconds)).isoformat(), "duration_s": seconds})
            self.play_seq += 1
        r = self.http.post(f"/api/v1/boards/{self.id}/playlog", json={"records": records})
        r.raise_for_status()
