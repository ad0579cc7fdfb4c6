"""Which product process wrote each event: Ed25519 writer signatures and their keyring.

Whoever holds the database role can append a well-formed event with a correct chain
link; only a product process holds the writer key (kept outside the database, one per
deployment, shared by its processes like the token key). Every event the product records
carries ``<key id>:<signature>`` over its digest, beside its state and outside what the
digest covers (see ``domain.store``).

The keyring is in the log itself, in the ``WriterKeys`` aggregate, so the log's
append-only guard, hash chain and receipts protect it: a key counts only with a
certificate from the audit key (which the database never holds), from the position of
the event that registered it up to the one that retired it. The first of those events
also states the Merkle root of the log written before signing began: verify accepts an
unsigned event only at or below that position, and only while the log there still hashes
to that root.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import NAMESPACE_URL, UUID, uuid5

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from eventsourcing.domain import event

from domain.access import require_grant
from domain.chain import ChainedAggregate
from domain.context import Role
from domain.errors import AlreadyExists, InvalidInput

WRITER_SIGNATURE = "_writer"
"""The key, in a stored event's state, of its writer signature (not part of its digest)."""

EVENT_DOMAIN = b"thidua-event/1:"
CERTIFICATE_DOMAIN = b"thidua-writer-key/1:"


def writer_keys_id() -> UUID:
    return uuid5(NAMESPACE_URL, "/writer-keys")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


class WriterKey:
    """This deployment's writer key: it signs every event the product records."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = _b64(raw)
        self.key_id = key_id_of(raw)
        self._prefix = self.key_id + ":"

    @classmethod
    def generate(cls) -> WriterKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> WriterKey:
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except ValueError as error:
            raise ValueError(f"writer_key: not a PEM private key ({error})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("writer_key: must be an Ed25519 private key in PEM")
        return cls(key)

    def pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def sign(self, digest: str) -> str:
        """``<key id>:<base64 Ed25519 signature>`` over an event's digest."""
        return self._prefix + _b64(self.private.sign(EVENT_DOMAIN + digest.encode("ascii")))

    @property
    def certificate_message(self) -> bytes:
        return certificate_message(self.key_id, self.public_key)


def certificate_message(key_id: str, public_key: str) -> bytes:
    """What the audit key signs to admit a writer key to the keyring."""
    return CERTIFICATE_DOMAIN + f"{key_id}:{public_key}".encode("ascii")


class WriterKeys(ChainedAggregate):
    """The writer keys a deployment has used, each with its period, and the statement of
    the log written before the first of them."""

    @staticmethod
    def create_id() -> UUID:
        return writer_keys_id()

    class Began(ChainedAggregate.Created):
        """Signing began: the log up to ``upto`` has the Merkle root ``root``, and the first
        key is ``key_id``."""

        upto: int
        root: str
        key_id: str
        public_key: str
        certificate: str

    @event(Began)
    def __init__(
        self, upto: int, root: str, key_id: str, public_key: str, certificate: str
    ) -> None:
        self.began_upto = upto
        self.began_root = root
        self.keys: dict[str, str] = {key_id: public_key}
        self.retired: list[str] = []

    @classmethod
    def begin(cls, upto: int, root: str, key: WriterKey, certificate: str) -> WriterKeys:
        require_grant("begin signing the log", Role.SYSTEM, also=(Role.ADMIN,))
        return cls(
            upto=upto,
            root=root,
            key_id=key.key_id,
            public_key=key.public_key,
            certificate=certificate,
        )

    def register(self, key: WriterKey, certificate: str) -> None:
        require_grant("register a writer key", Role.SYSTEM, also=(Role.ADMIN,))
        if key.key_id in self.retired:
            raise InvalidInput("writer_key", f"key {key.key_id} was retired: make a new one")
        if key.key_id in self.keys:
            raise AlreadyExists(f"writer key {key.key_id} is registered", key_id=key.key_id)
        self._registered(key_id=key.key_id, public_key=key.public_key, certificate=certificate)

    class KeyRegistered(ChainedAggregate.Event):
        key_id: str
        public_key: str
        certificate: str

    @event(KeyRegistered)
    def _registered(self, key_id: str, public_key: str, certificate: str) -> None:
        self.keys[key_id] = public_key

    def retire(self, key_id: str, signing_with: str) -> None:
        require_grant("retire a writer key", Role.ADMIN, also=(Role.SYSTEM,))
        if key_id not in self.keys:
            raise InvalidInput("key_id", f"no writer key {key_id} is registered")
        if key_id in self.retired:
            raise AlreadyExists(f"writer key {key_id} is retired already", key_id=key_id)
        if key_id == signing_with:
            raise InvalidInput(
                "key_id",
                "this process still signs with it: retire it from one that has the new key",
            )
        self._retired(key_id=key_id)

    class KeyRetired(ChainedAggregate.Event):
        key_id: str

    @event(KeyRetired)
    def _retired(self, key_id: str) -> None:
        self.retired.append(key_id)


