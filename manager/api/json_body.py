"""A hot route's JSON body, parsed by pydantic-core's own JSON parser.

FastAPI's body parameter decodes the JSON with the standard library,
validates the Python objects it made, and solves the route's dependencies
around them; on the heartbeat route (every board, every 30 s) that was about
an eighth of its CPU (profiled, bench/README.md). Such a route takes the `Request`,
calls `parse` after its token check (so a stranger's body is never parsed),
and declares `documented(Model)` as its `openapi_extra`, so the OpenAPI schema
(and the fuzz run that reads it) still shows the body.

A body that does not validate raises FastAPI's own `RequestValidationError`
with the locations FastAPI gives ("body", ...), so it is answered in the
usual bilingual 422 shape (`http_errors`).
"""
from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


async def parse(request: Request, model: type[M]) -> M:
    body = await request.body()
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()], body=body) from None


def documented(model: type[BaseModel]) -> dict:
    """`openapi_extra` for a route that parses `model` itself."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": _inline(model.model_json_schema())}}}}


def _inline(schema: dict) -> dict:
    """The schema with its `$defs` written in place: an operation's schema cannot refer to definitions of its own."""
    defs = schema.pop("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve({**defs[node["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}})
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(schema)
