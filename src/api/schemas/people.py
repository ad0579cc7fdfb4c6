from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import Schema, example


class PersonIn(Schema):
    """Only what a dossier needs (docs/spec.md §14); the purpose is recorded with it."""

    model_config = example(
        full_name="Nguyễn Thị Hoa",
        job_title="Phó Chủ tịch Ủy ban nhân dân xã",
        unit_code="S-831-01",
        role="nominee",
        gender="female",
    )

    full_name: str = Field(min_length=1, max_length=120)
    job_title: str = Field(min_length=1, max_length=200)
    unit_code: str = Field(
        min_length=1,
        max_length=64,
        description="where the person works; for a household's representative, the household",
    )
    role: Literal["nominee", "household_representative"] = "nominee"
    gender: Literal["female", "male"] | None = Field(
        default=None, description="only for the statistics of women; may be left out"
    )


class PersonPublic(Schema):
    id: str
    full_name: str | None = Field(description="none once erased")
    job_title: str | None
    unit_code: str
    role: str
    gender: str | None
    purpose: str = Field(description="why the data is kept (Decree 13/2023/NĐ-CP)")
    recorded_by: str
    recorded_at: str
    erased_at: str | None


class ErasureIn(Schema):
    model_config = example(reason="Hồ sơ đã rút; người được đề nghị yêu cầu xóa dữ liệu.")

    reason: str = Field(min_length=1, max_length=500)


class PersonReadPublic(Schema):
    reader: str = Field(description="the account that was shown the data")
    what: str = Field(description="where: dossier, list, export or person")
    read_at: str
