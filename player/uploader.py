"""Sends the report queue to the manager, oldest first, in its own thread."""
import logging
import threading

import requests

from player.reports import ReportQueue, heartbeat_bodies, play_bodies
from protocol import api

log = logging.getLogger(__name__)
BATCH = 500


class Uploader(threading.Thread):
    def __init__(self, queue: ReportQueue, manager: str, identity, retry_max_s: float = 60):
        super().__init__(name="uploader", daemon=True)
        self.queue = queue
        self.manager = manager
        self.identity = identity  # callable returning the current Identity or None
        self.retry_max_s = retry_max_s
        self.stopping = threading.Event()
        self.session = requests.Session()
        self.online = False

    def stop(self) -> None:
        self.stopping.set()
        self.queue.changed.set()

    def run(self) -> None:
        delay = 1.0
        while not self.stopping.is_set():
            ident = self.identity()
            if ident is None:
                self.queue.changed.wait(2)
                self.queue.changed.clear()
                continue
            try:
                sent = self.flush(ident)
                self.online = True
                delay = 1.0
            except Exception as exc:  # reports wait in the queue; this thread must not die
                self.online = False
                if isinstance(exc, (requests.RequestException, UploadRefused)):
                    log.info("reports not sent (%s); retrying in %.0f s", exc, delay)
                else:
                    log.exception("reports not sent: unexpected failure; retrying in %.0f s", delay)
                self.stopping.wait(delay)
                delay = min(delay * 2, self.retry_max_s)
                continue
            if not sent:
                self.queue.changed.wait(30)
                self.queue.changed.clear()

    def flush(self, ident) -> int:
        """Send everything queued; returns how many reports went out."""
        sent = 0
        headers = {"Authorization": f"Bearer {ident.token}"}
        base = self.manager
        for kind, path, body in (("heartbeat", api.HEARTBEATS, heartbeat_bodies),
                                 ("play", api.PLAYLOG, play_bodies)):
            while rows := self.queue.pending(kind, BATCH):
                url = base + path.format(board_id=ident.board_id)
                resp = self.session.post(url, json=body(rows), headers=headers, timeout=30)
                if resp.status_code in (400, 422):
                    # A batch the manager will never accept would block the queue forever.
                    log.error("manager refused %d %s reports for good: %s", len(rows), kind, resp.text[:300])
                else:
                    _check(resp)
                self.queue.delete([r[0] for r in rows])
                sent += len(rows)
        for row_id, jpeg in self.queue.pending("screenshot", 1):
            url = base + api.SCREENSHOT.format(board_id=ident.board_id)
            resp = self.session.put(url, data=jpeg, headers={**headers, "Content-Type": "image/jpeg"}, timeout=30)
            _check(resp)
            self.queue.delete([row_id])
            sent += 1
        return sent


class UploadRefused(Exception):
    pass


def _check(resp: requests.Response) -> None:
    if resp.status_code >= 300:
        raise UploadRefused(f"HTTP {resp.status_code}: {resp.text[:200]}")
