"""Report tokens (type R): the same strict JWS profile as a document's, about a report.

The rules each value obeys are judged one by one in docs/token-vectors.json
(tests/unit/signing/test_token_vectors.py); here, what the code does with them.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from tests.support.values import BASE_URL
from verifier.errors import MalformedToken
from verifier.signing import tokens
from verifier.signing.keys import KeyRing, PublicKey, Signer, kid_for
from verifier.signing.tokens import ReportClaims, sign_payloads
from verifier.vocabulary import KeyStatus

CHECKED = dt.datetime(2026, 3, 2, 9, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def signer(private_key: Ed25519PrivateKey) -> Signer:
    return Signer(kid_for(private_key.public_key()), private_key)


@pytest.fixture
def ring(private_key: Ed25519PrivateKey, signer: Signer) -> KeyRing:
    return KeyRing([PublicKey(signer.kid, private_key.public_key(), KeyStatus.ACTIVE, CHECKED)])


def report(**changes: object) -> ReportClaims:
    values: dict[str, object] = {
        "number": "VR-2026-00001234",
        "document_number": "KT2400001",
        "status": "revoked",
        "checked_at": CHECKED,
        "expires": CHECKED + dt.timedelta(days=90),
    }
    values.update(changes)
    return ReportClaims(**values)  # type: ignore[arg-type]


def signed(claims: ReportClaims, signer: Signer) -> str:
    return sign_payloads([claims.to_json()], signer)[0]


def test_a_report_token_round_trips_its_claims(signer: Signer, ring: KeyRing) -> None:
    claims = report()
    verified = tokens.verify_report(signed(claims, signer), ring)
    assert verified.claims == claims
    assert verified.key.kid == signer.kid


def test_the_payload_is_the_positional_layout_of_the_spec() -> None:
    assert report().to_json() == (
        b'[1,"R","VR-2026-00001234","KT2400001","revoked",'
        b'"2026-03-02T09:15:30Z","2026-05-31T09:15:30Z"]'
    )
    assert list(report().named()) == ["v", "t", "rn", "no", "st", "ca", "ex"]


def test_jwcrypto_verifies_a_report_token_against_the_jwks(signer: Signer, ring: KeyRing) -> None:
    token = signed(report(), signer)
    keys = jwcrypto_jwk.JWKSet.from_json(json.dumps(ring.to_jwks()))
    parsed = jwcrypto_jws.JWS()
    parsed.allowed_algs = ["Ed25519"]
    parsed.deserialize(token)
    parsed.verify(keys.get_key(signer.kid))
    assert parsed.objects["payload"] == report().to_json()


def test_a_report_token_is_refused_where_a_documents_is_expected(
    signer: Signer, ring: KeyRing
) -> None:
    with pytest.raises(tokens.ReportNotDocument):
        tokens.verify(signed(report(), signer), ring)


def test_a_document_token_is_refused_where_a_reports_is_expected(
    signer: Signer, ring: KeyRing
) -> None:
    document = tokens.Claims.from_payload(
        [1, "C", "MK2500017", "Xolmatov", "Jasur", None, "1985-05-12", "MALAKA", "2025-03-14",
         "Raqamli pedagogika", 72]
    )  # fmt: skip
    with pytest.raises(tokens.DocumentNotReport):
        tokens.verify_report(tokens.sign(document, signer), ring)


def test_verify_any_names_which_kind_of_token_it_verified(signer: Signer, ring: KeyRing) -> None:
    assert isinstance(tokens.verify_any(signed(report(), signer), ring), tokens.VerifiedReport)


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        (CHECKED, False),
        (CHECKED + dt.timedelta(days=90, seconds=-1), False),
        (CHECKED + dt.timedelta(days=90), True),
        (CHECKED + dt.timedelta(days=400), True),
    ],
)
def test_a_report_expires_at_the_moment_ex_names(now: dt.datetime, expired: bool) -> None:
    assert report().expired(now) is expired


@pytest.mark.parametrize(
    "changes",
    [
        {"number": "VR-00001234"},
        {"document_number": "KT 2400001"},
        {"status": "genuine"},
        {"checked_at": dt.datetime(2026, 3, 2, 9, 15, 30)},  # no time zone
        {"checked_at": CHECKED.replace(microsecond=5)},  # the token keeps whole seconds
        {"expires": CHECKED.astimezone(dt.timezone(dt.timedelta(hours=5)))},
    ],
)
def test_claims_the_token_could_not_carry_are_refused_when_made(changes: dict[str, object]) -> None:
    with pytest.raises((ValueError, MalformedToken)):
        report(**changes)


def test_a_report_url_is_the_base_url_then_r_then_the_token() -> None:
    assert tokens.report_url(f"{BASE_URL}/", "abc") == f"{BASE_URL}/r/abc"


@pytest.mark.parametrize(
    ("target", "found"),
    [
        (f"{BASE_URL}/r/TOKEN", "TOKEN"),
        (f"  {BASE_URL}/r/TOKEN?lang=ru#top\n", "TOKEN"),
        (f"{BASE_URL}/v/x/r/TOKEN", "TOKEN"),
        (f"{BASE_URL}/r/x/v/TOKEN", "TOKEN"),
    ],
)
def test_the_token_is_found_after_the_last_v_or_r_of_a_link(target: str, found: str) -> None:
    assert tokens.token_from_target(target) == found


def test_a_link_with_neither_v_nor_r_is_refused() -> None:
    with pytest.raises(MalformedToken):
        tokens.token_from_target(f"{BASE_URL}/x/TOKEN")


def test_declared_type_reads_the_type_without_trusting_it(signer: Signer) -> None:
    token = signed(report(), signer)
    header, payload, _ = token.split(".")
    assert tokens.declared_type(f"{BASE_URL}/r/{token}") == "R"
    assert tokens.declared_type(f"{header}.{payload}.AAAA") == "R"  # unsigned: still only a hint
    assert tokens.declared_type("not a token") is None
    assert tokens.declared_type(f"{header}.bm90IGpzb24.AAAA") is None
