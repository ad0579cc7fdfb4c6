"""The domain's error hierarchy. Each error names what was refused and why."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)


class DomainError(Exception):
    """A command was refused. Nothing was recorded."""

    code = "domain_error"

    def __init__(self, detail: str, **ids: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.ids = ids

    def __str__(self) -> str:
        return self.detail


class StageTransitionError(DomainError):
    """The command is not allowed in the current stage or state."""

    code = "stage_conflict"


class JurisdictionError(DomainError):
    """The actor is not responsible for this nomination, session or visit."""

    code = "forbidden"


class InvalidInput(DomainError):
    """Input that is well-formed but wrong for what it asks (a figure, a password, a
    choice, a date): a 422 whose ``field`` names the culprit. Not for an unknown thing
    (``NotFound``) nor a command its stage does not allow (``StageTransitionError``)."""

    code = "invalid"

    def __init__(self, field: str, detail: str, **ids: Any) -> None:
        super().__init__(f"{field}: {detail}", field=field, **ids)
        self.field = field
        self.reason = detail


class NotFound(DomainError):
    code = "not_found"


class NominationNotFound(NotFound):
    def __init__(self, nomination_id: object) -> None:
        super().__init__(f"nomination {nomination_id} does not exist", nomination_id=nomination_id)


class SessionNotFound(NotFound):
    def __init__(self, session_id: object) -> None:
        super().__init__(f"council session {session_id} does not exist", session_id=session_id)


class VisitNotFound(NotFound):
    def __init__(self, visit_id: object) -> None:
        super().__init__(f"inspection visit {visit_id} does not exist", visit_id=visit_id)


class UnitNotFound(NotFound):
    def __init__(self, unit_code: str) -> None:
        super().__init__(f"unit {unit_code!r} does not exist", unit_code=unit_code)


class RuleSetNotFound(NotFound):
    def __init__(self, rule_set_id: str, version: int | None = None) -> None:
        which = rule_set_id if version is None else f"{rule_set_id} v{version}"
        super().__init__(f"rule set {which} does not exist", rule_set_id=rule_set_id)


class AlreadyExists(DomainError):
    """Something that may exist only once exists already."""

    code = "conflict"


class KeptByLaw(DomainError):
    """What is asked to be erased is a record the law keeps (a published decision names it)."""

    code = "kept_by_law"


class ConcurrentWriteError(DomainError):
    """Another writer changed the aggregate first; reload and retry."""

    code = "concurrent_write"


class MissingContextError(DomainError):
    """A command ran without an actor and correlation id to stamp its events with."""

    code = "missing_context"


def one_of(kind: type[E], value: object, field: str, *, each: bool = False) -> E:
    """``value`` as a member of the enum ``kind``, or a 422 naming ``field`` and the
    values it may take."""
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        what = "each must be one of" if each else "must be one of"
        raise InvalidInput(field, f"{what} {allowed}") from None
