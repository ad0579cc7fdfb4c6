"""How a router declares its writes: each answers ``Written`` and runs once per Idempotency-Key.

A write route used to take nine lines of decorators that differed only in path, tag, summary and
status; declaring it here keeps every write idempotent and answered alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import idempotent_write
from api.schemas.common import Written

P = ParamSpec("P")
R = TypeVar("R")


class Declare(Protocol):
    """Registers a route on the router and gives back the route that runs once per key."""

    def __call__(self, route: Callable[P, R], /) -> Callable[P, R | JSONResponse]: ...


class Writes:
    """The write routes of one router, under one OpenAPI tag unless a route names another."""

    def __init__(self, router: APIRouter, tag: str | None = None) -> None:
        self.router = router
        self.tag = tag

    def post(self, path: str, summary: str, **options: Any) -> Declare:
        return self._route("POST", path, summary, **options)

    def put(self, path: str, summary: str, **options: Any) -> Declare:
        return self._route("PUT", path, summary, **options)

    def patch(self, path: str, summary: str, **options: Any) -> Declare:
        return self._route("PATCH", path, summary, **options)

    def _route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        created: bool = False,
        tag: str | None = None,
        **options: Any,
    ) -> Declare:
        tag = tag or self.tag
        options.setdefault("response_model", Written)

        def declare(route: Callable[P, R]) -> Callable[P, R | JSONResponse]:
            runs_once = idempotent_write(route)
            self.router.api_route(
                path,
                methods=[method],
                tags=[tag] if tag else None,
                status_code=201 if created else 200,
                summary=summary,
                **options,
            )(runs_once)
            return runs_once

        return declare
