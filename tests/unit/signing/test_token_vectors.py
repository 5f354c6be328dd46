"""docs/token-vectors.json, judged by every verifier we have and two independent JOSE libraries.

A vector that any of them judges differently from its ``expect`` fails: the
spec (docs/token-format.md), the service, the CLI, the reference file and the
libraries must agree on every byte.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from jwcrypto.common import JWException
from jwt.algorithms import OKPAlgorithm

from verifier.cli import cli
from verifier.errors import SigningKeyError, TokenError, UnsupportedToken
from verifier.reports.check import check_report_offline
from verifier.signing import tokens
from verifier.signing.encoding import b64url_decode
from verifier.signing.keys import KeyRing
from verifier.verification.outcome import Outcome
from verifier.verification.service import verify_token_offline
from verifier.vocabulary import KeyStatus

ROOT = Path(__file__).resolve().parents[3]
VECTORS_FILE = ROOT / "docs" / "token-vectors.json"
REFERENCE_FILE = ROOT / "docs" / "reference" / "verify_token.py"
DOCUMENT: dict[str, Any] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS: list[dict[str, Any]] = DOCUMENT["vectors"]
JWKS: dict[str, Any] = DOCUMENT["jwks"]
RULES_WITH_INVALID_VECTORS = (
    *("2.1", "2.2", "2.3", "2.4", "2.5"),
    *("3.1", "3.2", "3.3", "3.4"),
    *("4.1", "4.2", "5.2"),
)
by_name = pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])


@cache
def keyring() -> KeyRing:
    return KeyRing.from_jwks(JWKS)


@cache
def reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_token", REFERENCE_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["verify_token"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_committed_vectors_are_what_the_generator_makes() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "token_vectors"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_vectors_cover_every_rule_and_case_the_contract_names() -> None:
    names = {v["name"] for v in VECTORS}
    assert len(VECTORS) >= 40 and len(names) == len(VECTORS)
    invalid_rules = {v["rule"] for v in VECTORS if v["expect"] == "invalid"}
    assert set(RULES_WITH_INVALID_VECTORS) <= invalid_rules
    valid_types = {v["claims"]["t"] for v in VECTORS if v["expect"] == "valid"}
    assert valid_types == {"D", "T", "C", "R"}
    assert {"alg-eddsa-alias", "retired-key", "compromised-key", "version-2"} <= names
    assert all(("claims" in v) == (v["expect"] == "valid") for v in VECTORS)


def test_the_largest_vectors_fill_the_qr_budget() -> None:
    for vector in VECTORS:
        if "largest" in vector["name"]:
            url = tokens.qr_url("https://diplom.example.uz", vector["token"])
            assert 400 < len(url.encode()) <= tokens.QR_MAX_BYTES


def test_every_report_vector_fits_the_qr_budget_with_room_for_a_long_address() -> None:
    reports = [v for v in VECTORS if v["expect"] == "valid" and v["claims"]["t"] == "R"]
    longest = max(len(v["token"]) for v in reports)
    assert len(reports) >= 4
    # §13: any base URL of up to 124 bytes fits beside the longest report token.
    url = tokens.report_url("https://" + "x" * 116, "t" * longest)
    assert len(url.encode()) <= tokens.QR_MAX_BYTES


def _service_verdict(token: str) -> tuple[str, dict[str, Any] | None]:
    """tokens.verify (steps 1-6) plus the key status it hands back (step 7)."""
    try:
        verified = tokens.verify_any(token, keyring())
    except UnsupportedToken:
        return "unsupported", None
    except TokenError:
        return "invalid", None
    if verified.key.status is KeyStatus.COMPROMISED:
        return "invalid", None
    return "valid", verified.claims.named()


@by_name
def test_credentials_verify_judges_the_vector(vector: dict[str, Any]) -> None:
    assert _service_verdict(vector["token"]) == (vector["expect"], vector.get("claims"))


def _outcome_verdict(status: str, checks: dict[str, Any]) -> str:
    failed_version = "version" in checks and not checks["version"]["passed"]
    return "unsupported" if status == "invalid" and failed_version else status


@by_name
def test_offline_verification_judges_the_vector(vector: dict[str, Any]) -> None:
    token = vector["token"]
    if tokens.declared_type(token) == tokens.REPORT_TYPE:
        report = check_report_offline(token, keyring())
        status, found = report.status, report.checks
        named = report.claims.named() if report.claims else None
    else:
        outcome: Outcome = verify_token_offline(token, keyring())
        status, found = outcome.status, outcome.checks
        named = outcome.claims.named() if outcome.claims else None
    checks = {c.name: {"passed": c.passed} for c in found}
    assert _outcome_verdict(status.value, checks) == vector["expect"]
    assert named == vector.get("claims")


@pytest.fixture(scope="module")
def jwks_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vectors") / "jwks.json"
    path.write_text(json.dumps(JWKS), encoding="utf-8")
    return path


@by_name
def test_cli_verify_jwks_json_judges_the_vector(
    vector: dict[str, Any], jwks_file: Path, tmp_path: Path
) -> None:
    env = {
        "VERIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
        "VERIFIER_KEYS_DIR": str(tmp_path / "keys"),
    }
    result = CliRunner().invoke(
        cli, ["verify", vector["token"], "--jwks", str(jwks_file), "--json"], env=env
    )
    answer = json.loads(result.stdout)
    # A report's answer adds whether it has expired and (online) whether it changed since.
    report = tokens.declared_type(vector["token"]) == tokens.REPORT_TYPE
    assert set(answer) == {"status", "checks", "claims"} | (
        {"expired", "changed"} if report else set()
    )
    assert _outcome_verdict(answer["status"], answer["checks"]) == vector["expect"]
    assert answer["claims"] == vector.get("claims")
    assert result.exit_code == (0 if vector["expect"] == "valid" else 1)


@by_name
def test_reference_verifier_judges_the_vector(vector: dict[str, Any]) -> None:
    module = reference()
    result = module.verify(vector["token"], module.load_jwks(JWKS))
    assert (result.status, result.claims) == (vector["expect"], vector.get("claims"))
    if vector["expect"] != "valid":
        assert result.rule == vector["rule"]  # it fails for the rule the vector breaks


def test_reference_verifier_runs_alone_as_a_command(jwks_file: Path, tmp_path: Path) -> None:
    # Copied away from the repository and run by a bare interpreter: it needs nothing of ours.
    copy = tmp_path / "verify_token.py"
    copy.write_text(REFERENCE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    vector = next(v for v in VECTORS if v["name"] == "diploma-latin")
    url = tokens.qr_url("https://diplom.example.uz", vector["token"])
    result = subprocess.run(
        [sys.executable, "-I", str(copy), "--jwks", str(jwks_file), f" {url}\n"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["claims"] == vector["claims"]


def test_reference_verifier_imports_nothing_of_the_service() -> None:
    source = REFERENCE_FILE.read_text(encoding="utf-8")
    assert "verifier" not in {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }


# The signature part, judged by two JOSE libraries that share no code with
# joserfc: "verified", "bad_signature", or "refused" (the library will not
# parse the token). Past §2 a library must agree with the vector's "signed"
# and return the signed payload bytes.


def _jwcrypto(token: str) -> tuple[str, bytes | None]:
    keys = jwcrypto_jwk.JWKSet.from_json(json.dumps(JWKS))
    parsed = jwcrypto_jws.JWS()
    parsed.allowed_algs = ["Ed25519", "EdDSA"]
    try:
        parsed.deserialize(token)
        kid = parsed.jose_header.get("kid")
    except (JWException, ValueError, TypeError, KeyError):
        return "refused", None
    # One key, picked by kid: verifying against the whole set hides why it failed.
    key = keys.get_key(kid) if isinstance(kid, str) else None
    if key is None:
        return "bad_signature", None  # no published key, so nothing verifies it
    try:
        parsed.verify(key)
    except jwcrypto_jws.InvalidJWSSignature as exc:
        # jwcrypto folds "alg not allowed" into its signature error; tell them apart.
        return ("refused" if "not allowed" in str(exc) else "bad_signature"), None
    except (JWException, ValueError, TypeError, KeyError):
        return "refused", None
    return "verified", parsed.objects["payload"]


def _pyjwt(token: str) -> tuple[str, bytes | None]:
    api = jwt.PyJWS(algorithms=["EdDSA"])
    api.register_algorithm("Ed25519", OKPAlgorithm())  # PyJWT knows only the RFC 8037 name
    try:
        kid = api.get_unverified_header(token).get("kid")
    except (jwt.PyJWTError, ValueError, TypeError):
        return "refused", None
    key = next((k for k in JWKS["keys"] if isinstance(kid, str) and k["kid"] == kid), None)
    if key is None:
        return "bad_signature", None  # no published key, so nothing verifies it
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"]))
    try:
        decoded = api.decode_complete(token, public, algorithms=["Ed25519", "EdDSA"])
    except jwt.InvalidSignatureError:
        return "bad_signature", None
    except (jwt.PyJWTError, ValueError, TypeError):
        return "refused", None
    payload: bytes = decoded["payload"]
    return "verified", payload


@pytest.mark.parametrize("library", [_jwcrypto, _pyjwt], ids=["jwcrypto", "pyjwt"])
@by_name
def test_jose_library_agrees_on_the_signature(library: Any, vector: dict[str, Any]) -> None:
    verdict, payload = library(vector["token"])
    if vector["rule"].startswith("2.") and vector["expect"] == "invalid":
        # Malformed before any signature is looked at: a library may refuse it in
        # any way (jwcrypto re-encodes non-canonical base64url, so its signature
        # check fails); it must never verify a signature that is not there.
        assert verdict != "verified" or vector["signed"]
        return
    assert verdict == ("verified" if vector["signed"] else "bad_signature")
    if verdict == "verified":
        signed_part = vector["token"].split(".")[1]
        assert payload == b64url_decode(signed_part)


def test_the_worked_example_in_the_spec_is_the_first_vector() -> None:
    spec = (ROOT / "docs" / "token-format.md").read_text(encoding="utf-8")
    vector = next(v for v in VECTORS if v["name"] == "diploma-latin")
    header, payload, signature = (b64url_decode(part) for part in vector["token"].split("."))
    active = next(k for k in JWKS["keys"] if k["status"] == "active")
    seed = hashlib.sha256(b"verifier public test seed: active").digest()
    assert vector["token"] in spec and active["x"] in spec and seed.hex() in spec
    assert header.decode() in spec and payload.decode() in spec
    assert payload.hex() in "".join(spec.split())  # the hex dump, wrapped
    assert signature.hex() in "".join(spec.split())


def _broken_jwks(kind: str) -> dict[str, Any]:
    active = dict(next(k for k in JWKS["keys"] if k["status"] == "active"))
    if kind == "kid-mismatch":
        return {"keys": [{**active, "kid": "AAAAAAAAAAA"}]}
    return {"keys": [active, dict(active)]}  # duplicate kid


@pytest.mark.parametrize("kind", ["kid-mismatch", "duplicate-kid"])
def test_service_and_reference_refuse_the_same_damaged_jwks(kind: str) -> None:
    with pytest.raises(SigningKeyError):
        KeyRing.from_jwks(_broken_jwks(kind))
    with pytest.raises(reference().JWKSError):
        reference().load_jwks(_broken_jwks(kind))


def test_service_and_reference_leave_out_a_key_of_unknown_status() -> None:
    active = next(k for k in JWKS["keys"] if k["status"] == "active")
    document = {"keys": [{**active, "status": "suspended"}]}
    assert len(KeyRing.from_jwks(document)) == 0
    assert reference().load_jwks(document) == {}


def test_the_reference_verifier_says_beside_the_verdict_whether_a_report_has_expired() -> None:
    module = reference()
    keys = module.load_jwks(JWKS)
    by = {v["name"]: v for v in VECTORS}
    expired = module.verify(by["report-expired"]["token"], keys)
    current = module.verify(by["report-longest-claims"]["token"], keys)  # expires in 9999
    document = module.verify(by["diploma-latin"]["token"], keys)
    assert (expired.status, expired.expired) == ("valid", True)
    assert (current.status, current.expired) == ("valid", False)
    assert document.expired is None
