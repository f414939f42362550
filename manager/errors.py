"""The domain's errors, named for what went wrong, with a message for people, Vietnamese first.

No web framework here: the domain and the stores raise these, and
`manager/api/http_errors.py` is the one place that turns them into HTTP
answers (JSON for the API, an HTML page for the console).

Not found and outside your scope are the same answer on purpose: a person
must not learn that another unit's board, playlist or file exists.
"""


class AppError(Exception):
    code = "bad_request"

    def __init__(self, message_vi: str, message_en: str = "", *, code: str | None = None):
        super().__init__(message_en or message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        if code:
            self.code = code

    def body(self) -> dict:
        return {"error": self.code, "message": self.message_vi, "message_en": self.message_en}


class Invalid(AppError):
    """The input cannot be used as given."""
    code = "invalid"


class Unauthorized(AppError):
    """Nobody we know is asking (no token, a wrong one, no session)."""
    code = "unauthorized"


class NotAllowed(AppError):
    """The person is known, and their role does not allow this."""
    code = "forbidden"


class NotFound(AppError):
    code = "not_found"


class OutOfScope(NotFound):
    """It exists but lies outside the person's units: answered exactly like NotFound."""


class StateConflict(AppError):
    """The object's state (approval, inbox status, a group in use) does not allow this now."""
    code = "conflict"


class TooLarge(AppError):
    code = "too_large"


class UnsupportedMedia(AppError):
    code = "unsupported_media"


class TooManyRequests(AppError):
    code = "too_many_requests"


class StorageFull(AppError):
    """The disk (or the database file's filesystem) has no room left; nothing of the request was kept."""

    code = "storage_full"

    def __init__(self, message_vi: str = "", message_en: str = "", *, code: str | None = None):
        super().__init__(message_vi or "Máy chủ đã hết dung lượng lưu trữ nên chưa lưu được gì của yêu cầu này. "
                                       "Hãy báo quản trị viên giải phóng ổ đĩa; máy chủ tự hoạt động lại khi có chỗ trống.",
                         message_en or "The server's disk is full, so nothing of this request was stored. Ask the "
                                       "administrator to free space; the server recovers by itself once there is room.",
                         code=code)


# The earlier names, still used across the manager; one class each, not copies.
BadInput = Invalid
Forbidden = NotAllowed
Conflict = StateConflict
