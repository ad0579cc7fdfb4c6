"""The batch route: several commands in one request, each its own command with its own
answer (api/batches.py runs them; the CLI's `thidua batch` runs the same).

A reviewer forwards, returns or orders inspections for a selection of dossiers; a secretary
puts several nominations on an agenda. Each item runs as the single route would (the same
role, scope and domain checks), is idempotent by its own key, and fails alone: the answer
lists every item's result in order.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.batches import Batch, run_items
from api.deps import (
    Principal,
    State,
    current_principal,
    today,
)
from api.schemas.batches import BatchIn, BatchOut

router = APIRouter(tags=["province reviewer", "council secretary"])


@router.post(
    "/batches",
    response_model=BatchOut,
    summary="Run several commands, each with its own key and its own result",
)
def run_batch(
    body: BatchIn,
    request: Request,
    app: State,
    principal: Annotated[Principal, Depends(current_principal)],
) -> BatchOut:
    return run_items(app, Batch(principal, today(request), request.state.request_id), body)
