"""The API as an attacker meets it: the same app the API tests use, plus ways to vary who calls."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_PASSWORD, PASSWORD, Api, api, settings_for

pytestmark = pytest.mark.api


def from_address(api: Api, address: str) -> Api:
    """The same app, called from another client address."""
    return Api(TestClient(api.client.app, client=(address, 50000)), api.service)


__all__ = ["ADMIN_PASSWORD", "PASSWORD", "Api", "api", "from_address", "settings_for"]
