"""Workspace revoke and reissue: public reason codes and linked supplements (issue 12)."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.values import diploma_values, transcript_values
from tests.support.workspace import Account, SignIn, document, form_post, text
from verifier.runtime import Runtime


def test_the_revoke_form_says_what_the_public_sees(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    number = issue()
    page = text(signed_in(registrar).get(f"/registrar/documents/{number}"))
    assert "Reason the public sees" in page and "never shown to the public" in page


def test_the_revoke_confirmation_lists_the_linked_supplement(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    number = issue(diploma_values())
    issue(transcript_values())
    page = form_post(
        signed_in(registrar),
        f"/registrar/documents/{number}/revoke",
        {"reason": "note", "code": "issued_in_error"},
    )
    assert "KTI2400001" in text(page) and "Issued in error" in text(page)


def test_a_confirmed_revocation_stores_the_code_and_the_note(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    form_post(
        signed_in(registrar),
        f"/registrar/documents/{number}/revoke",
        {"reason": "private note", "code": "annulled_by_decision", "confirm": "yes"},
    )
    revoked = document(runtime, number)
    assert (revoked.revocation_code, revoked.revocation_reason) == (
        "annulled_by_decision",
        "private note",
    )


def test_an_unknown_revocation_code_is_refused(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str], runtime: Runtime
) -> None:
    number = issue()
    response = form_post(
        signed_in(registrar),
        f"/registrar/documents/{number}/revoke",
        {"reason": "x", "code": "forged", "confirm": "yes"},
    )
    assert response.status_code == 422 and document(runtime, number).status == "valid"


def test_the_reissue_confirmation_lists_the_supplement_and_its_new_number(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    number = issue(diploma_values())
    issue(transcript_values())
    page = form_post(
        signed_in(registrar), f"/registrar/documents/{number}/reissue", {"new_number": "KT 2400999"}
    )
    assert "KTI2400001 → KTI2400999" in text(page)


def test_reissue_to_the_same_number_is_refused_before_the_confirmation(
    signed_in: SignIn, registrar: Account, issue: Callable[..., str]
) -> None:
    number = issue()
    page = form_post(
        signed_in(registrar), f"/registrar/documents/{number}/reissue", {"new_number": number}
    )
    assert page.status_code == 422 and "Yes, reissue it" not in text(page)
