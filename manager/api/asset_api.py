"""Downloading assets: immutable URLs, access by the caller's credential (see manager.asset_access)."""
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from manager.api.access import access
from manager.api.deps import domain_of
from manager.api.identity import bearer
from manager.domain import board_link
from manager.errors import NotFound
from protocol import api

router = APIRouter(tags=["board"])


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    return if_none_match.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]


def _session(request: Request):
    return getattr(request.state, "principal", None)  # the console session, if any: the person asking without a token


@router.get(api.ASSET, response_class=FileResponse,
            responses={200: {"content": {"*/*": {}}, "description": "the file, with its own media type"},
                       206: {"description": "partial content"}, 304: {"description": "unchanged"},
                                  401: {"description": "no credential"}, 403: {"description": "not this caller's"}})
@access(who="credential")
def get_asset(sha256: str, request: Request):
    """Content-addressed, so immutable: cache forever, resume with Range."""
    path = request.app.state.assets.path(sha256)
    mime, cache = domain_of(request).read(board_link.asset_download, request.app.state.assets, sha256, bearer(request),
                                          _session(request))
    if not path.is_file():
        raise NotFound("Không có tệp này", "no such asset")
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Cache-Control": cache}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, headers=headers, media_type=mime)


@router.get("/api/v1/asset-access/{sha256}", status_code=204, responses={401: {"description": "no credential"},
                                                                      403: {"description": "not this caller's"}})
@access(who="credential")
def asset_access_check(sha256: str, request: Request):
    """For a caching reverse proxy (nginx auth_request): may this caller have the asset? No body either way."""
    request.app.state.assets.path(sha256)  # a malformed hash is 404 here too
    domain_of(request).read(board_link.asset_cache, sha256, bearer(request), _session(request))
    return Response(status_code=204)
