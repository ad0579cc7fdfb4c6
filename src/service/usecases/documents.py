"""The records a council's documents are made from, and checking a document against them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from domain.chain import GENESIS, RESERVED_PREFIX, digest_of, occurred_at
from domain.council import CouncilSession
from domain.documents import (
    CouncilRecord,
    DocumentCheck,
    DocumentId,
    DocumentKind,
    RecordRef,
    RecordState,
)
from domain.errors import DomainError, StageTransitionError
from domain.nomination import Nomination
from domain.store import ChainMapper
from domain.submission import Submission
from service.application import SESSION
from service.usecases.reads import ReadCases
from service.usecases.submissions import SUBMISSION

# What a session's close records on a dossier: a recommendation, a deferral, or, before the
# decision chain, the council's decision itself.
COUNCIL_OUTCOMES = (
    Nomination.CouncilRecommended,
    Nomination.CouncilDeferred,
    Nomination.CouncilDecided,
)


class DocumentCases(ReadCases):
    def council_record(self, sid: UUID) -> CouncilRecord:
        """The session as its close left it, and each item's nomination as the council's
        decision or deferral left it; refused while the session is not closed."""
        closing = None
        for event in self.events.get(sid):
            if isinstance(event, CouncilSession.SessionClosed):
                closing = event
        if closing is None:
            self._load(SESSION, sid)  # an unknown session is a 404, not a 409
            raise StageTransitionError(
                "the session is not closed: its minutes and decision exist once it closes",
                session_id=str(sid),
            )
        version = closing.originator_version
        session = self.get_session(sid, version)
        records = [RecordRef(str(sid), version, digest_of(closing))]
        nominations = {}
        decision_number: str | None = None
        closed_on: date = occurred_at(closing).date()
        for item in session.agenda:
            outcome = None
            for event in self.events.get(UUID(item)):
                if isinstance(event, COUNCIL_OUTCOMES) and event.session_id == str(sid):
                    outcome = event
            if outcome is None:
                raise StageTransitionError(
                    f"nomination {item} holds no outcome of this session", session_id=str(sid)
                )
            records.append(RecordRef(item, outcome.originator_version, digest_of(outcome)))
            n = self.get_nomination(UUID(item), version=outcome.originator_version)
            nominations[item] = n
            if n.decision and n.decision.get("session_id") == str(sid):
                decision_number = n.decision.get("decision_number") or decision_number
                closed_on = date.fromisoformat(str(n.decision["decision_date"]))
        at_close: CouncilSession = self._load(SESSION, sid, version)
        recused = {item: members for item, members in at_close.recusals().items() if members}
        return CouncilRecord(
            session, nominations, tuple(records), closed_on, decision_number, recused
        )

    def decision_record(self, submission_id: UUID) -> CouncilRecord:
        """The chairman's decision on a submission: the submission as its decision left it,
        the recommending session as its close left it, and each dossier as the decision left
        it; refused while the submission waits."""
        decided = None
        for event in self.events.get(submission_id):
            if isinstance(event, Submission.Decided):
                decided = event
        if decided is None:
            self._load(SUBMISSION, submission_id)  # an unknown submission is a 404
            raise StageTransitionError(
                "the submission is not decided: its decision exists once it is signed",
                submission_id=str(submission_id),
            )
        submission: Submission = self._load(SUBMISSION, submission_id, decided.originator_version)
        session = self.council_record(UUID(submission.session_id))
        records = [
            RecordRef(str(submission_id), decided.originator_version, digest_of(decided)),
            session.records[0],
        ]
        nominations = dict(session.nominations)
        for nid in submission.nomination_ids:
            outcome = None
            for event in self.events.get(UUID(nid)):
                if isinstance(event, Nomination.AwardDecided):
                    outcome = event
            if outcome is None:
                raise StageTransitionError(
                    f"nomination {nid} holds no decision of this submission",
                    submission_id=str(submission_id),
                )
            records.append(RecordRef(nid, outcome.originator_version, digest_of(outcome)))
            nominations[nid] = self.get_nomination(UUID(nid), version=outcome.originator_version)
        made = submission.decision or {}
        return replace(
            session,
            nominations=nominations,
            records=tuple(records),
            closed_on=date.fromisoformat(str(made["signed_on"])),
            decision_number=str(made["number"]),
            decision=dict(made),
            submission=submission.summary_dict(),
        )

    def submission_record(self, submission_id: UUID) -> CouncilRecord:
        """The office's submission as prepared, the recommending session as its close left
        it, and each dossier as the council's recommendation left it."""
        prepared = next(iter(self.events.get(submission_id, lte=1)), None)
        if not isinstance(prepared, Submission.Prepared):
            self._load(SUBMISSION, submission_id)  # raises: an unknown submission is a 404
            raise StageTransitionError("not a submission", submission_id=str(submission_id))
        submission: Submission = self._load(SUBMISSION, submission_id, 1)
        session = self.council_record(UUID(submission.session_id))
        ref = RecordRef(str(submission_id), 1, digest_of(prepared))
        return replace(
            session,
            records=(ref, *session.records),
            closed_on=submission.prepared_on,
            decision_number=None,
            submission=submission.summary_dict(),
        )

    def session_decision_record(self, sid: UUID) -> CouncilRecord:
        """The decision on what this session considered: the chairman's, on the submission of
        its recommendations; or, for a session whose vote decided before the decision chain,
        the session's own record. Refused until the chairman has decided."""
        record = self.council_record(sid)
        if record.decision_number is not None:
            return record
        decided = {
            str(n.award_decision["submission_id"])
            for n in (self.get_nomination(UUID(item)) for item in record.session.agenda)
            if n.award_decision
        }
        if not decided:
            raise StageTransitionError(
                "the council advises and the chairman decides: no decision has been made on"
                " the submission of what this session recommended",
                session_id=str(sid),
            )
        return self.decision_record(UUID(min(decided)))

    def document_id(self, record: CouncilRecord, kind: DocumentKind) -> str:
        """The id a document made from ``record`` carries: only this product can make it."""
        return str(record.document_id(kind, self.document_key))

    def check_document(self, document_id: str) -> DocumentCheck:
        """Whether the records a document names are intact and still what it was made
        from: every chain up to its version verifies, and their digest is the one the
        document's id carries. Anyone may ask; the answer holds nothing confidential."""
        wanted = DocumentId.parse(document_id)
        try:
            if wanted.kind is DocumentKind.SUBMISSION:
                record = self.submission_record(wanted.subject_id)
            elif wanted.kind is DocumentKind.DECISION and self._is_submission(wanted.subject_id):
                record = self.decision_record(wanted.subject_id)
            else:
                record = self.council_record(wanted.subject_id)
        except DomainError as error:
            return DocumentCheck(document_id, RecordState.CHANGED, None, [str(error)])
        except Exception as error:  # a stored record that no longer even loads
            return DocumentCheck(
                document_id, RecordState.BROKEN, None, [f"a record cannot be read: {error}"]
            )
        problems = [p for ref in record.records for p in self._chain_problems(ref)]
        if problems:
            return DocumentCheck(document_id, RecordState.BROKEN, None, problems)
        if not wanted.matches(self.document_key, record.digest):
            return DocumentCheck(
                document_id,
                RecordState.CHANGED,
                record.digest,
                ["the records are no longer those the document was made from"],
            )
        return DocumentCheck(document_id, RecordState.INTACT, record.digest, [], record)

    def _is_submission(self, subject_id: UUID) -> bool:
        first = next(iter(self.events.get(subject_id, lte=1)), None)
        return isinstance(first, Submission.Prepared)

    def _chain_problems(self, ref: RecordRef) -> list[str]:
        """Walks an aggregate's stored events up to the version, hashing each as stored."""
        mapper = self.mapper
        if not isinstance(mapper, ChainMapper):
            raise TypeError("checking needs the chain mapper of domain.store")
        previous, expected = GENESIS, 1
        for stored in self.recorder.select_events(UUID(ref.aggregate_id), lte=ref.version):
            where = f"{ref.aggregate_id} version {stored.originator_version}"
            if stored.originator_version != expected:
                return [f"{ref.aggregate_id} version {expected} is missing"]
            try:
                content = mapper.stored_content(stored)
            except Exception as error:
                return [f"{where} cannot be read: {error}"]
            if any(k.startswith(RESERVED_PREFIX) for k in content.state):
                return [f"{where} holds a field no event records"]
            if content.state.get("prev_hash") != previous:
                return [f"{ref.aggregate_id} version {expected - 1} was changed"]
            previous, expected = content.digest, expected + 1
        if expected - 1 != ref.version:
            return [f"{ref.aggregate_id} version {expected} is missing"]
        return []
