"""Flask's signed-cookie sessions, minus their cost on requests that carry none.

Public look-ups never have a session cookie, yet Flask builds the cookie signer
and reads seven settings on every request to find that out; on the JSON
look-up that showed in the profile. Requests with a cookie, and sessions that
are used, go through Flask's own code unchanged.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin


class CookieSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # what Flask would do too: no cookie to set or delete, no Vary
        super().save_session(app, session, response)