def keyring_topics() -> tuple[str, ...]:
    return tuple(
        f"{cls.__module__}:{cls.__qualname__}"
        for cls in (WriterKeys.Began, WriterKeys.KeyRegistered, WriterKeys.KeyRetired)
    )


@dataclass
class KeyPeriod:
    """One writer key and the log positions its signatures are good for."""

    key_id: str
    public_key: str
    from_position: int
    until_position: int | None = None
    verifier: Ed25519PublicKey | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "key_id": self.key_id,
            "public_key": self.public_key,
            "from_position": self.from_position,
            "until_position": self.until_position,
        }


class KeyringError(Exception):
    """A keyring event the audit key did not certify, or that contradicts another."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"position {position}: {reason}")
        self.position = position
        self.reason = reason


@dataclass
class Keyring:
    """The certified writer keys with their periods, and where signing began."""

    keys: dict[str, KeyPeriod] = field(default_factory=dict)
    began_at: int | None = None
    """The position of the statement; None while the store has never had a writer key."""
    began_upto: int = 0
    began_root: str = ""

    def admit(
        self,
        position: int,
        topic: str,
        state: dict[str, object],
        certified: Callable[[bytes, bytes], bool],
    ) -> None:
        """Adds one keyring event (read from the log at ``position``), checking its
        certificate with ``certified(signature, message)``; raises KeyringError."""
        name = topic.rsplit(".", 1)[-1]
        key_id = str(state.get("key_id", ""))
        if name in ("Began", "KeyRegistered"):
            public_key = str(state.get("public_key", ""))
            try:
                raw = base64.b64decode(public_key, validate=True)
                signature = base64.b64decode(str(state.get("certificate", "")), validate=True)
                verifier = Ed25519PublicKey.from_public_bytes(raw)
            except (binascii.Error, ValueError):
                raise KeyringError(position, f"writer key {key_id} is malformed") from None
            if key_id_of(raw) != key_id or not certified(
                signature, certificate_message(key_id, public_key)
            ):
                raise KeyringError(
                    position, f"writer key {key_id} has no valid certificate from the audit key"
                )
            if key_id in self.keys:
                raise KeyringError(position, f"writer key {key_id} is registered twice")
            self.keys[key_id] = KeyPeriod(key_id, public_key, position, verifier=verifier)
            if name == "Began":
                if self.began_at is not None:
                    raise KeyringError(position, "signing began twice")
                upto = state.get("upto")
                if not isinstance(upto, int) or upto < 0 or upto >= position:
                    raise KeyringError(position, "its statement names no earlier position")
                self.began_at, self.began_upto = position, upto
                self.began_root = str(state.get("root", ""))
        elif name == "KeyRetired":
            period = self.keys.get(key_id)
            if period is None or period.until_position is not None:
                raise KeyringError(position, f"retires writer key {key_id}, which is not in use")
            period.until_position = position

    def problem(self, position: int, digest: str, signature: str | None) -> str | None:
        """Why the event at ``position`` with ``digest`` is not proved written by the
        product, or None."""
        if signature is None:
            if self.began_at is not None and position <= self.began_upto:
                return None
            return "carries no writer signature, and no signed statement covers it"
        key_id, _, encoded = signature.partition(":")
        period = self.keys.get(key_id)
        if period is None or period.verifier is None:
            return f"is signed by writer key {key_id!r}, which the keyring does not hold"
        if position < period.from_position and not (
            self.began_at is not None and position <= self.began_upto
        ):
            return f"is signed by writer key {key_id} before that key was registered"
        if period.until_position is not None and position > period.until_position:
            return f"is signed by writer key {key_id} after it was retired"
        try:
            period.verifier.verify(
                base64.b64decode(encoded, validate=True), EVENT_DOMAIN + digest.encode("ascii")
            )
        except (binascii.Error, ValueError, InvalidSignature):
            return f"its writer signature (key {key_id}) does not verify"
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "began": None
            if self.began_at is None
            else {"position": self.began_at, "upto": self.began_upto, "root": self.began_root},
            "keys": [k.to_dict() for k in self.keys.values()],
        }
