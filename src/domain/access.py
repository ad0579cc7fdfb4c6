"""Fine-grained permission checks: which grant lets the current actor do this here."""

from __future__ import annotations

from collections.abc import Callable

from domain.context import Actor, Grant, Role, current_context
from domain.errors import JurisdictionError


def require_grant(
    action: str,
    role: Role,
    covers: Callable[[str | None], bool] = lambda scope: True,
    *,
    also: tuple[Role, ...] = (),
) -> Grant:
    """The actor's grant of ``role`` whose scope ``covers`` the target, or a refusal.

    Roles in ``also`` (such as the workflows' system actor) may act anywhere.
    """
    actor: Actor = current_context().actor
    for grant in actor.grants:
        if grant.role in also:
            return grant
        if grant.role is role and covers(grant.scope):
            return grant
    held = ", ".join(sorted({g.role.value for g in actor.grants})) or "none"
    raise JurisdictionError(
        f"{actor.account_id} may not {action}: it needs the role {role.value}"
        f" with a scope that covers this item (holds {held})",
        account_id=actor.account_id,
    )
