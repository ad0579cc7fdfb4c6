from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.text import text_problem

T = TypeVar("T")


class Schema(BaseModel):
    """Every request's strings are NFC-normalised; a lone surrogate or a control character
    other than newline or tab is a 422 that names the field, never a 500."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _free_text(cls, value: Any) -> Any:
        return _normalised(value)


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, dict):
        return {_normalised(k): _normalised(v) for k, v in value.items()}
    return value


def example(**values: Any) -> ConfigDict:
    """A request model's configuration with one example for the OpenAPI description."""
    return ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [values]}
    )


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int
    next: str | None = Field(
        default=None, description="a keyset cursor for the page after this one, where paged"
    )


class Written(BaseModel):
    """What a write changed: the aggregate, its version and its position in the event log.

    Pass ``position`` as ``after`` to a read to see the change there (read-your-writes).
    """

    id: str
    version: int
    position: int | None = Field(description="the event-log position of the write's last event")
    replayed: bool = Field(description="true when this command id had been handled already")
    stage: str | None = None
    extra: dict[str, Any] | None = None


class Text(Schema):
    vi: str
    en: str


WorkingDaysLeft = Annotated[
    int | None,
    Field(
        description="working days from today to the due date by Vietnam's calendar (holidays,"
        " Tết and make-up days counted); negative once it has passed"
    ),
]
