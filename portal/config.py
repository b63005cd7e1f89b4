"""Settings, read from environment variables.

Development and test need nothing set: SQLite and uploads live in `instance/`, and a secret key is
generated once and kept there. Production (`PORTAL_ENV=production`) refuses to start without a real
`SECRET_KEY` and a `DATABASE_URL`.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Room in an upload request for the form fields and multipart headers around the files.
FORM_FIELDS_MARGIN = 64 * 1024


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _instance_secret_key(instance_path: Path) -> str:
    """Return the development secret key kept in `instance/`, creating it the first time."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path, url: str | None) -> str:
    if not url:
        return f"sqlite:///{instance_path / 'portal.db'}"
    # Heroku-style URLs name the driver we do not use.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from the environment."""
    env = dict(os.environ if environ is None else environ)
    production = env.get("PORTAL_ENV", "development") == "production"

    secret_key = env.get("SECRET_KEY")
    if production and (not secret_key or len(secret_key) < 32):
        raise ConfigError("Set SECRET_KEY to a random string of at least 32 characters.")
    if production and not env.get("DATABASE_URL"):
        raise ConfigError("Set DATABASE_URL to the production PostgreSQL database.")

    max_upload = int(env.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    return {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key or _instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path, env.get("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        "MAX_UPLOAD_BYTES": max_upload,
        # The whole request: the files plus room for the form's other fields. A bigger request
        # is answered 413 from its Content-Length, before its body is read.
        "MAX_CONTENT_LENGTH": max_upload + FORM_FIELDS_MARGIN,
        "CLAMD_SOCKET": env.get("CLAMD_SOCKET") or None,
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"},
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": env.get("MAIL_SENDER", "EHC Portal <no-reply@example.org>"),
        # The portal's address as people reach it: links in emails sent by the worker start with it.
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Daily summaries are gathered from this hour (UTC) onwards each day.
        "NOTICE_SUMMARY_HOUR": int(env.get("NOTICE_SUMMARY_HOUR", "7")),
        "COUNCIL_NAME": env.get("COUNCIL_NAME", "Northfield Council"),
        "SERVICE_NAME": env.get("SERVICE_NAME", "EHC Portal"),
        "COUNCIL_CONTACT_EMAIL": env.get("COUNCIL_CONTACT_EMAIL", "send.team@example.org"),
        "COUNCIL_CONTACT_PHONE": env.get("COUNCIL_CONTACT_PHONE", "01234 567 890"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Sessions: the cookie only names a server-side session record (see accounts.sessions).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-portal" if production else "portal",
        "REMEMBER_COOKIE_DURATION": timedelta(0),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which itself expires
        "WTF_CSRF_SSL_STRICT": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAIL_BACKEND": "smtp" if env.get("MAIL_SERVER") else "console",
    }
