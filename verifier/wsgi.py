"""WSGI entry point: ``gunicorn verifier.wsgi:app``."""

from verifier import create_app

app = create_app()
