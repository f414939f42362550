"""Bad input the routes did not foresee still gets a 4xx with the usual bilingual
message, and a full disk a 507: never a bare 500.

* `pydantic.ValidationError` from a model built inside a route (the console
  builds its models from form fields) is the caller's bad input: 422.
* `OverflowError` is a number too big for SQLite's 64-bit integers (an id of
  2^70 in a path, say), so also the caller's: 422.
* A full disk, in SQLite's or the OS's words, is 507 (see `manager.storage`).
* The framework's own HTTP errors (a body that is not JSON, an unknown path,
  a method not allowed) get the same bilingual shape as ours.

Each is turned into an `AppError` and answered by the handler already
installed for those, so browsers get the HTML page and the API gets JSON.
"""
import sqlite3

from fastapi import FastAPI, Request
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from manager import storage
from manager.api.http_errors import validation_message
from manager.errors import AppError, BadInput

_FRAMEWORK = {400: ("Yêu cầu không đọc được (thân yêu cầu không phải JSON hợp lệ?)", "bad_request"),
              404: ("Không có trang hoặc địa chỉ này", "not_found"),
              405: ("Phương thức này không được dùng ở địa chỉ này", "method_not_allowed")}


def install(app: FastAPI) -> None:
    """Call after `http_errors.install_handlers`: reuses its handler for AppError."""
    answer = app.exception_handlers[AppError]

    async def invalid_model(request: Request, exc: ValidationError):
        return await answer(request, BadInput(*validation_message(exc.errors())))

    async def overflow(request: Request, exc: OverflowError):
        return await answer(request, BadInput("Một số trong yêu cầu quá lớn", "a number in the request is too large", code="out_of_range"))

    async def maybe_full(request: Request, exc: Exception):
        full = storage.as_storage_full(exc)
        if full is None:
            raise exc
        return await answer(request, full)

    async def framework(request: Request, exc: HTTPException):
        vi, code = _FRAMEWORK.get(exc.status_code, ("Yêu cầu không hợp lệ", "bad_request"))
        error = AppError(vi, str(exc.detail), code=code)
        error.status = exc.status_code
        response = await answer(request, error)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    app.add_exception_handler(HTTPException, framework)
    app.add_exception_handler(ValidationError, invalid_model)
    app.add_exception_handler(OverflowError, overflow)
    app.add_exception_handler(OSError, maybe_full)
    app.add_exception_handler(sqlite3.OperationalError, maybe_full)
