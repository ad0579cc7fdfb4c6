"""``thidua demo``: sample nominations taken through their whole lifecycle.

Every command id is deterministic, so running the demo again over the same store records
nothing twice and prints the same outcomes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from domain.calendar import VIETNAM
from domain.context import Actor, CommandContext, Grant, Role
from domain.council_voting import VOTING_CLOSES
from domain.errors import DomainError
from domain.summaries import NominationSummary
from service.nomination_service import NominationService
from service.people import PeopleRegister
from thidua.bootstrap import views_database
from thidua.demo_cases import (
    CASES,
    CAST,
    MEMBERS,
    PROVINCE,
    REGISTERED,
    REJECTED_BY_COUNCIL,
    SECRETARY,
    TEAM,
    TIMELINES,
    Case,
    Timeline,
    demo_context,
    member,
)
from thidua.demo_people import record_people
from thidua.settings import Settings
from thidua.story import StoryDriver


@dataclass
class Demo:
    service: NominationService
    statistics: dict[str, dict[str, dict[str, Any]]]
    out: TextIO
    sessions: dict[tuple[int, str, str | None], list[UUID]] = field(default_factory=dict)
    today: date = field(default_factory=lambda: datetime.now(VIETNAM).date())

    def __post_init__(self) -> None:
        self.story = StoryDriver(self.service, CAST, demo_context)

    def run(self, people: PeopleRegister | None = None) -> list[NominationSummary]:
        self.record_register()
        if people is not None:
            record_people(self.service, people, self.today)
        self.extend_final_review()
        for case in CASES:
            self.prepare(case)
        for (year, form, scope), nominations in sorted(
            self.sessions.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        ):
            self.hold_council(year, form, scope, nominations)
        return [self.service.get_nomination(n) for ns in self.sessions.values() for n in ns]

    def record_register(self) -> None:
        """The poverty review's official figures of the merged ward and its predecessors."""
        for code in (*REGISTERED, "28789"):
            for year, figures in sorted(self.statistics.get(code, {}).items()):
                issuer = "UBND tỉnh Vĩnh Long" if int(year) >= 2025 else "UBND tỉnh Bến Tre"
                official = {
                    **figures,
                    "source": {
                        "decision_number": f"{year}/QĐ-UBND (mẫu)",
                        "decision_date": f"{year}-12-20",
                        "issuing_body": f"{issuer} (dữ liệu mẫu)",
                    },
                }
                recorded_on = max(date(int(year) + 1, 1, 2), date(2025, 1, 2))
                self.service.record_official_figures(
                    demo_context(PROVINCE, f"figures/{code}/{year}", recorded_on),
                    code,
                    int(year),
                    official,
                )

    def extend_final_review(self) -> None:
        """The final review still takes dossiers: its window closes three weeks from today."""
        terms = self.service.cycle_terms(2025)
        extended = replace(terms, closes_on=self.today + timedelta(days=21))
        ctx = demo_context(ADMIN_ACTOR, "cycle/2025/extended", self.today - timedelta(days=70))
        self.service.configure_cycle(ctx, extended)

    def timeline(self, case: Case) -> Timeline:
        """A case's business dates: its cycle's, or, for one in flight now, days before today."""
        if not case.current:
            return TIMELINES[case.cycle_year]
        back = self.today - timedelta(days=case.late_days)
        return Timeline(
            back - timedelta(days=20),
            back - timedelta(days=14),
            back - timedelta(days=14),
            back - timedelta(days=9),
            back - timedelta(days=5),
            self.today,
        )

    # --- one nomination, from opening to the council's agenda ---------------------------

    def history_of(self, code: str) -> dict[str, dict[str, Any]]:
        """A unit's figures by year: its own, and, for a unit that continues exactly one
        predecessor under the new province (1/7/2025), that predecessor's before it. A merged
        unit's earlier years are the register's to sum, not the officer's to declare."""
        own = dict(self.statistics.get(code, {}))
        before = self.service.registry().predecessors(code)
        if len(before) == 1:
            return {**self.statistics.get(before[0].code, {}), **own}
        return own

    def prepare(self, case: Case) -> None:
        story, t = self.story, self.timeline(case)
        key = f"{case.unit_code}/{case.award_form}/{case.cycle_year}"
        _, last = self.service.cycle_terms(case.cycle_year).evaluation_years
        declared = self.history_of(case.unit_code)
        nid = story.open(
            key,
            case.unit_code,
            case.award_form,
            case.cycle_year,
            {
                year: declared[str(year)]
                for year in range(2021, last + 1)
                if declared.get(str(year))
            },
            f"Báo cáo thành tích (dữ liệu mẫu): {case.story}.",
            t.opened,
        )
        if case.stop_at == "collecting":
            return
        stage = story.submit(key, nid, t.submitted)
        if case.order_visit:
            self.service.schedule_inspection_visit(
                demo_context(PROVINCE, f"{key}/inspection", t.visited), nid, TEAM
            )
        if stage == "district_review" != case.stop_at:
            stage = story.district_review(key, nid, t.district_review, "approve", "Đủ điều kiện.")
        if stage == "province_review" != case.stop_at:
            stage = self.province_review(case, key, nid, t)
        if stage == "public_notice" != case.stop_at:
            ends = self.service.get_nomination(nid).due_on or t.province_review
            if case.complaint:
                story.complain(
                    key,
                    nid,
                    ends - timedelta(days=3),
                    "Phản ánh số hộ nghèo chưa chính xác (mẫu).",
                    "Người dân ấp 3 (mẫu)",
                    ends,
                    "Đã xác minh: số liệu đúng; phản ánh không có cơ sở (mẫu).",
                )
            stage = story.end_notice(key, nid, ends + timedelta(days=1))
        if stage == "council" != case.stop_at:
            district = self.service.get_nomination(nid).district_code
            scope = district if case.award_form == "giay-khen-huyen" else None
            self.sessions.setdefault((case.cycle_year, case.award_form, scope), []).append(nid)
        if stage == "council" and case.ballot_open:
            self.open_ballot(key, nid, t)

    def open_ballot(self, key: str, nid: UUID, t: Timeline) -> None:
        """A session sitting today: four members have voted, demo-council-1 has not yet.
        Voting stays open until 17:00 of the second working day after the demo is seeded,
        so a member who signs in at any hour of the seeding day finds an open ballot."""
        s, council = self.service, f"council/{key}/open"
        sid = s.schedule_council_session(
            demo_context(SECRETARY, f"{council}/schedule", t.council),
            "Phiên họp Hội đồng TĐKT tỉnh – tổng kết 2025",
            t.council,
            list(MEMBERS),
            "bang-khen-tinh",
        ).id
        s.add_to_agenda(demo_context(SECRETARY, f"{council}/agenda", t.council), sid, nid)
        closes_on = s.calendar.add_working_days(self.today, 2)
        s.set_closing_deadline(
            demo_context(SECRETARY, f"{council}/closes", t.council),
            sid,
            datetime.combine(closes_on, VOTING_CLOSES, VIETNAM),
        )
        s.open_session(demo_context(SECRETARY, f"{council}/open", t.council), sid)
        for account in MEMBERS[1:5]:
            s.cast_vote(
                demo_context(member(account), f"{council}/vote/{account}", t.council),
                sid,
                nid,
                "approve",
            )

    def province_review(self, case: Case, key: str, nid: UUID, t: Timeline) -> str:
        story = self.story
        if case.inspect:
            self.inspect(key, nid, t)
        story.judge_open_checks(
            key,
            nid,
            t.province_review,
            "Hồ sơ và biên bản làm việc chứng minh đạt tiêu chí (dữ liệu mẫu).",
        )
        checks = self.service.get_nomination(nid).checks
        not_met = [c["criterion_id"] for c in checks if c["outcome"] == "not_met"]
        if not_met and not case.override:
            criteria = self.service.default_rule_set.criteria
            names = "; ".join(criteria[c].title.vi if c in criteria else c for c in not_met)
            return story.province_review(
                key, nid, t.province_review, "reject", f"Không đạt tiêu chí: {names}."
            )
        for cid in not_met:
            story.override(
                key,
                nid,
                cid,
                t.province_review,
                "Năm sau giảm vượt mức, bù cho năm trước; Ban Thi đua đề nghị xem xét (mẫu).",
            )
        return story.province_review(
            key, nid, t.province_review, "approve", "Đề nghị Hội đồng xem xét."
        )

    def inspect(self, key: str, nid: UUID, t: Timeline) -> None:
        declared = self.service.get_nomination(nid).statistics
        last = str(max(int(y) for y in declared))
        verified = dict(declared[last])
        verified["poor_households"] -= 2
        verified.pop("flows", None)
        self.story.inspect(
            key,
            nid,
            TEAM,
            t.province_review,
            t.visited,
            "Đối chiếu danh sách hộ nghèo tại xã; 2 hộ đã thoát nghèo chưa được cập nhật (mẫu).",
            {last: verified},
        )

    # --- council ------------------------------------------------------------------------

    def hold_council(self, year: int, form: str, scope: str | None, items: list[UUID]) -> None:
        """A session, then the chain after it: the office submits what it recommended and
        the chairman decides three days later; the last cycle's provincial submission waits
        for demo-chairman."""
        s, t = self.service, TIMELINES[year]
        rejecting = {n for n in items if s.get_nomination(n).unit_code in REJECTED_BY_COUNCIL}
        key = f"council/{year}/{form}/{scope or 'province'}"
        sid = self.story.hold_council(
            key,
            f"Phiên họp Hội đồng TĐKT {scope or 'tỉnh'} – đợt {year}"
            f" ({s.default_rule_set.award_form(form).name.vi})",
            t.council,
            MEMBERS,
            form,
            items,
            lambda nid, index, _: self.choice(index, nid in rejecting),
            scope=scope,
            in_writing=MEMBERS[4:5],  # away on the day: votes in writing, as the rule allows
        )
        submitted_on = t.council + timedelta(days=1)
        if year == max(TIMELINES) and scope is None:
            self.story.submit_recommended(key, sid, submitted_on)
        else:
            self.story.decide(key, sid, t.council + timedelta(days=3))

    @staticmethod
    def choice(index: int, rejecting: bool) -> str:
        if index == 6:
            return "recuse" if not rejecting else "abstain"
        if rejecting:
            return "approve" if index < 2 else "reject"
        return "abstain" if index == 5 else "approve"


