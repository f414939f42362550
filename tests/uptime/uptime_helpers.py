"""Shared helpers for the uptime tests: a board's signed heartbeat chain over a simulated clock."""
from datetime import datetime, timezone

from protocol.heartbeat import GENESIS_HASH, Heartbeat


class Chain:
    """A board's heartbeats, each sealed and linked to the one before, as the player makes them."""

    def __init__(self, interval_s: int = 30):
        self.seq = 0
        self.prev = GENESIS_HASH
        self.interval_s = interval_s

    def beat(self, at: float, state: str = "on", offline: bool = False, skew: float = 0.0, board_offset: float = 0.0) -> Heartbeat:
        """A heartbeat recorded at true time `at` by a board whose clock reads `at + board_offset`."""
        hb = Heartbeat(
            seq=self.seq, board_time=datetime.fromtimestamp(at + board_offset, timezone.utc), clock_skew_s=skew,
            display_state=state, recorded_offline=offline, interval_s=self.interval_s, prev_hash=self.prev,
        ).sealed()
        self.seq += 1
        self.prev = hb.hash
        return hb

    def run(self, start: float, end: float, **kw) -> list[Heartbeat]:
        """Heartbeats every interval from `start` while before `end`."""
        out, t = [], start
        while t < end:
            out.append(self.beat(t, **kw))
            t += self.interval_s
        return out


def payloads(heartbeats: list[Heartbeat]) -> dict:
    return {"heartbeats": [hb.model_dump(mode="json") for hb in heartbeats]}
