"""Board routes reached before FastAPI's routing: shortcuts for the heartbeat and the manifest long-poll,
which every board calls every 30 s and every minute, and all at once after an alert.

Measured on the heartbeat route (bench/README.md, issue 15): FastAPI's
routing (its included routers match each request several times over) and its
dependency solving around an endpoint that takes only a path parameter and
the `Request` cost nearly as much CPU as the heartbeat's SQL. A `Shortcut` is put
first among the app's routes and calls the very endpoint FastAPI would, with
the same `Request`, so the route is written and declared once (`@access`,
the OpenAPI schema, the fuzz run): FastAPI's own route stays registered and
documented, but is never reached. Everything around the router stays: the
size and credential limits, the exception handlers that shape errors.

Only endpoints that take nothing but their path parameters and `request`
(they read their own body, `json_body`, or query parameters) can take a shortcut.
"""
import re

from starlette.requests import Request
from starlette.routing import BaseRoute, Match, NoMatchFound


class Shortcut(BaseRoute):
    def __init__(self, method: str, path: str, endpoint):
        self.method, self.endpoint_called = method, endpoint
        self._pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path))

    def matches(self, scope):
        if scope["type"] == "http" and scope["method"] == self.method:
            found = self._pattern.fullmatch(scope["path"])
            if found:
                return Match.FULL, {"path_params": found.groupdict()}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params):
        raise NoMatchFound(name, path_params)  # URLs are built from FastAPI's own route

    async def handle(self, scope, receive, send):
        request = Request(scope, receive, send)
        response = await self.endpoint_called(request=request, **scope["path_params"])
        await response(scope, receive, send)
