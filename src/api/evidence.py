"""Evidence files, kept by their SHA-256 under the data directory: the same bytes once.

An upload streams into a temporary file beside the store, is checked (size, the type its
bytes show, macros) and only then kept under its digest; a refused one is deleted.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from domain.errors import InvalidInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_TYPES = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}

_SIGNATURES = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n", DOCX: b"PK\x03\x04"}
_SIGNATURES[XLSX] = _SIGNATURES[DOCX]
_OFFICE_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"file: larger than {limit} bytes")
        self.limit = limit


class WrongType(Exception):
    """The bytes are not what the upload says they are, or carry macros."""


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    stored: bool  # False when the same bytes were already kept


class Pending:
    """An upload received into a temporary file: kept under its digest, or discarded."""

    def __init__(self, store: EvidenceStore, file: IO[bytes], limit: int) -> None:
        self._store, self._file, self._limit = store, file, limit
        self._digest = hashlib.sha256()
        self.size = 0
        self._done = False

    @property
    def path(self) -> Path:
        return Path(self._file.name)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            raise TooLarge(self._limit)
        self._digest.update(chunk)
        self._file.write(chunk)

    def finish(self) -> None:
        self._file.close()
        if self.size == 0:
            raise InvalidInput("file", "is empty")

    def keep(self) -> Stored:
        target = self._store.path_of(self.sha256)
        target.parent.mkdir(exist_ok=True)
        self._done = True
        if target.exists():
            os.unlink(self.path)
            return Stored(self.sha256, self.size, stored=False)
        os.replace(self.path, target)
        return Stored(self.sha256, self.size, stored=True)

    def discard(self) -> None:
        if not self._done:
            self._done = True
            self._file.close()
            self.path.unlink(missing_ok=True)


class EvidenceStore:
    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def receive(self) -> Pending:
        self.folder.mkdir(parents=True, exist_ok=True)
        return Pending(self, tempfile.NamedTemporaryFile(dir=self.folder, delete=False), self.limit)


def upload_body(description: str) -> dict[str, Any]:
    """The OpenAPI request body of a route that streams one multipart ``file`` itself."""
    schema = {"type": "string", "format": "binary", "description": description}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": schema},
                    }
                }
            },
        }
    }


def check_content(path: Path, declared: str) -> None:
    """Raises WrongType unless the file's bytes are of the declared type; Office files must
    be the macro-free kind (no ``vbaProject.bin``, no macro-enabled content type)."""
    signature = _SIGNATURES.get(declared)
    if signature is None:
        raise WrongType(f"{declared or 'unknown type'} is not allowed")
    with path.open("rb") as file:
        head = file.read(len(signature))
    if head != signature:
        raise WrongType(f"its bytes are not {ALLOWED_TYPES[declared][1:].upper()}")
    if declared in _OFFICE_MAIN_PART:
        _check_office(path, _OFFICE_MAIN_PART[declared])


def _check_office(path: Path, main_part: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or main_part not in names:
                raise WrongType("it is not an Office Open XML document of that kind")
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise WrongType("it carries macros, which are not accepted")
            with archive.open("[Content_Types].xml") as types:
                declared_types = types.read(1 << 20).lower()
            if b"macroenabled" in declared_types or b"vbaproject" in declared_types:
                raise WrongType("it carries macros, which are not accepted")
            if any(_is_embedded_object(name) for name in names) or b"oleobject" in declared_types:
                raise WrongType(
                    "it carries embedded (OLE or ActiveX) objects, which are not accepted"
                )
            for name in names:
                if name.lower().endswith(".rels") and _links_outside(archive, name):
                    raise WrongType(
                        "it fetches content from outside the file (an external relationship),"
                        " which is not accepted"
                    )
    except zipfile.BadZipFile:
        raise WrongType("it is not a readable Office document") from None


def _is_embedded_object(name: str) -> bool:
    lowered = name.lower()
    return "oleobject" in lowered or "/activex/" in lowered or lowered.endswith(".ole")


def _links_outside(archive: zipfile.ZipFile, rels: str) -> bool:
    """Whether a relationships part points outside the package for anything but a plain
    hyperlink: a remote template, frame, image or OLE link is fetched when the file opens;
    a hyperlink only when someone follows it."""
    import xml.etree.ElementTree as ET

    with archive.open(rels) as part:
        data = part.read(1 << 20)
    if b"<!entity" in data.lower():
        return True  # no package needs entities: treat as hostile
    try:
        root = ET.fromstring(data)  # noqa: S314 - bounded, entity-free (checked above)
    except ET.ParseError:
        return True
    for relationship in root:
        if relationship.get("TargetMode", "").lower() != "external":
            continue
        if not relationship.get("Type", "").endswith("/hyperlink"):
            return True
    return False


def clean_filename(name: str | None) -> str:
    """The base name, NFC, without control, format (bidirectional) or separator characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    kept = "".join(
        c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co")
    )
    kept = kept.strip().strip(".")[:255]
    return kept or "evidence"


