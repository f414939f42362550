"""The library's plain upload form (several files in one post, for browsers without script) and deleting
a file nobody uses, after a confirmation step. The script on the library page sends each file on its own
to the API instead, with a progress bar for each."""
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import i18n
from manager.api.access import CONTENT, access
from manager.api.deps import domain_of
from manager.api.uploads import store_upload
from manager.console.content_pages import library_page
from manager.console.views import CONTENT_ROLES, lang_of, page_principal, redirect, render
from manager.domain import assets as dassets
from manager.errors import AppError, BadInput
from manager.request_limits import FORM_FILES

router = APIRouter(include_in_schema=False)
CHUNK = 1 << 20


async def _chunks(upload):
    while chunk := await upload.read(CHUNK):
        yield chunk


@router.post("/library/upload")
@access(roles=CONTENT)
async def library_upload(request: Request):
    """Each file is checked and kept on its own; the page says for each whether it was."""
    principal = page_principal(request, *CONTENT_ROLES)
    dassets.may_upload(principal)
    form = await request.form(max_files=FORM_FILES, max_fields=10)
    files = [f for f in form.getlist("files") if not isinstance(f, str) and f.filename]
    if not files:
        raise BadInput("Hãy chọn ít nhất một tệp", "choose at least one file")
    results = []
    try:
        for upload in files:
            try:
                row = await store_upload(request, principal, upload.filename, _chunks(upload))
                results.append(dict(name=upload.filename, ok=True, note=row.get("note")))
            except AppError as exc:
                results.append(dict(name=upload.filename, ok=False, message=i18n.pick(lang_of(request), exc.message_vi, exc.message_en)))
    finally:
        await form.close()
    return library_page(request, principal, results)


@router.get("/library/{sha256}/delete")
@access(roles=CONTENT, scope="object")
def asset_delete_confirm(request: Request, sha256: str):
    """The confirmation step; a file still used is refused here already, with the reason."""
    principal = page_principal(request, *CONTENT_ROLES)
    row = domain_of(request).read(dassets.deletable_asset, principal, sha256)
    return render(request, "confirm.html", heading="library.delete_heading", message="library.delete_question",
                  what=row["original_name"], action=f"/library/{sha256}/delete", go="library.delete", cancel="/library")


@router.post("/library/{sha256}/delete")
@access(roles=CONTENT, scope="object")
async def asset_delete(request: Request, sha256: str):
    principal = page_principal(request, *CONTENT_ROLES)
    store = request.app.state.assets
    await run_in_threadpool(domain_of(request).write, dassets.delete_asset, principal, sha256, lambda: store.remove(sha256))
    return redirect("/library", "library.deleted")
