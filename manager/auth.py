"""Who is asking: people (roles with a unit scope) and boards (their own token).

Bearer tokens are random and long, so a plain SHA-256 of them is what is
stored; passwords are low-entropy and get Argon2 (argon2-cffi).
"""
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request
from sqlite_utils import Database

from manager import units
from manager.errors import BadInput, Forbidden, Unauthorized
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
    if role not in ROLES:
        raise BadInput(f"Vai trò không hợp lệ: {role}", f"unknown role: {role}")
    if role != "admin" and not unit_code:
        raise BadInput("Người dùng không phải quản trị phải gắn với một đơn vị", "non-admin users need a unit")
    if unit_code:
        unit_catalogue = unit_catalogue or units.current_catalogue(db)
        units.get(db, unit_catalogue, unit_code)
    if password is not None and len(password) < 8:
        raise BadInput("Mật khẩu phải có ít nhất 8 ký tự", "password must have at least 8 characters")
    if db.execute("SELECT 1 FROM users WHERE username = ?", [nfc(username)]).fetchone():
        raise BadInput(f"Tên đăng nhập {username!r} đã có", f"username {username!r} is taken")
    return db["users"].insert(dict(
        username=nfc(username), display_name=nfc(display_name or username),
        password_hash=hash_password(password) if password else None, role=role,
        unit_catalogue=unit_catalogue if unit_code else None, unit_code=unit_code, created_at=iso(utcnow()),
    )).last_pk


def create_api_token(db: Database, user_id: int, label: str = "") -> str:
    token = new_token("bt")
    db["api_tokens"].insert(dict(token_hash=hash_token(token), user_id=user_id, label=label, created_at=iso(utcnow())))
    return token


def principal_for(row: dict) -> Principal:
    return Principal(row["id"], row["username"], row["role"], row["unit_catalogue"], row["unit_code"])


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def user_from_token(db: Database, token: str) -> Principal | None:
    rows = list(db.query(
        "SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0", [hash_token(token)]))
    return principal_for(rows[0]) if rows else None


def current_principal(request: Request) -> Principal:
    """A bearer API token, or the console session (set on request.state by its middleware)."""
    token = _bearer(request)
    if token:
        with request.app.state.store.read() as db:
            principal = user_from_token(db, token)
        if principal is None:
            raise Unauthorized("Mã truy cập không đúng hoặc đã bị thu hồi", "invalid or revoked token")
        return principal
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise Unauthorized("Cần đăng nhập", "authentication required")
    return principal


def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles and not principal.is_admin:
        raise Forbidden("Bạn không có quyền thực hiện việc này", "your role does not allow this")


def in_scope(db: Database, principal: Principal, catalogue: str, unit_code: str) -> bool:
    if principal.is_admin:
        return True
    if principal.unit_code is None or principal.unit_catalogue != catalogue:
        return False
    return units.is_within(db, catalogue, unit_code, principal.unit_code)


def require_scope(db: Database, principal: Principal, catalogue: str, unit_code: str) -> None:
    if not in_scope(db, principal, catalogue, unit_code):
        raise Forbidden("Đơn vị này nằm ngoài phạm vi của bạn", "this unit is outside your scope")


def board_for_request(request: Request, board_id: str) -> dict:
    """The board whose token this is; 401 for a wrong or revoked token, 403 for another board."""
    token = _bearer(request)
    if not token:
        raise Unauthorized("Thiếu mã truy cập của bảng tin", "board token required")
    with request.app.state.store.read() as db:
        cursor = db.conn.execute("SELECT * FROM boards WHERE token_hash = ?", [hash_token(token)])
        rows = [dict(zip([c[0] for c in cursor.description], row)) for row in cursor.fetchall()]
    if not rows or rows[0]["revoked_at"]:
        raise Unauthorized("Mã truy cập của bảng tin không đúng hoặc đã bị thu hồi", "invalid or revoked board token")
    board = rows[0]
    if board["id"] != board_id:
        raise Forbidden("Bảng tin chỉ được truy cập dữ liệu của chính mình", "a board may only access its own data")
    return board
