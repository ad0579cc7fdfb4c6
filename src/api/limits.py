"""Request bodies bounded before anything else reads them: before sign-in, before disk.

A declared length over the limit is answered at once; a body sent without one is counted as
it arrives and cut off at the limit. Uploads have their own, larger, limit: the file's own
limit is kept while it streams, by the evidence store.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import ApiConfig
from api.errors import problem

UPLOAD_PATH = re.compile(r"^/api/v1/nominations/[^/]+/evidence$")
MULTIPART_OVERHEAD = 64 * 1024
"""Room for a multipart body's boundaries and part headers around one file."""


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodyLimit:
    """Pure ASGI, so nothing is buffered on the way: bodies over their limit answer 413."""

    def __init__(self, app: ASGIApp, limit_of: Callable[[str, str], int]) -> None:
        self.app = app
        self.limit_of = limit_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            refused = BodyTooLarge(limit)
            response = problem(413, "Body too large", refused.detail)
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, bounded, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def body_limits(config: ApiConfig) -> Callable[[str, str], int]:
    """The limit of a request by its method and path, as the configuration says now."""

    def limit_of(method: str, path: str) -> int:
        if method == "POST" and UPLOAD_PATH.match(path):
            return config.upload_max_bytes + MULTIPART_OVERHEAD
        return config.max_body_bytes

    return limit_of
