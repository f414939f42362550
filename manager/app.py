"""The manager application: `create_app(settings)` builds one on a database file."""
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from manager import console, gc_pauses, pairing, storage
from manager.api import admin_api, asset_api, board_api, edge_errors, report_api, source_api
from manager.api.responses import ERROR_RESPONSES
from manager.api.shortcut import Shortcut
from manager.assets import AssetStore
from manager.clock import Clock
from manager.db import Store
from manager.documents import DocumentRenderer
from manager.domain import Domain
from manager.group_commit import GroupCommit
from manager.api.http_errors import install_handlers
from manager.manifest_service import ManifestService
from manager.migrations import migrate
from manager.request_limits import RequestLimits
from manager.notify import ChangeFeed
from manager.reports import pages as report_pages
from manager.sealing import Sealer
from manager.settings import Settings
from manager.sources import service as source_link
from protocol import api

log = logging.getLogger("bangtin.manager")


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Background work that lives as long as the server: the source link and heartbeat sealing."""
    gc_pauses.settle()
    sealer = Sealer(app.state.store, app.state.clock, app.state.settings.heartbeat_keep_hours)
    if app.state.settings.heartbeat_keep_hours > 0:
        sealer.start()
    try:
        async with source_link.lifespan(app):
            yield
    finally:
        if app.state.settings.heartbeat_keep_hours > 0:
            sealer.stop()


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="Bảng tin — máy chủ quản lý", version="0.1.0",
                  description="Manager of Vietnam's public electronic bulletin boards. Board API and editors' API.",
                  lifespan=lifespan,
                  # No OpenTelemetry here: off, FastAPI need not look for its providers on every request.
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    store = Store(settings.db)
    ran = migrate(store.db())
    if ran:
        log.info("database %s migrated: %s", settings.db, ", ".join(ran))
    app.state.settings = settings
    app.state.store = store
    app.state.clock = Clock(settings.fake_clock_file)
    app.state.changes = ChangeFeed()
    app.state.live = ChangeFeed()  # the console's: any change a person may see (manager/console/live_pages.py)
    app.state.assets = AssetStore(settings.assets_path)
    storage.sweep_temporaries(app.state.assets.tmp)  # uploads cut short by a crash: never finished, never served
    app.state.pairing_throttle = pairing.Throttle(settings.pairing_requests_per_address)
    app.state.manifests = ManifestService(store, app.state.clock, app.state.changes, settings.manifest_days,
                                          DocumentRenderer(app.state.assets))
    reserve = storage.Reserve(settings.db.with_name(settings.db.name + ".reserve"), settings.disk_reserve_mb << 20)
    reserve.ensure()  # on a disk already full: none, and only essential writes run until there is room
    app.state.domain = Domain(store, app.state.changes, app.state.clock, settings, app.state.manifests, app.state.live,
                              reserve)
    app.state.heartbeat_writes = GroupCommit(app.state.domain, hold=app.state.manifests.delivering)
    install_handlers(app, console.render_error)
    edge_errors.install(app)
    # Routes match in order: the boards' routes, hit by every board every 30 s, come first.
    app.include_router(board_api.router, responses=ERROR_RESPONSES)
    app.include_router(asset_api.router, responses=ERROR_RESPONSES)
    console.install(app)  # the editors' console: pages, sessions, CSRF (issue 4)
    app.include_router(admin_api.router, responses=ERROR_RESPONSES)
    app.include_router(report_api.router, responses=ERROR_RESPONSES)
    app.include_router(source_api.router, responses=ERROR_RESPONSES)
    app.include_router(report_pages.router)
    # Before every route above: the heartbeats and the manifest long-polls skip FastAPI's routing (see manager/api/shortcut.py).
    app.router.routes[0:0] = [Shortcut("POST", api.HEARTBEATS, board_api.post_heartbeats), Shortcut("GET", api.MANIFEST, board_api.manifest)]
    # Outermost: sizes and credentials are checked before the console reads a form or a route parses JSON.
    app.add_middleware(RequestLimits, max_upload_bytes=settings.max_upload_mb * 1024 * 1024)
    return app
