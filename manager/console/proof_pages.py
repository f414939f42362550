"""Proof of play: the page, and its export as the one XLSX workbook or CSV (manager/reports/proof.py).

The period comes from the reports' one period picker (manager/reports/period.py);
playlist and board narrow it. Editors, approvers and auditors see their units' boards.
"""
from datetime import datetime, timezone
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from manager.api.access import EVERYONE, access
from manager.api.deps import domain_of
from manager.console.views import lang_of, page_principal, render
from manager.domain import proof_of_play as dpop
from manager.domain.wall import scope_name
from manager.i18n import text
from manager.reports import export, period as periods, proof, workbook
from manager.reports.pages import period_param
from manager.reports.service import default_period
from protocol.timebase import VN_TZ

router = APIRouter(include_in_schema=False)


def _read(request: Request, playlist: str | None, board: str | None):
    principal = page_principal(request, *EVERYONE)
    now = request.app.state.clock.time()
    period = periods.parse(period_param(request) or default_period(now))
    domain = domain_of(request)
    found = domain.read(dpop.proof_of_play, principal, period, playlist or None, board or None)
    return found, domain.read(scope_name, principal) or text(lang_of(request), "pop.scope_all")


@router.get("/proof-of-play")
@access(roles=EVERYONE)
def proof_page(request: Request, playlist: str | None = None, board: str | None = None):
    found, scope = _read(request, playlist, board)
    state = request.app.state
    query = urlencode({k: v for k, v in (("period", found.period.key), ("playlist", playlist), ("board", board)) if v})
    return render(request, "proof_of_play.html", p=found, scope=scope, playlist=playlist or "", board=board or "",
                  query=query, here=request.url.path, lang=lang_of(request),
                  now_year=datetime.fromtimestamp(state.clock.time(), timezone.utc).astimezone(VN_TZ).year)


@router.get("/proof-of-play/export.{fmt}")
@access(roles=EVERYONE)
def proof_export(request: Request, fmt: str, playlist: str | None = None, board: str | None = None):
    """`xlsx`: the one workbook (title sheet, then the plays); `csv`: the title block, then the plays."""
    found, scope = _read(request, playlist, board)
    lang = lang_of(request)
    table = proof.table(found, lang)
    title = proof.title(found, lang, request.app.state.clock.time(), scope)
    if fmt == "xlsx":
        body, media = workbook.workbook([table], title, lang), export.MEDIA_TYPES["xlsx"]
    else:
        body, media = export.render(table, fmt, title)
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="luot-phat-{found.period.key}.{fmt}"'})
