"""Fixtures of the workspace tests."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.workspace import english_client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Overrides the suite's client for the workspace tests: English, like the assertions."""
    return english_client(app)
