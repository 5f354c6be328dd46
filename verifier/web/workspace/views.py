"""The staff workspace (``/registrar/...``): log in with password + TOTP, then work.

One parent blueprint owns what every workspace page shares (the session and its
expiry, the remembered language, refusals rendered as workspace pages, no
caching); documents, imports and administration are child blueprints.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import ExemptionScope
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from verifier.documents.parse import FIELD_LABELS
from verifier.staff import accounts
from verifier.verification.outcome import Status
from verifier.web import guesses
from verifier.web.context import current_runtime
from verifier.web.i18n import LANGUAGES
from verifier.web.limits import limiter
from verifier.web.messages import DOCUMENT_TYPES, REVOCATION_REASONS, STATUS_WORDS
from verifier.web.workspace import admin, archive, documents, eventview, imports, inquiries
from verifier.web.workspace.auth import (
    actor,
    current_staff,
    end_session,
    load_staff,
    require_staff,
    source_address,
    start_session,
)
from verifier.web.workspace.forms import LoginForm
from verifier.web.workspace.messages import (
    CSRF_REFUSED,
    JOB_STATES,
    KEY_STATES,
    REFUSALS,
    ROLE_NAMES,
)

bp = Blueprint("registrar", __name__, url_prefix="/registrar")
bp.register_blueprint(documents.bp)
bp.register_blueprint(imports.bp)
bp.register_blueprint(admin.bp)
bp.register_blueprint(archive.bp)
bp.register_blueprint(inquiries.bp)

OPEN_ENDPOINTS = {"registrar.login"}

# Staff are not held to the public look-up budget, but the log-in form is
# throttled (``@limiter.limit`` on it). Registrars often share one institutional
# address, so the public per-address budget would throttle a whole office;
# guessing passwords is slowed per address by LOGIN_LIMIT and per account by the
# lockout in ``accounts.log_in``. DESCENDENTS: documents, imports and admin too.
limiter.exempt(
    bp,
    flags=ExemptionScope.APPLICATION
    | ExemptionScope.DEFAULT
    | ExemptionScope.META
    | ExemptionScope.DESCENDENTS,
)
LOGIN_LIMIT = "10/minute;100/hour"


@bp.before_request
def _before() -> BaseResponse | None:
    _remember_language()
    person, expired = load_staff()
    g.staff = person
    if person is None and request.endpoint not in OPEN_ENDPOINTS:
        args: dict[str, Any] = {}
        if expired:
            args["expired"] = "1"
        if request.method == "GET":
            args["next"] = request.full_path
        return redirect(url_for("registrar.login", **args))
    return None


def _remember_language() -> None:
    """``?lang=`` switches the workspace's language until the person switches again."""
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        session["lang"] = asked
    elif session.get("lang") in LANGUAGES:
        g.language = session["lang"]  # read by i18n.select_language before anything else


@bp.after_request
def _no_store(response: Response) -> Response:
    # Workspace pages show personal data and one-time secrets: never cache them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _workspace_globals() -> dict[str, Any]:
    return {
        "staff": current_staff(),
        "page_url": page_url,
        "role_names": ROLE_NAMES,
        "status_names": {s.value: STATUS_WORDS[s] for s in Status},
        "type_names": DOCUMENT_TYPES,
        "revocation_reasons": REVOCATION_REASONS,
        "job_states": JOB_STATES,
        "key_states": KEY_STATES,
        "labels": FIELD_LABELS,
        "event_name": eventview.event_name,
        "event_details": eventview.details,
        "open_inquiries": inquiries.open_inquiries,
    }


def page_url(page: int) -> str:
    """This page's address with another page number, keeping the filters."""
    args = request.args.to_dict()
    args["page"] = str(page)
    return f"{request.path}?{urlencode(args)}"


@bp.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError) -> tuple[str, int]:
    current_app.logger.warning(
        "workspace refused %s %s from %s: %s",
        request.method,
        request.path,
        source_address(),
        error.description,
    )
    return render_template("registrar/refused.html", message=CSRF_REFUSED), 400


@bp.errorhandler(HTTPException)
def _refused(error: HTTPException) -> tuple[str, int] | HTTPException:
    status = error.code or 500
    if status not in REFUSALS:
        return error
    return render_template("registrar/refused.html", message=REFUSALS[status]), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login() -> BaseResponse | tuple[str, int] | str:
    form = LoginForm()
    if not form.is_submitted():
        if current_staff() is not None:
            return redirect(url_for("registrar.home"))
        return render_template("registrar/login.html", expired=bool(request.args.get("expired")))
    # No validators to ask: every refusal is the service's, in one generic message.
    email, password, code = form.email.data, form.password.data, form.code.data
    with current_runtime().database.transaction() as db:
        # Committed even when refused: the failure counter and the audit trail must stick.
        attempt = accounts.log_in(db, email, password, code, source=source_address())
        if attempt.user is not None:
            start_session(attempt.user)
    if attempt.user is None:
        failures = guesses.login_failures()
        address = email.strip().lower()
        locked = attempt.refusal == accounts.LOCKED or failures.spent(address)
        if not locked:
            failures.charge(address)
        current_app.logger.warning(
            "workspace log-in refused for %r from %s: %s", email, source_address(), attempt.refusal
        )
        return render_template(
            "registrar/login.html",
            email=email,
            locked=locked,
            refused=True,
        ), 401
    return redirect(_next_page())


def _next_page() -> str:
    """Where ``?next=`` points, if it is a workspace page; never another site."""
    target = request.args.get("next", "")
    safe = target.isascii() and target.isprintable() and " " not in target  # no CR/LF
    if safe and target.startswith("/registrar/") and "\\" not in target:
        return target
    return url_for("registrar.home")


@bp.post("/logout")
def logout() -> BaseResponse:
    person = require_staff()
    with current_runtime().database.transaction() as db:
        accounts.log_out(db, person.id, source=source_address(), actor=actor())
    end_session()
    return redirect(url_for("registrar.login"))


@bp.get("/")
def home() -> BaseResponse:
    person = require_staff()
    if person.is_admin:
        return redirect(url_for("registrar.admin.institutions"))
    return redirect(url_for("registrar.documents.search"))
