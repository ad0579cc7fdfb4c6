"""A national-scale log, generated through the service's own commands in bulk saves.

34 provinces of synthetic units (each with districts and communes), five years of their
official figures, and nominations for every form and cycle a commune may take, spread over
every stage: collecting, the district and the province reviews (some with an inspection
visit still open, some with an override), public notice, an open council ballot, and
decided by a closed council session. Every event is a real command's, hash-chained, and
the commands run inside ``service.bulk()``: saves of at most about 1 MB (docs/spec.md §2).

``generate(service, nominations=100_000)`` writes about ten events per nomination.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from typing import Any
from uuid import UUID

from domain.context import Actor, CommandContext, Grant, Role
from domain.errors import DomainError, StageTransitionError
from service.nomination_service import NominationService
from thidua.bootstrap import load_units
from thidua.settings import Settings

PROVINCES = 34
DISTRICTS_PER_PROVINCE = 8
FORMS = (("bang-khen-tinh", 2023), ("bang-khen-tinh", 2024), ("bang-khen-tinh", 2025))
FORMS += (("co-thi-dua-tinh", 2023), ("co-thi-dua-tinh", 2024), ("co-thi-dua-tinh", 2025))
FORMS += (("giay-khen-huyen", 2023), ("giay-khen-huyen", 2024))
"""What one commune is nominated for: eight nominations a commune."""

STEP_DATES = {  # opened, submitted, district review, province review, notice ended, council
    2023: tuple(date(2024, m, d) for m, d in ((1, 8), (1, 15), (1, 22), (2, 20), (3, 11), (3, 25))),
    2024: tuple(date(2025, m, d) for m, d in ((1, 6), (1, 13), (1, 20), (2, 17), (3, 10), (3, 24))),
    2025: tuple(date(2026, m, d) for m, d in ((1, 5), (1, 12), (1, 12), (2, 2), (2, 23), (3, 16))),
}
MEMBERS = tuple(f"bench-member-{i}" for i in range(1, 6))
PROVINCE = Actor("bench-province", (Grant(Role.PROVINCE_REVIEWER),))
SECRETARY = Actor("bench-secretary", (Grant(Role.COUNCIL_SECRETARY),))
SYSTEM = Actor("system", (Grant(Role.SYSTEM),))
ADMIN = Actor("admin", (Grant(Role.ADMIN),))

# Where a nomination stops, by its index modulo 10.
COLLECTING, SUBMITTED, DISTRICT_DONE, VISIT_OPEN, NOTICE = 0, 2, 4, 5, 6
ON_BALLOT, DECIDED = 7, 8


def province_code(p: int) -> str:
    return f"X{p:02d}"


def district_code(p: int, d: int) -> str:
    return f"X{p:02d}-{d}"


def team_of(province: str) -> str:
    return f"team-{province}"


@dataclass
class Nation:
    """What was generated, for the benchmarks' readers and accounts."""

    districts: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    nominations: list[UUID] = field(default_factory=list)
    sessions: list[UUID] = field(default_factory=list)
    stages: dict[str, int] = field(default_factory=dict)
    saves: int = 0
    seconds: float = 0.0
    units: int = 0
    units_seconds: float = 0.0
    """Registering every unit, in bulk, through the service."""


class _Steps:
    def __init__(self, service: NominationService, prefix: str) -> None:
        self.service = service
        self.prefix = prefix
        self.ids = itertools.count()

    def ctx(self, actor: Actor, today: date) -> CommandContext:
        return CommandContext(actor, f"{self.prefix}/{next(self.ids)}", "nation", today)


def figures(n: int, year: int) -> dict[str, Any]:
    """A commune's poverty figures: most fall two points a year from 10 %; one in seven
    falls too slowly, and its dossier is forwarded by an override."""
    total = 4000 + n % 500
    slow = n % 7 == 3
    rate = 0.10 - (0.012 if slow else 0.022) * (year - 2021)
    return {"total_households": total, "poor_households": max(int(total * rate), 0)}


def official(n: int, year: int) -> dict[str, Any]:
    return {
        **figures(n, year),
        "source": {
            "decision_number": f"{year}/QĐ-UBND (mẫu)",
            "decision_date": f"{year}-12-20",
            "issuing_body": "UBND tỉnh (dữ liệu mẫu)",
        },
    }


