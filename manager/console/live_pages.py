"""Server-sent events telling an open console page that something it shows may have changed.

The page (manager/static/console-live.js) then fetches itself again and swaps
its live regions, as its polling does; the events only make that prompt.
Written with Starlette's StreamingResponse: the stream is a few lines of text
(`event:`/`data:` and `:` comments), which needs no library.

* What counts as a change: the console's own feed (`app.state.live`, bumped
  after every domain write a page may show; heartbeats only when the board
  visibly changes), never the boards' feed, so pages cost the boards' long-polls
  nothing and boards' heartbeats do not wake pages for nothing.
* At most one event a second per page, however busy the fleet: after an event
  the stream sleeps a second, and the next wait sees every change since.
* A comment every 15 s keeps proxies from closing an idle stream.
* No database, no worker thread: an open stream is one waiting coroutine. A
  bound (`MAX_STREAMS`) keeps a crowd of tabs from holding the server's file
  descriptors; above it the answer is 429 and those pages keep polling.
* A server stopping ends the streams with every other open request
  (uvicorn's graceful-shutdown bound, `manager.__main__.SHUTDOWN_GRACE_S`);
  the browser reconnects to the restarted server by itself.
"""
import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from manager.api.access import EVERYONE, access
from manager.console.views import page_principal
from manager.errors import TooManyRequests

router = APIRouter(include_in_schema=False)

KEEPALIVE_S = 15.0
SPACING_S = 1.0
MAX_STREAMS = 500
RETRY_MS = 3000


class Streams:
    """How many streams are open (one per open console page): the bound above which pages keep polling."""

    def __init__(self, most: int = MAX_STREAMS):
        self.open, self.most = 0, most


async def _events(live, streams: Streams):
    streams.open += 1
    seen = live.generation
    try:
        # "ready" first: the page trusts the stream (and slows its polling) only once an event has come
        # through, so a proxy that buffers the stream leaves the page polling as before.
        yield f"retry: {RETRY_MS}\nevent: ready\ndata: {seen}\n\n"
        while True:
            if await live.wait_beyond(seen, KEEPALIVE_S):
                seen = live.generation
                yield f"event: change\ndata: {seen}\n\n"
                await asyncio.sleep(SPACING_S)  # changes meanwhile are seen by the next wait, as one event
            else:
                yield ": keep-alive\n\n"
    finally:  # the page went away (Starlette cancels the stream) or the server stops
        streams.open -= 1


@router.get("/live/events")
@access(roles=EVERYONE)
async def events(request: Request):
    page_principal(request, *EVERYONE)
    state = request.app.state
    if state.live_streams.open >= state.live_streams.most:
        raise TooManyRequests("Máy chủ đang bận, trang sẽ tự tải lại định kỳ", "too many live streams; the page keeps polling")
    return StreamingResponse(_events(state.live, state.live_streams), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
