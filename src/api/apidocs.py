"""The API's own documentation: Swagger UI at /docs and ReDoc at /redoc.

FastAPI's defaults load both from a CDN with an inline script, which the product's CSP
blocks and an intranet deployment could not reach. The assets come from the pinned
`fastapi-offline` wheel instead, and Swagger UI starts from a script of our own, so the
pages need no inline script.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
ASSETS = Path(str(files("fastapi_offline") / "static"))
PAGES = ("/docs", "/redoc")
# Both renderers set styles on elements; ReDoc also searches in a worker made from a blob.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{assets}/favicon.png">
{extra}</head>
"""


def _page(title: str, extra: str, body: str) -> HTMLResponse:
    head = _HEAD.format(title=title, assets=ASSETS_URL, extra=extra)
    return HTMLResponse(head + "<body>\n" + body + "</body>\n</html>\n")


def install(app: FastAPI, openapi_url: str) -> None:
    """Serves both pages and their assets from the product."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _page(
            f"{app.title} API — Swagger UI",
            f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">\n',
            f'<main id="swagger-ui" data-openapi-url="{openapi_url}"></main>\n'
            f'<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>\n'
            '<script src="/ui/api-docs.js"></script>\n',
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _page(
            f"{app.title} API — ReDoc",
            "",
            f'<redoc spec-url="{openapi_url}"></redoc>\n'
            f'<script src="{ASSETS_URL}/redoc.standalone.js"></script>\n',
        )
