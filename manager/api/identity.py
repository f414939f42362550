"""Who is asking, read from the request: a bearer token, the console's session, or a board's token.

The HTTP side of `manager.auth`; routes and pages depend on these.
"""
import re

from fastapi import Depends, Request

from manager.auth import Principal, user_from_token
from manager.errors import NotAllowed, Unauthorized
from protocol import api

# The routes a board calls with its own token, which no session or console cookie can stand in for.
_BOARD_ROUTES = re.compile("|".join(p.replace("{board_id}", "[^/]+") for p in (api.MANIFEST, api.HEARTBEATS, api.PLAYLOG, api.SCREENSHOT)))


def board_route(path: str) -> bool:
    return path.startswith("/api/v1/boards/") and _BOARD_ROUTES.fullmatch(path) is not None


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


def require_board_token(request: Request, board_id: str) -> None:
    """The request carries this board's live token: 401 for a wrong or revoked token, 403 for another board's."""
    token = bearer(request)
    if not token:
        raise Unauthorized("Thiếu mã truy cập của bảng tin", "board token required")
    owner = request.app.state.domain.board_of_token(token)
    if owner is None:
        raise Unauthorized("Mã truy cập của bảng tin không đúng hoặc đã bị thu hồi", "invalid or revoked board token")
    if owner != board_id:
        raise NotAllowed("Bảng tin chỉ được truy cập dữ liệu của chính mình", "a board may only access its own data")
