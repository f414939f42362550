"""Named groups of boards (a schedule target across units): list, create, edit members, delete."""
from itertools import groupby

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from manager import boards, units
from manager.api import admin_api
from manager.console import status
from manager.console.forms import form_of
from manager.console.views import CONTENT_ROLES, page_principal, redirect, render

router = APIRouter(include_in_schema=False)


def _choices(db, principal) -> list[tuple[str, list[dict]]]:
    """Every board the person may put in a group, by unit: not only one page of the boards wall."""
    rows = sorted(status.boards_in_scope(db, principal), key=lambda r: (r["unit_catalogue"], r["unit_code"], r["name"]))
    return [(units.get(db, *key)["name"], list(members))
            for key, members in groupby(rows, key=lambda r: (r["unit_catalogue"], r["unit_code"]))]


def _page(request: Request, principal, group: dict | None = None):
    with request.app.state.store.read() as db:
        groups = [boards.group_public(db, g) for g in boards.groups_in_scope(db, principal)]
        choices = _choices(db, principal)
    return render(request, "groups.html", groups=groups, choices=choices, group=group)


def _body(form) -> dict:
    return {"name": form.required("name", "tên nhóm", "group name"), "boards": form.list_of("boards")}


@router.get("/groups")
def groups_page(request: Request):
    return _page(request, page_principal(request, *CONTENT_ROLES))


@router.post("/groups")
async def group_create(request: Request):
    principal = page_principal(request, *CONTENT_ROLES)
    body = _body(await form_of(request))
    await run_in_threadpool(admin_api.create_group, body, request, principal)
    return redirect("/groups", "groups.created")


@router.get("/groups/{group_id}")
def group_page(request: Request, group_id: int):
    principal = page_principal(request, *CONTENT_ROLES)
    with request.app.state.store.read() as db:
        group = boards.group_public(db, boards.group_in_scope(db, principal, group_id))
    return _page(request, principal, group)


@router.post("/groups/{group_id}")
async def group_save(request: Request, group_id: int):
    principal = page_principal(request, *CONTENT_ROLES)
    body = _body(await form_of(request))
    await run_in_threadpool(admin_api.update_group, group_id, body, request, principal)
    return redirect("/groups", "common.saved")


@router.post("/groups/{group_id}/delete")
async def group_delete(request: Request, group_id: int):
    principal = page_principal(request, *CONTENT_ROLES)
    await run_in_threadpool(admin_api.delete_group, group_id, request, principal)
    return redirect("/groups", "groups.deleted")
