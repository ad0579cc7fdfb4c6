"""The demo's people (docs/spec.md §14): a person nominated in their own right and a
household's representative, recorded in the register of people, not in the log."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from domain.people import Gender, PersonalData, PersonRole
from service.nomination_service import NominationService
from service.people import PeopleRegister
from thidua.demo_cases import OFFICER, demo_context

# Fixed ids, so seeding again records nobody twice.
DEMO_PERSON = UUID("5e1f0c0e-0000-4000-8000-000000000001")
DEMO_REPRESENTATIVE = UUID("5e1f0c0e-0000-4000-8000-000000000002")


def record_people(service: NominationService, people: PeopleRegister, today: date) -> None:
    """A person nominated in their own right, whose dossier waits in collection, and a
    household's representative; their data goes to the register of people, not the log."""
    on = today - timedelta(days=3)
    ctx = demo_context(OFFICER, "people/nominee", on)
    nominee = people.record(
        ctx,
        PersonalData(
            "Nguyễn Thị Hoa (mẫu)",
            "Phó Chủ tịch UBND xã",
            "S-86-831-01",
            PersonRole.NOMINEE,
            Gender.FEMALE,
        ),
        ("86", "S-86-831-01"),
        DEMO_PERSON,
    )
    people.record(
        demo_context(OFFICER, "people/household", on),
        PersonalData(
            "Trần Văn Ba (mẫu)",
            "Chủ hộ",
            "S-86-HO-01",
            PersonRole.HOUSEHOLD_REPRESENTATIVE,
            Gender.MALE,
        ),
        ("86", "S-86-835-01", "S-86-HO-01"),
        DEMO_REPRESENTATIVE,
    )
    opened = service.open_nomination(
        demo_context(OFFICER, "people/nominee/open", on),
        "S-86-831-01",
        "bang-khen-tinh",
        2025,
        nominee.id,
    )
    service.write_achievement_report(
        demo_context(OFFICER, "people/nominee/report", on),
        opened.id,
        "Trực tiếp giúp 15 hộ nghèo của xã vay vốn, chuyển đổi cây trồng và thoát nghèo"
        " bền vững (dữ liệu mẫu).",
    )
