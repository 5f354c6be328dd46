"""The application factory: configuration, extensions, blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from verifier.config import Settings
from verifier.runtime import Runtime
from verifier.web import context, errors, framework, guesses, health, i18n, limits, security
from verifier.web.public import api, inquiries, reports, site
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
    app = framework.VerifierFlask("verifier", instance_path=str(settings.instance_dir))
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
    )
    app.extensions["verifier"] = Runtime(settings)

    security.init_app(app)  # size limits first: nothing else reads an oversized request
    limits.init_app(app, settings)
    guesses.init_app(app, settings)
    i18n.init_app(app)
    errors.init_app(app)
    context.keyring_provider(app)
    # The JSON APIs take no cookies, so they need no CSRF token.
    framework.protect_forms(
        app, exempt=(api.bp, api.wellknown, reports.api, inquiries.api, registrar_api.bp)
    )

    app.register_blueprint(health.bp)
    app.register_blueprint(site.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.wellknown)
    app.register_blueprint(reports.bp)
    app.register_blueprint(inquiries.bp)
    app.register_blueprint(registrar_api.bp)
    app.register_blueprint(workspace.bp)
    return app
