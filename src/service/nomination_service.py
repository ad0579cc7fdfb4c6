"""The application service: one notification log, its use cases combined from
``service.usecases``; each command is load → decide → save.

Every command takes a ``CommandContext``; repeating a command id changes nothing. Reads
return frozen DTOs, never aggregates.
"""

from __future__ import annotations

from service.application import ServiceBase
from service.audit import AuditQueries
from service.usecases.accounts import AccountCases
from service.usecases.council import CouncilCases
from service.usecases.cycles import CycleCases
from service.usecases.documents import DocumentCases
from service.usecases.figures import FigureCases
from service.usecases.holds import HoldCases
from service.usecases.inspections import InspectionCases
from service.usecases.nominations import NominationCases
from service.usecases.reads import ReadCases
from service.usecases.recoveries import RecoveryCases
from service.usecases.submissions import SubmissionCases
from service.usecases.writers import WriterCases


class NominationService(
    NominationCases,
    InspectionCases,
    CouncilCases,
    SubmissionCases,
    HoldCases,
    RecoveryCases,
    AccountCases,
    CycleCases,
    DocumentCases,
    FigureCases,
    ReadCases,
    WriterCases,
    AuditQueries,
    ServiceBase,
):
    """The use cases of the product, on an event store chosen by ``env``."""

    name = "thidua"
