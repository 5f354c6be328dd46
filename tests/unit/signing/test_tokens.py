"""Signed tokens: compact JWS with Ed25519, verified strictly, and by an
independent implementation (jwcrypto) against the exported JWKS."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from tests.support.values import BASE_URL
from verifier.errors import BadSignature, MalformedToken, UnknownKey, UnsupportedToken
from verifier.printing.qr import make_qr
from verifier.signing import tokens
from verifier.signing.keys import KeyRing, PublicKey, Signer, kid_for
from verifier.signing.tokens import Claims, qr_url, sign, token_from_target, verify
from verifier.vocabulary import DocumentType, KeyStatus


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def signer(private_key: Ed25519PrivateKey) -> Signer:
    return Signer(kid_for(private_key.public_key()), private_key)


@pytest.fixture
def ring(private_key: Ed25519PrivateKey, signer: Signer) -> KeyRing:
    return KeyRing(
        [PublicKey(signer.kid, private_key.public_key(), KeyStatus.ACTIVE, dt.datetime.now(dt.UTC))]
    )


@pytest.fixture
def claims() -> Claims:
    return Claims(
        type=DocumentType.DIPLOMA,
        number="KT2400001",
        surname="Gʻulomov",
        given_name="Abdulla",
        patronymic="Rustam oʻgʻli",
        birth_date=dt.date(2003, 4, 17),
        institution="TATT",
        issue_date=dt.date(2024, 7, 5),
        program_code="60610500",
        qualification="Kompyuter tizimlari texnigi",
    )


@pytest.fixture
def token(claims: Claims, signer: Signer) -> str:
    return sign(claims, signer)


def forge(header: Mapping[str, object], payload: bytes, key: Ed25519PrivateKey) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(payload)}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def test_kid_is_first_eight_bytes_of_the_rfc7638_thumbprint(private_key: Ed25519PrivateKey) -> None:
    key = jwcrypto_jwk.JWK.from_pyca(private_key.public_key())
    thumbprint = base64.urlsafe_b64decode(key.thumbprint() + "==")
    assert kid_for(private_key.public_key()) == b64(thumbprint[:8])


def test_token_round_trips_its_claims(token: str, ring: KeyRing, claims: Claims) -> None:
    assert verify(token, ring).claims == claims


def test_token_header_names_ed25519_and_the_kid(token: str, signer: Signer) -> None:
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "Ed25519", "kid": signer.kid}


def test_jwcrypto_verifies_the_token_against_the_exported_jwks(
    token: str, ring: KeyRing, claims: Claims
) -> None:
    jwks = jwcrypto_jwk.JWKSet.from_json(json.dumps(ring.to_jwks()))
    checked = jwcrypto_jws.JWS()
    checked.deserialize(token)
    checked.verify(jwks, alg="Ed25519")
    assert json.loads(checked.payload)[:3] == [1, "D", claims.number]


def test_token_signed_with_eddsa_alg_name_is_accepted(
    claims: Claims, private_key: Ed25519PrivateKey, signer: Signer, ring: KeyRing
) -> None:
    token = forge({"alg": "EdDSA", "kid": signer.kid}, claims.to_json(), private_key)
    assert verify(token, ring).algorithm == "EdDSA"


def test_one_changed_payload_character_breaks_the_signature(token: str, ring: KeyRing) -> None:
    header, payload, signature = token.split(".")
    tampered = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises((BadSignature, MalformedToken)):
        verify(f"{header}.{tampered}.{signature}", ring)


def test_token_signed_by_another_key_with_our_kid_is_rejected(
    claims: Claims, signer: Signer, ring: KeyRing
) -> None:
    forged = forge(
        {"alg": "Ed25519", "kid": signer.kid}, claims.to_json(), Ed25519PrivateKey.generate()
    )
    with pytest.raises(BadSignature):
        verify(forged, ring)


def test_unknown_kid_is_rejected(claims: Claims, ring: KeyRing) -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(UnknownKey):
        verify(
            forge({"alg": "Ed25519", "kid": kid_for(other.public_key())}, claims.to_json(), other),
            ring,
        )


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", "ES256", "ed25519", None])
def test_other_algorithms_are_rejected(
    alg: object, claims: Claims, signer: Signer, private_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    with pytest.raises(MalformedToken, match="alg"):
        verify(forge({"alg": alg, "kid": signer.kid}, claims.to_json(), private_key), ring)


@pytest.mark.parametrize("member", ["jku", "x5u", "jwk", "crit", "zip", "typ", "x5c", "b64"])
def test_header_members_beyond_alg_and_kid_are_rejected(
    member: str, claims: Claims, signer: Signer, private_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    header = {"alg": "Ed25519", "kid": signer.kid, member: "x"}
    with pytest.raises(MalformedToken, match=member):
        verify(forge(header, claims.to_json(), private_key), ring)


def test_duplicate_header_keys_are_rejected(
    claims: Claims, signer: Signer, private_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    header = f'{{"alg":"Ed25519","kid":"{signer.kid}","alg":"Ed25519"}}'.encode()
    signing_input = f"{b64(header)}.{b64(claims.to_json())}"
    token = f"{signing_input}.{b64(private_key.sign(signing_input.encode()))}"
    with pytest.raises(MalformedToken, match="duplicate"):
        verify(token, ring)


def test_payload_object_instead_of_claim_array_is_rejected(
    claims: Claims, signer: Signer, private_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    payload = b'{"v":1,"t":"D","no":"KT2400001"}'
    with pytest.raises(MalformedToken, match="JSON array"):
        verify(forge({"alg": "Ed25519", "kid": signer.kid}, payload, private_key), ring)


def test_extra_claims_are_rejected(
    claims: Claims, signer: Signer, private_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    payload = claims.to_json()[:-1] + b',"admin"]'
    with pytest.raises(MalformedToken, match="11 claims, not 12"):
        verify(forge({"alg": "Ed25519", "kid": signer.kid}, payload, private_key), ring)


def test_claim_of_the_wrong_type_is_rejected(
    claims: Claims, signer: Signer, private_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    payload = claims.to_json().replace(b'"2003-04-17"', b"20030417")
    with pytest.raises(MalformedToken, match="bd"):
        verify(forge({"alg": "Ed25519", "kid": signer.kid}, payload, private_key), ring)


def test_unknown_format_version_is_rejected(
    claims: Claims, signer: Signer, private_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    payload = b"[2" + claims.to_json()[2:]
    with pytest.raises(MalformedToken, match="version"):
        verify(forge({"alg": "Ed25519", "kid": signer.kid}, payload, private_key), ring)


def test_padded_base64_is_rejected(token: str, ring: KeyRing) -> None:
    header, payload, signature = token.split(".")
    with pytest.raises(MalformedToken, match="base64url"):
        verify(f"{header}=.{payload}.{signature}", ring)


def test_non_canonical_trailing_bits_are_rejected(token: str, ring: KeyRing) -> None:
    header, payload, signature = token.split(".")
    # The last character of an 86-character signature carries 4 unused bits.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet[alphabet.index(signature[-1]) ^ 1]
    with pytest.raises(MalformedToken, match="base64url"):
        verify(f"{header}.{payload}.{signature[:-1]}{last}", ring)


@pytest.mark.parametrize("cut", [1, 10, 50])
def test_truncated_token_is_rejected(token: str, ring: KeyRing, cut: int) -> None:
    with pytest.raises((MalformedToken, BadSignature)):
        verify(token[:-cut], ring)


def test_oversized_token_is_rejected_before_parsing(ring: KeyRing) -> None:
    with pytest.raises(MalformedToken, match="too long"):
        verify("a" * 100_000, ring)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b", "a.b.c.d", "..", "é.é.é", "eyJ.eyJ.sig"])
def test_garbage_is_malformed(garbage: str, ring: KeyRing) -> None:
    with pytest.raises(MalformedToken):
        verify(garbage, ring)


def test_qr_url_is_base_url_slash_v_slash_token(token: str) -> None:
    assert qr_url(BASE_URL + "/", token) == f"{BASE_URL}/v/{token}"


def test_token_is_found_in_a_qr_url_or_bare(token: str) -> None:
    assert token_from_target(f"{BASE_URL}/v/{token}") == token
    assert token_from_target(f"  {token}\n") == token


def test_qr_byte_budget_is_the_capacity_of_version_15_level_m() -> None:
    assert make_qr("x" * tokens.QR_MAX_BYTES).version == 15
    with pytest.raises(Exception, match="budget"):
        make_qr("x" * (tokens.QR_MAX_BYTES + 1))


REALISTIC_BASE_URL = "https://diplom.edu.uz"
REALISTIC = {
    DocumentType.DIPLOMA: {
        "program_code": "60610500",
        "qualification": "Kompyuter tizimlari va dasturlash texnigi",
    },
    DocumentType.TRANSCRIPT: {
        "diploma_number": "KT1234567",
        "grades_digest": b64(bytes(32)),
    },
    DocumentType.CERTIFICATE: {
        "course_name": "Kasbiy taʼlimda raqamli pedagogik texnologiyalar",
        "hours": 144,
    },
}
HOLDERS = [
    ("Abdurahmonova-Gʻaniyeva", "Oʻgʻiloy", "Abdulhamid qizi"),
    ("Ҳолматова", "Гулноза", "Фарҳод қизи"),
    ("Тўхтасинов", "Шерзодбек", "Абдурашидович"),
]


@pytest.mark.parametrize("holder", HOLDERS, ids=["latin", "cyrillic", "russian-style"])
@pytest.mark.parametrize("kind", list(DocumentType))
def test_realistic_document_qr_fits_version_15_at_level_m(
    signer: Signer, kind: DocumentType, holder: tuple[str, str, str]
) -> None:
    surname, given_name, patronymic = holder
    claims = Claims(
        type=kind,
        number="KTI1234567",
        surname=surname,
        given_name=given_name,
        patronymic=patronymic,
        birth_date=dt.date(2003, 4, 17),
        institution="TATT01",
        issue_date=dt.date(2024, 7, 5),
        **REALISTIC[kind],  # type: ignore[arg-type]
    )
    assert make_qr(qr_url(REALISTIC_BASE_URL, sign(claims, signer))).version <= 15


def test_only_ascii_white_space_is_trimmed_from_a_pasted_token(token: str) -> None:
    # token-format.md §1: JavaScript's trim() and str.strip() differ beyond ASCII.
    assert token_from_target(f"\t{token}\r\n") == token
    assert token_from_target(f"\u00a0{token}") == f"\u00a0{token}"


def test_a_url_query_and_fragment_are_not_part_of_the_token(token: str) -> None:
    assert token_from_target(f"{BASE_URL}/v/{token}?lang=en#top") == token


def _resigned(payload: list[object], signer: Signer) -> str:
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return tokens.sign_payloads([data], signer)[0]


def test_a_genuine_token_of_a_later_version_is_unsupported_not_forged(
    claims: Claims, signer: Signer, ring: KeyRing
) -> None:
    with pytest.raises(UnsupportedToken, match="version 2"):
        verify(_resigned([2, *claims.to_payload()[1:]], signer), ring)


def test_a_genuine_token_of_an_unknown_document_type_is_unsupported(
    claims: Claims, signer: Signer, ring: KeyRing
) -> None:
    payload = claims.to_payload()
    payload[1] = "X"
    with pytest.raises(UnsupportedToken, match="document type"):
        verify(_resigned(payload, signer), ring)


def test_json_true_is_not_the_format_version_1(
    claims: Claims, signer: Signer, ring: KeyRing
) -> None:
    with pytest.raises(MalformedToken, match="integer") as raised:
        verify(_resigned([True, *claims.to_payload()[1:]], signer), ring)
    assert not isinstance(raised.value, UnsupportedToken)


@pytest.mark.parametrize("surname", ["Gʻulomov\u3000", "Gʻulo\u0085mov", "G\ud800ulomov"])
def test_text_with_edge_space_controls_or_lone_surrogates_is_malformed(
    surname: str, claims: Claims, signer: Signer, ring: KeyRing
) -> None:
    payload = claims.to_payload()
    payload[3] = surname
    data = json.dumps(payload, separators=(",", ":")).encode()  # \u escapes carry a surrogate
    with pytest.raises(MalformedToken, match="claim sn"):
        verify(tokens.sign_payloads([data], signer)[0], ring)


def test_a_non_canonical_grade_digest_is_malformed(signer: Signer, ring: KeyRing) -> None:
    digest = tokens.grades_digest([("Oliy matematika", 216, "4")])
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    bent = digest[:-1] + alphabet[alphabet.index(digest[-1]) | 1]
    payload = [1, "T", "KT2400905", "Yoʻldoshev", "Sardor", None, "2003-09-01", "TATT"]
    with pytest.raises(MalformedToken, match="claim gd"):
        verify(_resigned([*payload, "2024-07-05", "KT2400901", bent], signer), ring)


def test_named_claims_follow_the_layout_of_the_type(claims: Claims) -> None:
    assert list(claims.named()) == ["v", "t", "no", "sn", "gn", "pn", "bd", "in", "d", "pc", "q"]
    assert list(claims.named().values()) == claims.to_payload()
