"""Whole stories told through the service, shared by the tests of every store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from uuid import UUID

from domain.accounts import account_id, roster_id
from domain.councils import council_id
from domain.cycles import CycleKind, CycleTerms
from domain.dossier import Attachment
from domain.figures import figures_id
from domain.holds import holds_id
from domain.recovery import recovery_id
from domain.registers import register_id
from domain.submission import Signer, submission_id
from domain.units import catalogue_id
from service.nomination_service import NominationService
from service.usecases.submissions import OFFICE_REGISTER
from tests.factories import (
    ADMIN,
    PROVINCE,
    SECRETARY,
    SYSTEM,
    chairman,
    ctx,
    district_reviewer,
    inspector,
    member,
    officer,
    stats,
)
from thidua.story import Cast, StoryDriver

MEMBERS = [f"member-{i}" for i in range(1, 8)]
GOOD = {
    2021: stats(4000, 400),
    2022: stats(4020, 310, flows={"exited": 100, "newly_poor": 5, "fallen_back": 5, "removed": 0}),
    2023: stats(4040, 220),
}
# Phường 7, xã Bình Phú and xã Thanh Tân: 4.5 % together at end-2021, poor households down
# by more than a fifth a year.
MERGED_PREDECESSORS = {
    "S-829-P7": {2021: (2100, 80), 2022: (2110, 62), 2023: (2120, 48), 2024: (2130, 37)},
    "S-829-BP": {2021: (2600, 120), 2022: (2610, 93), 2023: (2620, 72), 2024: (2630, 55)},
    "S-838-TT": {2021: (3300, 160), 2022: (3310, 125), 2023: (3320, 95), 2024: (3330, 73)},
}
SLOW = {2021: stats(3000, 150), 2022: stats(3010, 130), 2023: stats(3020, 118)}


CAST = Cast(
    officer(), PROVINCE, inspector(), SECRETARY, SYSTEM, district_reviewer, member, chairman
)


@dataclass
class Story:
    """The tests' stories, told through the same driver as the demo's."""

    service: NominationService
    ids: dict[str, UUID] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.driver = StoryDriver(self.service, CAST, lambda who, _, today: ctx(who, today))

    def open(
        self, code: str, figures: dict[int, dict[str, object]], form: str = "bang-khen-tinh"
    ) -> UUID:
        return self.driver.open(
            code, code, form, 2023, figures, "Báo cáo thành tích.", date(2024, 1, 8)
        )

    def to_province_review(self, nid: UUID) -> None:
        self.driver.submit("", nid, date(2024, 1, 15))
        self.driver.district_review("", nid, date(2024, 1, 22))

    def full_lifecycle(self) -> dict[str, UUID]:
        """Every kind of event, in one plausible cycle."""
        s = self.service
        s.configure_cycle(
            ctx(ADMIN, date(2023, 12, 1)),
            CycleTerms(2023, CycleKind.PRELIMINARY, date(2024, 1, 31), (2022, 2023), None),
        )
        s.configure_cycle(
            ctx(ADMIN, date(2023, 12, 2)),
            CycleTerms(2023, CycleKind.PRELIMINARY, date(2024, 1, 31), (2022, 2023), 10),
        )
        s.register_account(
            ctx(ADMIN), "can.bo-xa", "$argon2id$hash", [{"role": "unit_officer", "scope": "831"}]
        )
        s.change_account_grants(ctx(ADMIN), "can.bo-xa", [{"role": "auditor"}])
        # A council member who also works for a nominee is recused from its item.
        s.register_account(
            ctx(ADMIN),
            MEMBERS[-1],
            "$argon2id$hash",
            [{"role": "council_member"}, {"role": "unit_officer", "scope": "S-831-01"}],
        )
        s.change_password(ctx(ADMIN), "can.bo-xa", "$argon2id$other")
        # The province's council as constituted, then recomposed with the same members.
        for number, on in (("5/QĐ-UBND", date(2023, 1, 5)), ("40/QĐ-UBND", date(2023, 6, 1))):
            composed = {"chair": MEMBERS[0], "members": MEMBERS, "valid_from": on}
            terms = {"decision_number": number, "decision_date": on, **composed}
            s.constitute_council(ctx(ADMIN), "province", None, terms)
        s.sign_out(ctx(ADMIN), "can.bo-xa")
        s.deactivate_account(ctx(ADMIN), "can.bo-xa", "Chuyển công tác.")
        s.reactivate_account(ctx(ADMIN), "can.bo-xa")
        s.deactivate_account(ctx(ADMIN), "can.bo-xa", "Nghỉ hưu.")
        s.register_unit(
            ctx(ADMIN),
            {
                "code": "S-831-99",
                "name": "Xã Mới (dữ liệu mẫu)",
                "kind": "commune",
                "parent_code": "831",
                "valid_from": "2024-01-01",
                "valid_to": "2025-06-30",
                "synthetic": True,
            },
        )
        # The register has S-831-01's reviewed figures; 2023's were corrected once, and
        # differ from what the officer declares.
        for year, figures in GOOD.items():
            official = {
                **figures,
                "poor_households": figures["poor_households"] + (1 if year == 2023 else 0),
                "source": {
                    "decision_number": f"{year}/QĐ-UBND",
                    "decision_date": f"{year}-12-20",
                    "issuing_body": "UBND tỉnh Bến Tre",
                },
            }
            s.record_official_figures(ctx(PROVINCE, date(2024, 1, 5)), "S-831-01", year, official)
        s.record_official_figures(
            ctx(PROVINCE, date(2024, 1, 6)),
            "S-831-01",
            2023,
            {**official, "near_poor_households": 150},
            "Bổ sung số hộ cận nghèo.",
        )
        good = self.open("S-831-01", GOOD)
        merged = self.merged_ward()
        stranded = self.stranded_in_district_review()
        s.attach_evidence(
            ctx(officer()), good, Attachment("b" * 64, "quyet-dinh.pdf", "application/pdf", 2048)
        )
        slow = self.open("S-829-02", SLOW)
        dropped = self.open("S-838-01", {})
        s.withdraw_nomination(ctx(officer()), dropped, "Rút hồ sơ.")
        for nid in (good, slow):
            self.to_province_review(nid)

        visit = s.schedule_inspection_visit(ctx(PROVINCE, date(2024, 2, 20)), good, "team-1")
        vid = next(UUID(v) for v in s.get_nomination(good).visits)
        assert visit.id == good
        s.mark_visit_overdue(ctx(SYSTEM, date(2024, 3, 7)), vid)
        s.record_visit_reminder(
            ctx(SYSTEM, date(2024, 3, 7)), vid, ["team-1@example.org"], "Quá hạn"
        )
        s.escalate_visit(ctx(SYSTEM, date(2024, 3, 14)), vid, "board-head", "Quá hạn 5 ngày")
        s.claim_visit(ctx(inspector(), date(2024, 3, 14)), vid)
        verified = dict(GOOD[2023], poor_households=218)
        s.file_visit_report(
            ctx(inspector(), date(2024, 3, 14)),
            vid,
            date(2024, 3, 14),
            "Đã đối chiếu.",
            "discrepancy",
            {"2023": verified},
        )
        s.override_check(ctx(PROVINCE, date(2024, 3, 15)), slow, "commune-high-pp2", "Lý do.")
        s.record_reminder(
            ctx(SYSTEM, date(2024, 3, 15)), good, "province_review", ["p@x.org"], "Sắp đến hạn"
        )
        s.mark_deadline_missed(
            ctx(SYSTEM, date(2024, 3, 15)), good, "province_review", s.get_nomination(good).due_on
        )  # type: ignore[arg-type]
        s.record_escalation(
            ctx(SYSTEM, date(2024, 3, 15)), good, "province_review", "board-head", "Quá hạn"
        )
        for nid in (good, slow):
            s.complete_province_review(
                ctx(PROVINCE, date(2024, 3, 15)), nid, "approve", "Trình Hội đồng."
            )

        complaint, _ = s.file_complaint(
            ctx(PROVINCE, date(2024, 3, 20)), good, "Phản ánh.", "Người dân"
        )
        s.resolve_complaint(
            ctx(PROVINCE, date(2024, 3, 25)), good, complaint, "Không có cơ sở.", False
        )
        for nid in (good, slow):
            s.end_public_notice(ctx(SYSTEM, date(2024, 4, 1)), nid)
        late, _ = s.file_complaint(ctx(SECRETARY, date(2024, 4, 2)), slow, "Tố cáo.", "Người dân")

        # slow: deferred; one member, away, votes in writing
        sid = self.council([good, slow], {good}, date(2024, 4, 3), in_writing=(MEMBERS[1],))
        s.attach_signed_decision(
            ctx(SECRETARY, date(2024, 4, 4)),
            sid,
            Attachment("a" * 64, "quyet-dinh-ky.pdf", "application/pdf", 48_213),
            "b" * 64,
            f"decision.{sid}.{'b' * 16}",
        )
        s.resolve_complaint(ctx(SECRETARY, date(2024, 4, 5)), slow, late, "Đã xử lý.", True)
        self.council([slow], approve=set(), date_=date(2024, 4, 10))
        # Revoked, its prize to be recovered within ten working days; late, then recovered.
        revoked = ctx(chairman(), date(2024, 6, 3))
        s.revoke_award(revoked, good, "Kê khai sai.", "99/QĐ-UBND", recover_within=10)
        late_on = date(2024, 6, 20)
        s.mark_recovery_overdue(ctx(SYSTEM, late_on), good)
        s.record_recovery_reminder(ctx(SYSTEM, late_on), good, ["p@x.org"], "Quá hạn")
        s.escalate_recovery(ctx(SYSTEM, late_on), good, "board_head", "Quá hạn thu hồi")
        amount = s.get_recovery(good)["amount_vnd"]  # type: ignore[index]
        s.record_recovery(ctx(PROVINCE, date(2024, 6, 24)), good, amount, "PT-0153", late_on)
        # A hold on a nominee, placed while an inspection runs, cleared by its conclusion.
        s.place_hold(
            ctx(PROVINCE, date(2024, 6, 3)),
            "S-838-01",
            "inspection",
            "Đang thanh tra.",
            "12/QĐ-TTr",
        )
        s.clear_hold(
            ctx(PROVINCE, date(2024, 6, 25)),
            "S-838-01",
            "H1",
            "45/KL-TTr",
            date(2024, 6, 24),
            "Không có vi phạm.",
        )
        return {
            "good": good,
            "slow": slow,
            "dropped": dropped,
            "visit": vid,
            "session": sid,
            "account": account_id("can.bo-xa"),
            "roster": roster_id(),
            "units": catalogue_id(),
            "figures": figures_id("S-831-01", 2023),
            "merged": merged,
            "stranded": stranded,
            "submission": submission_id(sid, "ubnd-tinh-ben-tre"),
            "submissions": register_id(OFFICE_REGISTER, 2024),
            "decisions": register_id("ubnd-tinh-ben-tre/QĐ-UBND", 2024),
            "council": council_id("province", None),
            "recovery": recovery_id(good),
            "holds": holds_id("S-838-01"),
        }

    def stranded_in_district_review(self) -> UUID:
        """A dossier in district review on 30/6/2025, moved on 1/7/2025 when the district
        level ended."""
        s = self.service
        on = date(2025, 1, 6)
        nid = s.open_nomination(ctx(officer(), on), "S-829-01", "bang-khen-tinh", 2024).id
        for year, figures in SLOW.items():
            s.record_statistics(ctx(officer(), on), nid, year, figures)
        s.record_statistics(ctx(officer(), on), nid, 2024, stats(3030, 110))
        s.write_achievement_report(ctx(officer(), on), nid, "Báo cáo thành tích.")
        s.submit_nomination(ctx(officer(), date(2025, 6, 20)), nid)
        s.cut_over(ctx(SYSTEM, date(2025, 6, 30)), nid)  # the district level still exists
        s.cut_over(ctx(SYSTEM, date(2025, 7, 1)), nid)
        return nid

    def merged_ward(self) -> UUID:
        """Phường Bến Tre, formed on 1/7/2025 from three units, submitted for the 2025 final
        review: its years before the merger are its predecessors' official figures, summed."""
        s = self.service
        for code, years in MERGED_PREDECESSORS.items():
            for year, (total, poor) in years.items():
                figures = {
                    "total_households": total,
                    "poor_households": poor,
                    "source": {
                        "decision_number": f"{year}/QĐ-UBND",
                        "decision_date": f"{year}-12-20",
                        "issuing_body": "UBND tỉnh Bến Tre",
                    },
                }
                s.record_official_figures(ctx(PROVINCE, date(2025, 6, 1)), code, year, figures)
        on = date(2026, 1, 5)
        ward_2025 = {
            "total_households": 8100,
            "poor_households": 125,
            "source": {
                "decision_number": "2025/QĐ-UBND",
                "decision_date": "2025-12-20",
                "issuing_body": "UBND tỉnh Vĩnh Long",
            },
        }
        s.record_official_figures(ctx(PROVINCE, on), "28789", 2025, ward_2025)
        nid = s.open_nomination(ctx(officer("86"), on), "28789", "bang-khen-tinh", 2025).id
        s.write_achievement_report(ctx(officer("86"), on), nid, "Báo cáo thành tích.")
        s.submit_nomination(ctx(officer("86"), date(2026, 1, 12)), nid)
        return nid

    def recommended(self, codes: tuple[str, ...] = ("S-831-01",)) -> tuple[UUID, list[UUID]]:
        """A session of 3/4/2024 that recommended these dossiers, none of them decided yet."""
        ids = [self.open(code, GOOD) for code in codes]
        for nid in ids:
            self.to_province_review(nid)
            self.service.complete_province_review(
                ctx(PROVINCE, date(2024, 3, 15)), nid, "approve", ""
            )
            self.service.end_public_notice(ctx(SYSTEM, date(2024, 4, 1)), nid)
        sid = self.council(ids, approve=set(ids), date_=date(2024, 4, 3), decided=False)
        return sid, ids

    def awarded(self, code: str = "S-831-01") -> UUID:
        """A dossier the council recommended on 3/4/2024 and the province's chairman awarded,
        on the office's submission, on 5/4/2024."""
        day = date(2024, 4, 5)
        sid, [nid] = self.recommended((code,))
        submission = self.service.prepare_submission(ctx(PROVINCE, day), sid, [nid], "Kính trình.")
        self.service.decide_submission(
            ctx(chairman(), day),
            submission.id,
            day,
            Signer("Chủ tịch", "A"),
            {str(nid): "Đạt."},
            {},
        )
        return nid

    def remind(self, sid: UUID, on: date) -> None:
        """The secretary asks for a reminder, and the session's workflow records it."""
        self.service.request_session_reminder(ctx(SECRETARY, on), sid)
        self.service.record_session_reminder(ctx(SYSTEM, on), sid, ["member-1@x.org"], "Nhắc")

    def council(
        self,
        items: list[UUID],
        approve: set[UUID],
        date_: date,
        decided: bool = True,
        in_writing: tuple[str, ...] = (),
    ) -> UUID:
        """A session on these items; with ``decided``, the chairman decides what it
        recommended under the chancery's number 15/QĐ-UBND; ``in_writing``, members who vote
        in writing without attending."""
        return self.driver.hold_council(
            "council",
            "Phiên họp",
            date_,
            MEMBERS,
            "bang-khen-tinh",
            items,
            lambda nid, _, __: "approve" if nid in approve else "reject",
            closes_at=datetime.combine(date_, time(17), UTC),
            decision_number="15/QĐ-UBND" if decided else None,
            before_ballots=lambda sid: self.remind(sid, date_),
            in_writing=in_writing,
        )
