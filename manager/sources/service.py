"""Starts and stops the source link's two background threads with the application (anything with a `.state`)."""
from contextlib import asynccontextmanager

from manager.outbound import Pusher
from manager.sources.poller import Poller


def start(app) -> None:
    state, settings = app.state, app.state.settings
    state.poller = Poller(state.store, state.clock, state.changes.bump, keep_days=settings.inbox_keep_days)
    state.poller.start()
    state.pusher = None
    if settings.source_link_push_url:
        state.pusher = Pusher(state.store, state.clock, settings.source_link_push_url, settings.source_link_push_token,
                              settings.source_link_push_interval_s)
        state.pusher.start()


def stop(app) -> None:
    for name in ("poller", "pusher"):
        worker = getattr(app.state, name, None)
        if worker is not None:
            worker.stop()


@asynccontextmanager
async def lifespan(app):
    start(app)
    try:
        yield
    finally:
        stop(app)
