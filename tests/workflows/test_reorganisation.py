"""The clock moves a dossier out of a stage on the day a reorganisation ends it: here a test
rule set's reorganisation a few days after the time-skipping server's today (the dates are
data), and the stage's own timers past that day never fire."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

import pytest

from domain.calendar import VIETNAM
from domain.criteria.ruleset import RuleSet
from domain.cycles import CycleKind, CycleTerms
from tests.factories import ADMIN, ctx, officer
from tests.workflows.conftest import Clock

pytestmark = [pytest.mark.workflow, pytest.mark.asyncio(loop_scope="session")]

FIGURES = {
    2021: {"total_households": 3000, "poor_households": 150},
    2022: {"total_households": 3010, "poor_households": 130},
    2023: {"total_households": 3020, "poor_households": 118},
    2024: {"total_households": 3030, "poor_households": 110},
    2025: {"total_households": 3040, "poor_households": 100},
}


def rules_reorganised_on(base: RuleSet, day: Any) -> RuleSet:
    raw = dict(
        base.raw,
        version=900,
        district_level_ends_on=day.isoformat(),
        reorganisations=[
            {
                "on": day.isoformat(),
                "legal_basis": {"vi": "Nghị quyết thử nghiệm", "en": "A test resolution"},
                "stages_end": {"district_review": "province_review"},
            }
        ],
    )
    return RuleSet.from_bytes(json.dumps(raw, ensure_ascii=False).encode())


async def test_the_clock_moves_a_dossier_out_of_district_review_on_the_day_it_ends(
    clock: Clock,
) -> None:
    today = await clock.today()
    cut = today + timedelta(days=3)
    s = clock.service
    rules = rules_reorganised_on(s.default_rule_set, cut)
    s.default_rule_set = rules
    s._rule_sets[(rules.ref.id, rules.ref.version)] = rules  # as if shipped
    s.configure_cycle(
        ctx(ADMIN, today),
        CycleTerms(2025, CycleKind.FINAL, today + timedelta(days=40), (2024, 2025), 10),
    )
    nid = s.open_nomination(ctx(officer(), today), "S-829-02", "co-thi-dua-tinh", 2025).id
    for year, figures in FIGURES.items():
        s.record_statistics(ctx(officer(), today), nid, year, figures)
    s.write_achievement_report(ctx(officer(), today), nid, "Báo cáo.")
    s.submit_nomination(ctx(officer(), today), nid)
    assert s.get_nomination(nid).stage == "district_review"
    await clock.relay_events()

    await clock.sleep_until(datetime.combine(cut - timedelta(days=1), time(12), VIETNAM))
    assert s.get_nomination(nid).stage == "district_review"  # not yet
    await clock.sleep_until(datetime.combine(cut, time(1), VIETNAM))
    moved = s.get_nomination(nid)
    assert moved.stage == "province_review"
    [cut_over] = [e for e in s.events.get(nid) if type(e).__name__ == "StageCutOver"]
    assert cut_over.on == cut  # type: ignore[attr-defined]
    assert cut_over.legal_basis == "Nghị quyết thử nghiệm"  # type: ignore[attr-defined]
    await clock.relay_events()  # the clock now follows the province review
    district_due = moved.due_on
    assert district_due is not None
    await clock.sleep_until(datetime.combine(cut + timedelta(days=20), time(1), VIETNAM))
    missed = [e for e in s.events.get(nid) if type(e).__name__ == "DeadlineMissed"]
    assert all(e.stage != "district_review" for e in missed)  # type: ignore[attr-defined]