DEMO_PASSWORD = "thidua-demo"  # noqa: S105 - demo accounts only; listed in README
DEMO_ACCOUNTS: tuple[tuple[str, str, list[dict[str, str | None]]], ...] = (
    (
        "demo-officer",
        "Cán bộ đơn vị (mẫu)",
        [{"role": "unit_officer", "scope": "83"}, {"role": "unit_officer", "scope": "86"}],
    ),
    (
        "demo-district-831",
        "Phòng Nội vụ Châu Thành (mẫu)",
        [{"role": "district_reviewer", "scope": "831"}],
    ),
    (
        "demo-district-829",
        "Phòng Nội vụ TP Bến Tre (mẫu)",
        [{"role": "district_reviewer", "scope": "829"}],
    ),
    (
        "demo-province-reviewer",
        "Ban Thi đua – Khen thưởng (mẫu)",
        [{"role": "province_reviewer", "scope": None}],
    ),
    ("demo-inspector", "Đoàn kiểm tra 1 (mẫu)", [{"role": "inspector", "scope": TEAM}]),
    ("demo-secretary", "Thư ký Hội đồng (mẫu)", [{"role": "council_secretary", "scope": None}]),
    *(
        (m, f"Ủy viên Hội đồng {i} (mẫu)", [{"role": "council_member", "scope": None}])
        for i, m in enumerate(MEMBERS, start=1)
    ),
    ("demo-auditor", "Thanh tra (mẫu)", [{"role": "auditor", "scope": None}]),
    (
        "demo-chairman",
        "Chủ tịch UBND tỉnh (mẫu)",
        [
            {"role": "awarding_authority", "scope": "ubnd-tinh-ben-tre"},
            {"role": "awarding_authority", "scope": "ubnd-tinh-vinh-long"},
        ],
    ),
)
ADMIN_ACTOR = Actor("admin", (Grant(Role.ADMIN),))


