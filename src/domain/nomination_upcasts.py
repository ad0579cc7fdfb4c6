"""How a dossier's snapshots taken under earlier class versions are brought up to date: the
library calls ``upcast_v<n>_v<n+1>`` on the aggregate's class (``Nomination.class_version``)
for each version a snapshot's state is behind."""

from __future__ import annotations

from typing import Any

from domain.dossier import Complaint, CouncilDecision, Revocation, Visit


class SnapshotUpcasts:
    """Mixed into the Nomination: its snapshot upcasts."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken before the dossier values existed."""
        state["visits"] = {k: Visit.from_dict(v) for k, v in state["visits"].items()}
        state["complaints"] = {k: Complaint.from_dict(v) for k, v in state["complaints"].items()}
        if state.get("decision") is not None:
            state["decision"] = CouncilDecision.from_dict(state["decision"])
        if state.get("revocation") is not None:
            state["revocation"] = Revocation.from_dict(state["revocation"])

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """A snapshot taken before the register of official figures."""
        state["official_statistics"] = {}
        state["official_differences"] = {}
        state["summed_from"] = {}

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """A snapshot taken before reviews were kept: those before it are in the log only."""
        state["reviews"] = []
