"""Flask-Login set-up: the session cookie names a server-side session record, not a user."""

from __future__ import annotations

from flask import Flask

from portal.accounts.services import load_session
from portal.extensions import login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    # Server-side sessions already end on sign-out and expiry; Flask-Login's own "strong"
    # protection would also sign people out when a mobile network changes their address.
    login_manager.session_protection = None
    login_manager.user_loader(load_session)
