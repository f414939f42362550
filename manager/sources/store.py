"""The `sources` table: what the manager subscribes to, and what went wrong with it.

Each source has a push token (shown once, stored as SHA-256) with which the
provincial system may push CAP messages straight into its inbox. Failures
are one log line plus a `source_events` row, and the source's `last_error`,
so the console shows them.
"""
import json
import logging
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlite_utils import Database

from manager import audit
from manager.cap_signature import check_certificate
from manager.auth import Principal, hash_token, new_token, require_role
from manager.errors import BadInput, NotFound
from manager.sources import registry
from manager.sources.base import SourceConfig
from protocol.text import NFCStr
from protocol.timebase import iso, utcnow

log = logging.getLogger("bangtin.manager.sources")
MODES = ("auto", "approval")


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NFCStr = Field(min_length=1, max_length=200)
    adapter: str
    url: str = Field(default="", max_length=2000)  # empty: push only
    config: dict = Field(default_factory=dict)  # adapter options; news: {"playlist_id": ...} for auto mode
    mode: str = Field(default="approval", pattern=r"^(auto|approval)$")
    poll_interval_s: int = Field(default=60, ge=0, le=86400)  # 0: never polled (push only)
    timeout_s: float = Field(default=10, gt=0, le=120)
    enabled: bool = True

    @field_validator("config")
    @classmethod
    def _config(cls, value: dict) -> dict:
        return _checked_config(value)

    @field_validator("adapter")
    @classmethod
    def _known(cls, value: str) -> str:
        if registry.get(value) is None:
            raise ValueError(f"unknown adapter {value!r}; known: {', '.join(sorted(registry.adapters()))}")
        return value


class SourcePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NFCStr | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=2000)
    config: dict | None = None
    mode: str | None = Field(default=None, pattern=r"^(auto|approval)$")
    poll_interval_s: int | None = Field(default=None, ge=0, le=86400)
    timeout_s: float | None = Field(default=None, gt=0, le=120)
    enabled: bool | None = None

    @field_validator("config")
    @classmethod
    def _config(cls, value: dict | None) -> dict | None:
        return None if value is None else _checked_config(value)


def _checked_config(config: dict) -> dict:
    """A sender's certificate (CAP sources that require signed messages) must read as one."""
    pem = config.get("signing_certificate")
    if pem:
        if not isinstance(pem, str):
            raise ValueError("signing_certificate must be PEM text")
        return {**config, "signing_certificate": check_certificate(pem)}
    return config


def _public(row: dict) -> dict:
    row = dict(row)
    row["config"] = json.loads(row["config"])
    row["enabled"] = bool(row["enabled"])
    row["has_push_token"] = bool(row.pop("push_token_hash", None))
    row["health"] = health(row)
    return row


def create(db: Database, principal: Principal, data: SourceIn) -> tuple[dict, str]:
    """The new source and its push token (shown this once)."""
    require_role(principal, "admin")
    if db.execute("SELECT 1 FROM sources WHERE name = ?", [data.name]).fetchone():
        raise BadInput(f"Đã có nguồn tên {data.name!r}", f"a source named {data.name!r} exists")
    token = new_token("src")
    source_id = db["sources"].insert(dict(
        name=data.name, adapter=data.adapter, url=data.url, config=json.dumps(data.config, ensure_ascii=False),
        mode=data.mode, poll_interval_s=data.poll_interval_s, timeout_s=data.timeout_s, enabled=int(data.enabled),
        push_token_hash=hash_token(token), created_at=iso(utcnow()))).last_pk
    audit.record(db, principal, "create", "source", str(source_id), name=data.name, adapter=data.adapter, mode=data.mode)
    return get(db, source_id), token


def update(db: Database, principal: Principal, source_id: int, data: SourcePatch) -> dict:
    require_role(principal, "admin")
    get(db, source_id)
    changes = data.model_dump(exclude_none=True)
    if "config" in changes:
        changes["config"] = json.dumps(changes["config"], ensure_ascii=False)
    if "enabled" in changes:
        changes["enabled"] = int(changes["enabled"])
    if changes:
        db["sources"].update(source_id, changes)
        audit.record(db, principal, "update", "source", str(source_id), fields=sorted(changes))
    return get(db, source_id)


def rotate_token(db: Database, principal: Principal, source_id: int) -> str:
    require_role(principal, "admin")
    get(db, source_id)
    token = new_token("src")
    db["sources"].update(source_id, {"push_token_hash": hash_token(token)})
    audit.record(db, principal, "rotate_token", "source", str(source_id))
    return token


