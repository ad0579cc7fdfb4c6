"""docs/spec.md §12: who decides an award on which date, the numbers a register gives, and
what a decision on a submission must say."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.authorities import WrongAuthority, authority_for, require_competent
from domain.criteria.ruleset import RuleSet
from domain.errors import AlreadyExists, InvalidInput, JurisdictionError, StageTransitionError
from domain.registers import NumberRegister
from domain.submission import Signer, Submission
from domain.units import Nominee, UnitRegistry
from tests.factories import PROVINCE, SECRETARY, as_, chairman

pytestmark = pytest.mark.unit

DECISIONS = "ubnd-tinh-ben-tre/QĐ-UBND"


def nominee(units: UnitRegistry, code: str = "S-831-01") -> Nominee:
    return Nominee.of(units.get(code), units)


# --- who decides -----------------------------------------------------------------------


def test_the_provincial_chairman_decides_the_provinces_forms_and_the_successor_from_july_2025(
    units: UnitRegistry, rules: RuleSet
) -> None:
    commune = nominee(units)
    before = authority_for(rules, "bang-khen-tinh", commune, date(2025, 6, 30))
    after = authority_for(rules, "bang-khen-tinh", commune, date(2025, 7, 1))
    assert (before.id, after.id) == ("ubnd-tinh-ben-tre", "ubnd-tinh-vinh-long")
    assert "Bến Tre" in before.name.vi
    assert "Vĩnh Long" in after.name.vi


def test_a_district_chairman_decides_its_giay_khen_until_the_district_level_ends(
    units: UnitRegistry, rules: RuleSet
) -> None:
    commune = nominee(units)
    found = authority_for(rules, "giay-khen-huyen", commune, date(2025, 6, 30))
    assert found.id == "ubnd-huyen-831"
    with pytest.raises(WrongAuthority, match="did not exist on 2025-07-01") as refused:
        authority_for(rules, "giay-khen-huyen", commune, date(2025, 7, 1))
    assert refused.value.ids["authority"] == "ubnd-huyen-831"


def test_an_authority_that_is_not_competent_on_the_signing_date_is_refused_by_name_and_date(
    units: UnitRegistry, rules: RuleSet
) -> None:
    commune = nominee(units)
    require_competent(rules, "ubnd-tinh-ben-tre", "bang-khen-tinh", commune, date(2025, 6, 30))
    with pytest.raises(WrongAuthority) as refused:
        require_competent(rules, "ubnd-tinh-ben-tre", "bang-khen-tinh", commune, date(2025, 7, 2))
    assert refused.value.ids == {"authority": "ubnd-tinh-ben-tre", "on": "2025-07-02"}
    with pytest.raises(WrongAuthority):  # not its form
        require_competent(rules, "ubnd-huyen-831", "bang-khen-tinh", commune, date(2024, 5, 1))


# --- numbers ---------------------------------------------------------------------------


def test_a_register_gives_numbers_in_sequence_and_never_twice() -> None:
    with as_(chairman()):
        register = NumberRegister(register=DECISIONS, year=2024, suffix="QĐ-UBND")
        assert [register.give(f"d{i}") for i in range(3)] == ["1/QĐ-UBND", "2/QĐ-UBND", "3/QĐ-UBND"]


def test_a_chancerys_own_number_is_recorded_refused_again_and_skipped_by_the_sequence() -> None:
    with as_(chairman()):
        register = NumberRegister(register=DECISIONS, year=2024, suffix="QĐ-UBND")
        register.give("first")
        assert register.record(" 2/QĐ-UBND ", "signed elsewhere") == "2/QĐ-UBND"
        with pytest.raises(AlreadyExists, match="already given to signed elsewhere"):
            register.record("2/QĐ-UBND", "another")
        with pytest.raises(AlreadyExists):
            register.record("1/QĐ-UBND", "another")
        assert register.give("next") == "3/QĐ-UBND"  # 2 was taken: skipped, never reused
        with pytest.raises(InvalidInput, match="decision_number"):
            register.record("số 4", "badly written")


# --- the submission and its decision -----------------------------------------------------


def prepared(items: int = 2) -> tuple[Submission, list[str]]:
    ids = [str(uuid4()) for _ in range(items)]
    authority = {"id": "ubnd-tinh-ben-tre", "name_vi": "Chủ tịch Ủy ban nhân dân tỉnh Bến Tre"}
    with as_(PROVINCE):
        made = Submission.prepare(
            uuid4(),
            authority,
            "1/TTr-BTĐKT",
            [{"nomination_id": i} for i in ids],
            "Kính trình.",
            date(2024, 4, 1),
        )
    return made, ids


def test_only_the_province_reviewer_prepares_a_submission_and_it_names_a_dossier() -> None:
    with as_(SECRETARY), pytest.raises(JurisdictionError):
        Submission.prepare(
            uuid4(), {"id": "x"}, "1/TTr", [{"nomination_id": "n"}], "s", date.today()
        )
    with as_(PROVINCE), pytest.raises(InvalidInput, match="nomination_ids"):
        Submission.prepare(uuid4(), {"id": "x"}, "1/TTr", [], "s", date.today())


def test_a_decision_decides_every_dossier_of_the_submission_once_with_a_reason() -> None:
    made, (first, second) = prepared()
    chair = Signer("Chủ tịch", "Nguyễn Văn A")
    with as_(chairman()):
        with pytest.raises(InvalidInput, match=f"awarded.*{second}|{second}.*neither"):
            made.decide("1/QĐ-UBND", date(2024, 4, 2), chair, {first: "Đạt."}, {})
        with pytest.raises(InvalidInput, match="also awarded"):
            made.decide(
                "1/QĐ-UBND", date(2024, 4, 2), chair, {first: "a", second: "b"}, {first: "c"}
            )
        with pytest.raises(InvalidInput, match="needs a reason"):
            made.decide("1/QĐ-UBND", date(2024, 4, 2), chair, {first: " ", second: "b"}, {})
        with pytest.raises(InvalidInput, match="is not in submission"):
            made.decide("1/QĐ-UBND", date(2024, 4, 2), chair, {str(uuid4()): "a"}, {})
        assert made.state == "waiting"
        made.decide("1/QĐ-UBND", date(2024, 4, 2), chair, {first: "Đạt."}, {second: "Thiếu."})
        with pytest.raises(StageTransitionError, match="decided already"):
            made.decide("2/QĐ-UBND", date(2024, 4, 3), chair, {first: "Đạt."}, {second: "x"})
    assert made.decision is not None
    assert made.decision["not_awarded"] == {second: "Thiếu."}


def test_a_vice_chairman_signs_on_the_chairmans_behalf_and_a_title_is_one_of_two() -> None:
    assert Signer("Phó Chủ tịch", "Lê Thị B").block == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert Signer("Chủ tịch", "Nguyễn Văn A").block == ["CHỦ TỊCH"]
    made, (first, _) = prepared()
    with as_(chairman()), pytest.raises(InvalidInput, match="signer_title"):
        made.decide("1/QĐ-UBND", date(2024, 4, 2), Signer("Giám đốc", "X"), {first: "a"}, {})
    with as_(chairman()), pytest.raises(InvalidInput, match="signer_name"):
        made.decide("1/QĐ-UBND", date(2024, 4, 2), Signer("Chủ tịch", " "), {first: "a"}, {})


def test_only_the_authority_the_submission_is_to_decides_it() -> None:
    made, (first, second) = prepared()
    decision = (
        "1/QĐ-UBND",
        date(2024, 4, 2),
        Signer("Chủ tịch", "A"),
        {first: "a", second: "b"},
        {},
    )
    for stranger in (chairman("ubnd-tinh-vinh-long"), SECRETARY, PROVINCE):
        with as_(stranger), pytest.raises(JurisdictionError):
            made.decide(*decision)
