"""Liveness, readiness (the store and Temporal) and Prometheus metrics."""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Header, HTTPException, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from api.deps import State

router = APIRouter(tags=["operations"])


class Alive(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, dict[str, Any]] = Field(
        description="store, views, append_only and temporal, each with ok and what was found"
    )


@router.get("/healthz", response_model=Alive, summary="The process is alive")
def healthz() -> Alive:
    return Alive(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "a part does not answer"}},
    summary="The event store, the views' database and Temporal answer",
)
async def readyz(app: State, response: Response) -> Readiness:
    checks: dict[str, Any] = {}
    checks["store"] = await asyncio.to_thread(_store, app.service)
    checks["views"] = await asyncio.to_thread(_views, app.database)
    checks["append_only"] = await asyncio.to_thread(_append_only, app.service)
    if app.temporal_probe is not None:
        try:
            checks["temporal"] = {"ok": bool(await app.temporal_probe())}
        except Exception as error:
            checks["temporal"] = _failed("temporal", error)
    ready = all(c["ok"] for c in checks.values())
    response.status_code = 200 if ready else 503
    return Readiness(ready=ready, checks=checks)


def _store(service: Any) -> dict[str, Any]:
    """The event store answers through its pool, now: each call borrows a connection."""
    try:
        found: dict[str, Any] = {"ok": True, "head": service.recorder.max_notification_id() or 0}
    except Exception as error:
        return _failed("store", error)
    pool = getattr(getattr(service.recorder, "datastore", None), "pool", None)
    if hasattr(pool, "get_stats"):  # PostgreSQL's pool; SQLite's has no figures
        found["pool"] = _pool_figures(pool)
    return found


def _views(database: Any) -> dict[str, Any]:
    """The views' database answers: the views, idempotency keys, sign-in throttle and
    positions live there, so a write needs it as much as the event store."""
    try:
        with database.reading() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return _failed("views", error)
    pool = getattr(database, "pool", None)
    return {"ok": True, "pool": _pool_figures(pool)} if hasattr(pool, "get_stats") else {"ok": True}


def _pool_figures(pool: Any) -> dict[str, int]:
    stats = pool.get_stats()
    return {
        "size": int(stats.get("pool_size", 0)),
        "idle": int(stats.get("pool_available", 0)),
        "waiting": int(stats.get("requests_waiting", 0)),
    }


def _append_only(service: Any) -> dict[str, Any]:
    """The event and snapshot tables still refuse changes: none of their triggers is gone."""
    missing: list[str] = []
    try:
        for recorder in (service.recorder, getattr(service.snapshots, "recorder", None)):
            check = getattr(recorder, "missing_guards", None)
            if check is not None:
                missing.extend(check())
            elif recorder is not None:
                missing.append(f"{type(recorder).__name__} has no append-only guards")
    except Exception as error:
        return _failed("append_only", error)
    return {"ok": not missing, "missing": missing} if missing else {"ok": True}


def _failed(check: str, error: Exception) -> dict[str, Any]:
    """What went wrong is logged for operators; the answer says only that it did."""
    structlog.get_logger().error("readiness.failed", check=check, error=str(error))
    return {"ok": False}


@router.get(
    "/metrics",
    summary="Prometheus metrics, for the bearer of THIDUA_METRICS_TOKEN",
    response_class=Response,
    responses={401: {"description": "no or a wrong token"}, 404: {"description": "no token set"}},
)
def metrics(app: State, authorization: Annotated[str | None, Header()] = None) -> Response:
    token = app.settings.metrics_token
    if token is None or not token.get_secret_value():  # an empty token would match no header
        raise HTTPException(404, "metrics are off: set THIDUA_METRICS_TOKEN")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise HTTPException(
            401, "metrics need the operations token", {"WWW-Authenticate": "Bearer"}
        )
    app.extra["metrics"].refresh_lag(app)
    return Response(generate_latest(app.extra["metrics"].registry), media_type=CONTENT_TYPE_LATEST)
