"""Digital signatures on decisions (PAdES, with pyHanko): the server signs a decision with its
awarding authority's key, and anyone checks a signed decision against the trust roots the
operator supplies.

Vietnamese chanceries sign with a certificate, not a scan (docs/spec.md §12). The server
holds each authority's key on a PKCS#11 token (an HSM, or a token attached to the server:
the key labelled with the authority's id, its certificate and chain in
``<authority id>.pem`` in the signing folder), or as a PKCS#12 file, ``<authority id>.p12``
there; an authority without either gets its decisions unsigned, and the chairman may sign on
their own token outside the product. A demo deployment makes a test certificate authority of
its own, named as such, whose signatures prove nothing outside it.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pkcs11
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pkcs11 import Session
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

DEMO_CA_NAME = "thidua demo CA (test only: proves nothing outside the demo)"
TRUST_ROOTS = "trust-roots"

# pyHanko logs a whole traceback for a path it cannot build to a trust root; the check says
# so in its own words instead.
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko.sign.validation").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Pkcs11Token:
    """A PKCS#11 token the server signs on: its module (the vendor's library), its label and
    the user PIN that opens it."""

    module: Path
    label: str
    pin: str


@dataclass(frozen=True)
class SigningKeys:
    """The awarding authorities' signing keys: on ``token`` when one is configured, else
    ``<authority id>.p12`` in ``folder``."""

    folder: Path
    passphrase: bytes | None
    token: Pkcs11Token | None = None

    @contextmanager
    def signing(self, authority_id: str) -> Iterator[signers.Signer | None]:
        """The authority's signer while the block runs (a token's session stays open for it);
        None where the authority has no key."""
        if self.token is None:
            yield self.signer_for(authority_id)
            return
        certificates = self.folder / f"{authority_id}.pem"
        with self.token_session() as session:
            if not certificates.is_file() or not _has_key(session, authority_id):
                yield None
                return
            cert, *chain = [
                asn1_x509.Certificate.load(der)
                for _, _, der in pem.unarmor(certificates.read_bytes(), multiple=True)
            ]
            # ECDSA hashed here and signed raw (CKM_ECDSA): every token has that mechanism,
            # not every one hashes for itself.
            raw = cert.public_key.algorithm == "ec"
            yield PKCS11Signer(
                session,
                key_label=authority_id,
                signing_cert=cert,
                ca_chain=chain,
                use_raw_mechanism=raw,
            )

    @contextmanager
    def token_session(self) -> Iterator[Session]:
        if self.token is None:
            raise ValueError("no PKCS#11 token is configured")
        library = pkcs11.lib(str(self.token.module))
        try:
            token = library.get_token(token_label=self.token.label)
            session = token.open(user_pin=self.token.pin)
        except pkcs11.NoSuchToken:
            raise ValueError(f"no PKCS#11 token labelled {self.token.label}") from None
        except pkcs11.PinIncorrect:
            raise ValueError(f"the token {self.token.label} refused its PIN") from None
        with session:
            yield session

    def signer_for(self, authority_id: str) -> signers.SimpleSigner | None:
        path = self.folder / f"{authority_id}.p12"
        if not path.is_file():
            return None
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=self.passphrase)
        if not isinstance(signer, signers.SimpleSigner):
            raise ValueError(f"{path}: not a PKCS#12 file this passphrase opens")
        return signer

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        return load_trust_roots(self.folder / TRUST_ROOTS)


def _has_key(session: Session, label: str) -> bool:
    try:
        session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=label)
    except pkcs11.NoSuchKey:
        return False
    return True


def first_revision(pdf: bytes) -> bytes:
    """The file as first written, before any incremental update (a signature adds one): up
    to its first end-of-file marker and the line end after it."""
    end = pdf.find(b"%%EOF")
    if end < 0:
        return pdf
    end += len(b"%%EOF")
    while end < len(pdf) and pdf[end : end + 1] in (b"\r", b"\n"):
        end += 1
    return pdf[:end]


def sign_pdf(pdf: bytes, signer: signers.Signer, reason: str, location: str) -> bytes:
    """The document with a PAdES signature over the whole file, added as an incremental
    update: the bytes before it are the document as generated. Each signature has a field
    of its own, so a decision the server signed can be signed again on a token."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    earlier = len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures)
    meta = signers.PdfSignatureMetadata(
        field_name=f"ChuKySo{earlier + 1}",
        reason=reason,
        location=location,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    signed: bytes = out.getvalue()
    return signed


@dataclass(frozen=True)
class SignatureCheck:
    """What a file's signature says: present, intact over the whole file, made by a
    certificate that chains to a trust root, and by whom and when."""

    present: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str | None = None
    signed_at: datetime.datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.trusted and self.whole_file


def check_signature(pdf: bytes, trust_roots: list[asn1_x509.Certificate]) -> SignatureCheck:
    """The file's last signature, checked against ``trust_roots``."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    except Exception as error:
        return SignatureCheck(present=False, problems=[f"not a readable PDF: {error}"])
    if not signatures:
        return SignatureCheck(present=False, problems=["the file carries no digital signature"])
    status = validate_pdf_signature(signatures[-1], ValidationContext(trust_roots=trust_roots))
    whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    problems = []
    if not status.intact:
        problems.append("the signed bytes were changed after signing")
    if not status.trusted:
        problems.append("the signer's certificate does not chain to a trusted root")
    if not whole:
        problems.append("the signature does not cover the whole file: something was added")
    return SignatureCheck(
        present=True,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        whole_file=whole,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        problems=problems,
    )


def load_trust_roots(folder: Path) -> list[asn1_x509.Certificate]:
    """Every certificate in the PEM files of ``folder``."""
    roots = []
    for path in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
        for _, _, der in pem.unarmor(path.read_bytes(), multiple=True):
            roots.append(asn1_x509.Certificate.load(der))
    return roots


def make_demo_keys(folder: Path, authorities: dict[str, str], passphrase: bytes) -> None:
    """A test certificate authority and one key per authority (``id`` -> name), made once;
    the authority's certificate names it, and the CA's name says it is a test."""
    roots = folder / TRUST_ROOTS
    if (roots / "demo-ca.pem").is_file():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    roots.mkdir(exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DEMO_CA_NAME)])
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, now, authority=True)
    for authority_id, name in authorities.items():
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, name),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, authority_id),
            ]
        )
        cert = _certificate(subject, ca_name, key.public_key(), ca_key, now, authority=False)
        encryption = serialization.BestAvailableEncryption(passphrase)
        bundle = pkcs12.serialize_key_and_certificates(
            authority_id.encode(), key, cert, [ca], encryption
        )
        path = folder / f"{authority_id}.p12"
        path.write_bytes(bundle)
        path.chmod(0o600)
    (roots / "demo-ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    signing_key: ec.EllipticCurvePrivateKey,
    now: datetime.datetime,
    *,
    authority: bool,
) -> x509.Certificate:
    usage = x509.KeyUsage(
        digital_signature=not authority,
        content_commitment=not authority,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=authority,
        crl_sign=authority,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(signing_key, hashes.SHA256())
    )
