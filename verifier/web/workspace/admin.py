"""Administration (institutions, staff, API tokens, signing keys) and the audit trail.

Administrators change these; auditors read them (and the whole event log) and
change nothing. One-time secrets (a new account's TOTP enrolment, a new API
token) are shown in the answer to the POST that made them, never again.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse

from verifier.db.models import ApiToken, Event, Institution, SigningKey, StaffUser
from verifier.documents import registry
from verifier.errors import VerifierError
from verifier.printing.qr import qr_png
from verifier.signing import keys
from verifier.staff import accounts, api_tokens
from verifier.vocabulary import StaffRole
from verifier.web.context import current_runtime
from verifier.web.errors import message_of, status_of
from verifier.web.i18n import gettext as _
from verifier.web.workspace.auth import actor, roles
from verifier.web.workspace.documents import Page, date_argument, page_number

bp = Blueprint("admin", __name__)

READERS = (StaffRole.ADMIN, StaffRole.AUDITOR)
AUDIT_PER_PAGE = 50


def _institutions() -> list[Institution]:
    with current_runtime().database.session() as db:
        return list(db.scalars(select(Institution).order_by(Institution.code)))


@bp.get("/institutions")
@roles(*READERS)
def institutions() -> str:
    return render_template(
        "registrar/institutions.html", institutions=_institutions(), form={}, problem=None
    )


@bp.post("/institutions")
@roles(StaffRole.ADMIN)
def add_institution() -> BaseResponse | tuple[str, int]:
    form = {
        k: request.form.get(k, "").strip()[:300] for k in ("code", "name_uz", "name_ru", "name_en")
    }
    try:
        with current_runtime().database.transaction() as db:
            registry.add_institution(
                db,
                form["code"],
                name_uz=form["name_uz"],
                name_ru=form["name_ru"],
                name_en=form["name_en"],
                actor=actor(),
            )
    except VerifierError as exc:
        return render_template(
            "registrar/institutions.html",
            institutions=_institutions(),
            form=form,
            problem=message_of(exc),
        ), status_of(exc)
    flash(_("Institution %(code)s is added.", code=form["code"].upper()))
    return redirect(url_for(".institutions"))


def _users() -> list[StaffUser]:
    with current_runtime().database.session() as db:
        return list(db.scalars(select(StaffUser).order_by(StaffUser.email)))


@bp.get("/users")
@roles(*READERS)
def users() -> str:
    return render_template(
        "registrar/users.html",
        users=_users(),
        institutions=_institutions(),
        form={},
        problem=None,
        enrolment=None,
    )


@bp.post("/users")
@roles(StaffRole.ADMIN)
def add_user() -> tuple[str, int]:
    form = {k: request.form.get(k, "").strip()[:254] for k in ("email", "role", "institution")}
    password = request.form.get("password", "")[:1024]
    try:
        with current_runtime().database.transaction() as db:
            enrolment = accounts.add_user(
                db,
                form["email"],
                role=form["role"],
                password=password,
                institution=form["institution"] or None,
                actor=actor(),
            )
    except VerifierError as exc:
        return render_template(
            "registrar/users.html",
            users=_users(),
            institutions=_institutions(),
            form=form,
            problem=message_of(exc),
            enrolment=None,
        ), status_of(exc)
    qr = base64.b64encode(qr_png(enrolment.otpauth_uri, box_size=6)).decode()
    return render_template(
        "registrar/users.html",
        users=_users(),
        institutions=_institutions(),
        form={},
        problem=None,
        enrolment=enrolment,
        enrolment_qr=f"data:image/png;base64,{qr}",
    ), 201


def _tokens() -> list[ApiToken]:
    with current_runtime().database.session() as db:
        return list(db.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


@bp.get("/api-tokens")
@roles(*READERS)
def tokens() -> str:
    return render_template(
        "registrar/tokens.html",
        tokens=_tokens(),
        institutions=_institutions(),
        problem=None,
        created=None,
    )


@bp.post("/api-tokens")
@roles(StaffRole.ADMIN)
def create_token() -> tuple[str, int]:
    institution = request.form.get("institution", "").strip()[:16]
    name = request.form.get("name", "").strip()[:100] or None
    try:
        with current_runtime().database.transaction() as db:
            created = api_tokens.create(db, institution, name=name, actor=actor())
    except VerifierError as exc:
        return render_template(
            "registrar/tokens.html",
            tokens=_tokens(),
            institutions=_institutions(),
            problem=message_of(exc),
            created=None,
        ), status_of(exc)
    return render_template(
        "registrar/tokens.html",
        tokens=_tokens(),
        institutions=_institutions(),
        problem=None,
        created=created,
    ), 201


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
        rows = list(db.scalars(select(SigningKey).order_by(SigningKey.created_at.desc())))
    return render_template("registrar/keys.html", keys=rows)


@bp.post("/keys/rotate")
@roles(StaffRole.ADMIN)
def rotate_key() -> BaseResponse:
    runtime = current_runtime()
    with runtime.database.transaction() as db:
        kid = keys.rotate(db, runtime.keystore, actor=actor())
    flash(_("New signing key %(kid)s is active; the old one keeps verifying.", kid=kid))
    return redirect(url_for(".signing_keys"))


@bp.get("/audit")
@roles(*READERS)
def audit() -> str:
    """The event log, newest first, filtered by kind, actor, subject and dates."""
    problems: dict[str, str] = {}
    query = select(Event)
    kind = request.args.get("kind", "").strip()[:32]
    if kind:
        query = query.where(Event.kind == kind)
    who = request.args.get("actor", "").strip()[:200]
    if who:
        query = query.where(Event.actor.contains(who, autoescape=True))
    subject = request.args.get("subject", "").strip()[:64]
    if subject:
        query = query.where(Event.subject.contains(subject, autoescape=True))
    start, end = date_argument("from", problems), date_argument("to", problems)
    if start:
        query = query.where(Event.occurred_at >= dt.datetime.combine(start, dt.time(), dt.UTC))
    if end:
        query = query.where(
            Event.occurred_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    number = page_number()
    with current_runtime().database.session() as db:
        kinds = sorted(db.scalars(select(Event.kind).distinct()))
        total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(
            db.scalars(
                query.order_by(Event.seq.desc())
                .limit(AUDIT_PER_PAGE)
                .offset((number - 1) * AUDIT_PER_PAGE)
            )
        )
    return render_template(
        "registrar/audit.html",
        page=Page(rows, number, total, AUDIT_PER_PAGE),
        kinds=kinds,
        form=request.args,
        problems=problems,
        details=_details,
    )


def _details(event: Event) -> dict[str, Any]:
    try:
        value = json.loads(event.payload)
    except ValueError:
        return {"payload": event.payload}
    return value if isinstance(value, dict) else {"payload": value}
