"""Who is asking: people (roles with a unit scope) and boards (their own token), and the two
primitive rules every decision is built from: a role, and a unit inside a person's scope.

No web framework here: reading a request's bearer token or session is
`manager/api/identity.py`'s job.

Bearer tokens are random and long, so a plain SHA-256 of them is what is
stored; passwords are low-entropy and get Argon2 (argon2-cffi).
"""
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from manager import units
from manager.errors import BadInput, NotAllowed, OutOfScope
from protocol.text import nfc
from protocol.timebase import iso, utcnow

ROLES = ("admin", "editor", "approver", "auditor", "source")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: str
    unit_catalogue: str | None
    unit_code: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(db: Database, username: str, password: str | None, role: str, unit_catalogue: str | None = None,
                unit_code: str | None = None, display_name: str = "") -> int:
    unit_catalogue = check_user_fields(db, role, unit_code, password, unit_catalogue)
    if password is not None and len(password) < 8:
        raise BadInput("Mật khẩu phải có ít nhất 8 ký tự", "password must have at least 8 characters")
    if db.execute("SELECT 1 FROM users WHERE username = ?", [nfc(username)]).fetchone():
        raise BadInput(f"Tên đăng nhập {username!r} đã có", f"username {username!r} is taken")
    return db["users"].insert(dict(
        username=nfc(username), display_name=nfc(display_name or username),
        password_hash=hash_password(password) if password else None, role=role,
        unit_catalogue=unit_catalogue if unit_code else None, unit_code=unit_code, created_at=iso(utcnow()),
    )).last_pk


def check_user_fields(db: Database, role: str, unit_code: str | None, password: str | None,
                      unit_catalogue: str | None = None) -> str | None:
    """The rules for a user's role, unit and password, for a new user and a changed one alike; returns the unit's catalogue."""
    if role not in ROLES:
        raise BadInput(f"Vai trò không hợp lệ: {role}", f"unknown role: {role}")
    if role != "admin" and not unit_code:
        raise BadInput("Người dùng không phải quản trị phải gắn với một đơn vị", "non-admin users need a unit")
    if password and len(password) < 8:
        raise BadInput("Mật khẩu phải có ít nhất 8 ký tự", "password must have at least 8 characters")
    if not unit_code:
        return None
    unit_catalogue = unit_catalogue or units.current_catalogue(db)
    units.get(db, unit_catalogue, unit_code)
    return unit_catalogue


def user_by_name(db: Database, username: str) -> dict | None:
    """An enabled user by their login name."""
    rows = list(db.query("SELECT * FROM users WHERE username = ? AND disabled = 0", [username]))
    return rows[0] if rows else None


def user_row(db: Database, user_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM users WHERE id = ?", [user_id]))
    return rows[0] if rows else None


def users_with_units(db: Database) -> list[dict]:
    return list(db.query("SELECT u.*, n.name AS unit_name FROM users u LEFT JOIN units n "
                         "ON n.catalogue = u.unit_catalogue AND n.code = u.unit_code ORDER BY u.username"))


def set_user(db: Database, user_id: int, **changes) -> None:
    db["users"].update(user_id, changes)


def revoke_tokens_of(db: Database, user_id: int) -> None:
    db.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [iso(utcnow()), user_id])


def create_api_token(db: Database, user_id: int, label: str = "") -> str:
    token = new_token("bt")
    db["api_tokens"].insert(dict(token_hash=hash_token(token), user_id=user_id, label=label, created_at=iso(utcnow())))
    return token


def principal_for(row: dict) -> Principal:
    return Principal(row["id"], row["username"], row["role"], row["unit_catalogue"], row["unit_code"])


def user_from_token(db: Database, token: str) -> Principal | None:
    rows = list(db.query(
        "SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0", [hash_token(token)]))
    return principal_for(rows[0]) if rows else None


def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles and not principal.is_admin:
        raise NotAllowed("Bạn không có quyền thực hiện việc này", "your role does not allow this")


def in_scope(db: Database, principal: Principal, catalogue: str, unit_code: str) -> bool:
    if principal.is_admin:
        return True
    if principal.unit_code is None or principal.unit_catalogue != catalogue:
        return False
    return units.is_within(db, catalogue, unit_code, principal.unit_code)


def require_scope(db: Database, principal: Principal, catalogue: str, unit_code: str,
                  not_found: tuple[str, str] | None = None) -> None:
    """OutOfScope (answered as 404) when the unit is not the person's; `not_found` is the message of
    the object being reached, so an out-of-scope board reads exactly like a missing one."""
    if not in_scope(db, principal, catalogue, unit_code):
        raise OutOfScope(*(not_found or ("Đơn vị này nằm ngoài phạm vi của bạn", "this unit is outside your scope")))


