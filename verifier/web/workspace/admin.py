"""Administration (institutions, staff, API tokens, signing keys) and the audit trail.

Administrators change these; auditors read them (and the whole event log) and
change nothing. One-time secrets (a new account's TOTP enrolment, a new API
token) are shown in the answer to the POST that made them, never again.
"""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from verifier.audit import trail
from verifier.audit.events import EventKind
from verifier.documents import institutions as institution_list
from verifier.documents import registry
from verifier.errors import VerifierError
from verifier.keys import lifecycle
from verifier.printing.qr import qr_png
from verifier.staff import accounts, api_tokens
from verifier.vocabulary import StaffRole
from verifier.web.context import current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import gettext as _
from verifier.web.workspace.auth import actor, roles
from verifier.web.workspace.forms import (
    ApiTokenForm,
    AuditFilterForm,
    InstitutionForm,
    RotateKeyForm,
    UserForm,
    first_error,
    requested_page,
)

bp = Blueprint("admin", __name__)

READERS = (StaffRole.ADMIN, StaffRole.AUDITOR)


def _institutions() -> list[Any]:
    with current_runtime().database.session() as db:
        return institution_list.listed(db)


def _institutions_page(form: InstitutionForm, problem: str | None, status: int) -> tuple[str, int]:
    return render_template(
        "registrar/institutions.html", institutions=_institutions(), form=form, problem=problem
    ), status


@bp.get("/institutions")
@roles(*READERS)
def institutions() -> tuple[str, int]:
    return _institutions_page(InstitutionForm(formdata=None), None, 200)


@bp.post("/institutions")
@roles(StaffRole.ADMIN)
def add_institution() -> BaseResponse | tuple[str, int]:
    form = InstitutionForm()
    if not form.validate():
        return _institutions_page(form, first_error(form), 422)
    try:
        with current_runtime().database.transaction() as db:
            added = registry.add_institution(
                db,
                form.code.data,
                name_uz=form.name_uz.data,
                name_ru=form.name_ru.data,
                name_en=form.name_en.data,
                actor=actor(),
            )
    except VerifierError as exc:
        return _institutions_page(form, message_of(exc), status_of(exc))
    flash(_("Institution %(code)s is added.", code=added.code))
    return redirect(url_for(".institutions"))


def _users_page(form: UserForm, problem: str | None, status: int, **extra: Any) -> tuple[str, int]:
    with current_runtime().database.session() as db:
        users = accounts.staff_accounts(db)
    return render_template(
        "registrar/users.html",
        users=users,
        institutions=_institutions(),
        form=form,
        problem=problem,
        enrolment=extra.pop("enrolment", None),
        **extra,
    ), status


@bp.get("/users")
@roles(*READERS)
def users() -> tuple[str, int]:
    return _users_page(UserForm(formdata=None), None, 200)


@bp.post("/users")
@roles(StaffRole.ADMIN)
def add_user() -> tuple[str, int]:
    form = UserForm()
    if not form.validate():
        return _users_page(form, first_error(form), 422)
    try:
        with current_runtime().database.transaction() as db:
            enrolment = accounts.add_user(
                db,
                form.email.data,
                role=form.role.data,
                password=form.password.data,
                institution=form.institution.data or None,
                actor=actor(),
            )
    except VerifierError as exc:
        return _users_page(form, message_of(exc), status_of(exc))
    qr = base64.b64encode(qr_png(enrolment.otpauth_uri, box_size=6)).decode()
    return _users_page(
        UserForm(formdata=None),
        None,
        201,
        enrolment=enrolment,
        enrolment_qr=f"data:image/png;base64,{qr}",
    )


def _tokens_page(problem: str | None, status: int, created: Any = None) -> tuple[str, int]:
    with current_runtime().database.session() as db:
        tokens = api_tokens.listed(db)
    return render_template(
        "registrar/tokens.html",
        tokens=tokens,
        institutions=_institutions(),
        problem=problem,
        created=created,
    ), status


@bp.get("/api-tokens")
@roles(*READERS)
def tokens() -> tuple[str, int]:
    return _tokens_page(None, 200)


@bp.post("/api-tokens")
@roles(StaffRole.ADMIN)
def create_token() -> tuple[str, int]:
    form = ApiTokenForm()
    if not form.validate():
        return _tokens_page(first_error(form), 422)
    try:
        with current_runtime().database.transaction() as db:
            created = api_tokens.create(
                db, form.institution.data, name=form.name.data or None, actor=actor()
            )
    except VerifierError as exc:
        return _tokens_page(message_of(exc), status_of(exc))
    return _tokens_page(None, 201, created)


@bp.post("/api-tokens/<int:token_id>/revoke")
@roles(StaffRole.ADMIN)
def revoke_token(token_id: int) -> BaseResponse:
    try:
        with current_runtime().database.transaction() as db:
            api_tokens.revoke(db, token_id, actor=actor())
    except VerifierError:
        flash(_("No such API token."))
    else:
        flash(_("The API token is revoked; requests with it are refused from now on."))
    return redirect(url_for(".tokens"))


@bp.get("/keys")
@roles(*READERS)
def signing_keys() -> str:
    with current_runtime().database.session() as db:
        ring = lifecycle.keyring(db)
    newest_first = sorted(ring, key=lambda key: key.valid_from, reverse=True)
    return render_template("registrar/keys.html", keys=newest_first)


@bp.post("/keys/rotate")
@roles(StaffRole.ADMIN)
def rotate_key() -> BaseResponse | tuple[str, int]:
    """Asks first (what rotating does and does not change), then rotates."""
    form = RotateKeyForm()
    runtime = current_runtime()
    if not form.confirmed:
        with runtime.database.session() as db:
            current = lifecycle.active_key(db)
            kid = current.kid if current else None
        return render_template("registrar/confirm_rotate.html", current_kid=kid), 200
    with runtime.database.transaction() as db:
        kid = lifecycle.rotate(db, runtime.keystore, actor=actor())
    flash(_("New signing key %(kid)s is active; the old one keeps verifying.", kid=kid))
    return redirect(url_for(".signing_keys"))


def _audit_page(result: trail.AuditResult | None) -> str:
    form = AuditFilterForm(request.args)
    form.validate()  # a malformed date is shown beside its field and filters nothing
    with current_runtime().database.session() as db:
        page = trail.page_of_events(db, form.filters(), page=requested_page(request.args))
        if result is None:
            result = trail.last_audit(db)
    return render_template(
        "registrar/audit.html",
        page=page,
        kinds=list(EventKind),
        form=form,
        audit=result,
    )


@bp.get("/audit")
@roles(*READERS)
def audit() -> str:
    """The event log, newest first, filtered by kind, actor, subject and dates, under
    the result of the last audit (``verifier audit``) and when it ran."""
    return _audit_page(None)


@bp.get("/audit/check")
@roles(*READERS)
def check_chain() -> str:
    """Run the whole audit now (it reads every event and document) and show its result.

    A GET: it only reads, and changes nothing, so auditors may run it too.
    """
    with current_runtime().database.session() as db:
        result = trail.audit_now(db, actor=actor())
    return _audit_page(result)
