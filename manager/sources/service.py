"""Starts and stops the source link's two background threads with the application (anything with a `.state`)."""
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from manager.outbound import Pusher
from manager.sources.guard import Guard
from manager.sources.poller import Poller


def start(app) -> None:
    state, settings = app.state, app.state.settings
    state.poller = Poller(state.store, state.clock, state.changes.bump, keep_days=settings.inbox_keep_days,
                          guard=outbound_guard(settings), on_news=state.live.bump)
    state.poller.start()
    state.pusher = None
    if settings.source_link_push_url:
        state.pusher = Pusher(state.store, state.clock, settings.source_link_push_url, settings.source_link_push_token,
                              settings.source_link_push_interval_s)
        state.pusher.start()


def outbound_guard(settings) -> Guard:
    """The admin's allow-list, and the manager's own addresses (never fetched unless allow-listed with their port)."""
    own = [(settings.host, settings.port)]
    if settings.public_url:
        public = urlsplit(settings.public_url)
        if public.hostname:
            own.append((public.hostname, public.port or (443 if public.scheme == "https" else 80)))
    return Guard(settings.source_allow_hosts, own)


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
