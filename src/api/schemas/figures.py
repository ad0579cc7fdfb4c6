from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Schema
from api.schemas.nominations import FiguresPublic


class OfficialYearPublic(Schema):
    year: int
    figures: FiguresPublic
    corrections: int = Field(description="how many times these figures were corrected")
    version: int


class ImportRowError(Schema):
    row: int = Field(description="the row as the spreadsheet numbers it (the header is row 1)")
    column: str
    reason: str


class ImportPublic(Schema):
    file_sha256: str
    rows: int = Field(description="data rows in the file")
    accepted: int = Field(description="rows that are valid")
    rejected: int = Field(description="rows with at least one error")
    errors: list[ImportRowError]
    applied: bool = Field(description="whether the rows were recorded (never on a dry run)")
    position: int | None = Field(default=None, description="the log position of the write")


class WaitingImport(Schema):
    name: str
    size: int
    sha256: str
    received_at: datetime
