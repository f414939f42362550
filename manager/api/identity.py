"""Who is asking, read from the request: a bearer token, the console's session, or a board's token.

The HTTP side of `manager.auth`; routes and pages depend on these.
"""
from fastapi import Depends, Request

from manager.auth import Principal, board_from_token, user_from_token
from manager.errors import NotAllowed, Unauthorized


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_principal(request: Request) -> Principal:
    """A bearer API token, or the console session (set on request.state by its middleware)."""
    token = bearer(request)
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


Who = Depends(current_principal)


def board_for_request(request: Request, board_id: str) -> dict:
    """The board whose token this is; 401 for a wrong or revoked token, 403 for another board."""
    token = bearer(request)
    if not token:
        raise Unauthorized("Thiếu mã truy cập của bảng tin", "board token required")
    with request.app.state.store.read() as db:
        board = board_from_token(db, token)
    if board is None or board["revoked_at"]:
        raise Unauthorized("Mã truy cập của bảng tin không đúng hoặc đã bị thu hồi", "invalid or revoked board token")
    if board["id"] != board_id:
        raise NotAllowed("Bảng tin chỉ được truy cập dữ liệu của chính mình", "a board may only access its own data")
    return board
