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
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from verifier.audit import events
from verifier.audit.events import NewEvent
from verifier.db.models import StaffUser
from verifier.documents.parse import FIELD_LABELS
from verifier.staff import accounts
from verifier.verification.service import Status
from verifier.web import guesses
from verifier.web.context import current_runtime
from verifier.web.i18n import LANGUAGES
from verifier.web.messages import DOCUMENT_TYPES, REVOCATION_REASONS, STATUS_WORDS
from verifier.web.workspace import admin, documents, imports
from verifier.web.workspace.auth import (
    LOGOUT,
    actor,
    current_staff,
    end_session,
    load_staff,
    require_staff,
    source_address,
    start_session,
)
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

OPEN_ENDPOINTS = {"registrar.login"}


LOGIN_LIMIT = "10/minute;100/hour"


def limit_workspace(app: Flask) -> None:
    """Staff are not held to the public look-up budget, but the log-in form is throttled.

    Registrars often share one institutional address, so the public per-address
    budget would throttle a whole office; guessing passwords is slowed per
    address here and per account by the lockout in ``accounts.log_in``.
    """
    for limiter in app.extensions.get("limiter", ()):
        if not limiter.enabled:
            continue
        limiter.exempt(bp)
        view = app.view_functions["registrar.login"]
        app.view_functions["registrar.login"] = limiter.limit(LOGIN_LIMIT, methods=["POST"])(view)


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
def login() -> BaseResponse | tuple[str, int] | str:
    if request.method == "GET":
        if current_staff() is not None:
            return redirect(url_for("registrar.home"))
        return render_template("registrar/login.html", expired=bool(request.args.get("expired")))
    email = request.form.get("email", "")[:254]
    password = request.form.get("password", "")[:1024]
    code = request.form.get("code", "")[:16]
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
        user = db.get(StaffUser, person.id)
        if user is not None:
            accounts.end_sessions(user)  # every session of the account, not only this cookie
        events.append(
            db,
            [NewEvent(LOGOUT, person.email, {"email": person.email, "source": source_address()})],
            actor=actor(),
        )
    end_session()
    return redirect(url_for("registrar.login"))


@bp.get("/")
def home() -> BaseResponse:
    person = require_staff()
    if person.is_admin:
        return redirect(url_for("registrar.admin.institutions"))
    return redirect(url_for("registrar.documents.search"))
