"""Who may call each route, declared beside the route: the table the permission-matrix test checks.

Every route of the app (API, console pages, report pages) carries one
`@access(...)` declaration; tests/domain/test_permission_matrix.py tries each
route as anonymous, a board, an admin, and editors, approvers and auditors
inside and outside the object's scope, and fails for a route without one.
The declaration states the expectation; the decision itself is made in
`manager.domain` (a route that declares more than the domain enforces fails
the matrix test, and so does one that declares less).

    @router.get("/api/v1/boards/{board_id}")
    @access(roles=CONTENT + ("auditor",) ...)

* `who`: "public" (anyone, no sign-in), "board" (a board's own token, for its own id),
  "source" (a source's push token), "people" (a signed-in person or API token), or
  "credential" (a board's token, for what is approved or its manifest lists, or any
  signed-in person: the asset downloads, see manager.asset_access).
* `roles`: for people, the roles allowed besides admin.
* `scope`: "object" when the route reaches an object of some unit (others' objects answer 404),
  "province" when only admins and province-level people may, "none" otherwise.
"""
from dataclasses import dataclass

CONTENT = ("editor", "approver")
EVERYONE = ("editor", "approver", "auditor")


@dataclass(frozen=True)
class Access:
    who: str = "people"
    roles: tuple[str, ...] = ()
    scope: str = "none"

    def __post_init__(self):
        assert self.who in ("public", "board", "source", "people", "credential"), self.who
        assert self.scope in ("none", "object", "province"), self.scope


def access(who: str = "people", roles: tuple[str, ...] = (), scope: str = "none"):
    declared = Access(who, tuple(roles), scope)

    def mark(endpoint):
        endpoint.__access__ = declared
        return endpoint

    return mark


def declared(endpoint) -> Access | None:
    return getattr(endpoint, "__access__", None)


def route_table(app) -> list[tuple[str, str, object]]:
    """(method, path, endpoint) of every route of the app, through included routers; mounts and FastAPI's own docs pages left out."""
    out = []

    def walk(routes):
        for route in routes:
            contexts = getattr(route, "effective_route_contexts", None)
            if contexts is not None:
                for ctx in (contexts() if callable(contexts) else contexts):
                    out.extend((m, ctx.path, ctx.endpoint) for m in sorted(ctx.methods or ()))
            elif hasattr(route, "endpoint") and getattr(route, "methods", None) and route.path not in DOC_PATHS:
                out.extend((m, route.path, route.endpoint) for m in sorted(route.methods))

    walk(app.routes)
    return [(m, p, e) for m, p, e in out if m != "HEAD"]


DOC_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
