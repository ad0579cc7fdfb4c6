"""create_app(config, parts): routers, error handlers, middleware, and the app's lifespan.

The parts come built: the composition root (``thidua.bootstrap.build_app``) makes them.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api import apidocs, errors
from api.config import ApiConfig
from api.deps import AppState, create_request_table
from api.limits import BodyLimit, body_limits
from api.metrics import Metrics
from api.routers import (
    admin,
    audit,
    auth,
    awards,
    batches,
    complaints,
    council,
    councils,
    documents,
    figures,
    health,
    holds,
    inspections,
    nomination_reads,
    nominations,
    notifications,
    operations,
    people,
    public,
    public_awards,
    reference,
    reviews,
    revocations,
    submissions,
)
from api.security import LoginThrottle, RateLimit
from projections.runner import ProjectionRunner
from service.nomination_service import NominationService
from service.people import PeopleRegister
from service.receipts import Receipts

API_PREFIX = "/api/v1"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def _request_id(given: str | None) -> str:
    """The caller's X-Request-ID when it is a UUID; anything else is replaced, so no caller
    text reaches a header or a log line."""
    try:
        return str(uuid.UUID(given or ""))
    except ValueError:
        return str(uuid.uuid4())


DESCRIPTION = """
The HTTP API of **thidua**, the award-nomination engine of Bến Tre's emulation movement
“Vì người nghèo – Không để ai bị bỏ lại phía sau”.

Sign in at `POST /api/v1/auth/token` and send the token as `Authorization: Bearer …`.
Every write accepts an `Idempotency-Key` header: repeating it returns the first answer.
A write answers with its `position` in the event log; pass it as `after` to a read of the
board, the inbox or the audit trail to see your change there.
Errors are `application/problem+json` (RFC 9457).
"""


def create_app(
    config: ApiConfig,
    *,
    service: NominationService,
    runner: ProjectionRunner,
    receipts: Receipts,
    temporal_probe: Callable[[], Awaitable[bool]] | None = None,
    follow_projections: bool = True,
    on_shutdown: Callable[[], None] | None = None,
) -> FastAPI:
    database = runner.database
    create_request_table(database)
    state = AppState(
        config,
        service,
        runner,
        database,
        LoginThrottle(
            database,
            config.login_attempts,
            config.login_window_minutes * 60,
            config.login_client_attempts,
        ),
        receipts,
        Metrics(),
        RateLimit(database, "objection", config.public_complaints_per_hour, 3600.0),
        RateLimit(database, "document-check", config.public_document_checks_per_hour, 3600.0),
        PeopleRegister(database),
        temporal_probe,
    )
    metrics = state.metrics

    following = threading.Lock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Only the lifespan holding the lock follows the log and shuts down: a client that
        # starts it again (test clients do) must not put a second follower on the same runner.
        if not following.acquire(blocking=False):
            yield
            return
        stop = threading.Event()
        follower = None
        if follow_projections:
            follower = threading.Thread(
                target=runner.run_forever, args=(stop, 0.2), name="projections", daemon=True
            )
            follower.start()
        try:
            yield
        finally:
            stop.set()
            if follower is not None:
                follower.join(timeout=10)
            if on_shutdown is not None:
                on_shutdown()
            following.release()

    app = FastAPI(
        title="thidua",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Off in production unless THIDUA_DOCS=1: the API's map is no outsider's business.
        docs_url=None,  # served by api.apidocs from the product, not from a CDN
        redoc_url=None,
        openapi_url="/openapi.json" if config.docs else None,
        openapi_tags=[
            {
                "name": "public",
                "description": "Anyone, unsigned: public notices, objections, documents",
            },
            {"name": "everyone", "description": "Any signed-in user"},
            {"name": "unit officer", "description": "Cán bộ đơn vị: dossiers of their own units"},
            {"name": "district reviewer", "description": "Phòng Nội vụ huyện"},
            {"name": "province reviewer", "description": "Ban Thi đua – Khen thưởng"},
            {"name": "inspector", "description": "Đoàn kiểm tra"},
            {"name": "council secretary", "description": "Thư ký Hội đồng TĐKT"},
            {"name": "council member", "description": "Thành viên Hội đồng TĐKT"},
            {
                "name": "awarding authority",
                "description": "Chủ tịch UBND: decides the submissions to their authority",
            },
            {"name": "auditor", "description": "Thanh tra, kiểm toán: reads, verifies, exports"},
            {"name": "admin", "description": "Accounts, units and cycles"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
    app.state.thidua = state
    errors.install(app)
    if app.openapi_url is not None:
        apidocs.install(app, app.openapi_url)
    app.add_middleware(BodyLimit, limit_of=body_limits(config))
    ui = Path(__file__).parent / "ui"
    app.mount("/ui", StaticFiles(directory=ui), name="ui")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(ui / "index.html")

    api = APIRouter(prefix=API_PREFIX)
    for module in (
        auth,
        admin,
        reference,
        figures,
        nomination_reads,
        nominations,
        reviews,
        inspections,
        complaints,
        council,
        councils,
        submissions,
        revocations,
        holds,
        people,
        awards,
        documents,
        audit,
        batches,
        notifications,
        operations,
    ):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)  # operations endpoints live at the root
    app.include_router(documents.public)  # anyone holding a document may check it
    # Before the notice's /cong-khai/{id}, which would take /cong-khai/khen-thuong for an id.
    app.include_router(public_awards.router)  # the public lookup of awards: no sign-in
    app.include_router(public.router)  # the public notice: no sign-in

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = _request_id(request.headers.get("X-Request-ID"))
        request.state.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = await call_next(request)
        elapsed = time.perf_counter() - started
        route = getattr(request.scope.get("route"), "path", None)
        if route is None:
            route = "unmatched"
        elif request.url.path.startswith(API_PREFIX + "/"):
            route = API_PREFIX + route  # a mounted router's routes know only their own path
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(request.method, route).observe(elapsed)
        response.headers["X-Request-ID"] = request_id
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path in apidocs.PAGES:
            response.headers["Content-Security-Policy"] = apidocs.CSP
        if request.url.path.startswith(API_PREFIX + "/"):
            response.headers.setdefault("Cache-Control", "no-store")
        if config.hsts:
            response.headers["Strict-Transport-Security"] = HSTS
        structlog.get_logger().info(
            "http",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            ms=round(elapsed * 1000, 1),
        )
        return response

    return app
