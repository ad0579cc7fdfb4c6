"""The service on the in-memory store: fast, and the same contract as every other store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.units import UnitRegistry
from service.nomination_service import NominationService
from tests.service_contract import ServiceContract

pytestmark = pytest.mark.unit


class TestInMemoryService(ServiceContract):
    @pytest.fixture
    def service(self, units: UnitRegistry) -> Iterator[NominationService]:
        app = NominationService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, units=units)
        yield app
        app.close()
