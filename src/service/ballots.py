"""Sealed secret ballots (docs/spec.md §7): a member's choice is recorded encrypted under the
ballot key, which is kept outside the database, and bound to the session, the item and the
member (AES-GCM's associated data), so a sealed ballot cannot be moved to another member or
item. The key's holder opens a session's ballots when it closes, and the result records
what they said, sorted, apart from who cast them."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import StageTransitionError

NONCE = 12


def _bound(session_id: str, item: str, member: str) -> bytes:
    return f"thidua-ballot/1:{session_id}:{item}:{member}".encode()


def sealer(key: bytes, session_id: str) -> Callable[[str, str, str], str]:
    """What ``CouncilSession.cast_vote`` calls to seal a choice: (item, member, choice)."""

    def seal(item: str, member: str, choice: str) -> str:
        nonce = os.urandom(NONCE)
        sealed = AESGCM(key).encrypt(nonce, choice.encode(), _bound(session_id, item, member))
        return base64.b64encode(nonce + sealed).decode("ascii")

    return seal


def open_ballots(
    key: bytes, session_id: str, sealed: dict[str, dict[str, str]]
) -> dict[str, list[str]]:
    """Each item's choices, sorted: whose each was is not kept. A ballot that does not open
    under this key, or was moved from its member or item, is refused by name."""
    opened: dict[str, list[str]] = {}
    for item, ballots in sealed.items():
        choices = []
        for member, text in ballots.items():
            raw = base64.b64decode(text)
            try:
                plain = AESGCM(key).decrypt(
                    raw[:NONCE], raw[NONCE:], _bound(session_id, item, member)
                )
            except InvalidTag:
                raise StageTransitionError(
                    f"a sealed ballot on {item} does not open under this ballot key: the key"
                    " was replaced, or the ballot was changed or moved",
                    session_id=session_id,
                ) from None
            choices.append(plain.decode())
        opened[item] = sorted(choices)
    return opened
