"""Sends the report queue to the manager, oldest first, in its own thread.

Nothing leaves the queue on a mere 200: a batch is deleted only as far as the
manager's acknowledgement proves it stored it. The acknowledgement must parse,
name this board, list the seqs it holds, and echo a chain head that is one of
the heartbeats sent (or newer); anything else (a captive portal, a wrong
server, a proxy's error page) deletes nothing and counts as not delivered.

The same answers measure the clock: a heartbeat upload is a short request,
and a proven acknowledgement is the manager's own word, so its `server_time`
goes to `BoardClock.observe` with the monotonic times around the request.

Every request has an overall deadline (`player.net`), so a server that
trickles bytes cannot hold the queue.

Each heartbeat batch says how long the board held each heartbeat (`held_s`,
outside the hashes): the manager decides from it whether the heartbeat was
late. A manager older than that field refuses it (its batch model forbids
unknown fields); the board then sends the same batch without it, and keeps
doing so until it restarts, rather than drop heartbeats it refused.
"""
import json
import logging
import threading
import time

import requests
from pydantic import ValidationError

from player import net
from player.clock import BoardClock
from player.reports import ReportQueue, heartbeat_bodies, play_bodies
from protocol import api
from protocol.heartbeat import ClockState, HeartbeatAck
from protocol.playlog import PlayLogAck

log = logging.getLogger(__name__)
BATCH = 500
DEADLINE_S = 30
UNSYNCED_RETRY_S = 5.0


class UploadRefused(Exception):
    pass


class NotAcknowledged(Exception):
    """A 2xx answer that does not prove the manager stored the batch."""


class HeldRefused(Exception):
    """The manager refused a heartbeat batch over its `held_s` (an older manager)."""