def register_units(
    service: NominationService, communes_per_district: int, *, register: bool = True
) -> Nation:
    """The synthetic units; with ``register=False``, those already registered, unchanged."""
    if not register:
        communes_per_district = sum(
            1 for unit in service.registry() if unit.code.startswith("X01-1-")
        )
    nation = Nation()
    rows: list[dict[str, Any]] = []
    for p in range(1, PROVINCES + 1):
        rows.append(
            {
                "code": province_code(p),
                "name": f"Tỉnh {p} (dữ liệu mẫu)",
                "kind": "province",
                "valid_from": "2020-01-01",
                "synthetic": True,
            }
        )
        for d in range(1, DISTRICTS_PER_PROVINCE + 1):
            code = district_code(p, d)
            nation.districts.append(code)
            rows.append(
                {
                    "code": code,
                    "name": f"Huyện {p}.{d} (dữ liệu mẫu)",
                    "kind": "district",
                    "parent_code": province_code(p),
                    "valid_from": "2020-01-01",
                    "synthetic": True,
                }
            )
            for c in range(1, communes_per_district + 1):
                commune = f"{code}-{c:03d}"
                nation.communes.append(commune)
                rows.append(
                    {
                        "code": commune,
                        "name": f"Xã {p}.{d}.{c} (dữ liệu mẫu)",
                        "kind": "commune",
                        "parent_code": code,
                        "valid_from": "2020-01-01",
                        "synthetic": True,
                    }
                )
    if register:
        ctx = CommandContext(ADMIN, "nation/units", "nation", date(2024, 1, 2))
        service.register_units(ctx, rows)
    return nation


