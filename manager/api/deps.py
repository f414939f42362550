"""What every route and page needs from the request: the domain service, and who is asking."""
from fastapi import Request

from manager.domain import Domain


def domain_of(request: Request) -> Domain:
    return request.app.state.domain
