"""WSGI entry point: ``gunicorn verifier.web.wsgi:app``."""

from verifier.web.app import create_app

app = create_app()
