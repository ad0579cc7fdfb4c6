"""How a router declares its routes, in one line each where the line allows.

A write answers ``Written`` and runs once per Idempotency-Key; a read names its path, the model
it answers and its summary. Each used to take six to nine lines of decorator keywords that
differed only in those; declaring them here keeps every write idempotent and every route
under its router's OpenAPI tag unless it names another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, Protocol, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import idempotent_write
from api.schemas.common import Written

# A signed-in list's page: its size (each route picks its default) and where the last one ended.
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[
    str | None,
    Query(max_length=300, description="the `next` of the previous page, for the one after"),
]

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class Declare(Protocol):
    """Registers a route on the router and gives back the route that runs once per key."""

    def __call__(self, route: Callable[P, R], /) -> Callable[P, R | JSONResponse]: ...


class Router(APIRouter):
    """A router whose routes fall under one OpenAPI tag (``tag``) unless a route names another.

    Unlike ``tags``, which FastAPI adds to every route, ``tag`` is only the default.
    """

    def __init__(self, *, tag: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.tag = tag

    def read(
        self, path: str, model: Any, summary: str, *, tag: str | None = None, **options: Any
    ) -> Callable[[F], F]:
        """A read answering ``model`` (None where a ``response_class`` answers instead)."""
        if model is not None:
            options["response_model"] = model
        tag = tag or self.tag
        declare: Callable[[F], F] = self.get(
            path, tags=[tag] if tag else None, summary=summary, **options
        )
        return declare

    def create(
        self, path: str, model: Any, summary: str, *, tag: str | None = None, **options: Any
    ) -> Callable[[F], F]:
        """A POST answering 201 with ``model`` that is not replayed by Idempotency-Key (an upload
        is kept by its digest, the same bytes once; a public objection has no key)."""
        tag = tag or self.tag
        declare: Callable[[F], F] = self.post(
            path,
            tags=[tag] if tag else None,
            status_code=201,
            response_model=model,
            summary=summary,
            **options,
        )
        return declare

    def post_once(self, path: str, summary: str, **options: Any) -> Declare:
        return self._route("POST", path, summary, **options)

    def put_once(self, path: str, summary: str, **options: Any) -> Declare:
        return self._route("PUT", path, summary, **options)

    def patch_once(self, path: str, summary: str, **options: Any) -> Declare:
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
            self.api_route(
                path,
                methods=[method],
                tags=[tag] if tag else None,
                status_code=201 if created else 200,
                summary=summary,
                **options,
            )(runs_once)
            return runs_once

        return declare
