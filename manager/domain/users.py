"""People and their roles: only administrators manage them, with the same rules everywhere
(`manager.auth.check_user_fields`), every change audited, sessions and tokens ended when access goes."""
from manager import audit, auth, sessions, storage
from manager.auth import Principal
from manager.domain import db_of
from manager.domain.policy import require_role
from manager.errors import Invalid, NotFound

CONSOLE_ROLES = tuple(r for r in auth.ROLES if r != "source")  # source accounts are made on the command line


def _end_access(db, user_id: int) -> None:
    sessions.end_all_for(db, user_id)


def _user(db, user_id: int) -> dict:
    row = auth.user_row(db, user_id)
    if row is None:
        raise NotFound("Không có người dùng này", "no such user")
    return row


def list_users(x, principal: Principal) -> list[dict]:
    require_role(principal, "admin")
    return [{k: v for k, v in r.items() if k != "password_hash"} for r in auth.users_with_units(db_of(x))]


def create_user(x, principal: Principal, username: str, password: str, role: str, unit_code: str | None, display_name: str = "") -> int:
    db = db_of(x)
    require_role(principal, "admin")
    if role not in CONSOLE_ROLES:
        raise Invalid("Tài khoản nguồn tin được tạo bằng dòng lệnh" if role == "source" else f"Vai trò không hợp lệ: {role}",
                      "source accounts are made on the command line" if role == "source" else f"unknown role: {role}")
    user_id = auth.create_user(db, username, password, role, None, unit_code or None, display_name)
    audit.record(db, principal, "create", "user", str(user_id), username=username, role=role, unit=unit_code)
    return user_id


def change_user(x, principal: Principal, user_id: int, role: str, unit_code: str | None, password: str = "") -> None:
    """A new role and unit, and optionally a new password (which ends the person's sessions)."""
    db = db_of(x)
    require_role(principal, "admin")
    if role not in CONSOLE_ROLES:
        raise Invalid(f"Vai trò không hợp lệ: {role}", f"unknown role: {role}")
    if user_id == principal.user_id and role != "admin":
        raise Invalid("Không thể tự bỏ quyền quản trị của mình", "you cannot take away your own administrator role")
    before = _user(db, user_id)
    catalogue = auth.check_user_fields(db, role, unit_code, password)
    auth.set_user(db, user_id, role=role, unit_catalogue=catalogue, unit_code=unit_code or None)
    if password:
        auth.set_user(db, user_id, password_hash=auth.hash_password(password))
        _end_access(db, user_id)
    audit.record(db, principal, "update", "user", str(user_id), before={"role": before["role"], "unit": before["unit_code"]},
                 after={"role": role, "unit": unit_code}, password_changed=bool(password))


def set_enabled(x, principal: Principal, user_id: int, enabled: bool) -> None:
    """Disabling ends the person's sessions and revokes their API tokens at once."""
    db = db_of(x)
    require_role(principal, "admin")
    if user_id == principal.user_id and not enabled:
        raise Invalid("Không thể tự khoá tài khoản của mình", "you cannot disable yourself")
    _user(db, user_id)
    auth.set_user(db, user_id, disabled=int(not enabled))
    if not enabled:
        _end_access(db, user_id)
        auth.revoke_tokens_of(db, user_id)
    audit.record(db, principal, "enable" if enabled else "disable", "user", str(user_id))


def display_name(x, principal: Principal) -> str:
    row = auth.user_row(db_of(x), principal.user_id) if principal.user_id else None
    return (row["display_name"] if row else "") or principal.username


@storage.essential  # people must still sign in to a manager whose disk is full
def log_in(x, username: str, password: str, address: str, previous_session: str | None) -> tuple[str, str | None]:
    """("ok", new session id), ("failed", None) or ("limited", None); a new session id at every login (no fixation)."""
    db = db_of(x)
    now = x.clock.time()
    if sessions.limited(db, username, address, now):
        return "limited", None
    row = auth.user_by_name(db, username)
    if row is None or row["role"] == "source" or not auth.check_password(row["password_hash"], password):
        sessions.record_failed_login(db, username, address, now)
        return "failed", None
    sessions.clear_failures(db, sessions.failure_key(username, address))
    if previous_session:
        sessions.end(db, previous_session)
    return "ok", sessions.create(db, row["id"], now)


@storage.essential
def log_out(x, session_id: str) -> None:
    sessions.end(db_of(x), session_id)
