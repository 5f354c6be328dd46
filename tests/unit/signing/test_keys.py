"""The key ring: one active key, rotation keeps old documents verifying,
compromise invalidates what was not recorded before it."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk

from tests.support.values import diploma_values
from verifier.config import Settings
from verifier.documents import registry
from verifier.documents.claims import claims_of
from verifier.errors import SigningKeyError, UnknownKey
from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.signing.encoding import b64url
from verifier.signing.keys import KeyRing, KeyStore, kid_for, raw_public_bytes
from verifier.verification.outcome import Status
from verifier.verification.service import verify_token, verify_token_offline
from verifier.vocabulary import KeyStatus


def ring(runtime: Runtime) -> KeyRing:
    with runtime.database.session() as session:
        return lifecycle.keyring(session)


def rotate(runtime: Runtime) -> str:
    with runtime.database.transaction() as session:
        return lifecycle.rotate(session, runtime.keystore, actor="test")


def token_of(runtime: Runtime, number: str) -> str:
    with runtime.database.session() as session:
        token = registry.get_document(session, number).token
    assert token is not None
    return token


def check(runtime: Runtime, token: str) -> Status:
    with runtime.database.session() as session:
        return verify_token(session, token, lifecycle.keyring(session)).status


def test_private_key_file_is_pkcs8_pem_readable_only_by_its_owner(runtime: Runtime) -> None:
    (key,) = list(ring(runtime))
    path = runtime.keystore.path_for(key.kid)
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_key_is_encrypted_when_a_passphrase_is_set(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, b"correct horse")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    kid = store.write(Ed25519PrivateKey.generate())
    assert store.path_for(kid).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert store.load(kid).kid == kid
    with pytest.raises(SigningKeyError, match="PASSPHRASE"):
        KeyStore(tmp_path, b"wrong").load(kid)


def test_missing_private_key_file_is_a_clear_error(runtime: Runtime) -> None:
    (key,) = list(ring(runtime))
    runtime.keystore.path_for(key.kid).unlink()
    with pytest.raises(SigningKeyError, match="not found"), runtime.database.session() as session:
        lifecycle.load_signer(session, runtime.keystore)


def test_rotation_leaves_exactly_one_active_key(runtime: Runtime) -> None:
    new = rotate(runtime)
    statuses = {key.kid: key.status for key in ring(runtime)}
    assert statuses[new] is KeyStatus.ACTIVE
    assert sorted(statuses.values()) == [KeyStatus.ACTIVE, KeyStatus.RETIRED]


def test_documents_signed_by_a_retired_key_still_verify(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    rotate(runtime)
    assert check(runtime, token_of(runtime, number)) is Status.VALID


def test_new_documents_are_signed_by_the_new_key(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    new = rotate(runtime)
    number = issue()
    with runtime.database.session() as session:
        assert registry.get_document(session, number).kid == new


def test_jwks_publishes_every_key_with_status_and_validity(runtime: Runtime) -> None:
    old = next(iter(ring(runtime))).kid
    rotate(runtime)
    jwks = ring(runtime).to_jwks()
    by_kid = {k["kid"]: k for k in jwks["keys"]}
    assert by_kid[old]["status"] == "retired" and by_kid[old]["valid_until"]
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and "d" not in k for k in jwks["keys"])
    jwcrypto_jwk.JWKSet.from_json(json.dumps(jwks))  # an independent parser accepts it


def test_compromise_keeps_documents_recorded_before_it(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    kid = next(iter(ring(runtime))).kid
    with runtime.database.transaction() as session:
        lifecycle.compromise(
            session, runtime.keystore, kid, at=dt.datetime.now(dt.UTC), actor="test"
        )
    assert check(runtime, token_of(runtime, number)) is Status.VALID


def test_compromise_invalidates_documents_recorded_after_it(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    number = issue()
    kid = next(iter(ring(runtime))).kid
    with runtime.database.transaction() as session:
        lifecycle.compromise(
            session, runtime.keystore, kid, at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), actor="test"
        )
    assert check(runtime, token_of(runtime, number)) is Status.INVALID


def test_compromised_key_token_for_an_unrecorded_document_is_not_valid(
    runtime: Runtime, issue: Callable[..., str]
) -> None:
    from tests.support.values import record
    from verifier.signing.tokens import sign

    issue()
    kid = next(iter(ring(runtime))).kid
    stolen = runtime.keystore.load(kid)
    with runtime.database.transaction() as session:
        lifecycle.compromise(
            session, runtime.keystore, kid, at=dt.datetime.now(dt.UTC), actor="test"
        )
    forged = sign(claims_of(record(diploma_values(number="KT7777777"))), stolen)
    assert check(runtime, forged) is not Status.VALID
    assert verify_token_offline(forged, ring(runtime)).status is Status.INVALID


def test_compromising_the_active_key_makes_a_new_active_key(runtime: Runtime) -> None:
    kid = next(iter(ring(runtime))).kid
    with runtime.database.transaction() as session:
        new = lifecycle.compromise(
            session, runtime.keystore, kid, at=dt.datetime.now(dt.UTC), actor="test"
        )
    assert new is not None and ring(runtime).get(new).status is KeyStatus.ACTIVE


def test_production_refuses_development_secrets() -> None:
    from verifier.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="VERIFIER_SECRET_KEY"):
        Settings.from_env({"VERIFIER_ENV": "production", "VERIFIER_BASE_URL": "https://x.uz"})


def _jwk(private_key: Ed25519PrivateKey, **members: object) -> dict[str, object]:
    public = private_key.public_key()
    entry: dict[str, object] = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(raw_public_bytes(public)),
        "kid": kid_for(public),
    }
    entry.update(members)
    return entry


def test_a_jwks_with_two_keys_of_one_kid_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(SigningKeyError, match="two keys"):
        KeyRing.from_jwks({"keys": [_jwk(key), _jwk(key, status="retired")]})


def test_a_jwks_key_without_status_is_active() -> None:
    (public,) = KeyRing.from_jwks({"keys": [_jwk(Ed25519PrivateKey.generate())]})
    assert public.status is KeyStatus.ACTIVE


def test_a_jwks_key_of_an_unknown_status_is_left_out() -> None:
    key = Ed25519PrivateKey.generate()
    ring = KeyRing.from_jwks({"keys": [_jwk(key, status="suspended")]})
    with pytest.raises(UnknownKey):
        ring.get(kid_for(key.public_key()))
