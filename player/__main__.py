"""`python -m player --manager URL`: run the board player."""
import logging
import sys
import time

from player.config import ConfigError, from_args


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    try:
        config = from_args(argv)
    except ConfigError as exc:
        print(f"bangtin-player: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("urllib3").setLevel(logging.WARNING)  # one line per request is noise on a board
    config.data_dir.mkdir(parents=True, exist_ok=True)
    from player.app import run

    run(config, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
