"""Command line: `python -m manager --db PATH --host H --port P` runs the server.

Other commands work on the same database file: import-units, create-user,
create-token, demo. `python -m manager COMMAND --help` tells more.
"""
import argparse
import getpass
import logging
import sys
from pathlib import Path

from manager.settings import from_environment, setting_fields

COMMANDS = ("serve", "import-units", "create-user", "create-token", "demo", "verify-chain", "seal-heartbeats", "backup",
            "export-evidence", "verify-evidence", "fetch-evidence")


def _add_settings(parser: argparse.ArgumentParser) -> None:
    for f in setting_fields():
        flag = "--" + f.name.replace("_", "-")
        kind = f.type if f.type in (int, str) else (Path if "Path" in str(f.type) else str)
        parser.add_argument(flag, dest=f.name, type=kind, default=None, help=f"{f.metadata['help']} (default: {f.default})")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m manager", description="Bảng tin manager server")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the server (the default command)")
    _add_settings(serve)
    serve.add_argument("--demo", action="store_true", help="seed demo data first (a province, communes, boards, a playlist)")
    serve.add_argument("--demo-player-dir", type=Path, default=None, help="with --demo: pair a local player whose data folder is this")

    imp = sub.add_parser("import-units", help="import administrative units: today's catalogue, or a CSV")
    imp.add_argument("--db", type=Path, required=True)
    imp.add_argument("--csv", type=Path, help="CSV file with columns code,name,kind,parent_code")
    imp.add_argument("--catalogue", help="catalogue id for the CSV, e.g. vn-2024")
    imp.add_argument("--name", help="catalogue name for the CSV")
    imp.add_argument("--version", help="catalogue version for the CSV, e.g. 2024-12-31")

    user = sub.add_parser("create-user", help="create a user (the first administrator of a fresh install, for one)")
    user.add_argument("--db", type=Path, required=True)
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=("admin", "editor", "approver", "auditor", "source"))
    user.add_argument("--unit", help="unit code the user works for (all roles but admin)")
    user.add_argument("--catalogue", help="catalogue of --unit (default: the current one)")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    token = sub.add_parser("create-token", help="create an API token for a user; printed once")
    token.add_argument("--db", type=Path, required=True)
    token.add_argument("username")
    token.add_argument("--label", default="")

    demo = sub.add_parser("demo", help="seed demo data into a database")
    demo.add_argument("--db", type=Path, required=True)
    demo.add_argument("--player-dir", type=Path, help="pair a local player whose data folder is this")
    demo.add_argument("--manager-url", default="http://127.0.0.1:8000")

    verify = sub.add_parser("verify-chain", help="verify boards' heartbeat hash chains (exit 1 when one does not)")
    verify.add_argument("--db", type=Path, required=True)
    verify.add_argument("--board", action="append", help="board id (repeatable; default: every board)")

    seal = sub.add_parser("seal-heartbeats", help="checkpoint and delete raw heartbeats older than --keep-hours (run hourly)")
    seal.add_argument("--db", type=Path, required=True)
    seal.add_argument("--keep-hours", type=float, default=1.0, help="hours of raw heartbeats to keep (default: 1)")

    bundle = sub.add_parser("export-evidence", help="write a province's evidence bundle for a period (docs/uptime.md)")
    bundle.add_argument("--db", type=Path, required=True)
    bundle.add_argument("--province", required=True, help="province code")
    bundle.add_argument("--catalogue", help="catalogue of the province (default: the current one)")
    bundle.add_argument("--period", required=True, help="2026-03, 2026-Q1, 2026 or 2026-01-05..2026-02-10")
    bundle.add_argument("--out", type=Path, help="the archive (default: evidence-<province>-<period>.zip)")

    check = sub.add_parser("verify-evidence", help="recompute every figure of an evidence bundle from it alone (no database)")
    check.add_argument("bundle", type=Path)

    fetch = sub.add_parser("fetch-evidence", help="central mode: fetch and keep each province's bundle of a closed period")
    fetch.add_argument("--central-sources", type=Path, required=True, help="the JSON list of provincial managers")
    fetch.add_argument("--period", required=True, help="a period that has ended, e.g. 2026-03")
    fetch.add_argument("--dir", type=Path, required=True, help="where bundles are kept: DIR/<province>/<period>.zip")

    copy = sub.add_parser("backup", help="copy the database and uploaded files while the server runs (for cron)")
    copy.add_argument("--db", type=Path, required=True)
    copy.add_argument("--to", type=Path, required=True, help="the copy's database file; its files go to <TO>.assets")
    copy.add_argument("--asset-dir", type=Path, help="where the server keeps uploaded files (default: <db>.assets)")
    return parser


