"""Evidence files, kept by their SHA-256 under the data directory: the same bytes once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from domain.errors import InvalidNomination


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"file: larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    stored: bool  # False when the same bytes were already kept


class EvidenceStore:
    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def put(self, chunks: Iterable[bytes]) -> Stored:
        """Streams the bytes to a temporary file, refusing them past the limit, then keeps
        them under their digest; a file already kept is not written twice."""
        self.folder.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with tempfile.NamedTemporaryFile(dir=self.folder, delete=False) as temporary:
            try:
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.limit:
                        raise TooLarge(self.limit)
                    digest.update(chunk)
                    temporary.write(chunk)
                if size == 0:
                    raise InvalidNomination("file", "is empty")
            except BaseException:
                temporary.close()
                os.unlink(temporary.name)
                raise
        sha = digest.hexdigest()
        target = self.path_of(sha)
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(temporary.name)
            return Stored(sha, size, stored=False)
        os.replace(temporary.name, target)
        return Stored(sha, size, stored=True)