def seed_accounts(service: NominationService) -> None:
    """One account per role (password ``thidua-demo``); seeding again changes nothing."""
    from thidua.passwords import hash_password

    hashed = hash_password(DEMO_PASSWORD)
    for username, name, grants in DEMO_ACCOUNTS:
        if service.find_account(username) is None:
            service.register_account(
                CommandContext(ADMIN_ACTOR, f"demo/account/{username}", "demo", date(2024, 1, 2)),
                username,
                hashed,
                grants,
                name,
            )


def seed_demo(
    service: NominationService,
    units_file: Path,
    out: TextIO | None = None,
    today: date | None = None,
    people: PeopleRegister | None = None,
) -> None:
    """Records the sample story; every command id is fixed, so it records nothing twice.
    Its dossiers in flight are dated from ``today`` (Vietnam's, unless given)."""
    import io

    seed_accounts(service)
    statistics = json.loads(units_file.read_text("utf-8")).get("synthetic_statistics", {})
    demo = Demo(service, statistics, out or io.StringIO())
    if today is not None:
        demo.today = today
    demo.run(people)


def seed_demo_with_people(settings: Settings, service: NominationService) -> None:
    """The demo, with its people in the register of people beside the views."""
    with demo_people(settings) as people:
        seed_demo(service, settings.units_file, people=people)


