"""Rule set v4 through the service (docs/spec.md §5, §12): who each form is for, one
achievement one award, and the prize each award carries."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.criteria.loader import load_rule_set
from domain.errors import AlreadyExists, InvalidInput
from domain.submission import Signer
from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.factories import PROVINCE, SECRETARY, SYSTEM, chairman, ctx, officer
from tests.scenarios import GOOD, MEMBERS, Story

pytestmark = pytest.mark.unit

RULES = ("ben-tre-vi-nguoi-ngheo-2021-2025", 4)
DAY = date(2024, 4, 5)


@pytest.fixture
def service(units: UnitRegistry) -> NominationService:
    return NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)


def open_(service: NominationService, code: str, form: str, year: int) -> UUID:
    return service.open_nomination(ctx(officer("83"), date(2024, 1, 8)), code, form, year).id


def test_new_dossiers_are_judged_by_rule_set_v4_and_earlier_versions_read_as_before() -> None:
    v3, v4 = (load_rule_set(RULES[0], v) for v in (3, 4))
    assert v3.prizes is None
    assert v3.combinations is None
    assert all(f.applies_to is None for f in v3.award_forms.values())
    assert v4.prizes is not None
    assert v4.combinations is not None
    assert v4.plans[0].number == "666/QĐ-TTg"


def test_the_credit_support_criterion_keeps_the_seeds_words_from_v4() -> None:
    v3, v4 = (load_rule_set(RULES[0], v) for v in (3, 4))
    words = "xã đặc biệt khó khăn vùng bãi ngang ven biển, xã đảo"
    assert words not in v3.criteria["credit-support"].title.vi
    assert words in v4.criteria["credit-support"].title.vi


@pytest.mark.parametrize(
    ("code", "form", "year", "reason"),
    [
        ("S-HO-01", "co-thi-dua-tinh", 2025, "not for a household"),
        ("S-DN-01", "co-thi-dua-tinh", 2023, "not given in a preliminary cycle"),
        ("S-831-01", "co-thi-dua-tinh", 2024, "not given in a annual cycle"),
        ("S-SO-NV", "giay-khen-huyen", 2023, "not for a department"),
    ],
)
def test_a_form_is_refused_for_a_nominee_or_a_cycle_it_is_not_for(
    service: NominationService, code: str, form: str, year: int, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason) as refused:
        open_(service, code, form, year)
    assert refused.value.field == "award_form"
    assert service.achievements_of(code) == []


def test_a_year_counts_towards_one_award_only_and_the_refusal_names_the_dossier(
    service: NominationService,
) -> None:
    first = open_(service, "S-831-01", "bang-khen-tinh", 2023)  # 2022–2023
    with pytest.raises(AlreadyExists, match=f"year 2023 .*dossier {first}") as refused:
        open_(service, "S-831-01", "bang-khen-tinh", 2024)  # 2023–2024
    assert refused.value.ids["nomination_id"] == str(first)
    open_(service, "S-831-01", "bang-khen-tinh", 2025)  # 2024–2025: no year shared
    with pytest.raises(AlreadyExists, match="cycle 2025"):
        open_(service, "S-831-01", "co-thi-dua-tinh", 2025)


def test_a_withdrawn_dossier_frees_its_years(service: NominationService) -> None:
    first = open_(service, "S-831-01", "bang-khen-tinh", 2023)
    service.withdraw_nomination(ctx(officer("83"), date(2024, 1, 9)), first, "Nhầm kỳ.")
    open_(service, "S-831-01", "bang-khen-tinh", 2024)


def test_an_award_decided_names_its_decision_when_the_same_years_are_claimed_again(
    service: NominationService,
) -> None:
    sid, [nid] = Story(service).recommended(("S-831-01",))
    submission = service.prepare_submission(ctx(PROVINCE, DAY), sid, [nid], "Kính trình.").id
    service.decide_submission(
        ctx(chairman(), DAY),
        submission,
        DAY,
        Signer("Chủ tịch", "Nguyễn Văn A"),
        {str(nid): "Đạt."},
        {},
    )
    with pytest.raises(AlreadyExists, match="awarded bang-khen-tinh by decision 1/QĐ-UBND"):
        open_(service, "S-831-01", "bang-khen-tinh", 2024)


def test_each_award_carries_its_prize_from_the_base_salary_on_the_decision_date(
    service: NominationService,
) -> None:
    story = Story(service)
    sid, ids = story.recommended(("S-831-01", "S-829-02"))
    submission = service.prepare_submission(ctx(PROVINCE, DAY), sid, ids, "Kính trình.").id
    won, lost = (str(n) for n in ids)
    service.decide_submission(
        ctx(chairman(), DAY),
        submission,
        DAY,
        Signer("Chủ tịch", "Nguyễn Văn A"),
        {won: "Đạt."},
        {lost: "Chưa đạt."},
    )
    awarded, refused = (service.get_nomination(n) for n in ids)
    assert awarded.award_decision is not None
    assert refused.award_decision is not None
    # Bằng khen to a collective: 2.0 × 1,800,000 (the base salary from 1/7/2023).
    assert awarded.award_decision["prize"] == {
        "amount_vnd": 3_600_000,
        "coefficient": "2.0",
        "base_salary_vnd": 1_800_000,
        "basis": "Nghị định số 98/2023/NĐ-CP",
        "salary_basis": "Nghị định số 24/2023/NĐ-CP",
    }
    assert "prize" not in refused.award_decision


@pytest.mark.parametrize(
    ("form", "kind", "on", "amount"),
    [
        ("bang-khen-tinh", "collective", date(2025, 7, 1), 4_680_000),
        ("giay-khen-huyen", "household", date(2024, 7, 1), 710_000),  # 702,000 rounded up
        ("giay-khen-huyen", "collective", date(2024, 6, 30), 1_080_000),
        ("co-thi-dua-tinh", "collective", date(2025, 12, 1), 36_270_000),
    ],
)
def test_a_prize_is_the_coefficient_times_the_base_salary_rounded_up_to_ten_thousand(
    form: str, kind: str, on: date, amount: int
) -> None:
    prizes = load_rule_set(*RULES).prizes
    assert prizes is not None
    assert prizes.prize(form, kind, on).amount_vnd == amount


def test_a_prize_the_rule_set_does_not_state_is_refused_naming_the_date() -> None:
    prizes = load_rule_set(*RULES).prizes
    assert prizes is not None
    with pytest.raises(InvalidInput, match="no prize for co-thi-dua-tinh to a household"):
        prizes.prize("co-thi-dua-tinh", "household", date(2025, 1, 1))
    with pytest.raises(InvalidInput, match="signed_on"):
        prizes.prize("bang-khen-tinh", "collective", date(2023, 12, 31))


def test_a_dossier_opened_before_v4_whose_achievement_is_awarded_goes_before_no_council(
    units: UnitRegistry,
) -> None:
    """Dossiers opened under v3 may claim the same years; once one is awarded, the other can
    neither be put before a council nor be awarded."""
    legacy = NominationService(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        units=units,
        default_rule_set=(RULES[0], 3),
    )
    story = Story(legacy)
    flag = story.open("S-831-01", GOOD, form="co-thi-dua-tinh")  # v3 allowed it
    sid, [won] = story.recommended(("S-831-01",))
    legacy.default_rule_set = load_rule_set(*RULES)  # v4 from now on
    submission = legacy.prepare_submission(ctx(PROVINCE, DAY), sid, [won], "Kính trình.").id
    chair = Signer("Chủ tịch", "Nguyễn Văn A")
    legacy.decide_submission(ctx(chairman(), DAY), submission, DAY, chair, {str(won): "Đạt."}, {})
    story.to_province_review(flag)
    legacy.complete_province_review(ctx(PROVINCE, date(2024, 3, 15)), flag, "approve", "")
    legacy.end_public_notice(ctx(SYSTEM, date(2024, 4, 1)), flag)
    session = legacy.schedule_council_session(
        ctx(SECRETARY, date(2024, 4, 8)), "Phiên họp", date(2024, 4, 10), MEMBERS, "co-thi-dua-tinh"
    ).id
    before = legacy.get_nomination(flag).version
    with pytest.raises(AlreadyExists, match="awarded bang-khen-tinh by decision 1/QĐ-UBND"):
        legacy.add_to_agenda(ctx(SECRETARY, date(2024, 4, 8)), session, flag)
    assert legacy.get_nomination(flag).version == before
    assert legacy.get_session(session).agenda == []


def test_a_commune_that_continues_one_predecessor_shares_its_years_with_it(
    shipped_units: UnitRegistry,
) -> None:
    """Xã Mẫu Ba went on as S-86-831-01 on 1/7/2025 (one to one): a year its dossier counts
    cannot count again for the commune under its new code."""
    service = NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=shipped_units)
    earlier = open_(service, "S-831-01", "bang-khen-tinh", 2024)  # 2023–2024
    later = ctx(officer("86"), date(2026, 1, 5))
    with pytest.raises(AlreadyExists, match=f"year 2024 .*dossier {earlier}"):
        service.open_nomination(later, "S-86-831-01", "bang-khen-tinh", 2025)  # 2024–2025
    # Phường Bến Tre merged three units: a new collective, judged on its own years.
    merged_from = service.registry().predecessors("28789")
    assert len(merged_from) == 3
    assert [a.nomination_id for a in service.achievements_of("28789")] == []