_EXTENSIONS = {JPEG: (".jpg", ".jpeg")}


def named_for(name: str, media_type: str) -> str:
    """The name a file is kept and served under ends as its type does: a PDF named
    ``bao-cao.bat`` is kept as ``bao-cao.bat.pdf``, so no reader's system takes it for a
    program. (The type itself is the one its bytes show: ``check_content``.)"""
    wanted = ALLOWED_TYPES.get(media_type)
    if wanted is None:
        return name
    if name.lower().endswith(_EXTENSIONS.get(media_type, (wanted,))):
        return name
    return name[: 255 - len(wanted)] + wanted


@dataclass
class Upload:
    """The one file of a multipart upload, received into ``pending``."""

    pending: Pending
    filename: str
    media_type: str


async def receive_upload(request: Request, store: EvidenceStore, field: str = "file") -> Upload:
    """Streams a multipart body's ``field`` into the store's temporary file as it arrives:
    nothing is buffered whole, and past the limit the rest is not read. Other fields are
    refused; a refused upload leaves nothing behind."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("file", "send the file as multipart/form-data")
    pending = store.receive()
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "part": None}
    found: list[tuple[str, str]] = []

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if disposition.get(b"name") != field.encode() or found:
            raise InvalidInput("file", "send exactly one part, named file")
        media = state["headers"].get(b"content-type", b"").split(b";")[0].strip()
        name = disposition.get(b"filename", b"").decode("utf-8", "replace")
        found.append((name, media.decode("latin-1")))
        state["headers"] = {}

    def on_part_data(data: bytes, start: int, end: int) -> None:
        pending.write(data[start:end])

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if not found:
            raise InvalidInput("file", "is required")
        pending.finish()
    except BaseException:
        pending.discard()
        raise
    filename, media_type = found[0]
    return Upload(pending, named_for(clean_filename(filename), media_type), media_type)


async def receive_checked(
    request: Request, store: EvidenceStore, *, expected: str | None = None
) -> Upload:
    """An upload received into the store's temporary file and checked before anyone keeps
    it: within the size limit (413), of a type accepted (``expected``, or any of
    ``ALLOWED_TYPES``), with bytes of that type and nothing active inside (415). A refused
    upload leaves nothing behind; the caller keeps or discards the pending file."""
    from fastapi import HTTPException

    try:
        upload = await receive_upload(request, store)
    except TooLarge as refused:
        raise HTTPException(413, str(refused)) from None
    pending = upload.pending
    try:
        if expected is None and upload.media_type not in ALLOWED_TYPES:
            raise HTTPException(
                415,
                f"file: {upload.media_type or 'unknown type'} is not allowed"
                f" ({', '.join(ALLOWED_TYPES)})",
            )
        try:
            check_content(pending.path, expected or upload.media_type)
        except WrongType as wrong:
            raise HTTPException(415, f"file: {wrong}") from None
    except BaseException:
        pending.discard()
        raise
    return upload
