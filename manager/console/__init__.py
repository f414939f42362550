"""The editors' web console: server-rendered pages, sessions, CSRF, Vietnamese first.

`install(app)` mounts everything on the manager app; see docs/console.md.
"""
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from manager.console import (admin_pages, auth_pages, board_pages, content_pages, group_pages, library_pages, notice_pages,
                             playlist_pages, schedule_pages, source_pages, views)
from manager.console import live_pages, proof_pages
from manager.console.middleware import ConsoleMiddleware

STATIC = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI) -> None:
    app.add_middleware(ConsoleMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    # The same typeface the boards use (a Python package, so it works with no internet).
    from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT

    app.mount("/fonts", StaticFiles(directory=str(Path(FONT_ROOT) / "files")), name="fonts")
    for module in (auth_pages, board_pages, group_pages, content_pages, notice_pages, schedule_pages, admin_pages, source_pages,
                   playlist_pages, library_pages):
        app.include_router(module.router)
    app.state.live_streams = live_pages.Streams()
    app.include_router(live_pages.router)
    app.include_router(proof_pages.router)
    from manager.reports import pages as report_pages

    # The reports' pages extend the console's base.html: give their environment the same helpers.
    views.install_globals(report_pages.templates.env)


render_error = views.error_page
