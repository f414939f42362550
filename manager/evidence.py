"""The evidence's canonical forms: a digest of a span's intervals, the hash of a board's facts.

Pure (standard library, `manager.uptime` and `manager.reasons` only), so that the manager that
writes the evidence and `verify-evidence`, which checks a bundle without a
database, compute them with the same code. docs/uptime.md says what they
protect and what they do not.
"""
import hashlib
import json
from typing import Iterable, Sequence

from manager.reasons import Reason
from manager.uptime import Interval, clip, merge

GENESIS = "0" * 64


def canonical(value) -> bytes:
    """One byte string per value: sorted keys, no spaces, floats as Python writes them (round-trips exactly)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def span_intervals(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """The intervals over [start, end), cut at its ends, touching neighbours of equal kind joined."""
    return merge(clip(sorted(intervals), start, end))


def interval_digest(intervals: Iterable[Interval], start: float, end: float) -> str:
    """SHA-256 of the covered intervals over [start, end): one line `start,end,state,connected` each.

    An empty span (the board was offline throughout) has a digest too, so
    time inserted into an outage is as visible as time taken out.
    """
    lines = [f"{iv.start!r},{iv.end!r},{iv.state},{int(iv.connected)}\n" for iv in span_intervals(intervals, start, end)]
    return sha256(f"{start!r},{end!r}\n".encode() + "".join(lines).encode())


FACT_FIELDS = ("board_id", "from_at", "board_class", "is_test", "unit_catalogue", "unit_code", "hours")


def fact_hash(prev_hash: str, fact: dict) -> str:
    """A facts row's hash, linked to the board's previous row: rewriting one row breaks the rows after it."""
    body = {k: fact[k] for k in FACT_FIELDS}
    body["is_test"] = bool(body["is_test"])
    body["hours"] = json.loads(body["hours"]) if isinstance(body["hours"], str) else body["hours"]
    return sha256(prev_hash.encode() + canonical(body))


def check_facts(rows: Sequence[dict]) -> Reason | None:
    """A board's facts rows in time order: None when each hash links and matches, else what failed."""
    prev = GENESIS
    for row in rows:
        if row["prev_hash"] != prev:
            return Reason("facts_link", {"at": row["from_at"]})
        if fact_hash(prev, row) != row["hash"]:
            return Reason("facts_changed", {"at": row["from_at"]})
        prev = row["hash"]
    return None