def _open(db_path: Path):
    from manager.db import connect
    from manager.migrations import migrate

    db = connect(db_path)
    migrate(db)
    return db


def _ensure_units(db) -> None:
    from manager import units

    if not db.execute("SELECT 1 FROM units LIMIT 1").fetchone():
        units.import_current(db)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS + ("-h", "--help"):
        argv.insert(0, "serve")
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.command == "serve":
        return _serve(args)
    if args.command == "backup":
        return _backup(args)
    if args.command == "verify-evidence":  # no database, no web stack: only pure modules
        from manager import evidence_verify

        return evidence_verify.main(args.bundle)
    if args.command == "fetch-evidence":
        from manager import central

        return central.fetch_evidence_command(args.central_sources, args.period, args.dir)
    db = _open(args.db)
    if args.command == "import-units":
        from manager import units

        if args.csv:
            if not (args.catalogue and args.name and args.version):
                raise SystemExit("--csv needs --catalogue, --name and --version")
            print(units.import_csv(db, args.catalogue, args.name, args.version, args.csv.read_text(encoding="utf-8")))
        else:
            print(units.import_current(db))
    elif args.command == "create-user":
        from manager.auth import create_user

        _ensure_units(db)
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Mật khẩu / password: ")
        with db.atomic():
            user_id = create_user(db, args.username, password, args.role, args.catalogue, args.unit)
        print(f"user {args.username} created (id {user_id})")
    elif args.command == "create-token":
        from manager.auth import create_api_token

        row = db.execute("SELECT id FROM users WHERE username = ?", [args.username]).fetchone()
        if not row:
            raise SystemExit(f"no user {args.username}")
        with db.atomic():
            print(create_api_token(db, row[0], args.label))
    elif args.command in ("verify-chain", "seal-heartbeats"):
        from manager.reports import cli

        return cli.main(db, args)
    elif args.command == "export-evidence":
        import time

        from manager import evidence_bundle, units
        from manager.reports import period as periods

        catalogue = args.catalogue or units.current_catalogue(db)
        period = periods.parse(args.period)
        out = args.out or Path(f"evidence-{args.province}-{period.key}.zip")
        print(evidence_bundle.export(db, catalogue, args.province, period, time.time(), out))
    elif args.command == "demo":
        from manager import demo

        print(demo.seed(db, args.db, args.manager_url, args.player_dir))
    return 0


def _backup(args) -> int:
    from manager.backup import backup

    result = backup(args.db, args.asset_dir or args.db.with_name(args.db.name + ".assets"), args.to)
    print(f"database: {result.database} ({result.database_bytes / 1e6:.1f} MB); "
          f"files: {result.files_copied} copied, {result.files_total} in all")
    for path in result.damaged:
        print(f"DAMAGED, not copied: {path} (its content no longer matches its SHA-256 name)", file=sys.stderr)
    return 1 if result.damaged else 0


SHUTDOWN_GRACE_S = 3


def _serve(args) -> int:
    import uvicorn

    from manager.app import create_app

    overrides = {f.name: getattr(args, f.name) for f in setting_fields()}
    settings = from_environment(overrides)
    db = _open(settings.db)
    _ensure_units(db)
    if args.demo:
        from manager import demo

        url = settings.public_url or f"http://{settings.host}:{settings.port}"
        print(demo.seed(db, settings.db, url, args.demo_player_dir))
    db.close()
    app = create_app(settings)
    # Boards hold long-polls open for up to a minute; without a bound, a restart would wait for
    # every one of them. Cut off after a few seconds: the boards simply poll again.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())
