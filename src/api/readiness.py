"""Whether the API can serve: the event store, the views' database, the append-only
guards and Temporal. The public probe says only yes or no; operators read the details."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from pydantic import BaseModel, Field

from api.deps import AppState


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, dict[str, Any]] = Field(
        description="store, views, append_only and temporal, each with ok and what was found"
    )


async def readiness(app: AppState) -> Readiness:
    checks: dict[str, Any] = {}
    checks["store"] = await asyncio.to_thread(_store, app.service)
    checks["views"] = await asyncio.to_thread(_views, app.database)
    checks["append_only"] = await asyncio.to_thread(_append_only, app.service)
    if app.temporal_probe is not None:
        try:
            checks["temporal"] = {"ok": bool(await app.temporal_probe())}
        except Exception as error:
            checks["temporal"] = _failed("temporal", error)
    return Readiness(ready=all(c["ok"] for c in checks.values()), checks=checks)


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
