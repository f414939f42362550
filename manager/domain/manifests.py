"""What a board will show, previewed for the people responsible for it (the week view)."""
from manager import manifest
from manager.auth import Principal
from manager.domain import db_of
from manager.domain.policy import CONTENT, board_for, require_role
from protocol.manifest import Manifest


def preview(x, principal: Principal, board_id: str, days: int) -> Manifest:
    db = db_of(x)
    require_role(principal, *CONTENT)
    board_for(db, principal, board_id)
    return manifest.build(db, board_id, x.clock.now(), days)
