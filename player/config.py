"""Player settings, each declared once: name, default, cast, help.

Values come from defaults, then an optional JSON or TOML config file, then
command-line flags. Every value is cast strictly: a setting that does not
parse stops the player with a clear message instead of falling back silently.
"""
import argparse
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


class ConfigError(ValueError):
    """A setting that is unknown or does not parse."""


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _size(value: Any) -> tuple[int, int] | None:
    if value in (None, ""):
        return None
    if isinstance(value, (list, tuple)) and len(value) == 2:
        w, h = value
    else:
        w, _, h = str(value).lower().partition("x")
    w, h = int(w), int(h)
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise ValueError(f"size out of range: {value!r}")
    return (w, h)


def _positive_float(value: Any) -> float:
    number = float(value)
    if number < 0:
        raise ValueError(f"must not be negative: {value!r}")
    return number


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"not an integer: {value!r}")
    number = int(value)
    if number < 0:
        raise ValueError(f"must not be negative: {value!r}")
    return number


def _url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if text and not text.startswith(("http://", "https://")):
        raise ValueError(f"manager URL must start with http:// or https://: {value!r}")
    return text


def _path(value: Any) -> Path | None:
    return Path(str(value)).expanduser() if value not in (None, "") else None


def _level(value: Any) -> str:
    text = str(value).upper()
    if text not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError(f"log level must be DEBUG, INFO, WARNING or ERROR: {value!r}")
    return text


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    cast: Callable[[Any], Any]
    help: str
    live: bool = False  # applied without a restart when the config file changes


SETTINGS: tuple[Setting, ...] = (
    Setting("manager", "", _url, "Manager base URL, e.g. https://bangtin.example.gov.vn. Empty: no manager, play the USB folder and the cache."),
    Setting("data_dir", "~/.local/share/bangtin-player", _path, "Folder for the board's state, manifest, asset cache, report queue and local layouts."),
    Setting("windowed", False, _bool, "Run in a window for development (Escape quits). Default: full-screen kiosk, no cursor, no way to quit."),
    Setting("size", "", _size, "Window size WIDTHxHEIGHT in windowed mode, e.g. 1280x720. Full screen uses the display's own size."),
    Setting("layout", "", str, "Layout id used when content names none (USB folder, idle). Empty: the built-in landscape-16x9 or portrait-9x16 by screen shape.", live=True),
    Setting("name", "", str, "Unit name shown in the header before the manager supplies one (or when there is no manager).", live=True),
    Setting("usb_dir", "", _path, "Folder watched for operator-dropped media (images, videos, .txt bulletins, ticker.txt). Empty: <data_dir>/usb."),
    Setting("usb_item_s", 10.0, _positive_float, "Seconds each image or text bulletin from the USB folder is shown.", live=True),
    Setting("display_off_command", "", str, "Shell command run when the screen goes dark outside operating hours, e.g. 'xset dpms force off'.", live=True),
    Setting("display_on_command", "", str, "Shell command run when operating hours begin again, e.g. 'xset dpms force on'.", live=True),
    Setting("crossfade_s", 0.6, _positive_float, "Cross-fade time between consecutive media items, seconds (0: cut).", live=True),
    Setting("alert_turn_s", 15.0, _positive_float, "With several warnings in force at once, each is shown this many seconds in turn, the most severe first.", live=True),
    Setting("ticker_speed", 160.0, _positive_float, "Ticker speed in pixels per second on a 1080-pixel-high screen; scaled to the screen's height.", live=True),
    Setting("long_poll_s", 55, _positive_int, "How long one manifest long-poll may wait on the manager, seconds (at most 60)."),
    Setting("retry_max_s", 60.0, _positive_float, "Longest back-off between attempts to reach the manager, seconds."),
    Setting("request_deadline_s", 30.0, _positive_float, "Longest time one request to the manager may take from start to end (beyond a long-poll's own wait), seconds; a slower answer is cut off and the request made again."),
    Setting("heartbeat_s", 0, _positive_int, "Heartbeat interval, seconds. 0: the manifest's value (30 by default)."),
    Setting("screenshot_s", 0, _positive_int, "Screenshot thumbnail interval, seconds. 0: the manifest's value (300 by default)."),
    Setting("check_every_h", 24.0, _positive_float, "How often the whole asset cache is hashed again in the background, hours (files are also checked before they are first shown after a start)."),
    Setting("check_rate_mb_s", 2.0, _positive_float, "Disk read rate of that background check, MB/s, so it never starves video playback."),
    Setting("screenshot_width", 480, _positive_int, "Width in pixels of the screenshot thumbnail sent to the manager."),
    Setting("frame_log", "", _path, "Append one line per rendered frame to this file: a perf_counter time and the RGB of the media zone's centre pixel; for benchmarks. Empty: off."),
    Setting("log_level", "INFO", _level, "Log level: DEBUG, INFO, WARNING or ERROR.", live=True),
)
_BY_NAME = {s.name: s for s in SETTINGS}


class Config:
    """Cast settings, read as attributes: `config.manager`."""

    def __init__(self, values: dict[str, Any] | None = None, source: Path | None = None):
        self.source = source  # the config file, if any; watched for changes
        self._values: dict[str, Any] = {}
        for setting in SETTINGS:
            self._values[setting.name] = _cast(setting, setting.default)
        for name, value in (values or {}).items():
            key = name.replace("-", "_")
            if key not in _BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            self._values[key] = _cast(_BY_NAME[key], value)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @property
    def usb_folder(self) -> Path:
        return self.usb_dir or self.data_dir / "usb"


def _cast(setting: Setting, value: Any) -> Any:
    try:
        return setting.cast(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {setting.name!r}: {exc}") from exc


def read_file(path: Path) -> dict[str, Any]:
    """The settings in a JSON or TOML file (by extension)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: expected a table of settings")
    return data


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m player", description="Bảng tin board player.")
    p.add_argument("--config", metavar="PATH", help="JSON or TOML file of settings (same names as the flags, with underscores); re-read when it changes.")
    for s in SETTINGS:
        flag = "--" + s.name.replace("_", "-")
        if s.cast is _bool:
            p.add_argument(flag, dest=s.name, action="store_const", const=True, default=None, help=s.help)
        else:
            p.add_argument(flag, dest=s.name, default=None, metavar=s.name.upper(), help=s.help)
    return p


def from_args(argv: list[str] | None = None) -> Config:
    args = parser().parse_args(argv)
    values: dict[str, Any] = {}
    source = Path(args.config).expanduser() if args.config else None
    if source is not None:
        values.update(read_file(source))
    cli = {k: v for k, v in vars(args).items() if k != "config" and v is not None}
    values.update(cli)
    config = Config(values, source)
    config.__dict__["cli"] = cli  # flags win over the file on reload too
    return config


def reload(config: Config) -> Config:
    """Re-read the config file; flags given on the command line still win."""
    if config.source is None:
        return config
    values = {**read_file(config.source), **config.__dict__.get("cli", {})}
    fresh = Config(values, config.source)
    fresh.__dict__["cli"] = config.__dict__.get("cli", {})
    return fresh