def generate(
    env: dict[str, str],
    nominations: int = 100_000,
    parts: int = 2,
    progress: Callable[[str], None] = lambda _: None,
) -> Nation:
    """Registers the units here, then generates the rest in ``parts`` processes, each for
    its own provinces (the store orders their saves)."""
    started = time.perf_counter()
    per_district = max(1, -(-nominations // (len(FORMS) * PROVINCES * DISTRICTS_PER_PROVINCE)))
    service = _service(env)
    began = time.perf_counter()
    nation = register_units(service, per_district)
    nation.units_seconds = time.perf_counter() - began
    nation.units = len(nation.communes) + len(nation.districts) + PROVINCES
    service.close()
    progress(f"{nation.units:,} units registered in {nation.units_seconds:.1f} s")
    with ProcessPoolExecutor(parts, mp_context=get_context("spawn")) as pool:
        jobs = [pool.submit(_generate_part, env, nominations, part, parts) for part in range(parts)]
        for job in jobs:
            done = job.result()
            nation.nominations += [UUID(n) for n in done["nominations"]]
            nation.sessions += [UUID(n) for n in done["sessions"]]
            nation.saves += done["saves"]
            for stage, count in done["stages"].items():
                nation.stages[stage] = nation.stages.get(stage, 0) + count
    nation.seconds = time.perf_counter() - started
    return nation


def _service(env: dict[str, str]) -> NominationService:
    return NominationService(env, units=load_units(Settings().units_file))


def _generate_part(env: dict[str, str], nominations: int, part: int, parts: int) -> dict[str, Any]:
    service = _service(env)
    nation = register_units(service, 0, register=False)
    communes = [(n, c) for n, c in enumerate(nation.communes) if int(c[1:3]) % parts == part]
    steps = _Steps(service, f"nation/{part}")
    done: dict[str, Any] = {"nominations": [], "sessions": [], "stages": {}, "saves": 0}
    with service.bulk() as bulk:
        for n, commune in communes:
            for year in range(2021, 2026):
                service.record_official_figures(
                    steps.ctx(PROVINCE, date(year + 1, 1, 5)), commune, year, official(n, year)
                )
    done["saves"] += bulk.saves
    ballots: dict[tuple[int, str, str], list[UUID]] = {}
    decided: dict[tuple[int, str, str], list[UUID]] = {}
    with service.bulk() as bulk:
        for n, commune in communes:
            for f, (form, cycle) in enumerate(FORMS):
                index = n * len(FORMS) + f
                if index >= nominations:
                    break
                stop = index % 10
                nid, stage = _prepare(steps, commune, n, form, cycle, stop)
                done["nominations"].append(str(nid))
                if stage == "council":
                    district = commune.rsplit("-", 1)[0]
                    group = (cycle, form, district if form == "giay-khen-huyen" else commune[:3])
                    (ballots if stop == ON_BALLOT else decided).setdefault(group, []).append(nid)
                    stage = "on_ballot" if stop == ON_BALLOT else "decided"
                done["stages"][stage] = done["stages"].get(stage, 0) + 1
        for group, items in sorted(decided.items()):
            done["sessions"].append(str(_council(steps, group, items, close=True)))
        for group, items in sorted(ballots.items()):
            done["sessions"].append(str(_council(steps, group, items, close=False)))
    done["saves"] += bulk.saves
    service.close()
    return done


def _prepare(
    steps: _Steps, commune: str, n: int, form: str, cycle: int, stop: int
) -> tuple[UUID, str]:
    """Takes one nomination as far as its ``stop``; returns it and the stage it is in."""
    s, (opened, submitted, district_on, province_on, notice_on, _) = (
        steps.service,
        STEP_DATES[cycle],
    )
    province = commune.split("-")[0]
    officer = Actor(f"bench-officer-{province}", (Grant(Role.UNIT_OFFICER, province),))
    nid = s.open_nomination(steps.ctx(officer, opened), commune, form, cycle).id
    for year in (2021, *s.cycle_terms(cycle).evaluation_years):
        s.record_statistics(steps.ctx(officer, opened), nid, year, figures(n, year))
    s.write_achievement_report(
        steps.ctx(officer, opened), nid, f"Báo cáo thành tích của xã {commune} (dữ liệu mẫu)."
    )
    if stop < SUBMITTED:
        return nid, "collecting"
    s.submit_nomination(steps.ctx(officer, submitted), nid)
    stage = "district_review" if cycle < 2025 else "province_review"
    if stop < DISTRICT_DONE:
        return nid, stage
    if stage == "district_review":
        district = commune.rsplit("-", 1)[0]
        reviewer = Actor(f"bench-district-{district}", (Grant(Role.DISTRICT_REVIEWER, district),))
        s.complete_district_review(
            steps.ctx(reviewer, district_on), nid, "approve", "Đủ điều kiện."
        )
        if form == "giay-khen-huyen":
            return nid, "council"
    if stop == VISIT_OPEN:
        s.schedule_inspection_visit(steps.ctx(PROVINCE, province_on), nid, team_of(province))
        return nid, "province_review"
    if stop < NOTICE:
        return nid, "province_review"
    _approve_in_province(steps, nid, province_on)
    if stop == NOTICE:
        return nid, "public_notice"
    s.end_public_notice(steps.ctx(SYSTEM, notice_on), nid)
    return nid, "council"


def _approve_in_province(steps: _Steps, nid: UUID, on: date) -> None:
    """Forwards the dossier, overriding a criterion not met with a reason first."""
    s = steps.service
    for _ in range(4):
        try:
            s.complete_province_review(steps.ctx(PROVINCE, on), nid, "approve", "Đủ điều kiện.")
            return
        except StageTransitionError as refused:
            criterion = str(refused.ids.get("criterion_id", ""))
            if not criterion:
                raise
            if "not met" in str(refused):
                s.override_check(
                    steps.ctx(PROVINCE, on),
                    nid,
                    criterion,
                    "Địa phương có hoàn cảnh đặc biệt; Hội đồng xem xét (dữ liệu mẫu).",
                )
            else:
                s.record_criterion_check(
                    steps.ctx(PROVINCE, on), nid, criterion, "met", "Đã xác minh (dữ liệu mẫu)."
                )
    raise DomainError(f"{nid} could not be forwarded")


def _council(steps: _Steps, group: tuple[int, str, str], items: list[UUID], *, close: bool) -> UUID:
    """A session over the group's items: closed after every ballot, or open with three of
    the five members' ballots in."""
    s = steps.service
    cycle, form, scope = group
    on = STEP_DATES[cycle][5]
    district_scope = scope if form == "giay-khen-huyen" else None
    title = f"Hội đồng {scope} – {form} {cycle} ({'đã họp' if close else 'đang biểu quyết'})"
    sid = s.schedule_council_session(
        steps.ctx(SECRETARY, on), title, on, list(MEMBERS), form, district_scope
    ).id
    for nid in items:
        s.add_to_agenda(steps.ctx(SECRETARY, on), sid, nid)
    s.open_session(steps.ctx(SECRETARY, on), sid)
    voters = MEMBERS if close else MEMBERS[:3]
    for i, nid in enumerate(items):
        for m, member in enumerate(voters):
            choice = "reject" if (i % 9 == 4 and m < 3) else "approve"
            s.cast_vote(
                steps.ctx(Actor(member, (Grant(Role.COUNCIL_MEMBER),)), on), sid, nid, choice
            )
    if close:
        s.close_session(steps.ctx(SECRETARY, on), sid)
    return sid


def rebuild_views(
    url: str, schema_name: str, names: list[str], workers: int = 2
) -> dict[str, dict[str, float]]:
    """Rebuilds each view from the whole log in its own process, ``workers`` at a time:
    seconds and peak resident MB per view."""
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), max_tasks_per_child=1
    ) as pool:
        jobs = {name: pool.submit(_rebuild_one, url, schema_name, name) for name in names}
        return {name: job.result() for name, job in jobs.items()}


def _rebuild_one(url: str, schema_name: str, name: str) -> dict[str, float]:
    from projections.runner import ProjectionRunner
    from storage.views import PostgresDatabase
    from thidua.bootstrap import postgres_env

    service = _service(postgres_env(url, schema_name))
    database = PostgresDatabase(url, schema_name)
    runner = ProjectionRunner(service, database, [name])
    started = time.perf_counter()
    runner.rebuild(name)
    seconds = time.perf_counter() - started
    database.close()
    service.close()
    return {"seconds": seconds, "peak_mb": peak_mb()}


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
