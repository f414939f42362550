"""The auditor pages under /reports: province -> unit -> board, national roll-up, CSV/XLSX exports.

Server-rendered Jinja2, Vietnamese first with the console's English switch
(`?lang=en`, manager/i18n.py), charts inline SVG. Same data as
the JSON API (manager/api/report_api.py) through manager/reports/service.py.
"""
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.templating import Jinja2Templates

from manager import central, i18n, indicators as ind
from manager.api.identity import current_principal
from manager.auth import Principal
from manager.errors import BadInput, NotFound
from manager.reports import export, period, service, tables, workbook
from manager.reports.tables import Table
from protocol.timebase import VN_TZ
from manager.api.access import access

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
router = APIRouter(prefix="/reports", tags=["reports pages"], include_in_schema=False)
Who = Depends(current_principal)


def lang_of(request: Request) -> str:
    """The console's language, set by its middleware from `?lang=` or the cookie."""
    return getattr(request.state, "lang", i18n.DEFAULT_LANG)


def period_param(request: Request) -> str | None:
    """The picker's chosen kind and its field, or (links, the API) one of month, quarter, year, from/to or `period`."""
    q = request.query_params
    if q.get("kind"):
        return period.from_picker(q["kind"], q)
    if q.get("from") and q.get("to"):
        return f"{q['from']}..{q['to']}"
    for name in ("month", "quarter", "year", "period"):
        if q.get(name):
            return q[name]
    return None


def _render(request: Request, name: str, **context) -> Response:
    state = request.app.state
    now_year = datetime.fromtimestamp(state.clock.time(), timezone.utc).astimezone(VN_TZ).year
    key = context.get("period_key")
    query = "?" + urlencode({"period": key}) if key else ""
    return templates.TemplateResponse(request, name, {"base": "base.html", "now_year": now_year, "query": query,
                                                      "here": request.url.path, "lang": lang_of(request),
                                                      "indicator_label": tables.indicator_label, **context})


@router.get("")
@access(roles=("auditor",))
def index(request: Request, catalogue: str | None = None, principal: Principal = Who):
    state = request.app.state
    return _render(request, "reports/index.html", **service.index(state, principal, catalogue),
                   central=state.settings.central_sources is not None)


def _province(request: Request, principal, catalogue, province, grouping, with_charts=True):
    return service.province_view(request.app.state, principal, catalogue, province, period_param(request), grouping,
                                 with_charts, lang_of(request))


@router.get("/province/{catalogue}/{province}")
@access(roles=("auditor",), scope="object")
def province_page(request: Request, catalogue: str, province: str, grouping: str | None = None, principal: Principal = Who):
    view = _province(request, principal, catalogue, province, grouping)
    base = f"/reports/province/{catalogue}/{province}"
    key = view.report.period.key
    return _render(
        request, "reports/province.html", r=view.report, tables=view.tables, charts=view.charts, period_key=key,
        verification=view.verification,
        export_base=f"{base}/export",
        unit_link=lambda row: f"{base}/units/{row['code']}?period={key}" if row["kind"] != "group" else "",
        board_link=lambda row: f"/reports/board/{row['id']}?period={key}",
    )


@router.get("/province/{catalogue}/{province}/units/{unit_code}")
@access(roles=("auditor",), scope="object")
def unit_page(request: Request, catalogue: str, province: str, unit_code: str, principal: Principal = Who):
    view = service.province_view(request.app.state, principal, catalogue, province, period_param(request), None,
                                 with_charts=False, lang=lang_of(request), scope_unit=unit_code)
    key = view.report.period.key
    return _render(
        request, "reports/unit.html", r=view.report, unit=view.report.units[unit_code] if unit_code in view.report.units else _missing(unit_code),
        boards=service.unit_boards(view, unit_code), summary=service.unit_json(view, unit_code), period_key=key,
        verification=view.verification,
        province_link=f"/reports/province/{catalogue}/{province}?period={key}",
        board_link=lambda row: f"/reports/board/{row['id']}?period={key}",
    )


def _missing(unit_code: str):
    raise NotFound(f"Không có đơn vị {unit_code} trong tỉnh này", f"no unit {unit_code} in this province")


@router.get("/province/{catalogue}/{province}/export/{table}.{fmt}")
@access(roles=("auditor",), scope="object")
def province_export(request: Request, catalogue: str, province: str, table: str, fmt: str,
                    grouping: str | None = None, principal: Principal = Who):
    view = _province(request, principal, catalogue, province, grouping, with_charts=table == "series")
    return _download(_pick(view.tables, table), fmt, f"{province}-{view.report.period.key}-{table}",
                     _province_title(request, view))


@router.get("/province/{catalogue}/{province}/workbook.xlsx")
@access(roles=("auditor",), scope="object")
def province_workbook(request: Request, catalogue: str, province: str, grouping: str | None = None,
                      principal: Principal = Who):
    """The whole report as one file: the title block, then a sheet per table."""
    view = _province(request, principal, catalogue, province, grouping)
    body = workbook.workbook(list(view.tables.values()), _province_title(request, view), lang_of(request))
    return _file(body, export.MEDIA_TYPES["xlsx"], f"{province}-{view.report.period.key}.xlsx")


