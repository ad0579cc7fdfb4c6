"""Routes by award form, nominee kind and date (docs/spec.md §5)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.stages import Stage, has_district_review, next_stage, route
from domain.units import Nominee, UnitKind

pytestmark = pytest.mark.unit

ENDS = date(2025, 7, 1)
COMMUNE = Nominee("S-1", "x", UnitKind.COMMUNE, frozenset(), "836", ("836", "83"))
DEPARTMENT = Nominee("S-D", "x", UnitKind.DEPARTMENT, frozenset(), None, ("83",))


def test_a_provincial_award_for_a_commune_passes_district_and_province_review() -> None:
    stages = route(
        council_level="province",
        district_review=has_district_review(COMMUNE, True, date(2024, 1, 1), ENDS),
        public_notice=True,
    )
    assert stages == (
        Stage.COLLECTING,
        Stage.DISTRICT_REVIEW,
        Stage.PROVINCE_REVIEW,
        Stage.PUBLIC_NOTICE,
        Stage.COUNCIL,
        Stage.AWAITING_DECISION,
        Stage.DECIDED,
    )


def test_district_review_is_dropped_for_decisions_from_the_first_of_july_2025() -> None:
    assert has_district_review(COMMUNE, True, date(2025, 6, 30), ENDS)
    assert not has_district_review(COMMUNE, True, date(2025, 7, 1), ENDS)


def test_departments_go_straight_to_province_review() -> None:
    assert not has_district_review(DEPARTMENT, True, date(2024, 1, 1), ENDS)


def test_a_district_award_goes_from_its_council_to_its_chairman_without_province_review() -> None:
    stages = route(council_level="district", district_review=True, public_notice=False)
    assert stages == (
        Stage.COLLECTING,
        Stage.DISTRICT_REVIEW,
        Stage.COUNCIL,
        Stage.AWAITING_DECISION,
        Stage.DECIDED,
    )


def test_no_notice_days_means_no_public_notice_stage() -> None:
    stages = route(council_level="province", district_review=False, public_notice=False)
    assert next_stage(stages, Stage.PROVINCE_REVIEW) is Stage.COUNCIL


def test_a_nomination_in_a_stage_since_dropped_moves_to_the_next_stage_that_exists() -> None:
    stages = route(council_level="province", district_review=False, public_notice=True)
    assert next_stage(stages, Stage.DISTRICT_REVIEW) is Stage.PROVINCE_REVIEW
