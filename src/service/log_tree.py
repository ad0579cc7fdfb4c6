"""The log as an RFC 6962 Merkle tree: one leaf per event (its position, aggregate, version
and digest as its stored content hashes now), the tree's root at any size, where two
versions of the log first differ, and the proof that one size extends another."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from eventsourcing.application import Application
from pymerkle import InmemoryTree

from domain.merkle import log_entry
from domain.store import ChainMapper, log_pages, stored_digest


class Leaf(NamedTuple):  # a tuple: a hundred thousand of them are made per seal
    position: int
    aggregate_id: str
    version: int
    digest: str

    def entry(self) -> bytes:
        return log_entry(self.position, self.aggregate_id, self.version, self.digest)


@dataclass(frozen=True)
class Finding:
    """What differs between the log a receipt signed and the log now."""

    change: str  # changed, deleted, inserted, reordered, truncated
    position: int
    aggregate_id: str
    version: int
    reason: str


def log_leaves(service: Application[Any], upto: int, page_size: int = 1000) -> Iterator[Leaf]:
    """One leaf per event up to ``upto``, in log order, hashed from the stored content."""
    mapper = service.mapper
    if not isinstance(mapper, ChainMapper):
        raise TypeError("receipts need the chain mapper of domain.store")
    for page in log_pages(service.recorder, upto=upto, page_size=page_size):
        for notification in page:
            yield Leaf(
                notification.id,
                str(notification.originator_id),
                notification.originator_version,
                stored_digest(mapper, notification),
            )


def tree_of(leaves: Sequence[Leaf]) -> InmemoryTree:
    tree = InmemoryTree(algorithm="sha256")
    for leaf in leaves:
        tree.append_entry(leaf.entry())
    return tree


def root_of(tree: InmemoryTree, size: int) -> str:
    return "" if size == 0 else bytes(tree.get_root(size)).hex()


def first_difference(sealed: Sequence[Leaf], now: Sequence[Leaf]) -> Finding | None:
    """The first place, in log order, where the log now differs from the sealed one."""
    for index, old in enumerate(sealed):
        new = now[index] if index < len(now) else None
        if new == old:
            continue
        # Only a log that differs pays for the look-ups by position.
        now_at = {leaf.position: leaf for leaf in now}
        sealed_positions = {leaf.position for leaf in sealed}
        here = now_at.get(old.position)
        if here is None:
            return Finding(
                "deleted",
                old.position,
                old.aggregate_id,
                old.version,
                f"the event at position {old.position} ({old.aggregate_id} v{old.version})"
                " was deleted",
            )
        if new is not None and new.position not in sealed_positions:
            return Finding(
                "inserted",
                new.position,
                new.aggregate_id,
                new.version,
                f"position {new.position} ({new.aggregate_id} v{new.version}) was inserted",
            )
        moved = [x for x in sealed if x.digest == here.digest and x.position != here.position]
        if (here.aggregate_id, here.version) != (old.aggregate_id, old.version) or moved:
            return Finding(
                "reordered",
                old.position,
                old.aggregate_id,
                old.version,
                f"position {old.position} now holds {here.aggregate_id} v{here.version}:"
                " events were reordered",
            )
        return Finding(
            "changed",
            old.position,
            old.aggregate_id,
            old.version,
            f"the event at position {old.position} ({old.aggregate_id} v{old.version}) was changed",
        )
    if len(now) > len(sealed):
        extra = now[len(sealed)]
        return Finding(
            "inserted",
            extra.position,
            extra.aggregate_id,
            extra.version,
            f"position {extra.position} ({extra.aggregate_id} v{extra.version}) was inserted",
        )
    return None
