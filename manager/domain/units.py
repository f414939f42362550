"""The unit catalogues: anyone signed in reads them (they are public law); only admins import them."""
from manager import units
from manager.auth import Principal
from manager.domain import db_of
from manager.domain.policy import require_role


def children(x, principal: Principal, catalogue: str | None, parent: str | None) -> list[dict]:
    db = db_of(x)
    return units.children(db, catalogue or units.current_catalogue(db), parent)


def may_import(principal: Principal) -> None:
    require_role(principal, "admin")


def import_current(x, principal: Principal) -> dict:
    may_import(principal)
    return units.import_current(db_of(x))


def import_csv(x, principal: Principal, catalogue: str, name: str, version: str, text: str) -> dict:
    may_import(principal)
    return units.import_csv(db_of(x), catalogue, name, version, text)