class Uploader(threading.Thread):
    def __init__(self, queue: ReportQueue, manager: str, identity, clock: BoardClock | None = None,
                 retry_max_s: float = 60, deadline_s: float = DEADLINE_S):
        super().__init__(name="uploader", daemon=True)
        self.queue = queue
        self.manager = manager
        self.identity = identity  # callable returning the current Identity or None
        self.clock = clock
        self.retry_max_s = retry_max_s
        self.deadline_s = deadline_s
        self.stopping = threading.Event()
        self.session = net.session()
        self.delivered_at: float | None = None  # monotonic time of the last proven acknowledgement
        self.sends_held_s = True  # until a manager refuses the field
        self._retry_now = threading.Event()

    def stop(self) -> None:
        self.stopping.set()
        self.queue.changed.set()
        self._retry_now.set()

    def nudge(self) -> None:
        """The manager is back (the sync reached it): retry now rather than after the backoff."""
        self._retry_now.set()

    def delivering(self, interval_s: float) -> bool:
        """Whether reports are reaching the manager: the previous heartbeat was acknowledged within
        its interval (a heartbeat is sent the moment it is recorded, so that is the last one)."""
        at = self.delivered_at
        return at is not None and time.monotonic() - at <= interval_s * 1.5

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
                delay = 1.0
            except Exception as exc:  # reports wait in the queue; this thread must not die
                if isinstance(exc, (requests.RequestException, UploadRefused, NotAcknowledged)):
                    log.info("reports not sent (%s); retrying in %.0f s", exc, delay)
                else:
                    log.exception("reports not sent: unexpected failure; retrying in %.0f s", delay)
                self._retry_now.clear()
                self._retry_now.wait(delay)
                # A board that cannot vouch for its time looks for the manager often: its first answer
                # sets the clock, and until then the programme may be the wrong one.
                unsynced = self.clock is not None and self.clock.state == ClockState.unsynced
                delay = min(delay * 2, UNSYNCED_RETRY_S if unsynced else self.retry_max_s)
                continue
            if not sent:
                self.queue.changed.wait(30)
                self.queue.changed.clear()

    def flush(self, ident) -> int:
        """Send everything queued; returns how many reports the manager acknowledged."""
        sent = 0
        headers = {"Authorization": f"Bearer {ident.token}"}
        while rows := self.queue.pending_heartbeats(BATCH):
            sent += self._send_heartbeats(ident, headers, rows)
        while rows := self.queue.pending("play", BATCH):
            sent += self._send_plays(ident, headers, rows)
        for row_id, jpeg in self.queue.pending("screenshot", 1):
            url = self.manager + api.SCREENSHOT.format(board_id=ident.board_id)
            with net.deadline(self.deadline_s):
                resp = self.session.put(url, data=jpeg, headers={**headers, "Content-Type": "image/jpeg"},
                                        timeout=(net.CONNECT_S, net.READ_S))
            if resp.status_code != 204:  # the manager answers exactly this; a 200 is someone else
                raise NotAcknowledged(f"screenshot: HTTP {resp.status_code}")
            self.queue.delete([row_id])
            sent += 1
        return sent

    def _post(self, url: str, body: dict, headers: dict) -> tuple[requests.Response, bytes, float, float]:
        with net.deadline(self.deadline_s):
            sent = time.monotonic()
            resp = self.session.post(url, json=body, headers=headers, timeout=(net.CONNECT_S, net.READ_S))
            content = resp.content
            received = time.monotonic()
        return resp, content, sent, received

    def _acknowledgement(self, what: str, url: str, body: dict, headers: dict, rows: list[tuple], model):
        """(the manager's acknowledgement, sent, received); (None, ...) when the manager refused the batch for good."""
        resp, content, t_sent, t_received = self._post(url, body, headers)
        if resp.status_code in (400, 422) and _is_manager_refusal(content):
            if "held_s" in body and b"held_s" in content:
                raise HeldRefused(content[:300])
            # A batch the manager will never accept would block the queue forever.
            log.error("manager refused %d %s for good: %s", len(rows), what, content[:300])
            self.queue.delete([r[0] for r in rows])
            return None, t_sent, t_received
        _check(resp)
        try:
            return model.model_validate_json(content), t_sent, t_received
        except ValidationError as exc:
            raise NotAcknowledged(f"{what}: HTTP {resp.status_code} but no acknowledgement") from exc

    def _send_heartbeats(self, ident, headers: dict, rows: list[tuple[int, bytes, float | None]]) -> int:
        body = heartbeat_bodies(rows, self.sends_held_s)
        url = self.manager + api.HEARTBEATS.format(board_id=ident.board_id)
        try:
            ack, t_sent, t_received = self._acknowledgement("heartbeats", url, body, headers, rows, HeartbeatAck)
        except HeldRefused as exc:
            log.warning("the manager does not take held_s (%s): sending heartbeats without it until restarted; "
                        "it will judge their lateness by their clock alone", exc)
            self.sends_held_s = False
            return 0  # the flush sends the same rows again, without it
        if ack is None:
            return 0
        sent_hashes = {hb["seq"]: hb["hash"] for hb in body["heartbeats"]}
        acked = set(ack.seqs)
        if (ack.board_id != ident.board_id or ack.head_seq is None or not acked <= set(sent_hashes)
                or (acked and ack.head_seq < max(acked))
                or (ack.head_seq in acked and sent_hashes[ack.head_seq] != ack.head_hash)):
            raise NotAcknowledged("heartbeats: the acknowledgement does not match the batch sent")
        # Seqs at or below the manager's head that it does not hold as sent: it holds other heartbeats
        # there (this board's queue was lost and began again), so these can never be stored.
        conflicting = [seq for seq in sent_hashes if seq not in acked and seq <= ack.head_seq]
        if conflicting:
            log.error("manager holds other heartbeats under seqs %d-%d; dropped", min(conflicting), max(conflicting))
            self.queue.delete_acked("heartbeat", conflicting)
        elif not acked:
            raise NotAcknowledged("heartbeats: the manager holds none of the batch")
        self.queue.rebase(ack.head_seq, ack.head_hash)
        self.queue.delete_acked("heartbeat", ack.seqs)
        self.delivered_at = t_received
        if self.clock is not None:
            self.clock.observe(ack.server_time, t_sent, t_received)
        return len(acked) + len(conflicting)

    def _send_plays(self, ident, headers: dict, rows: list[tuple[int, bytes]]) -> int:
        body = play_bodies(rows)
        url = self.manager + api.PLAYLOG.format(board_id=ident.board_id)
        ack, _, _ = self._acknowledgement("play log", url, body, headers, rows, PlayLogAck)
        if ack is None:
            return 0
        sent_seqs = {r["seq"] for r in body["records"]}
        if ack.board_id != ident.board_id or not ack.seqs or not set(ack.seqs) <= sent_seqs:
            raise NotAcknowledged("play log: the acknowledgement does not match the batch sent")
        self.queue.delete_acked("play", ack.seqs)
        return len(ack.seqs)


def _is_manager_refusal(content: bytes) -> bool:
    """The manager's own refusal (its JSON error body), not any 4xx page on the way."""
    try:
        body = json.loads(content)
    except ValueError:
        return False
    return isinstance(body, dict) and ("error" in body or "detail" in body)


def _check(resp: requests.Response) -> None:
    if resp.status_code >= 300:
        raise UploadRefused(f"HTTP {resp.status_code}: {resp.text[:200]}")
