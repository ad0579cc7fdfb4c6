"""The writer keyring: signing begins, keys are registered and retired, and the keyring
is read back from the log (see ``domain.writers``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from eventsourcing.application import Application
from eventsourcing.persistence import MapperDeserialisationError

from domain.context import CommandContext
from domain.errors import AlreadyExists, InvalidInput, NotFound
from domain.merkle import StreamingRoot
from domain.store import ChainMapper, log_pages
from domain.summaries import CommandResult
from domain.writers import Keyring, KeyringError, WriterKeys, keyring_topics, writer_keys_id
from service.application import Kind
from service.log_tree import log_leaves
from service.lookups import Lookups

WRITERS = Kind(WriterKeys, lambda _: NotFound("signing has not begun on this store"))

Certified = Callable[[bytes, bytes], bool]
"""Whether a signature over a message is the audit key's."""


def log_root(app: Application[Any], upto: int) -> str:
    """The RFC 6962 root of the log's first ``upto`` positions, as receipts hash it."""
    root = StreamingRoot()
    for leaf in log_leaves(app, upto):
        root.add(leaf.entry())
    return root.root()


def read_keyring(app: Application[Any], upto: int, certified: Certified) -> Keyring:
    """The keyring as the log up to ``upto`` states it, each key checked against the
    audit key; raises KeyringError at the first event that does not hold."""
    mapper = cast(ChainMapper, app.mapper)
    keyring = Keyring()
    for page in log_pages(app.recorder, upto=upto, topics=keyring_topics()):
        for n in page:
            try:
                state = mapper.stored_content(n).state
            except MapperDeserialisationError as error:
                raise KeyringError(n.id, f"cannot be read: {error}") from None
            keyring.admit(n.id, n.topic, state, certified)
    return keyring


class WriterCases(Lookups):
    """Signing the log: the keyring's commands and its reading."""

    def ensure_writer(self, ctx: CommandContext, certificate: str) -> CommandResult | None:
        """Registers this instance's writer key, certified by the audit key; the first
        key of a store also states the Merkle root of the log written before it. None
        when the key is registered already."""
        key = self.writer_key
        for _ in range(3):  # another process may begin signing at the same instant
            try:
                keys = self._load(WRITERS, writer_keys_id())
            except NotFound:
                try:
                    return self._begin(ctx, certificate)
                except AlreadyExists:
                    continue
            if key.key_id in keys.retired:
                raise InvalidInput(
                    "writer_key", f"key {key.key_id} was retired: this process must not sign"
                )
            if key.key_id in keys.keys:
                return None
            return self._execute(
                ctx, WRITERS, writer_keys_id(), lambda w: w.register(key, certificate)
            )
        raise AlreadyExists("the writer keyring changed three times meanwhile: try again")

    def _begin(self, ctx: CommandContext, certificate: str) -> CommandResult:
        head = self.recorder.max_notification_id() or 0
        root = log_root(self, head)
        key = self.writer_key
        return self._create(
            ctx,
            writer_keys_id(),
            lambda: WriterKeys.begin(head, root, key, certificate),
            "the writer keyring",
        )

    def retire_writer(self, ctx: CommandContext, key_id: str) -> CommandResult:
        """Ends a writer key's period here: its signatures on later events are refused."""
        signing_with = self.writer_key.key_id
        return self._execute(
            ctx, WRITERS, writer_keys_id(), lambda w: w.retire(key_id, signing_with)
        )

    def keyring(self, certified: Certified) -> Keyring:
        return read_keyring(self, self.recorder.max_notification_id() or 0, certified)