def get(db: Database, source_id: int) -> dict:
    rows = list(db.query("SELECT * FROM sources WHERE id = ?", [source_id]))
    if not rows:
        raise NotFound(f"Không có nguồn {source_id}", f"no source {source_id}")
    return _public(rows[0])


def list_all(db: Database) -> list[dict]:
    return [_public(r) for r in db.query("SELECT * FROM sources ORDER BY id")]


def by_push_token(db: Database, source_id: int, token: str) -> dict | None:
    rows = list(db.query("SELECT * FROM sources WHERE id = ? AND push_token_hash = ?", [source_id, hash_token(token)]))
    return _public(rows[0]) if rows else None


SEEN_LINKS = 5000  # far more than any feed lists at once


def config_of(row: dict, db: Database | None = None, deadline: float | None = None) -> SourceConfig:
    """The adapter's view of a source; with `db`, also the links its inbox already holds."""
    config = row["config"] if isinstance(row["config"], dict) else json.loads(row["config"])
    seen = frozenset(r[0] for r in db.execute(
        "SELECT link FROM inbox WHERE source_id = ? AND link IS NOT NULL ORDER BY id DESC LIMIT ?",
        [row["id"], SEEN_LINKS])) if db is not None else frozenset()
    return SourceConfig(id=row["id"], name=row["name"], adapter=row["adapter"], url=row["url"], config=config,
                        timeout_s=row["timeout_s"], seen_links=seen, deadline=deadline)


def due(db: Database, now_iso: str) -> list[dict]:
    """Enabled, polled sources whose interval has passed since their last poll."""
    rows = db.query("SELECT * FROM sources WHERE enabled = 1 AND poll_interval_s > 0 AND url != '' ORDER BY id")
    out = []
    for row in rows:
        last = row["last_polled_at"]
        if last is None or _seconds_between(last, now_iso) >= row["poll_interval_s"]:
            out.append(_public(row))
    return out


def _seconds_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


EVENTS_PER_SOURCE = 500  # each source keeps its own history: a noisy one cannot push another's away


def record_event(db: Database, source_id: int | None, level: str, message_vi: str, message_en: str, code: str | None = None) -> None:
    """One console entry and one log line; the source's oldest entries beyond EVENTS_PER_SOURCE go."""
    db["source_events"].insert(dict(source_id=source_id, at=iso(utcnow()), level=level, message=message_vi, message_en=message_en, code=code))
    db.execute("DELETE FROM source_events WHERE source_id IS ? AND id <= (SELECT id FROM source_events WHERE source_id IS ? "
               "ORDER BY id DESC LIMIT 1 OFFSET ?)", [source_id, source_id, EVENTS_PER_SOURCE])
    log.log(logging.WARNING if level != "info" else logging.INFO, "source %s: %s", source_id, message_en)


def mark_polled(db: Database, source_id: int, now_iso: str, error: tuple[str, str] | None, linked_failures: int = 0) -> None:
    """After a poll: a success resets the failures in a row; linked documents that failed count apart
    (the feed was read, yet messages it lists could not be)."""
    if error is None:
        db.execute("UPDATE sources SET last_polled_at = ?, last_ok_at = ?, last_error = NULL, consecutive_failures = 0, "
                   "linked_failures = ? WHERE id = ?", [now_iso, now_iso, linked_failures, source_id])
        return
    db.execute("UPDATE sources SET last_polled_at = ?, last_error = ?, last_error_at = ?, consecutive_failures = consecutive_failures + 1 "
               "WHERE id = ?", [now_iso, error[0], now_iso, source_id])
    record_event(db, source_id, "error", *error)


def health(source: dict) -> str:
    """ok, degraded (read, but linked documents failed), failing (the last poll failed), or idle (never polled)."""
    if source.get("last_error") and source.get("consecutive_failures"):
        return "failing"
    if source.get("linked_failures"):
        return "degraded"
    if not source.get("last_polled_at"):
        return "idle"
    return "ok"


def events(db: Database, source_id: int | None = None, limit: int = 200) -> list[dict]:
    if source_id is None:
        return list(db.query("SELECT * FROM source_events ORDER BY id DESC LIMIT ?", [limit]))
    return list(db.query("SELECT * FROM source_events WHERE source_id = ? ORDER BY id DESC LIMIT ?", [source_id, limit]))
