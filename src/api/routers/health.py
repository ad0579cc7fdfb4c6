"""Liveness, readiness (the store and Temporal) and Prometheus metrics."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Header, HTTPException, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from api.deps import State
from api.readiness import readiness
from api.routes import Router

router = Router(tags=["operations"])


class Alive(BaseModel):
    status: str


@router.read("/healthz", Alive, "The process is alive")
def healthz() -> Alive:
    return Alive(status="ok")


class Ready(BaseModel):
    ready: bool


@router.read(
    "/readyz",
    Ready,
    "Whether the API can serve; no more (operators read the details, signed in)",
    responses={503: {"model": Ready, "description": "a part does not answer"}},
)
async def readyz(app: State, response: Response) -> Ready:
    found = await readiness(app)
    response.status_code = 200 if found.ready else 503
    return Ready(ready=found.ready)


@router.read(
    "/metrics",
    None,
    "Prometheus metrics, for the bearer of THIDUA_METRICS_TOKEN",
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
    app.metrics.refresh_lag(app)
    return Response(generate_latest(app.metrics.registry), media_type=CONTENT_TYPE_LATEST)
