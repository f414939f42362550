"""The auditors' JSON API: indicator reports, board uptime, chain checks, groupings, national roll-up.

The pages under /reports show the same data (manager/reports/pages.py); a
central manager pulls /api/v1/reports/indicators from each province.
"""
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from manager import central
from manager.api.access import access
from manager.api.deps import domain_of
from manager.api.identity import current_principal
from manager.api.report_responses import BoardChain, BoardReport, GroupingOut, NationalReport, ProvinceReport, UnitReport
from manager.auth import Principal
from manager.domain import reports as dreports
from manager.reports import service

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Who = Depends(current_principal)


@router.get("/indicators", response_model=ProvinceReport)
@access(roles=("auditor",), scope="object")
def indicators(request: Request, catalogue: str, province: str, period: str | None = None,
               grouping: str | None = None, principal: Principal = Who):
    """Every indicator that applies to the catalogue, for one province and period, with its tables."""
    view = service.province_view(request.app.state, principal, catalogue, province, period, grouping, with_charts=True)
    return view.as_json()


@router.get("/evidence", response_class=Response,
            responses={200: {"content": {"application/zip": {}}, "description": "the evidence bundle"}})
@access(roles=("auditor",), scope="object")
def evidence(request: Request, catalogue: str, province: str, period: str | None = None, principal: Principal = Who):
    """The province's evidence bundle for the period: a ZIP that `verify-evidence` checks without a database."""
    name, body = service.evidence(request.app.state, principal, catalogue, province, period)
    return Response(body, media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/units/{unit_code}", response_model=UnitReport)
@access(roles=("auditor",), scope="object")
def unit(unit_code: str, request: Request, catalogue: str, province: str, period: str | None = None,
         principal: Principal = Who):
    """One unit (and the units below it): its boards' figures and the best of them."""
    view = service.province_view(request.app.state, principal, catalogue, province, period, with_charts=False, scope_unit=unit_code)
    return service.unit_json(view, unit_code)


@router.get("/boards/{board_id}", response_model=BoardReport)
@access(roles=("auditor",), scope="object")
def board(board_id: str, request: Request, period: str | None = None, principal: Principal = Who):
    return service.board_json(service.board_view(request.app.state, principal, board_id, period))


@router.get("/boards/{board_id}/chain", response_model=BoardChain)
@access(roles=("auditor",), scope="object")
def board_chain(board_id: str, request: Request, principal: Principal = Who):
    return domain_of(request).read(dreports.board_chain, principal, board_id)


class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    units: list[str] = Field(min_length=1)


class GroupingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalogue: str
    province: str
    groups: list[GroupIn] = Field(min_length=1)


@router.put("/groupings/{grouping}", response_model=GroupingOut)
@access(roles=())
def put_grouping(grouping: str, body: GroupingIn, request: Request, principal: Principal = Who):
    """Define (or replace) a province's grouping of units, e.g. its former districts, for indicator 2.2."""
    count = domain_of(request).write(dreports.replace_grouping, principal, grouping, body.catalogue, body.province,
                                     [(g.code, g.name, g.units) for g in body.groups])
    return {"grouping": grouping, "groups": len(body.groups), "units": count}


@router.get("/national", response_model=NationalReport)
@access(roles=("auditor",))
def national(request: Request, period: str | None = None, principal: Principal = Who):
    """Central mode: each provincial manager's indicators, and the national figures."""
    return central.as_json(service.national(request.app.state, principal, period))
