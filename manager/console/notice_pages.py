"""The bulletin editor's helpers: the paged preview, recognising a pasted notice, reading a Word file."""
import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from manager import bulletin_preview, notice_import
from manager.api.access import access
from manager.console.views import CONTENT_ROLES, page_principal
from manager.errors import BadInput
from protocol.notice import Notice, parse

router = APIRouter(include_in_schema=False)
NOTICE_FIELDS = tuple(f for f in Notice.model_fields if f != "body")
MAX_PREVIEW_BYTES = 256 * 1024


def notice_of(form: dict) -> Notice | None:
    """The notice fields of the editor's form (`notice_<field>`, the body in `body`), when it is a notice."""
    if form.get("format") != "notice":
        return None
    values = {f: str(form.get(f"notice_{f}", "")).strip() for f in NOTICE_FIELDS}
    values["body"] = str(form.get("body", "")).strip()
    values["doc_type"] = values["doc_type"] or "THÔNG BÁO"
    try:
        return Notice(**values)
    except ValueError as exc:
        raise BadInput("Một trường của thông báo quá dài", "a notice field is too long") from exc


async def _json(request: Request) -> dict:
    raw = await request.body()
    if len(raw) > MAX_PREVIEW_BYTES:
        raise BadInput("Nội dung quá dài để xem trước", "too much text to preview")
    try:
        data = json.loads(raw or b"{}")
    except ValueError as exc:
        raise BadInput("Yêu cầu không hợp lệ", "malformed request") from exc
    if not isinstance(data, dict):
        raise BadInput("Yêu cầu không hợp lệ", "malformed request")
    return data


@router.post("/bulletins/preview")
@access(roles=CONTENT_ROLES)
async def preview(request: Request):
    page_principal(request, *CONTENT_ROLES)
    form = await _json(request)
    try:
        duration = float(form.get("duration_s") or 20)
    except (TypeError, ValueError) as exc:
        raise BadInput("Thời lượng phải là một số giây", "duration must be a number of seconds") from exc
    notice = notice_of(form)
    result = await run_in_threadpool(
        bulletin_preview.preview, str(form.get("layout") or "landscape-16x9"), title=str(form.get("title", "")),
        body=str(form.get("body", "")), notice=notice, duration_s=max(1.0, duration), has_media=bool(form.get("asset")),
        has_ticker=bool(str(form.get("ticker", "")).strip()))
    return JSONResponse(result)


@router.post("/bulletins/recognise")
@access(roles=CONTENT_ROLES)
async def recognise(request: Request):
    """A whole notice pasted as text, split into the format's fields."""
    page_principal(request, *CONTENT_ROLES)
    form = await _json(request)
    return JSONResponse(_recognised(parse, str(form.get("text", ""))).model_dump())


def _recognised(read, source) -> Notice:
    try:
        return read(source)
    except ValidationError as exc:
        raise BadInput("Văn bản dài hơn một bản tin cho phép (nội dung tối đa 20.000 ký tự, trích yếu 500): hãy chia thành nhiều thông báo",
                       "the document is longer than a bulletin allows (body 20,000 characters, summary 500): split it") from exc


@router.post("/bulletins/docx")
@access(roles=CONTENT_ROLES)
async def from_docx(request: Request):
    """A Word file's text in the notice format (the body is the file, as the library's upload sends it)."""
    page_principal(request, *CONTENT_ROLES)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > notice_import.MAX_DOCX_BYTES:
            raise BadInput(f"Tệp Word quá lớn (tối đa {notice_import.MAX_DOCX_BYTES // 1024 // 1024} MB)",
                           "the Word file is too large")
        chunks.append(chunk)
    notice = await run_in_threadpool(_recognised, notice_import.notice_from_docx, b"".join(chunks))
    return JSONResponse(notice.model_dump())
