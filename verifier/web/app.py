"""The application factory: configuration, extensions, blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from verifier.config import Settings
from verifier.runtime import Runtime
from verifier.web import (
    context,
    errors,
    guesses,
    health,
    i18n,
    limits,
    security,
    sessions,
    strict_json,
    templating,
)
from verifier.web.public import api, reports, site
from verifier.web.registrar_api import views as registrar_api
from verifier.web.workspace import views as workspace


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Application factory: ``config`` is a :class:`Settings`, or overrides for the env ones."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env()
        if config:
            settings = settings.with_overrides(**dict(config))
    app = Flask("verifier", instance_path=str(settings.instance_dir))
    app.jinja_environment = templating.TranslatedEnvironment
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
    )
    # Names in Cyrillic and Uzbek Latin stay readable in JSON answers.
    app.session_interface = sessions.CookieSessionInterface()
    app.json = strict_json.StrictJSONProvider(app)  # deep or surrogate JSON is a 400
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["verifier"] = Runtime(settings)
    security.init_app(app)  # size limits first: nothing else reads an oversized request
    limits.init_app(app, settings)
    guesses.init_app(app, settings)
    i18n.init_app(app)
    errors.init_app(app)
    context.keyring_provider(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(site.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.wellknown)
    app.register_blueprint(reports.bp)
    app.register_blueprint(registrar_api.bp)
    app.register_blueprint(workspace.bp)
    workspace.limit_workspace(app)
    # Every HTML form carries a CSRF token; the JSON APIs take no cookies, so they are exempt.
    # Flask-WTF's own hook runs on every request and reads the request and config
    # through their proxies eight times before finding that a GET needs no token;
    # this one asks the method first (the same checks, in another order).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)
    for blueprint in (api.bp, api.wellknown, registrar_api.bp, reports.api):
        csrf.exempt(blueprint)

    @app.before_request
    def _check_csrf() -> None:
        if request.method in app.config["WTF_CSRF_METHODS"] and app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)

    return app
