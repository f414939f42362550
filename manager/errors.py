"""Errors that carry their HTTP status and a message for people, Vietnamese first.

Raised anywhere in the manager; turned into JSON (API) or an HTML page
(console) in one place, `install_handlers`.
"""
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("bangtin.manager")


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message_vi: str, message_en: str = "", *, code: str | None = None):
        super().__init__(message_en or message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        if code:
            self.code = code

    def body(self) -> dict:
        return {"error": self.code, "message": self.message_vi, "message_en": self.message_en}


class BadInput(AppError):
    status = 422
    code = "invalid"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class TooLarge(AppError):
    status = 413
    code = "too_large"


class UnsupportedMedia(AppError):
    status = 415
    code = "unsupported_media"


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"


class StorageFull(AppError):
    """The disk (or the database file's filesystem) has no room left; nothing of the request was kept."""

    status = 507
    code = "storage_full"

    def __init__(self, message_vi: str = "", message_en: str = "", *, code: str | None = None):
        super().__init__(message_vi or "Máy chủ đã hết dung lượng lưu trữ nên chưa lưu được gì của yêu cầu này. "
                                       "Hãy báo quản trị viên giải phóng ổ đĩa; máy chủ tự hoạt động lại khi có chỗ trống.",
                         message_en or "The server's disk is full, so nothing of this request was stored. Ask the "
                                       "administrator to free space; the server recovers by itself once there is room.",
                         code=code)


def _validation_message(exc: RequestValidationError) -> tuple[str, str]:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    detail = "; ".join(parts)
    return f"Dữ liệu gửi lên không hợp lệ: {detail}", f"Invalid request: {detail}"


def install_handlers(app: FastAPI, html_renderer=None) -> None:
    """`html_renderer(request, status, message_vi, message_en)` serves browsers, when given."""

    def wants_html(request: Request) -> bool:
        return html_renderer is not None and "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/api/")

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError):
        if wants_html(request):
            return html_renderer(request, exc.status, exc.message_vi, exc.message_en)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        vi, en = _validation_message(exc)
        if wants_html(request):
            return html_renderer(request, 422, vi, en)
        return JSONResponse({"error": "invalid", "message": vi, "message_en": en, "detail": jsonable_errors(exc)}, status_code=422)


def jsonable_errors(exc: RequestValidationError) -> list[dict]:
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": e.get("type")} for e in exc.errors()]
