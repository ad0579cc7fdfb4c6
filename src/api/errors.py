"""The one table from errors to HTTP: every error is application/problem+json (RFC 9457)."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import structlog
from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.names import criterion_title
from domain.authorities import WrongAuthority
from domain.criteria.ruleset import RuleSet
from domain.errors import (
    AlreadyExists,
    ConcurrentWriteError,
    DomainError,
    InvalidInput,
    JurisdictionError,
    KeptByLaw,
    MissingContextError,
    NotFound,
    StageTransitionError,
)

PROBLEM = "application/problem+json"
STATUS: tuple[tuple[type[DomainError], int, str], ...] = (
    (InvalidInput, 422, "Invalid input"),
    (JurisdictionError, 403, "Forbidden"),
    (NotFound, 404, "Not found"),
    (StageTransitionError, 409, "Not allowed in this stage"),
    (ConcurrentWriteError, 409, "Concurrent write"),
    (AlreadyExists, 409, "Already exists"),
    (KeptByLaw, 409, "Kept by law"),
    (WrongAuthority, 409, "Not the competent authority"),
    (MissingContextError, 500, "Internal error"),
)


class Unavailable(Exception):
    """A dependency (the store, Temporal, the read models) cannot answer now."""

    def __init__(self, detail: str, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


def problem(
    status: int, title: str, detail: str, *, type_: str | None = None, **extra: Any
) -> JSONResponse:
    body = {
        "type": type_ or f"https://thidua.example/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def problem_ids(error: DomainError, rules: RuleSet | None) -> dict[str, str]:
    """What a refusal names, for machines; and, for people, the criterion's name in both
    languages beside its id, so a page can say which criterion without showing a code."""
    extra = {k: str(v) for k, v in error.ids.items()}
    criterion = extra.get("criterion_id")
    title = criterion_title(rules, criterion) if rules is not None and criterion else None
    if title is not None:
        extra["criterion_vi"], extra["criterion_en"] = title.vi, title.en
    return extra


def status_of(error: DomainError) -> tuple[int, str]:
    """The HTTP status and title a refusal answers with."""
    for cls, code, name in STATUS:
        if isinstance(error, cls):
            return code, name
    return 500, "Internal error"


def install(app: FastAPI) -> None:
    log = structlog.get_logger()

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        status, title = status_of(error)
        if status == 403:
            log.warning("refused", reason=error.detail, path=request.url.path)
        state = getattr(request.app.state, "thidua", None)
        extra = problem_ids(error, state.service.default_rule_set if state else None)
        if isinstance(error, ConcurrentWriteError):
            extra["hint"] = "another change was saved first; reload and retry"
        return problem(status, title, error.detail, **extra)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field(tuple(e.get("loc", ()))), "reason": str(e.get("msg", "invalid"))}
            for e in error.errors()
        ]
        first = errors[0] if errors else {"field": "body", "reason": "invalid"}
        return problem(422, "Invalid input", f"{first['field']}: {first['reason']}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
            409: "Conflict",
            413: "Too large",
            415: "Unsupported media type",
            429: "Too many requests",
        }
        response = problem(
            error.status_code, titles.get(error.status_code, "Error"), str(error.detail)
        )
        for key, value in (error.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, error: Unavailable) -> JSONResponse:
        response = problem(503, "Service unavailable", error.detail)
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.exception_handler(PersistenceError)
    @app.exception_handler(sqlite3.OperationalError)
    @app.exception_handler(psycopg.OperationalError)
    async def store_down(request: Request, error: Exception) -> JSONResponse:
        log.error("store.unavailable", error=str(error))
        response = problem(503, "Service unavailable", "the event store cannot be reached")
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected", path=request.url.path)
        return problem(500, "Internal error", "an unexpected error; it has been logged")
