"""The store of console sessions kept on the server, and of the login rate limit (the SQL; the cookies'
names are in manager/console/cookies.py).

The cookie holds a random id; the table holds only its SHA-256, so a copy of
the database does not let anyone log in. Each session has its own CSRF
token. Nothing to sign, so there is no secret key to keep across restarts:
sessions live in the database and survive them by themselves.
"""
import hashlib
import secrets

from sqlite_utils import Database

from manager.auth import Principal, principal_for

SESSION_S = 12 * 3600
MAX_FAILURES = 5  # per username and address
MAX_ADDRESS_FAILURES = 30  # per address, whatever the usernames (password spraying)
FAILURE_WINDOW_S = 15 * 60


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def create(db: Database, user_id: int, now: float) -> str:
    """A new session; returns the cookie value. Old expired sessions are swept on the way."""
    session_id = secrets.token_urlsafe(32)
    db.execute("DELETE FROM console_sessions WHERE expires_at < ?", [now])
    db["console_sessions"].insert(dict(id_hash=_hash(session_id), user_id=user_id, csrf_token=secrets.token_urlsafe(32),
                                       created_at=now, expires_at=now + SESSION_S))
    return session_id


def lookup(db: Database, session_id: str, now: float) -> tuple[Principal, str] | None:
    """(principal, csrf token) of a live session of an enabled user, or None."""
    rows = list(db.query(
        "SELECT u.*, s.csrf_token AS _csrf FROM console_sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0", [_hash(session_id), now]))
    if not rows:
        return None
    return principal_for(rows[0]), rows[0]["_csrf"]


def end(db: Database, session_id: str) -> None:
    db.execute("DELETE FROM console_sessions WHERE id_hash = ?", [_hash(session_id)])


def end_all_for(db: Database, user_id: int) -> None:
    db.execute("DELETE FROM console_sessions WHERE user_id = ?", [user_id])


def failure_key(username: str, address: str) -> str:
    return f"{username.strip().lower()}|{address}"


def address_key(address: str) -> str:
    return f"*|{address}"


def limited(db: Database, username: str, address: str, now: float) -> bool:
    return (recent_failures(db, failure_key(username, address), now) >= MAX_FAILURES
            or recent_failures(db, address_key(address), now) >= MAX_ADDRESS_FAILURES)


def record_failed_login(db: Database, username: str, address: str, now: float) -> None:
    record_failure(db, failure_key(username, address), now)
    record_failure(db, address_key(address), now)


def recent_failures(db: Database, key: str, now: float) -> int:
    return db.execute("SELECT count(*) FROM login_failures WHERE key = ? AND at > ?", [key, now - FAILURE_WINDOW_S]).fetchone()[0]


def record_failure(db: Database, key: str, now: float) -> None:
    db.execute("DELETE FROM login_failures WHERE at < ?", [now - FAILURE_WINDOW_S])
    db["login_failures"].insert(dict(key=key, at=now))


def clear_failures(db: Database, key: str) -> None:
    db.execute("DELETE FROM login_failures WHERE key = ?", [key])
