"""One upload, from its bytes to a library row: streamed to a temporary file (hashed and counted on the
way, cut off past the size limit), checked (`manager.assets.accept`), recorded, then kept.

Both the API (the request body is the file) and the library page's plain form (several files in one
multipart post) send each file through here; nothing is kept unless every check passes.
"""
from collections.abc import AsyncIterator

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from manager import assets
from manager.api.deps import domain_of
from manager.auth import Principal
from manager.domain import assets as dassets


async def store_upload(request: Request, principal: Principal, filename: str, chunks: AsyncIterator[bytes]) -> dict:
    domain_of(request).require_room()  # on a full disk, 507 before the file takes what is left
    state = request.app.state
    sink = assets.UploadSink(state.assets, state.settings.max_upload_mb * 1024 * 1024)
    try:
        async for chunk in chunks:
            sink.write(chunk)
        sha256 = sink.finish()
        got = await run_in_threadpool(assets.accept, state.assets, sink.path, sha256, sink.size, filename,
                                      state.settings.max_image_pixels)
    except BaseException:
        sink.discard()
        raise
    try:
        return await run_in_threadpool(domain_of(request).write, dassets.record_upload, principal, got, filename,
                                       lambda: state.assets.keep(got.path, got.sha256))
    finally:
        sink.discard()  # gone already once kept; a write that failed (a full disk) must not leave it behind
