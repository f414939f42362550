"""Named groups of boards (a schedule target across units): list, create, edit members, delete."""
from itertools import groupby

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager.api.access import CONTENT, access
from manager.api.deps import domain_of
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render
from manager.domain import boards as dboards
from manager.domain import wall as dwall

router = APIRouter(include_in_schema=False)


def _choices(rows: list[dict], names: dict) -> list[tuple[str, list[dict]]]:
    """Every board the person may put in a group, by unit: not only one page of the boards wall."""
    rows = sorted(rows, key=lambda r: (r["unit_catalogue"], r["unit_code"], r["name"]))
    return [(names.get(key, key[1]), list(members)) for key, members in groupby(rows, key=lambda r: (r["unit_catalogue"], r["unit_code"]))]


def _page(request: Request, principal, group: dict | None = None):
    domain = domain_of(request)
    groups = domain.read(dboards.list_groups, principal)
    names = {(u["catalogue"], u["code"]): u["name"] for u in domain.read(dwall.scope_units, principal)}
    choices = _choices(domain.read(dwall.board_choices, principal), names)
    return render(request, "groups.html", groups=groups, choices=choices, group=group)


def _body(form) -> dict:
    return {"name": form.required("name", "tên nhóm", "group name"), "boards": form.list_of("boards")}


@router.get("/groups")
@access(roles=CONTENT)
def groups_page(request: Request):
    return _page(request, page_principal(request, *CONTENT_ROLES))


@router.post("/groups")
@access(roles=CONTENT, scope="object")
async def group_create(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    body = _body(await form_of(request))
    await run_in_threadpool(domain_of(request).write, dboards.create_group, principal, body["name"], body["boards"])
    return redirect("/groups", "groups.created")


@router.get("/groups/{group_id}")
@access(roles=CONTENT, scope="object")
def group_page(request: Request, group_id: int):
    principal = page_principal(request, *CONTENT_ROLES)
    return _page(request, principal, domain_of(request).read(dboards.get_group, principal, group_id))


@router.post("/groups/{group_id}")
@access(roles=CONTENT, scope="object")
async def group_save(request: Request, group_id: int):
    principal = page_principal(request, *CONTENT_ROLES)
    body = _body(await form_of(request))
    await run_in_threadpool(domain_of(request).write, dboards.update_group, principal, group_id, body["name"], body["boards"])
    return redirect("/groups", "common.saved")


@router.post("/groups/{group_id}/delete")
@access(roles=CONTENT, scope="object")
async def group_delete(request: Request, group_id: int):
    principal = page_principal(request, *CONTENT_ROLES)
    await run_in_threadpool(domain_of(request).write, dboards.delete_group, principal, group_id)
    return redirect("/groups", "groups.deleted")
