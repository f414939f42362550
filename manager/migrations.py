"""Schema migrations: small functions applied in order, each in one transaction.

A migration is recorded by its function name in `_migrations`, so a database
made by an older version is upgraded in place on start. Never edit a migration
that has shipped: append a new one.

Time columns: `*_at` TEXT columns hold ISO 8601 UTC ("...Z"); high-volume
tables (heartbeats, playlog, intervals) hold REAL epoch seconds, also UTC.
"""
from datetime import datetime, timezone

from sqlite_utils import Database


def _run(db: Database, script: str) -> None:
    # executescript() would commit the surrounding transaction first; run statements one by one.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m001_base(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE catalogues (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
            source TEXT NOT NULL, imported_at TEXT NOT NULL, is_current INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE units (
            catalogue TEXT NOT NULL REFERENCES catalogues(id), code TEXT NOT NULL,
            name TEXT NOT NULL, kind TEXT NOT NULL, level INTEGER NOT NULL,
            parent_code TEXT, province_code TEXT NOT NULL,
            PRIMARY KEY (catalogue, code));
        CREATE INDEX units_parent ON units(catalogue, parent_code);
        CREATE INDEX units_province ON units(catalogue, province_code);

        CREATE TABLE users (
            id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL DEFAULT '',
            password_hash TEXT, role TEXT NOT NULL,
            unit_catalogue TEXT, unit_code TEXT,
            created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
            label TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, revoked_at TEXT);

        CREATE TABLE boards (
            id TEXT PRIMARY KEY, name TEXT NOT NULL,
            unit_catalogue TEXT NOT NULL, unit_code TEXT NOT NULL,
            board_class TEXT NOT NULL DEFAULT 'commune',
            width INTEGER NOT NULL DEFAULT 1920, height INTEGER NOT NULL DEFAULT 1080,
            orientation TEXT NOT NULL DEFAULT 'landscape',
            operating_hours TEXT NOT NULL DEFAULT '[]',
            heartbeat_interval_s INTEGER NOT NULL DEFAULT 30,
            lat REAL, lon REAL, is_test INTEGER NOT NULL DEFAULT 0,
            token_hash TEXT, revoked_at TEXT, created_at TEXT NOT NULL, paired_at TEXT,
            last_seen_at REAL, last_seq INTEGER, applied_version TEXT, display_state TEXT,
            clock_skew_s REAL, software_version TEXT, disk_free_bytes INTEGER);
        CREATE INDEX boards_unit ON boards(unit_catalogue, unit_code);
        CREATE UNIQUE INDEX boards_token ON boards(token_hash);

        CREATE TABLE board_groups (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
            unit_catalogue TEXT, unit_code TEXT, created_at TEXT NOT NULL);
        CREATE TABLE board_group_members (
            group_id INTEGER NOT NULL REFERENCES board_groups(id) ON DELETE CASCADE,
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            PRIMARY KEY (group_id, board_id));

        CREATE TABLE pairings (
            code TEXT PRIMARY KEY, secret_hash TEXT NOT NULL,
            created_at REAL NOT NULL, expires_at REAL NOT NULL,
            board_id TEXT REFERENCES boards(id), token_delivered INTEGER NOT NULL DEFAULT 0,
            width INTEGER, height INTEGER, software_version TEXT);

        CREATE TABLE assets (
            sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, mime TEXT NOT NULL, kind TEXT NOT NULL,
            width INTEGER, height INTEGER, duration_s REAL, original_name TEXT NOT NULL,
            uploaded_by INTEGER, unit_catalogue TEXT, unit_code TEXT, created_at TEXT NOT NULL);

        CREATE TABLE playlists (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, layout TEXT NOT NULL,
            unit_catalogue TEXT, unit_code TEXT, created_by INTEGER,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE items (
            id TEXT PRIMARY KEY, playlist_id TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
            position INTEGER NOT NULL, zone TEXT NOT NULL, kind TEXT NOT NULL,
            asset_sha256 TEXT REFERENCES assets(sha256),
            title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '',
            duration_s REAL NOT NULL DEFAULT 10, fit TEXT, muted INTEGER NOT NULL DEFAULT 1);
        CREATE INDEX items_playlist ON items(playlist_id, position);

        CREATE TABLE schedules (
            id TEXT PRIMARY KEY, playlist_id TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
            priority TEXT NOT NULL DEFAULT 'normal',
            target_kind TEXT NOT NULL, target_id TEXT NOT NULL,
            date_from TEXT, date_to TEXT, weekdays TEXT NOT NULL DEFAULT '[1,2,3,4,5,6,7]',
            windows TEXT NOT NULL DEFAULT '[]', starts_at TEXT, ends_at TEXT,
            is_default INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'draft',
            created_by INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            approved_by INTEGER, approved_at TEXT);

        CREATE TABLE alerts (
            id TEXT PRIMARY KEY, level INTEGER NOT NULL, headline TEXT NOT NULL, body TEXT NOT NULL DEFAULT '',
            starts_at TEXT NOT NULL, ends_at TEXT, withdrawn_at TEXT,
            source TEXT NOT NULL DEFAULT '', test INTEGER NOT NULL DEFAULT 0,
            area TEXT NOT NULL DEFAULT '{}', external_id TEXT,
            created_by INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE alert_acks (
            alert_id TEXT NOT NULL REFERENCES alerts(id), board_id TEXT NOT NULL REFERENCES boards(id),
            first_seen_at REAL NOT NULL, PRIMARY KEY (alert_id, board_id));

        CREATE TABLE heartbeats (
            board_id TEXT NOT NULL, seq INTEGER NOT NULL,
            placed_at REAL NOT NULL, board_time REAL NOT NULL, received_at REAL NOT NULL,
            clock_skew_s REAL NOT NULL DEFAULT 0, display_state TEXT NOT NULL,
            recorded_offline INTEGER NOT NULL DEFAULT 0, interval_s INTEGER NOT NULL,
            manifest_version TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, payload TEXT NOT NULL,
            PRIMARY KEY (board_id, seq)) WITHOUT ROWID;
        CREATE INDEX heartbeats_placed ON heartbeats(board_id, placed_at);

        CREATE TABLE playlog (
            board_id TEXT NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL, playlist TEXT, alert TEXT,
            zone TEXT NOT NULL, kind TEXT NOT NULL, asset TEXT,
            started_at REAL NOT NULL, duration_s REAL NOT NULL, outcome TEXT NOT NULL, error TEXT,
            received_at REAL NOT NULL,
            PRIMARY KEY (board_id, seq)) WITHOUT ROWID;
        CREATE INDEX playlog_started ON playlog(started_at);

        CREATE TABLE screenshots (
            board_id TEXT PRIMARY KEY REFERENCES boards(id), taken_at REAL NOT NULL,
            mime TEXT NOT NULL, content BLOB NOT NULL);

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, user_id INTEGER, username TEXT,
            action TEXT NOT NULL, object_type TEXT NOT NULL, object_id TEXT, detail TEXT NOT NULL DEFAULT '{}');
        """
    )


def m002_board_layout(db: Database) -> None:
    # Boards first chose their layout by orientation only; editors asked to pick one.
    db.execute("ALTER TABLE boards ADD COLUMN layout TEXT")


def m003_sources_inbox(db: Database) -> None:
    # The provincial source link (issue 6): sources, their inbox, and their events for the console.
    _run(
        db,
        """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, adapter TEXT NOT NULL, url TEXT NOT NULL DEFAULT '',
            config TEXT NOT NULL DEFAULT '{}', mode TEXT NOT NULL DEFAULT 'approval',
            poll_interval_s INTEGER NOT NULL DEFAULT 60, timeout_s REAL NOT NULL DEFAULT 10,
            enabled INTEGER NOT NULL DEFAULT 1, push_token_hash TEXT UNIQUE,
            last_polled_at TEXT, last_ok_at TEXT, last_error TEXT, last_error_at TEXT, created_at TEXT NOT NULL);
        CREATE TABLE inbox (
            id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',
            link TEXT, published_at TEXT, received_at TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT, level INTEGER, test INTEGER NOT NULL DEFAULT 0,
            payload TEXT NOT NULL DEFAULT '{}', alert_id TEXT, decided_by INTEGER, decided_at TEXT,
            UNIQUE (source_id, external_id));
        CREATE INDEX inbox_status ON inbox(status, received_at);
        CREATE INDEX inbox_external ON inbox(external_id);
        CREATE TABLE source_events (
            id INTEGER PRIMARY KEY, source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE, at TEXT NOT NULL,
            level TEXT NOT NULL, message TEXT NOT NULL, message_en TEXT NOT NULL);
        CREATE INDEX source_events_at ON source_events(source_id, at)
        """
    )


def m004_uptime_intervals(db: Database) -> None:
    # Uptime and indicators (issue 5): compacted intervals, chain checkpoints of pruned heartbeats,
    # and the province's own groupings of units (indicator 2.2 on two tiers). See manager/uptime_store.py.
    _run(
        db,
        """
        CREATE TABLE board_intervals (
            board_id TEXT NOT NULL, start_at REAL NOT NULL, end_at REAL NOT NULL,
            state TEXT NOT NULL, connected INTEGER NOT NULL,
            PRIMARY KEY (board_id, start_at)) WITHOUT ROWID;
        CREATE TABLE chain_checkpoints (
            board_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
            count INTEGER NOT NULL, first_prev_hash TEXT NOT NULL, last_hash TEXT NOT NULL,
            first_placed_at REAL NOT NULL, last_placed_at REAL NOT NULL,
            ok INTEGER NOT NULL, first_bad_seq INTEGER, reason TEXT,
            max_clock_offset_s REAL NOT NULL DEFAULT 0, displaced INTEGER NOT NULL DEFAULT 0,
            sealed_at REAL NOT NULL,
            PRIMARY KEY (board_id, first_seq)) WITHOUT ROWID;
        CREATE TABLE unit_groups (
            grouping TEXT NOT NULL, catalogue TEXT NOT NULL, province_code TEXT NOT NULL,
            group_code TEXT NOT NULL, group_name TEXT NOT NULL, unit_code TEXT NOT NULL,
            PRIMARY KEY (grouping, group_code, unit_code))
        """
    )


def m005_source_link_pushes(db: Database) -> None:
    # What was pushed to the provincial source system, and how far its play log got.
    db.execute(
        "CREATE TABLE source_link_pushes (id INTEGER PRIMARY KEY, at TEXT NOT NULL, url TEXT NOT NULL, ok INTEGER NOT NULL, "
        "status_code INTEGER, error TEXT, records INTEGER NOT NULL DEFAULT 0, playlog_until REAL NOT NULL DEFAULT 0)"
    )


def m006_console_sessions(db: Database) -> None:
    # The editors' console (issue 4): server-side sessions (only a hash of the cookie is kept)
    # and failed logins, counted per username and address for the rate limit.
    _run(
        db,
        """
        CREATE TABLE console_sessions (
            id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at REAL NOT NULL, expires_at REAL NOT NULL);
        CREATE INDEX console_sessions_user ON console_sessions(user_id);
        CREATE TABLE login_failures (key TEXT NOT NULL, at REAL NOT NULL);
        CREATE INDEX login_failures_key ON login_failures(key, at)
        """
    )


def m007_board_hours_history(db: Database) -> None:
    # Uptime over a past period must use the operating hours the board had then, not today's:
    # every change is kept from the moment it was made. Existing boards start with what they have.
    _run(
        db,
        """
        CREATE TABLE board_hours (
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            from_at REAL NOT NULL, hours TEXT NOT NULL,
            PRIMARY KEY (board_id, from_at));
        INSERT INTO board_hours (board_id, from_at, hours) SELECT id, 0, operating_hours FROM boards
        """
    )


def m012_source_health(db: Database) -> None:
    # Honest source health (issue 13): failures in a row and linked documents that failed in the last
    # poll, beside the last success (last_ok_at) and failure (last_error_at) already kept.
    _run(
        db,
        """
        ALTER TABLE sources ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sources ADD COLUMN linked_failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE source_events ADD COLUMN code TEXT;
        CREATE INDEX source_events_source_id ON source_events(source_id, id)
        """
    )


def m013_inbox_message_key(db: Database) -> None:
    # One alert per message (sender, identifier, sent) whichever source brought it: found by this index.
    db.execute("CREATE INDEX inbox_message ON inbox(external_id, published_at)")


def m017_document_pages(db: Database) -> None:
    # PDF documents (issue 12): a document's page count; and a note the editor should see with an
    # upload (a multi-page TIFF of which only the first page was kept).
    _run(
        db,
        """
        ALTER TABLE assets ADD COLUMN pages INTEGER;
        ALTER TABLE assets ADD COLUMN note TEXT
        """
    )


def m010_evidence(db: Database) -> None:
    # Issue 16: the figures bound to the chain, board facts kept with their dates, full checks recorded.
    # Each checkpoint covers a span of time (from where the board's previous one ended to its own last
    # heartbeat) and carries the digest of the intervals over it; `tail` keeps the last sealed heartbeat
    # (and the last live one), which may still vouch past the span, so the intervals after it can be
    # recomputed from raw heartbeats. Checkpoints sealed before this migration get the digest of the
    # intervals as they are now (docs/uptime.md says so) and no tail.
    from manager import evidence, uptime

    _run(
        db,
        """
        ALTER TABLE chain_checkpoints ADD COLUMN span_start REAL;
        ALTER TABLE chain_checkpoints ADD COLUMN span_end REAL;
        ALTER TABLE chain_checkpoints ADD COLUMN intervals_digest TEXT;
        ALTER TABLE chain_checkpoints ADD COLUMN tail TEXT;
        CREATE TABLE board_facts (
            board_id TEXT NOT NULL, from_at REAL NOT NULL,
            board_class TEXT NOT NULL, is_test INTEGER NOT NULL,
            unit_catalogue TEXT NOT NULL, unit_code TEXT NOT NULL, hours TEXT NOT NULL,
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
            PRIMARY KEY (board_id, from_at));
        CREATE TABLE chain_checks (
            board_id TEXT NOT NULL, checked_at REAL NOT NULL, ok INTEGER NOT NULL,
            heartbeats INTEGER NOT NULL, first_bad_seq INTEGER, reason TEXT,
            PRIMARY KEY (board_id, checked_at))
        """
    )
    cps = db.execute("SELECT board_id, first_seq, first_placed_at, last_placed_at FROM chain_checkpoints "
                     "ORDER BY board_id, first_seq").fetchall()
    prev_board, prev_end = None, None
    for board_id, first_seq, first_at, last_at in cps:
        start = prev_end if board_id == prev_board else first_at
        rows = db.execute("SELECT start_at, end_at, state, connected FROM board_intervals WHERE board_id = ? "
                          "AND end_at > ? AND start_at < ? ORDER BY start_at", [board_id, start, last_at]).fetchall()
        digest = evidence.interval_digest([uptime.Interval(r[0], r[1], r[2], bool(r[3])) for r in rows], start, last_at)
        db.execute("UPDATE chain_checkpoints SET span_start = ?, span_end = ?, intervals_digest = ? "
                   "WHERE board_id = ? AND first_seq = ?", [start, last_at, digest, board_id, first_seq])
        prev_board, prev_end = board_id, last_at
    # Facts before this migration were not kept: each recorded change of hours gets today's class, flag and unit.
    history = db.execute("SELECT b.id, coalesce(h.from_at, 0), coalesce(h.hours, b.operating_hours), b.board_class, "
                         "b.is_test, b.unit_catalogue, b.unit_code FROM boards b LEFT JOIN board_hours h ON h.board_id = b.id "
                         "ORDER BY b.id, h.from_at").fetchall()
    prev_board, prev_hash = None, evidence.GENESIS
    for board_id, from_at, hours, board_class, is_test, catalogue, code in history:
        if board_id != prev_board:
            prev_hash = evidence.GENESIS
        fact = dict(board_id=board_id, from_at=float(from_at), board_class=board_class, is_test=int(is_test),
                    unit_catalogue=catalogue, unit_code=code, hours=hours, prev_hash=prev_hash)
        fact["hash"] = evidence.fact_hash(prev_hash, fact)
        db["board_facts"].insert(fact)
        prev_board, prev_hash = board_id, fact["hash"]


def m016_notices_and_legibility(db: Database) -> None:
    # A bulletin may be an official notice in the Decree 30 layout (its fields as JSON), and a
    # board may set a larger legibility floor than 1/30 of its screen height for its viewing distance.
    _run(
        db,
        """
        ALTER TABLE items ADD COLUMN notice TEXT;
        ALTER TABLE boards ADD COLUMN min_line_px INTEGER
        """
    )


def m014_hardening_lookups(db: Database) -> None:
    # Issue 11: every heartbeat batch looks up when its board was paired (no heartbeat may stand earlier),
    # and every asset download asks whether an approved schedule uses the asset.
    _run(
        db,
        """
        CREATE INDEX pairings_board ON pairings(board_id);
        CREATE INDEX items_asset ON items(asset_sha256)
        """
    )


def m019_rate_limit_hits(db: Database) -> None:
    # Issue 11: limits that must outlive a restart (pairing claims per person and per code) count their
    # events here; each limit deletes its own expired rows. Failed logins keep their own table (m006).
    _run(
        db,
        """
        CREATE TABLE rate_limit_hits (name TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL);
        CREATE INDEX rate_limit_hits_key ON rate_limit_hits(name, key, at);
        CREATE INDEX rate_limit_hits_at ON rate_limit_hits(name, at)
        """
    )


def m008_playlist_revisions(db: Database) -> None:
    # Approved content is immutable (issue 10): a schedule approves one revision of its playlist, pinned
    # by content; boards play the approved revision while a later one waits for someone else's approval.
    _run(
        db,
        """
        CREATE TABLE playlist_revisions (
            id TEXT PRIMARY KEY, playlist_id TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
            number INTEGER NOT NULL, name TEXT NOT NULL, layout TEXT NOT NULL, items TEXT NOT NULL,
            content_hash TEXT NOT NULL, created_by INTEGER, created_at TEXT NOT NULL,
            UNIQUE (playlist_id, number));
        ALTER TABLE playlists ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE schedules ADD COLUMN revision_id TEXT REFERENCES playlist_revisions(id);
        ALTER TABLE schedules ADD COLUMN live_revision_id TEXT REFERENCES playlist_revisions(id);
        ALTER TABLE schedules ADD COLUMN submitted_by INTEGER;
        ALTER TABLE schedules ADD COLUMN submitted_at TEXT
        """
    )
    from manager.revisions import snapshot  # the one definition of a revision's content and hash

    for playlist in list(db.query("SELECT * FROM playlists")):
        items = list(db.query("SELECT * FROM items WHERE playlist_id = ? ORDER BY position", [playlist["id"]]))
        revision_id, content_hash, body = snapshot(playlist["id"], 1, playlist["name"], playlist["layout"], items)
        db["playlist_revisions"].insert(dict(id=revision_id, playlist_id=playlist["id"], number=1, name=playlist["name"],
                                             layout=playlist["layout"], items=body, content_hash=content_hash,
                                             created_by=playlist["created_by"], created_at=playlist["updated_at"]))
        db.execute("UPDATE playlists SET revision = 1 WHERE id = ?", [playlist["id"]])
        db.execute("UPDATE schedules SET revision_id = ? WHERE playlist_id = ?", [revision_id, playlist["id"]])
        db.execute("UPDATE schedules SET live_revision_id = ? WHERE playlist_id = ? AND status = 'approved'", [revision_id, playlist["id"]])


def m018_delivery_and_board_clock(db: Database) -> None:
    # Issue 17: the manager, not the board's guess at recording time, decides whether a heartbeat came late
    # (`late`, manager/heartbeats.py); heartbeats stored before keep the board's flag, so the intervals and
    # sealed digests computed from them stay as they are. The board's newest clock state and its disagreement
    # with NTP are kept on its record for the console.
    _run(
        db,
        """
        ALTER TABLE heartbeats ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
        UPDATE heartbeats SET late = recorded_offline;
        ALTER TABLE boards ADD COLUMN clock_state TEXT;
        ALTER TABLE boards ADD COLUMN ntp_disagreement_s REAL
        """
    )


def m020_playlist_retirement(db: Database) -> None:
    # Issue 14: a deleted playlist is retired, not erased: boards' play logs name it and its items, and the
    # proof of play shown to auditors must still say what was played. Its revisions stay; see content.RETIRED.
    _run(db, "ALTER TABLE playlists ADD COLUMN deleted_at TEXT")


MIGRATIONS = [m001_base, m002_board_layout, m003_sources_inbox, m004_uptime_intervals, m005_source_link_pushes,
              m006_console_sessions, m007_board_hours_history, m012_source_health, m013_inbox_message_key,
              m017_document_pages, m010_evidence, m016_notices_and_legibility, m014_hardening_lookups,
              m008_playlist_revisions, m018_delivery_and_board_clock, m019_rate_limit_hits, m020_playlist_retirement]


def applied(db: Database) -> set[str]:
    if "_migrations" not in db.table_names():
        return set()
    return {row["name"] for row in db.query("SELECT name FROM _migrations")}


def migrate(db: Database, migrations=None) -> list[str]:
    """Apply what is missing, each migration in its own transaction; returns their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = applied(db)
    ran = []
    for migration in migrations if migrations is not None else MIGRATIONS:
        if migration.__name__ in done:
            continue
        with db.atomic():
            migration(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                [migration.__name__, datetime.now(timezone.utc).isoformat()],
            )
        ran.append(migration.__name__)
    return ran
