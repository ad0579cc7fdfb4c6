"""The awarding authority's key on a PKCS#11 token (docs/spec.md §12): the server signs a
decision through the token, which never gives the key up, and the signature checks against
the operator's trust roots. The token is a real one in software: SoftHSM 2, from Debian."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from fpdf import FPDF

from documents.signing import (
    Pkcs11Token,
    SigningKeys,
    check_signature,
    make_demo_keys,
    sign_pdf,
)

pytestmark = pytest.mark.integration

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
AUTHORITY = "ubnd-tinh-ben-tre"
PIN = "1234"


def softhsm(*args: str) -> None:
    util = shutil.which("softhsm2-util")
    assert util is not None, "make installs softhsm2 (Debian)"
    subprocess.run([util, *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SigningKeys]:
    """A token holding the authority's key; its certificate and chain in the signing folder,
    and no PKCS#12 file left beside them."""
    folder = tmp_path_factory.mktemp("token")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nlog.level = ERROR\n")
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read when the module is first opened
    softhsm("--init-token", "--free", "--label", "thidua", "--pin", PIN, "--so-pin", "5678")
    signing = folder / "signing"
    make_demo_keys(signing, {AUTHORITY: "Ủy ban nhân dân tỉnh Bến Tre"}, b"demo")
    bundle = signing / f"{AUTHORITY}.p12"
    key, cert, chain = pkcs12.load_key_and_certificates(bundle.read_bytes(), b"demo")
    assert key is not None
    assert cert is not None
    exported = folder / "key.pem"
    exported.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    softhsm(
        "--import",
        str(exported),
        "--token",
        "thidua",
        "--label",
        AUTHORITY,
        "--id",
        "01",
        "--pin",
        PIN,
    )
    exported.unlink()
    bundle.unlink()
    pem = serialization.Encoding.PEM
    (signing / f"{AUTHORITY}.pem").write_bytes(
        cert.public_bytes(pem) + b"".join(c.public_bytes(pem) for c in chain)
    )
    yield SigningKeys(signing, None, Pkcs11Token(SOFTHSM, "thidua", PIN))
    if before is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = before


def a_decision() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="QUYET DINH so 1/QD-UBND")
    return bytes(pdf.output())


def test_a_decision_is_signed_with_the_authoritys_key_on_the_token(keys: SigningKeys) -> None:
    with keys.signing(AUTHORITY) as signer:
        assert signer is not None
        signed = sign_pdf(a_decision(), signer, "Quyết định số 1/QĐ-UBND", "Bến Tre")
    check = check_signature(signed, keys.trust_roots())
    assert check.ok, check.problems
    assert "Bến Tre" in (check.signer or "")


def test_the_key_stays_on_the_token_and_cannot_be_read_out(keys: SigningKeys) -> None:
    with keys.token_session() as session:
        key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=AUTHORITY)
        assert key[pkcs11.Attribute.SENSITIVE] is True
        with pytest.raises(pkcs11.PKCS11Error):
            key[pkcs11.Attribute.VALUE]


def test_an_authority_without_a_key_on_the_token_gets_unsigned_decisions(
    keys: SigningKeys,
) -> None:
    with keys.signing("ubnd-tinh-vinh-long") as signer:
        assert signer is None


def test_a_wrong_pin_is_refused_in_words(keys: SigningKeys) -> None:
    wrong = SigningKeys(keys.folder, None, Pkcs11Token(SOFTHSM, "thidua", "0000"))
    with pytest.raises(ValueError, match="refused its PIN"), wrong.signing(AUTHORITY):
        pass
