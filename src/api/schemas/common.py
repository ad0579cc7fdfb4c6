from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def example(**values: Any) -> ConfigDict:
    """A request model's configuration with one example for the OpenAPI description."""
    return ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [values]}
    )


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int


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
