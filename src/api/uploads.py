"""One path for a write that uploads a file: received and checked, answered once per key, kept
by its digest, recorded, and never left behind when any step refuses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import Command, remember, replay_of, request_digest
from api.evidence import EvidenceStore, Pending, Stored, Upload, receive_checked
from api.schemas.nominations import EvidencePublic
from domain.dossier import Attachment

M = TypeVar("M", bound=BaseModel)


def attachment(kept: Stored, upload: Upload) -> Attachment:
    """What the record keeps of a file received and kept."""
    return Attachment(kept.sha256, upload.filename, upload.media_type, kept.size)


def evidence_answer(kept: Stored, upload: Upload) -> EvidencePublic:
    return EvidencePublic(
        sha256=kept.sha256,
        filename=upload.filename,
        media_type=upload.media_type,
        size=kept.size,
        stored=kept.stored,
    )


async def record_upload(
    cmd: Command,
    store: EvidenceStore,
    record: Callable[[Stored, Upload], Awaitable[M]],
    check: Callable[[Pending], None] | None = None,
) -> M | JSONResponse:
    """Receives the body, refuses it by ``check``, answers a repeat of the same bytes under the
    same Idempotency-Key with the first answer, keeps the file, then ``record``s it. The file is
    deleted again when recording fails, unless the same bytes were already kept before."""
    upload = await receive_checked(cmd.request, store)
    pending = upload.pending
    try:
        if check is not None:
            check(pending)
        request_hash = request_digest(
            sha256=pending.sha256, filename=upload.filename, media_type=upload.media_type
        )
        replay = await run_in_threadpool(replay_of, cmd, request_hash)
        if replay is not None:
            pending.discard()
            return replay
        kept = pending.keep()
    except BaseException:
        pending.discard()
        raise
    try:
        answer = await record(kept, upload)
    except BaseException:
        if kept.stored:
            store.path_of(kept.sha256).unlink(missing_ok=True)
        raise
    await run_in_threadpool(remember, cmd, 201, answer, request_hash)
    return answer
