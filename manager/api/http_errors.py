"""The one place where domain errors become HTTP answers.

JSON for the API and for scripts; an HTML page (through the console's
renderer) for the console's pages. A new error class gets its status here, nowhere else.
"""
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from manager import errors

STATUS: dict[type, int] = {
    errors.Invalid: 422,
    errors.Unauthorized: 401,
    errors.NotAllowed: 403,
    errors.NotFound: 404,  # OutOfScope too: it is a NotFound
    errors.StateConflict: 409,
    errors.TooLarge: 413,
    errors.UnsupportedMedia: 415,
    errors.TooManyRequests: 429,
    errors.StorageFull: 507,
}


def status_of(exc: errors.AppError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return getattr(exc, "status", 400)  # a class that states its own status (kept for errors added elsewhere)


def validation_message(errors: list[dict]) -> tuple[str, str]:
    """(Vietnamese, English) for the first few of pydantic's errors, the request or a model built in a route."""
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    detail = "; ".join(parts)
    return f"Dữ liệu gửi lên không hợp lệ: {detail}", f"Invalid request: {detail}"


def jsonable_errors(exc: RequestValidationError) -> list[dict]:
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": e.get("type")} for e in exc.errors()]


MACHINE_PATHS = ("/api/", "/assets/")  # boards and scripts: always JSON
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def wants_html(request: Request) -> bool:
    """A console page answers its errors as a page: a browser's navigation or form, or a plain HTTP client
    asking for nothing in particular. The console's own scripts post JSON (or a file) and read JSON back."""
    if request.url.path.startswith(MACHINE_PATHS):
        return False
    accept = request.headers.get("accept", "")
    if "text/html" in accept:
        return True
    if "application/json" in accept:
        return False
    return request.method in ("GET", "HEAD") or request.headers.get("content-type", "").split(";")[0].strip() in _FORMS


def install_handlers(app: FastAPI, html_renderer=None) -> None:
    """`html_renderer(request, status, message_vi, message_en)` serves the console's pages, when given."""

    @app.exception_handler(errors.AppError)
    async def _app_error(request: Request, exc: errors.AppError):
        status = status_of(exc)
        if html_renderer is not None and wants_html(request):
            return html_renderer(request, status, exc.message_vi, exc.message_en)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(exc.body(), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        vi, en = validation_message(exc.errors())
        if html_renderer is not None and wants_html(request):
            return html_renderer(request, 422, vi, en)
        return JSONResponse({"error": "invalid", "message": vi, "message_en": en, "detail": jsonable_errors(exc)}, status_code=422)
