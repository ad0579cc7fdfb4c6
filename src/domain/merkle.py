"""The RFC 6962 Merkle tree hash of the log, computed as a stream in O(log n) memory.

A leaf is ``sha256(0x00 || entry)``, a node ``sha256(0x01 || left || right)``, and the
root of n leaves splits them at the largest power of two below n (RFC 6962 §2.1): the
same tree the audit receipts sign, so a writer statement and a receipt at one position
name the same root.
"""

from __future__ import annotations

import hashlib


def log_entry(position: int, aggregate_id: str, version: int, digest: str) -> bytes:
    """One event's entry in the tree: its log position, aggregate, version and digest."""
    return f"{position}:{aggregate_id}:{version}:{digest}".encode()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class StreamingRoot:
    """Leaves in, root out: keeps one perfect subtree per bit of the count, as a binary
    counter does, and folds them from the right when asked (RFC 6962's split)."""

    __slots__ = ("_stack", "size")

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []
        self.size = 0

    def add(self, entry: bytes) -> None:
        height, node = 0, leaf_hash(entry)
        stack = self._stack
        while stack and stack[-1][0] == height:
            node = node_hash(stack.pop()[1], node)
            height += 1
        stack.append((height, node))
        self.size += 1

    def root(self) -> str:
        """The root in hex; the empty string for no leaves."""
        if not self._stack:
            return ""
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node.hex()