def _province_title(request: Request, view) -> list[tuple[str, str]]:
    lang = lang_of(request)
    return workbook.title_block(lang, i18n.text(lang, "reports.province_heading", name=view.report.province["name"]),
                                view.report.period, request.app.state.clock.time(), view.report.province["name"],
                                workbook.indicator_definitions(lang))


@router.get("/board/{board_id}")
@access(roles=("auditor",), scope="object")
def board_page(request: Request, board_id: str, principal: Principal = Who):
    v = service.board_view(request.app.state, principal, board_id, period_param(request), lang_of(request))
    b, province = v["board"], v["province"]
    return _render(request, "reports/board.html", v=v, period_key=v["period"].key, province_name=province["name"],
                   export_base=f"/reports/board/{board_id}/export",
                   province_link=f"/reports/province/{b['unit_catalogue']}/{province['code']}?period={v['period'].key}")


@router.get("/board/{board_id}/export/{table}.{fmt}")
@access(roles=("auditor",), scope="object")
def board_export(request: Request, board_id: str, table: str, fmt: str, principal: Principal = Who):
    v = service.board_view(request.app.state, principal, board_id, period_param(request), lang_of(request))
    title = workbook.title_block(lang_of(request), v["board"]["name"], v["period"], request.app.state.clock.time(),
                                 v["unit"]["name"])
    return _download(_pick(v["tables"], table), fmt, f"{board_id}-{v['period'].key}-{table}", title)


def _national_tables(national: central.National, lang: str = "vi") -> dict[str, Table]:
    title = "title_en" if lang == "en" else "title_vi"
    known = {i.id: i for i in ind.load()}
    titles = {i.id: tables.indicator_title(i, lang) for i in known.values()} if lang == "en" else {}
    # By its code as the decision writes it; an id this manager does not know stays as the province sent it.
    code = lambda indicator_id: tables.indicator_code(known[indicator_id], lang) if indicator_id in known else indicator_id  # noqa: E731
    totals = tables.titled("totals", [
        ("code", "indicator"), (title, "title"), ("numerator", "numerator"), ("denominator", "denominator"),
        ("value_pct", "value"), ("target_pct", "target"), ("provinces", "provinces"),
    ], [{**t, "code": code(t["id"]), title: titles.get(t["id"], t["title_vi"]), "target_pct": tables.or_dash(t["target_pct"])}
        for t in national.totals], lang)
    rows = []
    for r in national.rows:
        checked = r.summary.get("verification") or {}
        verified = i18n.text(lang, f"reports.verified.{checked['state']}") if checked.get("state") else ""
        base = dict(province=r.source.province, name=r.source.name, status="" if r.ok else r.error, verified=verified)
        for x in r.summary.get("indicators", []) if r.ok else [{}]:
            rows.append({**base, "indicator": code(x.get("id")), "numerator": x.get("numerator"),
                         "denominator": x.get("denominator"), "value_pct": tables.pct(x.get("value_pct"))})
    provinces = tables.titled("provinces", [
        ("province", "province_code"), ("name", "province"), ("indicator", "indicator"), ("numerator", "numerator"),
        ("denominator", "denominator"), ("value_pct", "value"), ("verified", "verified"), ("status", "error"),
    ], rows, lang)
    # Each province's own status (as its manager states it): a national figure is as verified as its parts.
    totals.note = provinces.note = [i18n.text(lang, "reports.national_verification", provinces=", ".join(
        f"{r.source.name}: {row['verified'] or '–'}" for r, row in zip(national.rows, _first_rows(national.rows, rows)))),
        i18n.text(lang, "reports.chain_note")]
    return {"totals": totals, "provinces": provinces}


@router.get("/national")
@access(roles=("auditor",))
def national_page(request: Request, principal: Principal = Who):
    national = service.national(request.app.state, principal, period_param(request))
    return _render(request, "reports/national.html", n=national, tables=_national_tables(national, lang_of(request)),
                   period_key=national.period.key, export_base="/reports/national/export")


@router.get("/national/export/{table}.{fmt}")
@access(roles=("auditor",))
def national_export(request: Request, table: str, fmt: str, principal: Principal = Who):
    national = service.national(request.app.state, principal, period_param(request))
    lang = lang_of(request)
    title = workbook.title_block(lang, i18n.text(lang, "reports.national"), national.period, request.app.state.clock.time(),
                                 None, workbook.indicator_definitions(lang))
    return _download(_pick(_national_tables(national, lang), table), fmt, f"national-{national.period.key}-{table}", title)


def _first_rows(sources: list, rows: list[dict]) -> list[dict]:
    """The first table row of each province, in the order of `sources`."""
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row["province"] + "|" + row["name"], row)
    return [seen[r.source.province + "|" + r.source.name] for r in sources]


def _pick(available: dict[str, Table], name: str) -> Table:
    if name not in available:
        raise BadInput(f"Không có bảng {name}", f"no table {name}; one of {', '.join(available)}")
    return available[name]


def _download(table: Table, fmt: str, stem: str, title: list[tuple[str, str]] | None = None) -> Response:
    body, media = export.render(table, fmt, title)
    return _file(body, media, f"{stem}.{fmt}")


def _file(body: bytes, media: str, filename: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
