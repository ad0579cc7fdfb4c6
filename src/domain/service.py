"""The application service: one notification log, its use cases combined from
``domain.usecases``; each command is load → decide → save.

Every command takes a ``CommandContext``; repeating a command id changes nothing. Reads
return frozen DTOs, never aggregates.
"""

from __future__ import annotations

from domain.application import ServiceBase
from domain.audit import AuditQueries
from domain.usecases.accounts import AccountCases
from domain.usecases.council import CouncilCases
from domain.usecases.cycles import CycleCases
from domain.usecases.documents import DocumentCases
from domain.usecases.figures import FigureCases
from domain.usecases.inspections import InspectionCases
from domain.usecases.nominations import NominationCases
from domain.usecases.reads import ReadCases
from domain.usecases.writers import WriterCases


class NominationService(
    NominationCases,
    InspectionCases,
    CouncilCases,
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
