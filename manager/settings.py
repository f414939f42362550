"""Every manager setting, declared once as (name, default, help) and cast strictly.

A setting comes from a command-line flag or a `BANGTIN_<NAME>` environment
variable; a value that does not parse stops the manager with a clear message
instead of falling back to a default.
"""
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from protocol.heartbeat import DEFAULT_HEARTBEAT_INTERVAL_S


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


@dataclass(frozen=True)
class Settings:
    db: Path = field(default=Path("data/bangtin.db"), metadata={"help": "SQLite database file (created and migrated on start)"})
    host: str = field(default="127.0.0.1", metadata={"help": "address to listen on"})
    port: int = field(default=8000, metadata={"help": "TCP port to listen on"})
    asset_dir: Path | None = field(default=None, metadata={"help": "where uploaded files are kept (default: <db>.assets beside the database)"})
    max_upload_mb: int = field(default=512, metadata={"help": "largest file an editor may upload, in MB"})
    max_image_pixels: int = field(default=50_000_000, metadata={"help": "largest image accepted, in pixels (decompression-bomb limit)"})
    heartbeat_interval_s: int = field(default=DEFAULT_HEARTBEAT_INTERVAL_S, metadata={"help": "how often newly paired boards report, in seconds (each board's own value can be changed later)"})
    manifest_days: int = field(default=7, metadata={"help": "how many days ahead a board's manifest covers"})
    pairing_ttl_s: int = field(default=900, metadata={"help": "how long a pairing code shown on a board stays valid"})
    pairing_requests_per_address: int = field(default=10, metadata={"help": "pairing codes one address may request per 10 minutes (behind a reverse proxy, set --forwarded-allow-ips or all boards share the proxy's address)"})
    backfill_max_days: int = field(default=31, metadata={"help": "how far back a board's recorded-offline heartbeats may stand (how long its report queue is expected to hold them); older ones are placed at this limit and reported as displaced"})
    clock_tolerance_s: int = field(default=120, metadata={"help": "a live heartbeat whose corrected board time differs from the receive time by more is placed at the receive time"})
    heartbeat_keep_hours: int = field(default=1, metadata={"help": "raw heartbeats older than this are sealed into hash-chain checkpoints and deleted, every 15 minutes (0: never; see docs/uptime.md)"})
    inbox_keep_days: int = field(default=180, metadata={"help": "refused, rejected, skipped and superseded inbox items and source problems older than this are deleted, once a day (0: never); published items stay"})
    fake_clock_file: Path | None = field(default=None, metadata={"help": "tests only: read the current time (epoch seconds) from this file"})
    public_url: str = field(default="", metadata={"help": "the address boards and editors use to reach this manager; given to the demo's player (default: http://HOST:PORT)"})
    forwarded_allow_ips: str = field(default="", metadata={"help": "addresses of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed, comma-separated IPs or networks, e.g. 127.0.0.1 (empty: none, so a client cannot pose as another address)"})
    disk_reserve_mb: int = field(default=8, metadata={"help": "space kept allocated beside the database (<db>.reserve) and given back when the disk fills, so that heartbeats and logins still land while other writes get 507 (0: none; docs/manager.md)"})
    log_level: str = field(default="info", metadata={"help": "uvicorn log level"})
    source_link_push_url: str = field(default="", metadata={"help": "address of the provincial source system to push boards' status, play log and indicators to (empty: no push)"})
    source_link_push_token: str = field(default="", metadata={"help": "bearer token sent with each push to the source system"})
    source_link_push_interval_s: int = field(default=300, metadata={"help": "seconds between pushes to the source system"})
    source_allow_hosts: str = field(default="", metadata={"help": "hosts (name or address, optionally :port) on the local network that sources and the documents they link to may be fetched from, comma-separated; without this, loopback, private, link-local and multicast addresses and the manager itself are refused (docs/sources.md)"})
    central_sources: Path | None = field(default=None, metadata={"help": "central mode: JSON file listing the provincial managers to roll up (name, url, token, catalogue, province)"})

    @property
    def https_public(self) -> bool:
        """Reached over HTTPS (through a proxy that may not say so): cookies must then be Secure."""
        return self.public_url.strip().lower().startswith("https://")

    @property
    def assets_path(self) -> Path:
        return self.asset_dir or self.db.with_name(self.db.name + ".assets")


def _cast(kind, raw: str):
    if kind is bool:
        return _bool(raw)
    if kind is int:
        return int(raw)
    if "Path" in str(kind):
        return Path(raw) if raw else None
    return raw


def setting_fields():
    return fields(Settings)


def from_environment(overrides: dict | None = None) -> Settings:
    """Settings from BANGTIN_* variables, then explicit overrides (already typed)."""
    values = {}
    for f in fields(Settings):
        raw = os.environ.get(f"BANGTIN_{f.name.upper()}")
        if raw is not None:
            try:
                values[f.name] = _cast(f.type, raw)
            except ValueError as exc:
                raise SystemExit(f"BANGTIN_{f.name.upper()}={raw!r}: {exc}") from exc
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return Settings(**values)