@contextmanager
def demo_people(settings: Settings) -> Iterator[PeopleRegister]:
    """The register of people beside the views, for the demo's people."""
    database = views_database(settings)
    try:
        yield PeopleRegister(database)
    finally:
        database.close()


SAMPLE_IMPORT = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE_IMPORT /= "poverty-figures-2021-2025.xlsx"


def hold_sample_import(waiting: Path) -> None:
    """The province has the poverty review's spreadsheet waiting to be previewed."""
    if SAMPLE_IMPORT.is_file() and not (waiting / SAMPLE_IMPORT.name).exists():
        waiting.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE_IMPORT, waiting / SAMPLE_IMPORT.name)


def run_demo(
    service: NominationService, units_file: Path, out: TextIO, people: PeopleRegister | None = None
) -> int:
    try:
        seed_demo(service, units_file, out, people=people)
    except DomainError as error:  # pragma: no cover - the demo's story is consistent
        out.write(f"demo stopped: {error}\n")
        return 1
    report(service, list(CASES), out)
    return 0


def report(service: NominationService, cases: list[Case], out: TextIO) -> None:
    from domain.nomination import nomination_id

    write: Callable[[str], object] = out.write
    write("thidua demo — dữ liệu mẫu (synthetic data)\n")
    for case in cases:
        nid = nomination_id(case.unit_code, case.award_form, case.cycle_year)
        n = service.get_nomination(nid)
        write(f"\n{n.unit_name} [{n.unit_code}] — {n.award_form}, đợt {n.cycle_year}\n")
        write(f"  {case.story}\n")
        for check in n.checks:
            write(f"  • {check['criterion_id']}: {check['outcome']} ({check['basis']})\n")
            write(f"    {check['explanation']['en']}\n")
        for cid, override in n.overrides.items():
            write(f"  ↳ override of {cid}: {override['reason']}\n")
        if n.recommendation:
            tally = n.recommendation["tally"]
            write(
                f"  Council: {n.recommendation['recommendation']} (approve {tally['approve']},"
                f" reject {tally['reject']}, abstain {tally['abstain']}, recuse"
                f" {tally['recuse']})\n"
            )
        if n.award_decision:
            d = n.award_decision
            write(
                f"  Decision: {n.outcome} — {d['number']} of {d['date']} by {d['authority']}"
                f" ({d['signs_as']})\n"
            )
        else:
            write(f"  Stage: {n.stage}; outcome: {n.outcome or '—'}\n")
        write(f"  Events: {n.version}; chain head {n.chain_head[:16]}…\n")


def make_demo_signing_keys(settings: Settings, service: NominationService) -> None:
    """A test certificate authority and a signing key for every authority the demo's
    decisions come from: the provinces before and after the merger, and the districts."""
    from documents.signing import make_demo_keys
    from domain.authorities import known_authorities
    from thidua.bootstrap import DEMO_SIGNING_PASSPHRASE

    districts = [u.code for u in service.registry() if u.kind.value == "district"]
    authorities = known_authorities(service.default_rule_set, districts)
    make_demo_keys(
        settings.signing_folder,
        {a.id: f"{a.name.vi} (mẫu)" for a in authorities},
        DEMO_SIGNING_PASSPHRASE.encode(),
    )
